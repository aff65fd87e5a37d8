"""Fingertips' recent trend: a chi-square test for a linear trend over the latest 5 points.

As fingertips-open's TrendMarkerCalculator (PholioVisualisationWS/Analysis/TrendMarkers):
weights w = 1 / ((U95 - L95) / 3.92)^2 and t = 1..5, oldest first;
S1 = sum w, S2 = sum w.y.t, S3 = sum w.t, S4 = sum w.y, S5 = sum w.t^2;
slope = (S1.S2 - S3.S4) / (S1.S5 - S3^2) and chi-square = slope^2 (S1.S5 - S3^2) / S1.
Significant when chi-square exceeds 9.54953570608324 (chi-square on 1 df at 99.8%: upstream's
constant; PHEindicatormethods' assign_trend_markers rounds it to 9.5495) and the slope keeps
its sign whenever any one of the 5 points is left out (the outlier check).

It cannot be calculated with fewer than 5 points, a gap among the latest 5 (a missing or
suppressed figure, or one without a 95% interval), or a count equal to its denominator
(TrendRequest.IsPossibleDivideByZeroErrors). Fingertips applies it to annual figures only;
quarterly and monthly series are for statistical process control (scorecard.spc).

PHEindicatormethods' R version divides by 2 x qnorm(0.975) = 3.919928 rather than 3.92; the
chi-square differs by 4 parts in 100,000, and Fingertips' own figure is 3.92.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from scorecard.model import Polarity

POINTS = 5
CHI_SQUARE_998 = 9.54953570608324
WIDTH_OF_95 = 3.92  # a 95% interval is 2 x 1.96 standard errors wide


class RecentTrend(StrEnum):
    INCREASING_BETTER = "increasing and getting better"
    INCREASING_WORSE = "increasing and getting worse"
    DECREASING_BETTER = "decreasing and getting better"
    DECREASING_WORSE = "decreasing and getting worse"
    INCREASING = "increasing"  # no polarity
    DECREASING = "decreasing"
    NO_SIGNIFICANT_CHANGE = "no significant change"
    CANNOT_BE_CALCULATED = "cannot be calculated"


NO_SIGNAL, CANNOT = RecentTrend.NO_SIGNIFICANT_CHANGE, RecentTrend.CANNOT_BE_CALCULATED
GAP = "a gap: a missing or suppressed figure, or one without an interval"


@dataclass(frozen=True)
class TrendPoint:
    """One period's figure: its value and 95% limits, and its count and denominator if known."""

    value: float | None
    lower95: float | None
    upper95: float | None
    count: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class TrendResult:
    trend: RecentTrend
    chi_square: float | None = None
    slope: float | None = None
    reason: str = ""

    @property
    def significant(self) -> bool:
        return self.trend not in (NO_SIGNAL, CANNOT)


def _usable(point: TrendPoint | None) -> bool:
    if point is None:
        return False
    numbers = (point.value, point.lower95, point.upper95)
    if any(n is None or not math.isfinite(n) for n in numbers):
        return False
    return point.upper95 > point.lower95  # a zero-width interval has no weight to give


def _sums(points: Sequence[tuple[int, TrendPoint]]) -> tuple[float, float, float, float, float]:
    s1 = s2 = s3 = s4 = s5 = 0.0
    for t, point in points:
        w = 1 / ((point.upper95 - point.lower95) / WIDTH_OF_95) ** 2
        s1 += w
        s2 += w * point.value * t
        s3 += w * t
        s4 += w * point.value
        s5 += w * t * t
    return s1, s2, s3, s4, s5


def _slope(points: Sequence[tuple[int, TrendPoint]]) -> tuple[float, float]:
    """The weighted slope and its chi-square (slope over its standard error, squared)."""
    s1, s2, s3, s4, s5 = _sums(points)
    spread = s1 * s5 - s3 * s3
    slope = (s1 * s2 - s3 * s4) / spread
    return slope, slope * slope * spread / s1


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def recent_trend(points: Sequence[TrendPoint | None], polarity: Polarity) -> TrendResult:
    """The recent trend of a series of consecutive periods, oldest first.

    A missing period is passed as None (or a TrendPoint without a value), so a gap is seen;
    only the latest 5 periods are used."""
    polarity = Polarity(polarity)
    if len(points) < POINTS:
        return TrendResult(CANNOT, reason="fewer than 5 points")
    latest = list(points[-POINTS:])
    if any(p is not None and p.count is not None and p.count == p.denominator for p in latest):
        return TrendResult(CANNOT, reason="a count equal to its denominator")
    if not all(_usable(point) for point in latest):
        return TrendResult(CANNOT, reason=GAP)
    numbered = list(enumerate(latest, start=1))
    slope, chi_square = _slope(numbered)
    if not chi_square > CHI_SQUARE_998:
        return TrendResult(NO_SIGNAL, chi_square, slope, "no significant trend")
    # The outlier check: with any one point left out (t keeps its value), the slope's sign holds.
    for left_out in range(1, POINTS + 1):
        others = [(t, p) for t, p in numbered if t != left_out]
        if _sign(_slope(others)[0]) != _sign(slope):
            return TrendResult(NO_SIGNAL, chi_square, slope, "an outlier drives it")
    rising = slope > 0
    if polarity == Polarity.NONE:
        trend = RecentTrend.INCREASING if rising else RecentTrend.DECREASING
    elif rising:
        better = polarity == Polarity.HIGHER_IS_BETTER
        trend = RecentTrend.INCREASING_BETTER if better else RecentTrend.INCREASING_WORSE
    else:
        better = polarity == Polarity.LOWER_IS_BETTER
        trend = RecentTrend.DECREASING_BETTER if better else RecentTrend.DECREASING_WORSE
    return TrendResult(trend, chi_square, slope, "a significant trend with no outlier")
