"""Confidence intervals against PHEindicatormethods' own test values (tolerance 1e-9, relative,
as testthat's expect_equal).

Wilson and Byar's values are the rows of tests/testthat/testdata_Byars_Wilson.xlsx that
tests/testthat/testWilson.R and testByars.R check; rates are the rows of testdata_Rate.xlsx
checked by tests/testthat/testRates.R (phe_rate in R/Rates.R). Which function gives which:
byars_lower (R/utils.R) sets a negative limit to NA, so Byar's 99.8% lower limit of a count
of 1 does not exist; phe_rate never asks for it, using the exact Poisson limits below 10,
which give 1.0005 per 100,000 of 100 for the same count and level.
"""

import math

import numpy as np
import pytest

from scorecard.intervals import (
    LEVEL_95,
    LEVEL_998,
    Method,
    byar_lower,
    byar_upper,
    exact_poisson,
    interval,
    intervals,
    wilson,
    z_for,
)
from scorecard.metrics import Figure

TOLERANCE = 1e-9


def close(actual, expected):
    return actual == pytest.approx(expected, rel=TOLERANCE, abs=0)


# ---------------------------------------------------------------- z

@pytest.mark.parametrize("level, z", [(LEVEL_95, 1.959964), (LEVEL_998, 3.090232)])
def test_z_is_the_two_sided_normal_quantile(level, z):
    # the figures to 6 dp; upstream's qnorm(level + (1 - level) / 2) in full
    assert z_for(level) == pytest.approx(z, abs=5e-7)


@pytest.mark.parametrize("level", [95, 99.8, 0, 1, -0.5])
def test_a_level_is_a_fraction(level):
    with pytest.raises(ValueError, match="level must be between 0 and 1"):
        interval("percent", 65, 100, 100, level)


# ---------------------------------------------------------------- Wilson (testWilson.R)

WILSON_CASES = [
    # x, n, level, lower, upper: test_BW rows 7-8 (95%) and 10 (99.8%)
    (65, 100, LEVEL_95, 0.55254443296887967, 0.73635751756902468),
    (1045, 5000, LEVEL_95, 0.19795549880013297, 0.22049130373189027),
    (65, 100, LEVEL_998, 0.49549465740704313, 0.77835406140896968),
]


@pytest.mark.parametrize("x, n, level, lower, upper", WILSON_CASES)
def test_wilson(x, n, level, lower, upper):
    got = wilson(x, n, level)
    assert close(got[0], lower) and close(got[1], upper)


@pytest.mark.parametrize("x, n, level, lower, upper", WILSON_CASES)
def test_a_percentage_interval_is_wilson_times_100(x, n, level, lower, upper):
    got = interval("percent", x, n, 100, level)
    assert (got.method, got.level) == (Method.WILSON, level)
    assert close(got.lower, lower * 100) and close(got.upper, upper * 100)


# ---------------------------------------------------------------- Byar's (testByars.R, R/utils.R)

BYAR_CASES = [
    # x, level, lower, upper: test_BW rows 1-2 (95%) and 6 (99.8%)
    (65, LEVEL_95, 50.163187710459454, 82.849138545939837),
    (1045, LEVEL_95, 982.59320180733255, 1110.3312129856499),
    (10, LEVEL_998, 2.916318374695686, 24.193724927880535),
    # byars_lower's formula is negative here and upstream sets it to NA: no lower limit
    (1, LEVEL_998, None, 9.362180217908362),
]


@pytest.mark.parametrize("x, level, lower, upper", BYAR_CASES)
def test_byar(x, level, lower, upper):
    got_lower = byar_lower(x, level)
    assert got_lower is None if lower is None else close(got_lower, lower)
    assert close(byar_upper(x, level), upper)


# ---------------------------------------------------------------- rates (testRates.R, R/Rates.R)

RATE_CASES = [
    # x, n, multiplier, level, lower, upper, method
    (1, 100, 100_000, LEVEL_95, 25.317807984289896, 5571.6433909388979, Method.EXACT_POISSON),
    (1, 100, 100_000, LEVEL_998, 1.0005003335835343, 9233.4134764515857, Method.EXACT_POISSON),
    # 222 / 3,215 = 6,905.13 per 100,000
    (222, 3215, 100_000, LEVEL_95, 6026.5748776526743, 7875.7293708718507, Method.BYAR),
]


@pytest.mark.parametrize("x, n, multiplier, level, lower, upper, method", RATE_CASES)
def test_rate(x, n, multiplier, level, lower, upper, method):
    got = interval("rate", x, n, multiplier, level)
    assert got.method == method and got.level == level
    assert close(got.lower, lower) and close(got.upper, upper)


EXACT_CLOSED_FORMS = [
    # x, level, lower, upper worked out by hand: with x = 0 the upper limit U solves
    # e^-U = (1 - c)/2, so U = ln(2 / (1 - c)); with x = 1 the lower L solves 1 - e^-L = (1 - c)/2.
    (0, LEVEL_95, 0.0, math.log(40)),
    (0, LEVEL_998, 0.0, math.log(1000)),
    (1, LEVEL_95, -math.log1p(-0.025), None),
    (1, LEVEL_998, -math.log1p(-0.001), None),
]


@pytest.mark.parametrize("x, level, lower, upper", EXACT_CLOSED_FORMS)
def test_exact_poisson_limits_against_their_closed_forms(x, level, lower, upper):
    got_lower, got_upper = exact_poisson(x, level)
    assert close(got_lower, lower) if lower else got_lower == 0.0
    if upper is not None:
        assert close(got_upper, upper)


@pytest.mark.parametrize("x, method", [(0, Method.EXACT_POISSON), (9, Method.EXACT_POISSON), (10, Method.BYAR)])
def test_exact_below_10_and_byar_from_10(x, method):
    assert interval("rate", x, 1000, 10_000).method == method


# ---------------------------------------------------------------- no interval

NO_INTERVAL = [
    ("rate", Figure(None, "c"), 71_124, 10_000),  # suppressed count
    ("rate", 575, Figure(None, "x"), 10_000),  # missing population
    ("rate", None, 71_124, 10_000),
    ("rate", float("nan"), 71_124, 10_000),  # a blank cell from pandas
    ("rate", 575, 0, 10_000),  # zero denominator
    ("rate", -1, 100, 10_000),
    ("rate", 5.5, 100, 10_000),  # the exact method needs a whole count
    ("rate", 575, 71_124, None),  # a rate with no multiplier
    ("percent", 6, 5, 100),  # more cases than the denominator
    ("number", 575, 71_124, None),  # neither a percentage nor a rate
    ("days", 20, 30, None),
]


@pytest.mark.parametrize("unit, x, n, multiplier", NO_INTERVAL)
def test_no_interval_is_none_never_an_invented_one(unit, x, n, multiplier):
    assert interval(unit, x, n, multiplier) is None


def test_a_figure_with_a_value_is_used():
    assert interval("percent", Figure(65), Figure(100), 100).lower == pytest.approx(55.254443296887967)


# ---------------------------------------------------------------- the national table at once

ROWS = [(c[0], c[1], c[2]) for c in RATE_CASES if c[3] == LEVEL_95] + [
    (None, 100, 100_000), (float("nan"), 100, 100_000), (0, 100, 100_000), (9, 100, 100_000),
    (10, 100, 100_000), (65, 100_000, 100_000), (5.5, 100, 100_000), (3, 0, 100_000),
]


@pytest.mark.parametrize("level", [LEVEL_95, LEVEL_998])
def test_rate_columns_match_row_by_row(level):
    x = [row[0] for row in ROWS]
    n = [row[1] for row in ROWS]
    lower, upper = intervals("rate", np.array(x, dtype=float), np.array(n, dtype=float), 100_000, level)
    for i, (count, population, multiplier) in enumerate(ROWS):
        one = interval("rate", count, population, multiplier, level)
        if one is None:
            assert math.isnan(lower[i]) and math.isnan(upper[i]), ROWS[i]
        else:
            assert close(lower[i], one.lower) and close(upper[i], one.upper), ROWS[i]


def test_percentage_columns_match_row_by_row():
    x = np.array([65, 1045, 0, 5, 6, np.nan, 3])
    n = np.array([100, 5000, 10, 5, 5, 10, 0])
    lower, upper = intervals("percent", x, n, 100, LEVEL_998)
    for i in range(len(x)):
        one = interval("percent", x[i], n[i], 100, LEVEL_998)
        if one is None:
            assert math.isnan(lower[i]) and math.isnan(upper[i])
        else:
            assert close(lower[i], one.lower) and close(upper[i], one.upper)


def test_columns_of_another_unit_have_no_interval():
    lower, upper = intervals("number", [575, 1], [71_124, 10], None)
    assert np.isnan(lower).all() and np.isnan(upper).all()
