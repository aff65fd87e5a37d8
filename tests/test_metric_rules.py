"""Every metric rule at its boundaries (DESIGN.md, "Metrics: the rules"). Expected values are
worked out by hand in the tables, not taken from the functions under test."""

from datetime import date

import pytest

from scorecard.metrics import (
    Figure, direction, mean_of, mid_year_for, percentage, quartile_band, rag, rank, rate,
    round_half_away,
)
from scorecard.model import Direction, Polarity, Rag
from scorecard.symbols import SYMBOLS, display_symbol, parse_symbol

HIGHER, LOWER, NONE = Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER, Polarity.NONE


@pytest.mark.parametrize(
    "value, decimals, expected",
    [
        (80.85, 1, 80.9),  # stored as 80.8499999...: still rounds up, as published
        (80.845, 2, 80.85),
        (0.125, 2, 0.13),  # half-to-even would give 0.12
        (2.5, 0, 3.0),  # half-to-even would give 2
        (3.5, 0, 4.0),
        (-2.5, 0, -3.0),  # away from zero, not up
        (-0.05, 1, -0.1),
        (80.849, 1, 80.8),
        (317.54, 1, 317.5),
        (0.0, 1, 0.0),
    ],
)
def test_round_half_away_from_zero(value, decimals, expected):
    assert round_half_away(value, decimals) == expected


@pytest.mark.parametrize(
    "numerator, population, multiplier, decimals, expected",
    [
        (575, 71124, 10_000, 0, 81.0),  # Dudley CLA 31 March 2025: 80.85 -> 81
        (2215, 69761, 10_000, 1, 317.5),  # Dudley CIN 2024 with DfE's population: 317.51
        (26, 5400, 1_000, 1, 4.8),  # under-18 conceptions per 1,000 females 15-17: 4.81
        (52, 27500, 100_000, 0, 189.0),  # first-time entrants per 100,000 aged 10-17: 189.09
        (0, 71124, 10_000, 0, 0.0),  # a real zero stays a zero
    ],
)
def test_rate_from_numerator_and_population(numerator, population, multiplier, decimals, expected):
    assert rate(Figure(numerator), population, multiplier, decimals) == Figure(expected)


@pytest.mark.parametrize("population", [0, None, -5])
def test_rate_with_no_usable_population_is_missing_not_zero(population):
    result = rate(Figure(575), population, 10_000, 0)
    assert result.value is None
    assert result.status == "x"
    assert result.shown(0) == "[x]"


@pytest.mark.parametrize("symbol", sorted(SYMBOLS))
def test_a_suppressed_count_gives_a_suppressed_rate_with_its_symbol(symbol):
    result = rate(Figure(None, symbol), 71124, 10_000, 0)
    assert (result.value, result.status) == (None, symbol)
    assert result.shown(0) == f"[{symbol}]"
    assert percentage(Figure(None, symbol), 400, 1).status == symbol


@pytest.mark.parametrize(
    "numerator, denominator, expected",
    [(Figure(45), 300, Figure(15.0)), (Figure(1), 3, Figure(33.3)), (Figure(2), 3, Figure(66.7)),
     (Figure(5), Figure(None, "c"), Figure(None, "c")), (Figure(5), 0, Figure(None, "x")),
     (Figure(5), None, Figure(None, "x"))],
)
def test_percentage(numerator, denominator, expected):
    assert percentage(numerator, denominator, 1) == expected


@pytest.mark.parametrize(
    "period_end, mid_year",
    [
        (date(2025, 3, 31), 2024),  # figure at 31 March Y uses mid-(Y-1)
        (date(2024, 3, 31), 2023),
        (date(2024, 6, 29), 2023),
        (date(2024, 6, 30), 2024),  # the estimate's own date
        (date(2024, 12, 31), 2024),
        (date(2025, 1, 1), 2024),
    ],
)
def test_mid_year_population_rule(period_end, mid_year):
    assert mid_year_for(period_end) == mid_year


# RAG: (value, target, polarity, tolerance, tolerance type, decimals) -> status
RAG_CASES = [
    # higher is better, target 80, absolute tolerance 2
    (80.0, 80, HIGHER, 2, "absolute", 1, Rag.GREEN),  # on target
    (80.1, 80, HIGHER, 2, "absolute", 1, Rag.GREEN),
    (79.9, 80, HIGHER, 2, "absolute", 1, Rag.AMBER),  # just short
    (78.0, 80, HIGHER, 2, "absolute", 1, Rag.AMBER),  # exactly on the tolerance edge
    (77.9, 80, HIGHER, 2, "absolute", 1, Rag.RED),  # just beyond it
    (79.96, 80, HIGHER, 2, "absolute", 1, Rag.GREEN),  # shown as 80.0: judged on what is shown
    (77.96, 80, HIGHER, 2, "absolute", 1, Rag.AMBER),  # shown as 78.0: the edge
    # lower is better, target 10, 10% of target = 1
    (10.0, 10, LOWER, 10, "percent", 1, Rag.GREEN),
    (9.0, 10, LOWER, 10, "percent", 1, Rag.GREEN),
    (10.1, 10, LOWER, 10, "percent", 1, Rag.AMBER),
    (11.0, 10, LOWER, 10, "percent", 1, Rag.AMBER),  # the edge: 10 + 10% of 10
    (11.1, 10, LOWER, 10, "percent", 1, Rag.RED),
    # no tolerance: anything worse than target is red
    (79.9, 80, HIGHER, None, "absolute", 1, Rag.RED),
    (80.0, 80, HIGHER, None, "absolute", 1, Rag.GREEN),
    # a negative target with a percentage tolerance uses its size
    (-4.5, -5, HIGHER, 10, "percent", 1, Rag.GREEN),
    (-5.5, -5, HIGHER, 10, "percent", 1, Rag.AMBER),
    (-5.6, -5, HIGHER, 10, "percent", 1, Rag.RED),
    # no judgement
    (81.0, None, HIGHER, 2, "absolute", 0, Rag.NO_JUDGEMENT),  # no target
    (81.0, 70, NONE, 2, "absolute", 0, Rag.NO_JUDGEMENT),  # no polarity (CLA, CIN, CPP rates)
]


@pytest.mark.parametrize("value, target, polarity, tolerance, kind, decimals, expected", RAG_CASES)
def test_rag_against_target(value, target, polarity, tolerance, kind, decimals, expected):
    assert rag(Figure(value), target, polarity, tolerance, kind, decimals) == expected


@pytest.mark.parametrize("status", ["c", "x", "low", ".."])
def test_rag_of_a_suppressed_or_missing_figure_is_no_judgement(status):
    assert rag(Figure(None, status), 80, HIGHER, 2, "absolute", 1) == Rag.NO_JUDGEMENT


def test_rag_refuses_an_unknown_tolerance_type():
    with pytest.raises(ValueError, match="'absolute' or 'percent'"):
        rag(Figure(80), 80, HIGHER, 2, "relative", 1)


DIRECTION_CASES = [
    (Figure(82.0), Figure(80.0), HIGHER, 0, Direction.IMPROVING),
    (Figure(78.0), Figure(80.0), HIGHER, 0, Direction.WORSENING),
    (Figure(78.0), Figure(80.0), LOWER, 0, Direction.IMPROVING),
    (Figure(82.0), Figure(80.0), LOWER, 0, Direction.WORSENING),
    (Figure(82.0), Figure(80.0), NONE, 0, Direction.HIGHER),
    (Figure(78.0), Figure(80.0), NONE, 0, Direction.LOWER),
    (Figure(80.4), Figure(79.6), HIGHER, 0, Direction.NO_CHANGE),  # both shown as 80
    (Figure(80.4), Figure(79.6), HIGHER, 1, Direction.IMPROVING),  # 80.4 against 79.6
    (Figure(80.0), Figure(80.0), LOWER, 1, Direction.NO_CHANGE),
    (Figure(None, "c"), Figure(80.0), HIGHER, 0, Direction.NOT_AVAILABLE),
    (Figure(80.0), Figure(None, "x"), HIGHER, 0, Direction.NOT_AVAILABLE),
]


@pytest.mark.parametrize("current, previous, polarity, decimals, expected", DIRECTION_CASES)
def test_direction_of_travel(current, previous, polarity, decimals, expected):
    assert direction(current, previous, polarity, decimals) == expected


def test_neighbour_mean_uses_the_available_figures_only():
    members = [Figure(10.0), Figure(20.0), Figure(None, "c"), Figure(31.0)]
    assert mean_of(members, 1) == Figure(20.3)  # (10 + 20 + 31) / 3 = 20.33
    assert mean_of([Figure(None, "c"), Figure(None, "x")], 1) == Figure(None, "x")
    assert mean_of([], 1).status == "x"


FIGURES = [Figure(v) for v in (10.0, 20.0, 20.0, 30.0, 40.0)] + [Figure(None, "c")]


@pytest.mark.parametrize(
    "value, polarity, expected",
    [
        (40.0, HIGHER, 1), (10.0, HIGHER, 5), (20.0, HIGHER, 3),  # ties share the better place
        (10.0, LOWER, 1), (40.0, LOWER, 5), (20.0, LOWER, 2),
        (10.0, NONE, 1),  # with no polarity, 1 is the lowest
    ],
)
def test_rank_among_las(value, polarity, expected):
    assert rank(Figure(value), FIGURES, polarity) == expected


def test_a_suppressed_figure_has_no_rank():
    assert rank(Figure(None, "c"), FIGURES, HIGHER) is None


# Nine LAs 1..9: inclusive quartiles are 3, 5 and 7.
NINE = [Figure(float(v)) for v in range(1, 10)]


@pytest.mark.parametrize(
    "value, polarity, expected",
    [
        (9.0, HIGHER, "A"), (7.0, HIGHER, "A"), (6.0, HIGHER, "B"), (5.0, HIGHER, "B"),
        (4.0, HIGHER, "C"), (3.0, HIGHER, "C"), (2.0, HIGHER, "D"),
        (1.0, LOWER, "A"), (3.0, LOWER, "A"), (4.0, LOWER, "B"), (5.0, LOWER, "B"),
        (6.0, LOWER, "C"), (7.0, LOWER, "C"), (8.0, LOWER, "D"),
    ],
)
def test_quartile_band_a_is_best(value, polarity, expected):
    assert quartile_band(Figure(value), NINE, polarity) == expected


def test_no_quartile_band_without_polarity_or_enough_figures():
    assert quartile_band(Figure(5.0), NINE, NONE) is None
    assert quartile_band(Figure(5.0), NINE[:3], HIGHER) is None
    assert quartile_band(Figure(None, "c"), NINE, HIGHER) is None


@pytest.mark.parametrize(
    "text, symbol",
    [("c", "c"), ("x", "x"), ("z", "z"), ("u", "u"), ("low", "low"), ("k", "k"), ("b", "b"),
     (":", ":"), ("..", ".."), (".", "."), ("-", "-"), ("N/A", "n/a"), ("n/a", "n/a"),
     ("[c]", "c"), ("[ x ]", "x"), ("[low]", "low"), (" C ", "c"), ("[z]", "z")],
)
def test_symbols_are_recognised(text, symbol):
    assert parse_symbol(text) == symbol
    assert display_symbol(symbol) == f"[{symbol}]"


@pytest.mark.parametrize("text", ["#N/A", "#DIV/0!", "0", "12", "twelve", "", None, 5])
def test_values_and_excel_errors_are_not_symbols(text):
    assert parse_symbol(text) is None


def test_figure_shown_with_thousands_and_decimals():
    assert Figure(1281.0).shown(0) == "1,281"
    assert Figure(80.85).shown(1) == "80.9"
    assert Figure(None, "c").shown(1) == "[c]"
