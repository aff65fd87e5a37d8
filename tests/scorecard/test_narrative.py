"""The sentence per indicator: each case is the whole sentence, written out by hand.

The first is issue 12's own example. Signals come from the real functions (xmr, recent_trend),
so a sentence only says what they found.
"""

import pytest

from scorecard.model import Rag
from scorecard.narrative import Comparison, NarrativeInput, sentence
from scorecard.significance import Significance as S
from scorecard.spc import xmr
from scorecard.trend import TrendPoint, recent_trend

QUARTERS = [20, 21] * 6 + [20]  # 13 quarters: mean 266/13 = 20.46, moving range 1, limits +/- 2.66
RISE = QUARTERS + [22, 22, 22, 22, 22, 22, 23.0]  # then 7 in a row above the mean
SPC_RISE = xmr(RISE, "lower_is_better", baseline=13)
SPC_RISE_TARGET = xmr(RISE, "lower_is_better", target=20.0, baseline=13)
SPC_STEADY = xmr(QUARTERS + [21, 20], "lower_is_better")
SPC_TRIAL = xmr([20, 21, 20, 21, 20, 21, 20, 23], "lower_is_better")
SPC_BEYOND = xmr(QUARTERS + [26], "higher_is_better")

YEARS = [
    TrendPoint(24.67, 23.16, 26.25, 994, 40299), TrendPoint(24.6, 23.15, 26.19, 1023, 41527),
    TrendPoint(28, 26.44, 29.64, 1199, 42811), TrendPoint(30.2, 28.63, 31.9, 1332, 44064),
    TrendPoint(30.6, 28.98, 32.25, 1367, 44701),
]
RISING_WORSE = recent_trend(YEARS, "lower_is_better")
FLAT = recent_trend([TrendPoint(20, 18, 22)] * 5, "lower_is_better")
CANNOT = recent_trend(YEARS[:3], "lower_is_better")

ENGLAND_SIMILAR = Comparison("England", 22.6, S.SIMILAR)
NEIGHBOURS_SIMILAR = Comparison("statistical neighbours", None, S.SIMILAR)

RE_REFERRALS = {"title": "Re-referrals", "period": "2026-27 Q2", "decimals": 1, "unit": "percent"}
CLA = {"title": "Children looked after", "period": "31 Mar 2025", "decimals": 0, "unit": "rate",
       "multiplier": 10_000}

CASES = [
    # issue 12's example
    (
        NarrativeInput(**RE_REFERRALS, value=23.0, previous=22.0, target=20.0, rag=Rag.RED,
                       comparisons=[ENGLAND_SIMILAR, NEIGHBOURS_SIMILAR], spc=SPC_RISE),
        ("Re-referrals rose to 23.0% in 2026-27 Q2, above the 20.0% target (red); similar to England "
         "(22.6%) and to statistical neighbours; 7 quarters in a row above the average signal a "
         "sustained rise."),
    ),
    # with a target the chart adds its assurance
    (
        NarrativeInput(**RE_REFERRALS, value=23.0, previous=22.0, target=20.0, rag=Rag.RED, spc=SPC_RISE_TARGET),
        ("Re-referrals rose to 23.0% in 2026-27 Q2, above the 20.0% target (red); 7 quarters in a row "
         "above the average signal a sustained rise; with its usual variation it will sometimes meet "
         "and sometimes miss the target."),
    ),
    # a snapshot date reads 'at'; a rate has its multiplier; no polarity says 'higher'
    (
        NarrativeInput(**CLA, value=80.845, previous=79.6,
                       comparisons=[Comparison("England", 66.9, S.HIGHER),
                                    Comparison("the West Midlands", 88.0, S.SIMILAR),
                                    Comparison("statistical neighbours", 90.3, S.SIMILAR)]),
        ("Children looked after rose to 81 per 10,000 at 31 Mar 2025; significantly higher than England "
         "(67), similar to the West Midlands (88) and to statistical neighbours (90)."),
    ),
    # unchanged as people see it: 80.5 and 80.845 both show as 81 (half away from zero)
    (
        NarrativeInput(**CLA, value=80.845, previous=80.5),
        "Children looked after was unchanged at 81 per 10,000 at 31 Mar 2025.",
    ),
    # fell; below target and green; 'than' is not repeated; the recent trend
    (
        NarrativeInput(**RE_REFERRALS, value=18.25, previous=19.0, target=20.0, rag=Rag.GREEN,
                       comparisons=[Comparison("England", 22.6, S.BETTER),
                                    Comparison("statistical neighbours", 21.95, S.BETTER)],
                       trend=RISING_WORSE),
        ("Re-referrals fell to 18.3% in 2026-27 Q2, below the 20.0% target (green); significantly better "
         "than England (22.6%) and statistical neighbours (22.0%); over the latest 5 years the trend is "
         "increasing and getting worse."),
    ),
    # no interval, so no comparison is claimed: the comparators' values only
    (
        NarrativeInput(**RE_REFERRALS, value=22.65, comparisons=[
            Comparison("England", 22.6, S.NOT_COMPARED), Comparison("statistical neighbours", 21.0)]),
        "Re-referrals was 22.7% in 2026-27 Q2; England 22.6% and statistical neighbours 21.0% for comparison.",
    ),
    # a flat recent trend is said; one that cannot be calculated is not
    (
        NarrativeInput(**RE_REFERRALS, value=20.0, trend=FLAT),
        "Re-referrals was 20.0% in 2026-27 Q2; no significant change over the latest 5 years.",
    ),
    (
        NarrativeInput(**RE_REFERRALS, value=20.0, trend=CANNOT),
        "Re-referrals was 20.0% in 2026-27 Q2.",
    ),
    # trial limits (8 quarters) support no SPC signal
    (
        NarrativeInput(**RE_REFERRALS, value=23.0, spc=SPC_TRIAL),
        "Re-referrals was 23.0% in 2026-27 Q2.",
    ),
    (
        NarrativeInput(**RE_REFERRALS, value=20.0, spc=SPC_STEADY),
        ("Re-referrals was 20.0% in 2026-27 Q2; the latest quarter is within its usual range of "
         "variation (common cause)."),
    ),
    (
        NarrativeInput(**RE_REFERRALS, value=26.0, spc=SPC_BEYOND, spc_noun="month"),
        ("Re-referrals was 26.0% in 2026-27 Q2; the latest month is above the upper process limit, a "
         "special cause."),
    ),
    # on target as shown: 20.04 is 20.0
    (
        NarrativeInput(**RE_REFERRALS, value=20.04, target=20.0, rag=Rag.GREEN),
        "Re-referrals was 20.0% in 2026-27 Q2, on the 20.0% target (green).",
    ),
    # empty cells (NaN from pandas) are not figures: no 'fell', no target, no comparator
    (
        NarrativeInput(**RE_REFERRALS, value=21.0, previous=float("nan"), target=float("nan"),
                       comparisons=[Comparison("England", float("nan"), S.SIMILAR)]),
        "Re-referrals was 21.0% in 2026-27 Q2; similar to England.",
    ),
    # a suppressed figure: only its symbol and what it means
    (
        NarrativeInput(**RE_REFERRALS, value=None, status="c", previous=22.0, target=20.0,
                       comparisons=[ENGLAND_SIMILAR], trend=RISING_WORSE),
        "Re-referrals has no figure for 2026-27 Q2 ([c]: suppressed to protect confidentiality).",
    ),
    (
        NarrativeInput(**RE_REFERRALS, value=float("nan")),
        "Re-referrals has no figure for 2026-27 Q2 ([x]: not available).",
    ),
]


@pytest.mark.parametrize("facts, expected", CASES)
def test_sentence(facts, expected):
    assert sentence(facts) == expected


def test_the_same_inputs_give_the_same_sentence():
    facts = CASES[0][0]
    assert {sentence(facts) for _ in range(3)} == {CASES[0][1]}


@pytest.mark.parametrize("value, shown", [(22.65, "22.7%"), (0.125, "0.1%"), (-0.05, "-0.1%"), (2.675, "2.7%")])
def test_numbers_round_half_away_from_zero(value, shown):
    # round(22.65, 1) and f"{22.65:.1f}" both give 22.6: the float is 22.649999...
    assert sentence(NarrativeInput(**RE_REFERRALS, value=value)) == f"Re-referrals was {shown} in 2026-27 Q2."
