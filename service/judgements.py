"""No judgement is not "all well" (issue 16, point 2): why a scorecard's rows have no RAG, in
words the Overview, the scorecard and Exceptions all say the same way."""

from dataclasses import dataclass, field

from scorecard.model import Rag
from scorecard.periods import financial_year_containing, parse_period
from scorecard.quarterly import Scorecard, ScorecardRow

NO_POLARITY = "No RAG: a higher or lower figure is neither good nor bad for this indicator."
NO_TARGET = "No RAG: there is no target for this figure's year."
NO_FIGURE = "No RAG: there is no figure up to this quarter."


@dataclass
class Gaps:
    """The rows that could not be judged, by reason."""

    no_target: list[ScorecardRow] = field(default_factory=list)
    no_polarity: list[ScorecardRow] = field(default_factory=list)
    no_figure: list[ScorecardRow] = field(default_factory=list)
    years: list[str] = field(default_factory=list)  # the financial years the missing targets are for

    @property
    def unjudged(self) -> int:
        return len(self.no_target) + len(self.no_polarity) + len(self.no_figure)


def gaps(card: Scorecard) -> Gaps:
    found = Gaps()
    years = set()
    for row in card.rows:
        if row.rag != Rag.NO_JUDGEMENT.value:
            continue
        reason = why_no_rag(row)
        if reason == NO_POLARITY:
            found.no_polarity.append(row)
        elif reason == NO_FIGURE:
            found.no_figure.append(row)
        elif reason == NO_TARGET:
            found.no_target.append(row)
            years.add(_year_of(row))
    found.years = sorted(year for year in years if year)
    return found


def why_no_rag(row: ScorecardRow) -> str | None:
    """Why a row has no RAG, in one line; None when it has one or its figure is suppressed."""
    if row.rag != Rag.NO_JUDGEMENT.value:
        return None
    if row.polarity == "none":
        return NO_POLARITY
    if row.period_label is None:
        return NO_FIGURE
    if row.target is None:
        return NO_TARGET
    return None  # a target, but the figure is suppressed or not available: its symbol says why


def sentences(found: Gaps, quarter_year: str) -> list[str]:
    """What a page says about the rows it could not judge; nothing when every row is judged.
    A row is judged against a target for its figure's own period or year, else for the year
    of the quarter under review (`quarter_year`)."""
    said = []
    if found.no_target:
        years = [year for year in found.years if year != quarter_year]
        span = "" if not years else (f" or {years[0]}" if len(years) == 1 else f" or {years[0]} to {years[-1]}")
        one = len(found.no_target) == 1
        said.append(f"{_count(len(found.no_target))} with a figure {'has' if one else 'have'} no target for "
                    f"{quarter_year}{span} (the year of {'its' if one else 'their'} latest figure), so no RAG.")
    if found.no_polarity:
        said.append(f"{_count(len(found.no_polarity))} {'has' if len(found.no_polarity) == 1 else 'have'} no "
                    "polarity (a higher or lower figure is neither good nor bad), so no RAG.")
    if found.no_figure:
        said.append(f"{_count(len(found.no_figure))} {'has' if len(found.no_figure) == 1 else 'have'} no figure "
                    "up to this quarter.")
    return said


def financial_year_of(day) -> str:
    """The financial year a day falls in, as a target's year is written: '2024-25'."""
    return financial_year_containing(day).label


def _count(number: int) -> str:
    return f"{number} indicator" + ("" if number == 1 else "s")


def _year_of(row: ScorecardRow) -> str | None:
    try:
        return financial_year_containing(parse_period(row.period_label).end).label
    except (ValueError, TypeError):
        return None
