"""What the symbols, bands and signals mean, a sentence each: one legend for the pages, the
command line and the packs."""

from scorecard.freshness import OUT_OF_DATE_SHAPE, OUT_OF_DATE_WORDS
from scorecard.symbols import NO_FIGURE_MEANING, NO_FIGURE_SHOWN

SYMBOLS = ("[c] suppressed to protect confidentiality (1 to 5 children); [x] not available (the "
           "publisher's word); [z] not applicable; [low] rounds to zero but is not zero.")
NO_FIGURE = (f"{NO_FIGURE_SHOWN} {NO_FIGURE_MEANING}: Scorecard holds no figure for the indicator up to the "
             "end of the quarter.")
OUT_OF_DATE = (f"{OUT_OF_DATE_SHAPE} {OUT_OF_DATE_WORDS}: the figure is older than its indicator's update cycle "
               "allows at the end of the quarter (yearly figures 15 months, quarterly 6, monthly 3).")
RAG = ("RAG: ● Green is on or better than target; ▲ Amber is worse but within tolerance; ■ Red is worse "
       "beyond tolerance; ○ No judgement where there is no target or the indicator has no polarity.")
QUARTILE = ("Quartile band A is the best quarter of English LAs, D the worst, and the rank among them "
            "(1 is the best); none for indicators with no polarity. Statistical neighbours are the mean of "
            "the LA's 10 neighbours, as LAIT does.")
SIGNIFICANCE = ("England, region and neighbours: = Similar where the comparator's figure lies within this "
                "figure's 95% confidence interval; + Better or − Worse where it lies outside it, ++ Much better "
                "or −− Much worse outside the 99.8% interval too; ↑ Higher or ↓ Lower for indicators with no "
                "polarity. Not compared where there is no count and denominator, the count is suppressed "
                "or its publisher rounded it, or the comparator's figure is for another period.")
TREND = ("Recent trend: whether the latest 5 figures in a row rise (↗) or fall (↘) significantly, "
         "and whether that is better or worse (the chi-square test Fingertips uses); → no significant "
         "change; it cannot be calculated with fewer than 5 figures or a gap.")
SPC = ("Variation and assurance, for quarterly and monthly figures (NHS Making Data Count): ~ Common "
       "cause is the usual variation; H↑ or L↓ is a special cause, high or low, an improvement or a "
       "concern; P consistently passing, F consistently failing or ? sometimes meeting the target "
       "with that variation. With fewer than 13 points the limits are trial ones and show no icon.")


def exceptions(rules: list[str]) -> str:
    return "Exceptions, listed on the Exceptions page, are indicators that meet any of: " + "; ".join(rules) + "."


def entries(exception_rules: list[str]) -> list[str]:
    """Every entry, in the order the scorecard's columns read."""
    return [SYMBOLS, NO_FIGURE, OUT_OF_DATE, RAG, QUARTILE, SIGNIFICANCE, TREND, SPC, exceptions(exception_rules)]
