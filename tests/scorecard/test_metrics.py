"""The metric rules of DESIGN.md ("Metrics: the rules") at their boundaries.

Every expected value is worked out by hand in the tables (the arithmetic is in the
comments), written as a Decimal string so a float artefact cannot move a boundary.
"""

from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from scorecard.metrics import (
    Figure, direction, mean_of, mid_year_for, percentage, quartile_band, rag, rank, rate,
    round_half_away, round_half_away_array, shown_number, tolerance_band,
)
from scorecard.model import Direction, Polarity, Rag
from scorecard.periods import parse_period

HIGHER, LOWER, NONE = Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER, Polarity.NONE
GREEN, AMBER, RED, NO_JUDGEMENT = Rag.GREEN, Rag.AMBER, Rag.RED, Rag.NO_JUDGEMENT
IMPROVING, WORSENING, SAME = Direction.IMPROVING, Direction.WORSENING, Direction.NO_CHANGE
NOT_AVAILABLE = Direction.NOT_AVAILABLE
SUPPRESSED = Figure(None, "c")


def exactly(text: str) -> float:
    """The float nearest the decimal written by hand."""
    return float(Decimal(text))


# ---------------------------------------------------------------- rounding

@pytest.mark.parametrize(
    "value, decimals, expected",
    [
        (80.85, 1, "80.9"),  # the float is 80.8499999...; as written it is a half: up
        (80.849, 1, "80.8"),  # just under the half
        (80.851, 1, "80.9"),
        (-2.5, 0, "-3"),  # away from zero, not towards +infinity
        (2.5, 0, "3"),  # half-to-even round() would give 2
        (3.5, 0, "4"),
        (-3.5, 0, "-4"),
        (0.125, 2, "0.13"),  # half-to-even would give 0.12
        (-0.125, 2, "-0.13"),
        (0.124, 2, "0.12"),
        (1.005, 2, "1.01"),  # the float 1.005 is 1.00499999...
        (2.675, 2, "2.68"),  # the classic round(2.675, 2) == 2.67 case
        (80.0, 0, "80"),  # whole numbers stay whole
        (81, 0, "81"),
        (0, 1, "0"),
        (80.5, 0, "81"),  # CLA rates are whole numbers: 80.5 -> 81
        (1234.45, 1, "1234.5"),
        (317.549, 1, "317.5"),
        (317.55, 1, "317.6"),
    ],
)
def test_round_half_away_from_zero(value, decimals, expected):
    assert round_half_away(value, decimals) == exactly(expected)


def test_rounding_a_small_negative_to_zero_shows_no_minus_sign():
    # -0.04 to 1 dp is 0.0; '-0.0' would look like a fall on the board's screen.
    assert str(round_half_away(-0.04, 1)) == "0.0"
    assert Figure(-0.04).shown(1) == "0.0"


@pytest.mark.parametrize(
    "value, decimals, expected",
    [(np.float64(80.85), 1, "80.9"), (np.int64(575), 0, "575"), (Decimal("28.75"), 1, "28.8")],
)
def test_rounding_accepts_numpy_and_decimal_numbers(value, decimals, expected):
    # Values read from pandas frames are numpy numbers; repr(np.float64) is not a number.
    assert round_half_away(value, decimals) == exactly(expected)


# ---------------------------------------------------------------- rates

RATE_CASES = [
    # numerator, population, multiplier, decimals, expected by hand
    # Dudley CLA 31 March 2025: 575 / 71,124 = 0.0080845; x 10,000 = 80.845 -> 81 at 0 dp
    (575, 71_124, 10_000, 0, "81"),
    # the same at 1 dp: 80.845... -> 80.8 (the 2nd decimal is 4)
    (575, 71_124, 10_000, 1, "80.8"),
    # England CLA 31 March 2025: 83,630 / 12,483,900 x 10,000 = 66.99... -> 67
    (83_630, 12_483_900, 10_000, 0, "67"),
    # per 1,000 females 15-17: 26 / 5,400 x 1,000 = 4.8148 -> 4.8
    (26, 5_400, 1_000, 1, "4.8"),
    # per 100,000 aged 10-17: 52 / 27,500 x 100,000 = 189.09 -> 189
    (52, 27_500, 100_000, 0, "189"),
    # exact halves, which float division lands just below:
    # 23 / 80 x 100 = 28.75 exactly -> 28.8 (floats give 28.749999999999996)
    (23, 80, 100, 1, "28.8"),
    # 29 / 400 x 100 = 7.25 exactly -> 7.3
    (29, 400, 100, 1, "7.3"),
    # 1 / 8 x 1 = 0.125 exactly -> 0.13
    (1, 8, 1, 2, "0.13"),
    # 1 / 20,000 x 10,000 = 0.5 exactly -> 1 at 0 dp
    (1, 20_000, 10_000, 0, "1"),
    # a real zero stays a zero
    (0, 71_124, 10_000, 0, "0"),
]


@pytest.mark.parametrize("numerator, population, multiplier, decimals, expected", RATE_CASES)
def test_rate_from_numerator_and_population(numerator, population, multiplier, decimals, expected):
    result = rate(Figure(numerator), population, multiplier, decimals)
    assert (result.value, result.status) == (exactly(expected), "")


def test_rate_without_decimals_is_not_rounded():
    # 575 / 71,124 x 10,000 = 80.8447...: between 80.844 and 80.845
    value = rate(Figure(575), 71_124, 10_000).value
    assert 80.844 < value < 80.845


@pytest.mark.parametrize("population", [0, 0.0, None, float("nan"), -5])
def test_rate_with_a_zero_or_missing_population_is_missing_not_zero(population):
    result = rate(Figure(575), population, 10_000, 0)
    assert (result.value, result.status) == (None, "x")
    assert result.shown(0) == "[x]"


@pytest.mark.parametrize("symbol", ["c", "x", "z", "u", "low", "k", ":", "..", "-"])
def test_a_suppressed_numerator_keeps_its_symbol(symbol):
    result = rate(Figure(None, symbol), 71_124, 10_000, 0)
    assert (result.value, result.status) == (None, symbol)
    assert result.shown(0) == f"[{symbol}]"


@pytest.mark.parametrize("numerator", [Figure(None), Figure(float("nan"))])
def test_a_missing_numerator_gives_a_missing_rate(numerator):
    # A blank cell (None, or NaN from pandas) is missing: '[x]', never 0 and never NaN.
    result = rate(numerator, 71_124, 10_000, 0)
    assert (result.value, result.status) == (None, "x")


PERCENT_CASES = [
    (Figure(45), 300, Figure(15.0)),  # 45 / 300 = 0.15 -> 15.0%
    (Figure(1), 3, Figure(33.3)),  # 33.33...
    (Figure(2), 3, Figure(66.7)),  # 66.66... -> 66.7
    (Figure(1), 8, Figure(12.5)),  # 12.5 exactly
    (Figure(1), 1600, Figure(0.1)),  # 0.0625 -> 0.1
    (Figure(7), 80, Figure(8.8)),  # 8.75 exactly -> 8.8
    (Figure(0), 300, Figure(0.0)),
    (Figure(5), Figure(300), Figure(1.7)),  # 1.666... -> 1.7
    (Figure(5), 0, Figure(None, "x")),  # zero denominator
    (Figure(5), None, Figure(None, "x")),  # missing denominator
    (Figure(5), Figure(None, "c"), Figure(None, "c")),  # suppressed denominator keeps its symbol
    (Figure(None, "c"), 300, Figure(None, "c")),  # suppressed numerator keeps its symbol
    (Figure(None, "low"), Figure(None, "c"), Figure(None, "low")),  # the numerator's symbol first
]


@pytest.mark.parametrize("numerator, denominator, expected", PERCENT_CASES)
def test_percentage(numerator, denominator, expected):
    assert percentage(numerator, denominator, 1) == expected


# ---------------------------------------------------------------- the mid-(Y-1) rule

@pytest.mark.parametrize(
    "period_end, mid_year",
    [
        (date(2025, 3, 31), 2024),  # a figure at 31 March Y uses mid-(Y-1)
        (date(2021, 3, 31), 2020),
        (date(2024, 6, 29), 2023),  # a day before the estimate's date
        (date(2024, 6, 30), 2024),  # the estimate's own date
        (date(2024, 7, 1), 2024),
        (date(2024, 12, 31), 2024),  # calendar-year figures use their own year
        (date(2025, 1, 1), 2024),
    ],
)
def test_mid_year_population_rule(period_end, mid_year):
    assert mid_year_for(period_end) == mid_year


# ---------------------------------------------------------------- RAG

RAG_CASES = [
    # value, target, polarity, tolerance, tolerance type, decimals -> RAG
    # higher is better, target 80, absolute tolerance 2: amber from 78.0 to 79.9
    (80.0, 80, HIGHER, 2, "absolute", 1, GREEN),  # on target
    (80.1, 80, HIGHER, 2, "absolute", 1, GREEN),  # just better
    (79.9, 80, HIGHER, 2, "absolute", 1, AMBER),  # just worse
    (78.0, 80, HIGHER, 2, "absolute", 1, AMBER),  # 80 - 2 = 78: the edge is within
    (77.9, 80, HIGHER, 2, "absolute", 1, RED),  # just beyond the edge
    # lower is better, target 10, absolute tolerance 0.5: amber from 10.1 to 10.5
    (10.0, 10, LOWER, 0.5, "absolute", 1, GREEN),
    (9.9, 10, LOWER, 0.5, "absolute", 1, GREEN),
    (10.1, 10, LOWER, 0.5, "absolute", 1, AMBER),
    (10.5, 10, LOWER, 0.5, "absolute", 1, AMBER),  # 10 + 0.5: the edge
    (10.6, 10, LOWER, 0.5, "absolute", 1, RED),
    # percentage tolerance: 5% of 90 = 4.5, so higher is better is amber from 85.5 to 89.9
    (90.0, 90, HIGHER, 5, "percent", 1, GREEN),
    (89.9, 90, HIGHER, 5, "percent", 1, AMBER),
    (85.5, 90, HIGHER, 5, "percent", 1, AMBER),  # 90 - 4.5: the edge
    (85.4, 90, HIGHER, 5, "percent", 1, RED),
    # 10% of 20 = 2, lower is better: amber from 20.1 to 22.0
    (20.0, 20, LOWER, 10, "percent", 1, GREEN),
    (22.0, 20, LOWER, 10, "percent", 1, AMBER),  # 20 + 2: the edge
    (22.1, 20, LOWER, 10, "percent", 1, RED),
    # percentages of awkward targets: 10% of 8.1 = 0.81, so the edge is 8.1 + 0.81 = 8.91
    (8.91, 8.1, LOWER, 10, "percent", 2, AMBER),  # floats give 8.91 - 8.1 = 0.8100000000000005
    (8.92, 8.1, LOWER, 10, "percent", 2, RED),
    # absolute tolerance edges that floats get wrong: 0.3 - 0.1 = 0.19999999999999998
    (0.3, 0.1, LOWER, 0.2, "absolute", 1, AMBER),
    (0.4, 0.1, LOWER, 0.2, "absolute", 1, RED),
    # judged on the rounded value people see
    (79.96, 80, HIGHER, 2, "absolute", 1, GREEN),  # shown as 80.0
    (79.94, 80, HIGHER, 2, "absolute", 1, AMBER),  # shown as 79.9
    (77.96, 80, HIGHER, 2, "absolute", 1, AMBER),  # shown as 78.0: on the edge
    (77.94, 80, HIGHER, 2, "absolute", 1, RED),  # shown as 77.9
    (10.04, 10, LOWER, 0, "absolute", 1, GREEN),  # shown as 10.0
    (80.5, 81, HIGHER, 0, "absolute", 0, GREEN),  # shown as 81 (half away from zero)
    # no tolerance: anything worse than target is red
    (79.9, 80, HIGHER, None, "absolute", 1, RED),
    (79.9, 80, HIGHER, 0, "percent", 1, RED),
    (80.0, 80, HIGHER, None, "absolute", 1, GREEN),
    # a target of 0 with a percentage tolerance allows nothing: 10% of 0 = 0
    (0.0, 0, LOWER, 10, "percent", 2, GREEN),
    (0.01, 0, LOWER, 10, "percent", 2, RED),
    # a negative target uses the size of the target: 10% of |-5| = 0.5
    (-4.5, -5, HIGHER, 10, "percent", 1, GREEN),
    (-5.5, -5, HIGHER, 10, "percent", 1, AMBER),
    (-5.6, -5, HIGHER, 10, "percent", 1, RED),
    # no judgement
    (81.0, None, HIGHER, 2, "absolute", 0, NO_JUDGEMENT),  # no target
    (81.0, float("nan"), HIGHER, 2, "absolute", 0, NO_JUDGEMENT),  # an empty target cell
    (81.0, 70, NONE, 2, "absolute", 0, NO_JUDGEMENT),  # no polarity (CLA, CIN, CPP rates)
    (50.0, 70, NONE, None, "percent", 0, NO_JUDGEMENT),
]


@pytest.mark.parametrize("value, target, polarity, tolerance, kind, decimals, expected", RAG_CASES)
def test_rag_against_target(value, target, polarity, tolerance, kind, decimals, expected):
    assert rag(Figure(value), target, polarity, tolerance, kind, decimals) == expected


@pytest.mark.parametrize("figure", [SUPPRESSED, Figure(None, "x"), Figure(None, "low"), Figure(None),
                                    Figure(float("nan"))])
@pytest.mark.parametrize("polarity", [HIGHER, LOWER, NONE])
def test_rag_of_a_suppressed_or_missing_figure_is_no_judgement(figure, polarity):
    assert rag(figure, 80, polarity, 2, "absolute", 1) == NO_JUDGEMENT


def test_an_empty_tolerance_cell_means_no_tolerance():
    assert rag(Figure(79.9), 80, HIGHER, float("nan"), "absolute", 1) == RED


@pytest.mark.parametrize("kind", ["relative", "%", "", "Absolute "])
def test_rag_refuses_an_unknown_tolerance_type(kind):
    with pytest.raises(ValueError, match="tolerance_type must be 'absolute' or 'percent'"):
        rag(Figure(80), 80, HIGHER, 2, kind, 1)


def test_rag_is_a_word_not_only_a_colour():
    # The board sees the word: "no judgement" is spelled out, not left blank.
    assert [status.value for status in Rag] == ["green", "amber", "red", "no judgement"]


# ---------------------------------------------------------------- direction of travel

DIRECTION_CASES = [
    # now, then (previous period or a year earlier), polarity, decimals -> direction
    (Figure(82.0), Figure(80.0), HIGHER, 0, IMPROVING),
    (Figure(78.0), Figure(80.0), HIGHER, 0, WORSENING),
    (Figure(78.0), Figure(80.0), LOWER, 0, IMPROVING),
    (Figure(82.0), Figure(80.0), LOWER, 0, WORSENING),
    (Figure(82.0), Figure(80.0), NONE, 0, Direction.HIGHER),  # no polarity: no judgement
    (Figure(78.0), Figure(80.0), NONE, 0, Direction.LOWER),
    (Figure(80.0), Figure(80.0), NONE, 0, SAME),
    # the smallest change that shows
    (Figure(80.1), Figure(80.0), HIGHER, 1, IMPROVING),
    (Figure(80.1), Figure(80.0), LOWER, 1, WORSENING),
    # within the indicator's rounding: both shown as 80, so no change
    (Figure(80.4), Figure(79.6), HIGHER, 0, SAME),
    (Figure(80.4), Figure(79.6), LOWER, 0, SAME),
    (Figure(80.4), Figure(79.6), NONE, 0, SAME),
    (Figure(80.4), Figure(79.6), HIGHER, 1, IMPROVING),  # 80.4 against 79.6 at 1 dp
    # 80.85 -> 80.9 and 80.94 -> 80.9: the same to the board
    (Figure(80.85), Figure(80.94), HIGHER, 1, SAME),
    # 80.5 -> 81, 80.49 -> 80: a change (half away from zero)
    (Figure(80.5), Figure(80.49), HIGHER, 0, IMPROVING),
    # missing or suppressed on either side: not available, never 'improving from zero'
    (SUPPRESSED, Figure(80.0), HIGHER, 0, NOT_AVAILABLE),
    (Figure(80.0), SUPPRESSED, LOWER, 0, NOT_AVAILABLE),
    (Figure(80.0), Figure(None, "x"), NONE, 0, NOT_AVAILABLE),
    (Figure(None), Figure(None), HIGHER, 0, NOT_AVAILABLE),
    (Figure(float("nan")), Figure(80.0), HIGHER, 0, NOT_AVAILABLE),
]


@pytest.mark.parametrize("now, then, polarity, decimals, expected", DIRECTION_CASES)
def test_direction_of_travel(now, then, polarity, decimals, expected):
    assert direction(now, then, polarity, decimals) == expected


# A quarterly series (lower is better, 1 dp): Q2 2024-25 is 12.0; the quarter before,
# Q1 2024-25, was 12.4 (so better now); a year earlier, Q2 2023-24, was 11.0 (so worse now).
SERIES = {"2024-25 Q2": Figure(12.0), "2024-25 Q1": Figure(12.4), "2023-24 Q2": Figure(11.0),
          "2024-25 Q3": Figure(12.04), "2023-24 Q3": SUPPRESSED}


@pytest.mark.parametrize(
    "label, polarity, against_previous, against_a_year_earlier",
    [
        ("2024-25 Q2", LOWER, IMPROVING, WORSENING),
        ("2024-25 Q2", HIGHER, WORSENING, IMPROVING),
        ("2024-25 Q2", NONE, Direction.LOWER, Direction.HIGHER),
        # 12.04 shows as 12.0, the same as the quarter before; a year earlier was '[c]'
        ("2024-25 Q3", LOWER, SAME, NOT_AVAILABLE),
        # nothing loaded for the quarter before 2024-25 Q1 or a year earlier
        ("2024-25 Q1", LOWER, NOT_AVAILABLE, NOT_AVAILABLE),
    ],
)
def test_direction_against_the_previous_period_and_a_year_earlier(
    label, polarity, against_previous, against_a_year_earlier
):
    period = parse_period(label)
    now = SERIES[label]
    before = SERIES.get(period.previous().label, Figure.missing())
    year_earlier = SERIES.get(period.same_period_a_year_earlier().label, Figure.missing())
    assert direction(now, before, polarity, 1) == against_previous
    assert direction(now, year_earlier, polarity, 1) == against_a_year_earlier


# ---------------------------------------------------------------- statistical-neighbour mean

MEAN_CASES = [
    # members, decimals -> mean by hand
    ([Figure(10.0), Figure(20.0), Figure(31.0)], 1, Figure(20.3)),  # 61 / 3 = 20.33
    ([Figure(1.0), Figure(2.0)], 0, Figure(2.0)),  # 1.5 -> 2 (half away from zero)
    ([Figure(10.1), Figure(10.2)], 1, Figure(10.2)),  # 20.3 / 2 = 10.15 -> 10.2 (floats: 10.149999...)
    ([Figure(0.1), Figure(0.2), Figure(0.3)], 2, Figure(0.2)),  # 0.6 / 3 = 0.2
    ([Figure(-1.0), Figure(-2.0)], 0, Figure(-2.0)),  # -1.5 -> -2
    ([Figure(80.0)] * 10, 0, Figure(80.0)),
    # Decision: a suppressed or missing member is left out, never counted as 0:
    # (10 + 20 + 31) / 3 = 20.33, not (10 + 20 + 0 + 31) / 4 = 15.25
    ([Figure(10.0), Figure(20.0), SUPPRESSED, Figure(31.0)], 1, Figure(20.3)),
    ([Figure(10.0), Figure(None), Figure(float("nan")), Figure(30.0)], 0, Figure(20.0)),
    # with no published member the mean is missing, shown as '[x]'
    ([SUPPRESSED, Figure(None, "x")], 1, Figure(None, "x")),
    ([], 1, Figure(None, "x")),
]


@pytest.mark.parametrize("members, decimals, expected", MEAN_CASES)
def test_neighbour_mean(members, decimals, expected):
    assert mean_of(members, decimals) == expected


# ---------------------------------------------------------------- rank and quartile band

LAS = [Figure(v) for v in (10.0, 20.0, 20.0, 30.0, 40.0)] + [SUPPRESSED, Figure(None)]

RANK_CASES = [
    # higher is better: 40 > 30 > 20 = 20 > 10
    (40.0, HIGHER, 1), (30.0, HIGHER, 2), (20.0, HIGHER, 3), (10.0, HIGHER, 5),  # tied 3rd; no 4th
    # lower is better: 10 < 20 = 20 < 30 < 40
    (10.0, LOWER, 1), (20.0, LOWER, 2), (30.0, LOWER, 4), (40.0, LOWER, 5),
    # no polarity: a position, 1 = lowest, as LAIT lists them
    (10.0, NONE, 1), (20.0, NONE, 2), (40.0, NONE, 5),
]


@pytest.mark.parametrize("value, polarity, expected", RANK_CASES)
def test_rank_among_las_1_is_best(value, polarity, expected):
    assert rank(Figure(value), LAS, polarity) == expected


@pytest.mark.parametrize("figure", [SUPPRESSED, Figure(None), Figure(float("nan"))])
def test_a_suppressed_or_missing_figure_has_no_rank(figure):
    assert rank(figure, LAS, HIGHER) is None


# Nine LAs 1..9: inclusive quartiles are 3, 5 and 7 (positions 3, 5 and 7 of 9).
NINE = [Figure(float(v)) for v in range(1, 10)]

QUARTILE_CASES = [
    # higher is better: A is 7 and above, B 5 to 6.9, C 3 to 4.9, D below 3
    (9.0, HIGHER, "A"), (7.0, HIGHER, "A"), (6.9, HIGHER, "B"), (5.0, HIGHER, "B"),
    (4.9, HIGHER, "C"), (3.0, HIGHER, "C"), (2.9, HIGHER, "D"), (1.0, HIGHER, "D"),
    # lower is better: A is 3 and below, B to 5, C to 7, D above 7
    (1.0, LOWER, "A"), (3.0, LOWER, "A"), (3.1, LOWER, "B"), (5.0, LOWER, "B"),
    (5.1, LOWER, "C"), (7.0, LOWER, "C"), (7.1, LOWER, "D"), (9.0, LOWER, "D"),
]


@pytest.mark.parametrize("value, polarity, expected", QUARTILE_CASES)
def test_quartile_band_a_is_the_best_quarter(value, polarity, expected):
    assert quartile_band(Figure(value), NINE, polarity) == expected


def test_quartile_bands_ignore_suppressed_las():
    # Four published LAs 1, 2, 3, 4: inclusive quartiles 1.75, 2.5, 3.25.
    four = [Figure(1.0), SUPPRESSED, Figure(2.0), Figure(None, "x"), Figure(3.0), Figure(4.0)]
    bands = [quartile_band(Figure(v), four, HIGHER) for v in (4.0, 3.0, 2.0, 1.0)]
    assert bands == ["A", "B", "C", "D"]


@pytest.mark.parametrize(
    "value, las, polarity",
    [
        (Figure(5.0), NINE, NONE),  # no polarity: no band
        (Figure(2.0), NINE[:3], HIGHER),  # three LAs are too few for quarters
        (Figure(2.0), NINE[:3] + [SUPPRESSED], HIGHER),  # a suppressed one does not count
        (SUPPRESSED, NINE, HIGHER),
        (Figure(None), NINE, LOWER),
    ],
)
def test_no_quartile_band(value, las, polarity):
    assert quartile_band(value, las, polarity) is None


# ---------------------------------------------------------------- how a figure is shown

@pytest.mark.parametrize(
    "figure, decimals, shown",
    [
        (Figure(1281.0), 0, "1,281"),
        (Figure(80.85), 1, "80.9"),
        (Figure(80.845), 0, "81"),
        (Figure(12345.678), 2, "12,345.68"),
        (Figure(0.0), 1, "0.0"),
        (SUPPRESSED, 1, "[c]"),
        (Figure(None, "low"), 0, "[low]"),
        (Figure(None), 0, "[x]"),  # missing with no symbol given
        (Figure(float("nan")), 1, "[x]"),
    ],
)
def test_figure_shown(figure, decimals, shown):
    assert figure.shown(decimals) == shown


# ---------------------------------------------------------------- one rounding, wherever shown

SHOWN_CASES = [
    # value, decimals -> as people read it; f"{value:.{decimals}f}" rounds half to even
    (2.5, 0, "3"),  # an f-string says '2'
    (-2.5, 0, "-3"),
    (0.125, 2, "0.13"),  # an f-string says '0.12'
    (80.85, 1, "80.9"),  # stored as 80.8499999...
    (1234.5, 0, "1,235"),
    (-0.04, 1, "0.0"),  # never '-0.0'
    (None, 0, ""),
    (float("nan"), 1, ""),
]


@pytest.mark.parametrize("value, decimals, expected", SHOWN_CASES)
def test_shown_number_rounds_half_away_from_zero(value, decimals, expected):
    assert shown_number(value, decimals) == expected


def test_the_array_rounding_is_the_same_rule_as_the_one_value_rounding():
    rng = np.random.default_rng(7)
    ties = np.round(rng.uniform(-1000, 1000, 20_000), 3) + 0.0005  # every one near a half
    values = np.concatenate([ties, rng.uniform(-1e6, 1e6, 20_000), [0.5, 1.5, 2.5, -2.5, 80.85, 28.75, np.nan]])
    for decimals in (0, 1, 3):
        rounded = round_half_away_array(values, decimals)
        expected = [round_half_away(value, decimals) for value in values]
        np.testing.assert_array_equal(rounded, expected)


@pytest.mark.parametrize("tolerance, kind, polarity, band", [
    (5, "percent", LOWER, (80.0, 84.0)),  # 5% of 80 above: worse is higher
    (2, "absolute", HIGHER, (78.0, 80.0)),  # worse is lower
    (None, "absolute", HIGHER, (80.0, 80.0)),
])
def test_tolerance_band_is_the_amber_band_of_rag(tolerance, kind, polarity, band):
    assert tolerance_band(80, tolerance, kind, polarity) == band
    edge = band[1] if polarity == LOWER else band[0]
    assert rag(Figure(edge), 80, polarity, tolerance, kind) in (AMBER, GREEN)
