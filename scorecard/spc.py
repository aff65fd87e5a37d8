"""Statistical process control for quarterly and monthly indicators: the XmR chart of NHS
Making Data Count (MDC), as NHSRplotthedots computes it (R/ptd_spc_standard.R,
R/ptd_calculate_point_type.R, R/ptd_calculate_assurance_type.R), with MDC's 2023 two-sigma rule.

Limits, per segment (a rebase starts a new one): the mean of the baseline points; moving
ranges |y(i) - y(i-1)|; process limits at mean +/- 2.66 x the mean moving range; the 2-sigma
lines two-thirds of the way out. Whether moving ranges of 3.267 x their mean or more are
screened out before the mean is taken is `screen_outliers`.

Default: no screening (SCREEN_OUTLIERS = False). MDC's own Excel tools do not screen, and
NHSRplotthedots documents that `screen_outliers = FALSE` "produces the same output as Excel"
(vignettes/deviations.Rmd); the partnership's health colleagues read MDC charts, so the
council's limits should be the ones they would draw. Screening (Nelson 1982; the Health Care
Data Guide) is one argument away for an analyst who wants it.

Rules, in precedence, each within a segment:
1. a point beyond a process limit;
2. a run of 7 rising or falling points (a tie breaks it);
3. two of three consecutive points beyond a 2-sigma line, all three on the same side of the
   mean; the points beyond 2 sigma are flagged;
4. 7 points in a row on one side of the mean (a point on the mean breaks it).

Where MDC's 2023 wording makes this differ from NHSRplotthedots: their `close_to_limits`
counts only points between the 2-sigma line and the process limit (`!outside_limits & ...`),
so a point beyond a limit does not count towards two of three. MDC changed that in 2023
(NHSRplotthedots issue 194): every point beyond 2 sigma counts, a point beyond 3 sigma too,
the three must still be on the same side of the mean, and only points beyond 2 sigma are
flagged. So [>3 sigma, >3 sigma, between 2 and 3 sigma] above the mean makes the third point
special cause here and common cause in NHSRplotthedots. Every other rule is theirs, and their
unit tests' tables pass unchanged against the helpers below. Three smaller differences: the
default above (theirs screens); icons only from 13 points (they warn below 12 but still draw
them); and a point ending a rising run that a tie then follows into a falling run keeps its
own run's direction (their "use right side" reads the tie's sign 0 as decreasing).

Icons: the variation icon is the latest point's type (improvement or concern, high or low,
by polarity; neutral high or low without one); the assurance icon puts the target against the
latest segment's limits (consistently passing or failing when the target lies beyond a
limit, else inconsistent; none without a target or a polarity). With fewer than 13 points
behind the latest limits they are trial limits, `trial` says so, and neither icon is claimed
(points still carry their types, for a chart that labels its limits as trial ones).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from scorecard.model import Polarity

SCREEN_OUTLIERS = False
LIMIT = 2.66  # 3 sigma in moving ranges: 3 / 1.128
TWO_SIGMA = 2 * LIMIT / 3
SCREEN_FACTOR = 3.267  # the upper range limit of a moving range
MIN_POINTS = 13  # MDC shows limits and icons from 13 points
RUN = 7


class PointType(StrEnum):
    COMMON_CAUSE = "common cause"
    IMPROVEMENT = "special cause improvement"
    CONCERN = "special cause concern"
    NEUTRAL_HIGH = "special cause high"  # no polarity
    NEUTRAL_LOW = "special cause low"


class Rule(StrEnum):
    NONE = "none"
    BEYOND_LIMIT = "beyond a process limit"
    TREND = "7 rising or falling"
    TWO_OF_THREE = "2 of 3 beyond 2 sigma"
    ONE_SIDE = "7 on one side of the mean"


class VariationIcon(StrEnum):
    COMMON_CAUSE = "common cause"
    IMPROVEMENT_HIGH = "improvement high"
    IMPROVEMENT_LOW = "improvement low"
    CONCERN_HIGH = "concern high"
    CONCERN_LOW = "concern low"
    NEUTRAL_HIGH = "neutral high"
    NEUTRAL_LOW = "neutral low"
    NONE = "none"  # trial limits: no icon is claimed


class AssuranceIcon(StrEnum):
    CONSISTENTLY_PASSING = "consistently passing"
    CONSISTENTLY_FAILING = "consistently failing"
    INCONSISTENT = "inconsistent"
    NONE = "none"


@dataclass(frozen=True)
class Limits:
    """One segment's centre line and limits; the limits are None when it has a single point."""

    mean: float
    mean_moving_range: float | None
    upper: float | None
    lower: float | None
    upper_2sigma: float | None
    lower_2sigma: float | None
    points: int  # how many points the limits come from (the baseline)
    trial: bool


@dataclass(frozen=True)
class SpcPoint:
    value: float
    segment: int
    side: int  # +1 above the mean, -1 below, 0 on it
    rule: Rule
    high: bool | None  # the signal's direction: above or rising; None for common cause
    point_type: PointType


@dataclass(frozen=True)
class SpcResult:
    points: tuple[SpcPoint, ...]
    segments: tuple[Limits, ...]
    starts: tuple[int, ...]  # the index of each segment's first point
    variation: VariationIcon
    assurance: AssuranceIcon
    screen_outliers: bool

    @property
    def latest(self) -> SpcPoint:
        return self.points[-1]

    @property
    def limits(self) -> Limits:
        """The latest segment's limits."""
        return self.segments[-1]

    @property
    def trial(self) -> bool:
        return self.limits.trial

    @property
    def latest_run(self) -> int:
        """How many points make the latest point's signal: the run of rising (or falling)
        points, or of points on its side of the mean, ending with it; for two of three, how
        many of the last three are beyond 2 sigma on its side. 1 for a point beyond a limit."""
        point = self.latest
        values = [p.value for p in self.points[self.starts[-1]:]]
        if point.rule == Rule.ONE_SIDE:
            return _run_back(values, lambda a, b: _side_of(b, self.limits.mean) == point.side != 0)
        if point.rule == Rule.TREND:
            return _run_back(values, lambda a, b: (b > a) if point.high else (b < a), pairs=True)
        if point.rule == Rule.TWO_OF_THREE:
            limits = self.limits
            edge = limits.upper_2sigma if point.high else limits.lower_2sigma
            return sum((v > edge) if point.high else (v < edge) for v in values[-3:])
        return 1 if point.rule == Rule.BEYOND_LIMIT else 0


def _side_of(value: float, mean: float) -> int:
    return (value > mean) - (value < mean)


def _run_back(values, holds, pairs: bool = False) -> int:
    """The length of the run ending at the last value over which `holds` is true."""
    count = 1 if pairs else 0
    for i in range(len(values) - 1, 0 if pairs else -1, -1):
        previous = values[i - 1] if i > 0 else None
        if not holds(previous, values[i]):
            break
        count += 1
    return count


# ---------------------------------------------------------------- limits

def moving_ranges(values: Sequence[float]) -> list[float]:
    return [abs(b - a) for a, b in pairwise(values)]


def xmr_limits(values: Sequence[float], screen_outliers: bool = SCREEN_OUTLIERS) -> Limits:
    """The centre line and limits from a baseline of values (ptd_spc_standard)."""
    if not values:
        raise ValueError("limits need at least one value")
    mean = math.fsum(values) / len(values)
    ranges = moving_ranges(values)
    trial = len(values) < MIN_POINTS
    if not ranges:
        return Limits(mean, None, None, None, None, None, len(values), trial)
    average = math.fsum(ranges) / len(ranges)
    if screen_outliers:
        # A range of 3.267 x the mean or more is left out (strictly under is kept, as upstream).
        kept = [r for r in ranges if r < SCREEN_FACTOR * average]
        average = math.fsum(kept) / len(kept) if kept else average
    return Limits(
        mean, average, mean + LIMIT * average, mean - LIMIT * average,
        mean + TWO_SIGMA * average, mean - TWO_SIGMA * average, len(values), trial,
    )


# ---------------------------------------------------------------- rules (NHSRplotthedots' helpers)

def seven_point_trend(values: Sequence[float]) -> list[int]:
    """+1 (or -1) at each point that ends 7 strictly rising (falling) points; a tie breaks
    the run (ptd_seven_point_trend)."""
    flags = [0] * len(values)
    for i in range(RUN - 1, len(values)):
        steps = [values[j] - values[j - 1] for j in range(i - RUN + 2, i + 1)]
        if all(step > 0 for step in steps):
            flags[i] = 1
        elif all(step < 0 for step in steps):
            flags[i] = -1
    return flags


def seven_one_side(sides: Sequence[int]) -> list[int]:
    """1 at each point that ends 7 in a row on one side of the mean; a point on the mean
    (side 0) breaks it (ptd_seven_point_one_side_mean)."""
    flags = [0] * len(sides)
    for i in range(RUN - 1, len(sides)):
        window = sides[i - RUN + 1:i + 1]
        if sides[i] != 0 and all(side == sides[i] for side in window):
            flags[i] = 1
    return flags


def part_of_run(flags: Sequence[int]) -> list[int]:
    """1 for every point of a run of 7 whose end is flagged (ptd_part_of_seven_trend)."""
    n = len(flags)
    return [int(any(flags[j] != 0 for j in range(i, min(i + RUN, n)))) for i in range(n)]


def two_in_three(beyond: Sequence[int], sides: Sequence[int]) -> list[int]:
    """1 for each point in a window of 3 consecutive points with at least 2 beyond 2 sigma and
    all 3 on the same side of the mean (ptd_two_in_three). Under MDC's 2023 rule `beyond`
    marks every point beyond 2 sigma, those beyond a process limit included."""
    n = len(beyond)
    flags = [0] * n
    for start in range(n - 2):
        window = range(start, start + 3)
        if sum(beyond[j] for j in window) >= 2 and abs(sum(sides[j] for j in window)) == 3:
            for j in window:
                flags[j] = 1
    return flags


def part_of_two_in_three(window: Sequence[int], beyond: Sequence[int]) -> list[int]:
    """Of the points in a two-of-three window, those beyond 2 sigma themselves."""
    return [int(w == 1 and abs(b) == 1) for w, b in zip(window, beyond)]


def assurance(
    target: float | None, lower: float | None, upper: float | None, polarity: Polarity
) -> AssuranceIcon:
    """Will the process meet the target? (ptd_calculate_assurance_type)"""
    polarity = Polarity(polarity)
    if target is None or math.isnan(target) or polarity == Polarity.NONE:
        return AssuranceIcon.NONE
    if lower is None or upper is None:
        return AssuranceIcon.NONE
    passing, failing = AssuranceIcon.CONSISTENTLY_PASSING, AssuranceIcon.CONSISTENTLY_FAILING
    higher_better = polarity == Polarity.HIGHER_IS_BETTER
    if target > upper:
        return failing if higher_better else passing
    if target < lower:
        return passing if higher_better else failing
    return AssuranceIcon.INCONSISTENT


# ---------------------------------------------------------------- the chart

def _point_type(high: bool | None, polarity: Polarity) -> PointType:
    if high is None:
        return PointType.COMMON_CAUSE
    if polarity == Polarity.NONE:
        return PointType.NEUTRAL_HIGH if high else PointType.NEUTRAL_LOW
    improving = high == (polarity == Polarity.HIGHER_IS_BETTER)
    return PointType.IMPROVEMENT if improving else PointType.CONCERN


_ICONS = {
    (PointType.IMPROVEMENT, True): VariationIcon.IMPROVEMENT_HIGH,
    (PointType.IMPROVEMENT, False): VariationIcon.IMPROVEMENT_LOW,
    (PointType.CONCERN, True): VariationIcon.CONCERN_HIGH,
    (PointType.CONCERN, False): VariationIcon.CONCERN_LOW,
    (PointType.NEUTRAL_HIGH, True): VariationIcon.NEUTRAL_HIGH,
    (PointType.NEUTRAL_LOW, False): VariationIcon.NEUTRAL_LOW,
}


def _segment_points(
    values: list[float], limits: Limits, segment: int, polarity: Polarity
) -> list[SpcPoint]:
    n = len(values)
    sides = [_side_of(v, limits.mean) for v in values]
    if limits.upper is None:
        outside = [False] * n
        beyond_2sigma = [0] * n
    else:
        outside = [v > limits.upper or v < limits.lower for v in values]
        beyond_2sigma = [int(v > limits.upper_2sigma or v < limits.lower_2sigma) for v in values]
    trend_ends = seven_point_trend(values)
    # A point in a rising and a falling run (a peak) takes the later run's direction, as
    # upstream's "use right side".
    trend_direction = [0] * n
    for end, flag in enumerate(trend_ends):
        if flag:
            for j in range(end - RUN + 1, end + 1):
                trend_direction[j] = flag
    two_of_three = part_of_two_in_three(two_in_three(beyond_2sigma, sides), beyond_2sigma)
    one_side = part_of_run(seven_one_side(sides))

    points = []
    for i, value in enumerate(values):
        if outside[i]:
            rule, high = Rule.BEYOND_LIMIT, value > limits.upper
        elif trend_direction[i]:
            rule, high = Rule.TREND, trend_direction[i] > 0
        elif two_of_three[i]:
            rule, high = Rule.TWO_OF_THREE, sides[i] > 0
        elif one_side[i]:
            rule, high = Rule.ONE_SIDE, sides[i] > 0
        else:
            rule, high = Rule.NONE, None
        points.append(SpcPoint(value, segment, sides[i], rule, high, _point_type(high, polarity)))
    return points


def xmr(
    values: Sequence[float],
    polarity: Polarity,
    target: float | None = None,
    rebase_at: Sequence[int] = (),
    baseline: int | None = None,
    screen_outliers: bool = SCREEN_OUTLIERS,
) -> SpcResult | None:
    """The XmR chart of consecutive values, oldest first.

    rebase_at: the index of the first point of each new baseline (a recorded, dated change,
    turned into a position by the caller); limits are worked out per segment.
    baseline: how many points at the start of each segment the limits come from (all of
    them when None), as NHSRplotthedots' fix_after_n_points.
    None when there are fewer than 2 values or any is missing: pass the unbroken run to chart."""
    polarity = Polarity(polarity)
    if len(values) < 2 or any(v is None or not math.isfinite(v) for v in values):
        return None
    values = [float(v) for v in values]
    if baseline is not None and baseline < 1:
        raise ValueError(f"baseline must be at least 1 point, not {baseline!r}")
    starts = sorted(set(rebase_at) | {0})
    if any(not 0 <= start < len(values) for start in starts):
        raise ValueError(
            f"rebase points must be positions within the {len(values)} values: {list(rebase_at)}"
        )
    ends = starts[1:] + [len(values)]

    segments, points = [], []
    for segment, (start, end) in enumerate(zip(starts, ends)):
        part = values[start:end]
        limits = xmr_limits(part[:baseline] if baseline else part, screen_outliers)
        segments.append(limits)
        points.extend(_segment_points(part, limits, segment, polarity))

    latest_limits = segments[-1]
    if latest_limits.trial:
        variation, assured = VariationIcon.NONE, AssuranceIcon.NONE
    else:
        latest = points[-1]
        variation = _ICONS.get((latest.point_type, latest.high), VariationIcon.COMMON_CAUSE)
        assured = assurance(target, latest_limits.lower, latest_limits.upper, polarity)
    return SpcResult(
        tuple(points), tuple(segments), tuple(starts), variation, assured, screen_outliers
    )
