"""Fingertips' recent trend, from fingertips-open's own test
(PholioVisualisationWS/AnalysisTest/TrendMarkerCalculatorTest.cs) and cases worked by hand.

Upstream lists its data newest first with years; here series are oldest first.
"""

import pytest

from scorecard.model import Polarity
from scorecard.trend import CHI_SQUARE_998, RecentTrend, TrendPoint, recent_trend

HIGHER, LOWER, NONE = Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER, Polarity.NONE
P = TrendPoint

# GetTrendData_Set1: 2014 to 2018, value [L95, U95] (count / denominator)
SET_1 = [
    P(24.67, 23.16, 26.25, 994, 40299),
    P(24.6, 23.15, 26.19, 1023, 41527),
    P(28, 26.44, 29.64, 1199, 42811),
    P(30.2, 28.63, 31.9, 1332, 44064),
    P(30.6, 28.98, 32.25, 1367, 44701),
]
# GetTrendData_Set2: not significant
SET_2 = [
    P(20.5506, 18.1803, 23.1427, 209, 1017),
    P(19.5952, 17.3444, 22.0602, 213, 1087),
    P(19.0349, 16.8421, 21.4394, 213, 1119),
    P(21.3966, 19.0918, 23.8975, 239, 1117),
    P(18.4372, 16.2925, 20.7941, 210, 1139),
]
# GetTrendDataForProportion_Set2: a count equal to its denominator (5 / 5)
SET_5_OF_5 = [
    P(100, 0, 0, 5, 5), P(60, 0, 0, 3, 5), P(20, 0, 0, 1, 5), P(25, 0, 0, 1, 4), P(50, 0, 0, 2, 4),
]


def even(values, width=3.92):
    """Points with equal 95% intervals: a width of 3.92 is a standard error of 1, a weight of 1."""
    return [P(v, v - width / 2, v + width / 2) for v in values]


CASES = [
    # series, polarity -> trend
    (SET_1, NONE, RecentTrend.INCREASING),
    (SET_1, HIGHER, RecentTrend.INCREASING_BETTER),
    (SET_1, LOWER, RecentTrend.INCREASING_WORSE),
    (SET_1[::-1], HIGHER, RecentTrend.DECREASING_WORSE),
    (SET_1[::-1], LOWER, RecentTrend.DECREASING_BETTER),
    (SET_1[::-1], NONE, RecentTrend.DECREASING),
    (SET_2, LOWER, RecentTrend.NO_SIGNIFICANT_CHANGE),
    (SET_5_OF_5, HIGHER, RecentTrend.CANNOT_BE_CALCULATED),
    # by hand, weights all 1: y = t gives S1 = 5, S2 = 55, S3 = 15, S4 = 15, S5 = 55,
    # slope = (275 - 225) / (275 - 225) = 1 and chi-square = 1 x 50 / 5 = 10 > 9.5495
    (even([1, 2, 3, 4, 5]), NONE, RecentTrend.INCREASING),
    # y = 0.97 t: chi-square = 0.97^2 x 10 = 9.409 < 9.5495
    (even([0.97, 1.94, 2.91, 3.88, 4.85]), NONE, RecentTrend.NO_SIGNIFICANT_CHANGE),
    # 12, 11, 10, 9, 30 with standard errors of 0.1 (weights 100): slope 34 / 10 = 3.4 and
    # chi-square 3.4^2 x 100 x 10 = 11,560, but without the last point the slope is -1:
    # the outlier check makes it no significant change
    (even([12, 11, 10, 9, 30], 0.392), HIGHER, RecentTrend.NO_SIGNIFICANT_CHANGE),
    # fewer than 5 points
    (SET_1[1:], HIGHER, RecentTrend.CANNOT_BE_CALCULATED),
    # a gap among the latest 5: a suppressed year, or one without an interval
    (SET_1[:2] + [None] + SET_1[3:], HIGHER, RecentTrend.CANNOT_BE_CALCULATED),
    (SET_1[:4] + [P(30.6, None, None, 1367, 44701)], HIGHER, RecentTrend.CANNOT_BE_CALCULATED),
    (SET_1[:4] + [P(None, None, None)], HIGHER, RecentTrend.CANNOT_BE_CALCULATED),
    # a zero-width interval has no weight to give
    (SET_1[:4] + [P(30.6, 30.6, 30.6)], HIGHER, RecentTrend.CANNOT_BE_CALCULATED),
    # a gap before the latest 5 does not matter: only they are used
    ([None] + SET_1, HIGHER, RecentTrend.INCREASING_BETTER),
    ([P(100, 90, 100, 7, 7)] + SET_1, HIGHER, RecentTrend.INCREASING_BETTER),
]


@pytest.mark.parametrize("series, polarity, expected", CASES)
def test_recent_trend(series, polarity, expected):
    assert recent_trend(series, polarity).trend == expected


def test_chi_square_of_fingertips_set_1():
    # TestIsSignificantReturnsTrue: Math.Round(ChiSquare, 2) == 46.77
    result = recent_trend(SET_1, HIGHER)
    assert round(result.chi_square, 2) == 46.77
    assert result.significant and result.slope > 0


def test_chi_square_by_hand():
    result = recent_trend(even([1, 2, 3, 4, 5]), NONE)
    assert result.slope == pytest.approx(1, rel=1e-12)
    assert result.chi_square == pytest.approx(10, rel=1e-12)


def test_the_threshold_is_chi_square_on_one_degree_of_freedom_at_998():
    # qchisq(0.998, 1) = qnorm(0.999)^2; PHEindicatormethods rounds it to 9.5495
    assert CHI_SQUARE_998 == pytest.approx(3.090232306167813 ** 2, rel=1e-12)
    assert round(CHI_SQUARE_998, 4) == 9.5495


@pytest.mark.parametrize(
    "series, reason",
    [(SET_1[1:], "fewer than 5 points"), (SET_5_OF_5, "a count equal to its denominator"),
     (SET_1[:4] + [None], "a gap: a missing or suppressed figure, or one without an interval")],
)
def test_why_it_cannot_be_calculated(series, reason):
    result = recent_trend(series, HIGHER)
    assert (result.reason, result.chi_square, result.significant) == (reason, None, False)
