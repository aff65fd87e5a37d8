"""XmR charts against NHSRplotthedots' own tests and vignettes, with MDC's 2023 two-sigma rule.

Rule helpers: tests/testthat/test-ptd_calculate_point_type.R; assurance:
tests/testthat/test-ptd_calculate_assurance_type.R; screening: vignettes/deviations.Rmd
(the 18-point series whose limits it prints); MDC's 2023 change: NHSRplotthedots issue 194.
"""

import pytest

from scorecard.model import Polarity
from scorecard.spc import (
    SCREEN_OUTLIERS,
    AssuranceIcon,
    PointType,
    Rule,
    VariationIcon,
    assurance,
    part_of_run,
    part_of_two_in_three,
    seven_one_side,
    seven_point_trend,
    two_in_three,
    xmr,
    xmr_limits,
)

HIGHER, LOWER, NONE = Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER, Polarity.NONE

# ---------------------------------------------------------------- the rule helpers

SEVEN_POINT_TREND = [
    ([], []),
    (list(range(1, 7)), [0] * 6),
    ([1, 2, 3, 3, 4, 5, 6], [0] * 7),  # a tie breaks the run
    (list(range(1, 8)), [0, 0, 0, 0, 0, 0, 1]),
    ([2, 1, 2, 3, 4, 5, 6, 7, 3], [0, 0, 0, 0, 0, 0, 0, 1, 0]),
    (list(range(7, 0, -1)), [0, 0, 0, 0, 0, 0, -1]),
    ([2, 7, 6, 5, 4, 3, 2, 1, 3], [0, 0, 0, 0, 0, 0, 0, -1, 0]),
]


@pytest.mark.parametrize("values, expected", SEVEN_POINT_TREND)
def test_seven_point_trend(values, expected):
    assert seven_point_trend(values) == expected


SEVEN_ONE_SIDE = [
    ([], []),
    ([1] * 6, [0] * 6),
    ([1] * 6 + [-1], [0] * 7),
    ([1] * 8 + [-1], [0, 0, 0, 0, 0, 0, 1, 1, 0]),
    ([-1] * 8 + [1], [0, 0, 0, 0, 0, 0, 1, 1, 0]),
    ([-1] + [1] * 8 + [-1], [0, 0, 0, 0, 0, 0, 0, 1, 1, 0]),
    ([1] + [-1] * 8 + [1], [0, 0, 0, 0, 0, 0, 0, 1, 1, 0]),
    # a point on the mean breaks it (not upstream's table: its source, vp[[i]] != 0)
    ([1] * 3 + [0] + [1] * 6, [0] * 10),
]


@pytest.mark.parametrize("sides, expected", SEVEN_ONE_SIDE)
def test_seven_on_one_side_of_the_mean(sides, expected):
    assert seven_one_side(sides) == expected


PART_OF_RUN = [
    ([], []),
    ([0] * 6, [0] * 6),
    ([0] * 6 + [1, 0], [1] * 7 + [0]),
    ([0] * 7 + [1, 0], [0] + [1] * 7 + [0]),
    ([0] * 6 + [-1, 0], [1] * 7 + [0]),
    ([0] * 7 + [-1, 0], [0] + [1] * 7 + [0]),
]


@pytest.mark.parametrize("flags, expected", PART_OF_RUN)
def test_part_of_a_run_of_seven(flags, expected):
    assert part_of_run(flags) == expected


TWO_IN_THREE = [
    # points beyond 2 sigma, sides of the mean -> points in a qualifying window
    ([], [], []),
    ([0, 0, 0], [0, 0, 0], [0, 0, 0]),
    ([1, 0, 1], [1, 1, 1], [1, 1, 1]),
    ([0, 1, 1], [1, 1, 1], [1, 1, 1]),
    ([1, 1, 0], [1, 1, 1], [1, 1, 1]),
    ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 1, 1, 0, 0]),
    ([0, 0, 1, 1, 0, 0, 0], [1] * 7, [0, 1, 1, 1, 1, 0, 0]),
    # on opposite sides of the mean: none
    ([1, 0, 1], [1, -1, 1], [0, 0, 0]),
    ([0, 1, 1], [1, -1, 1], [0, 0, 0]),
    ([1, 1, 0], [1, -1, 1], [0, 0, 0]),
    ([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1], [0] * 7),
    ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], [0] * 7),
]


@pytest.mark.parametrize("beyond, sides, expected", TWO_IN_THREE)
def test_two_in_three(beyond, sides, expected):
    assert two_in_three(beyond, sides) == expected


PART_OF_TWO_IN_THREE = [
    # beyond 2 sigma (all on one side) -> the points flagged: only those beyond 2 sigma
    ([1, 0, 1], [1, 0, 1]),
    ([0, 1, 1], [0, 1, 1]),
    ([1, 1, 0], [1, 1, 0]),
    ([0, 0, 1, 0, 1, 0, 0], [0, 0, 1, 0, 1, 0, 0]),
    ([1, 0, 0, 1], [0, 0, 0, 0]),
    ([1, 0, 0, 1, 1], [0, 0, 0, 1, 1]),
]


@pytest.mark.parametrize("beyond, expected", PART_OF_TWO_IN_THREE)
def test_part_of_two_in_three(beyond, expected):
    sides = [1] * len(beyond)
    assert part_of_two_in_three(two_in_three(beyond, sides), beyond) == expected


ASSURANCE = [
    # lower limit, upper limit, polarity -> icon, target 4 (test-ptd_calculate_assurance_type.R)
    (1, 3, HIGHER, AssuranceIcon.CONSISTENTLY_FAILING),
    (5, 7, HIGHER, AssuranceIcon.CONSISTENTLY_PASSING),
    (1, 5, HIGHER, AssuranceIcon.INCONSISTENT),
    (1, 3, LOWER, AssuranceIcon.CONSISTENTLY_PASSING),
    (5, 7, LOWER, AssuranceIcon.CONSISTENTLY_FAILING),
    (1, 5, LOWER, AssuranceIcon.INCONSISTENT),
    (1, 3, NONE, AssuranceIcon.NONE),  # neutral: no assurance
    # a target on a limit is within reach: inconsistent (target > upl is strict)
    (1, 4, HIGHER, AssuranceIcon.INCONSISTENT),
    (4, 7, LOWER, AssuranceIcon.INCONSISTENT),
]


@pytest.mark.parametrize("lower, upper, polarity, expected", ASSURANCE)
def test_assurance(lower, upper, polarity, expected):
    assert assurance(4, lower, upper, polarity) == expected


def test_no_target_no_assurance():
    assert assurance(None, 1, 3, HIGHER) == AssuranceIcon.NONE


# ---------------------------------------------------------------- limits (vignettes/deviations.Rmd)

DEVIATIONS = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]


@pytest.mark.parametrize(
    "screen, mean, upper, lower",
    [
        # screened: the ranges 8 and 9 are over 3.267 x 32/17, so the mean range is 15/15 = 1
        (True, 1.94, 4.60, -0.72),
        # as MDC's Excel tool: mean range 32/17, limits 35/18 +/- 2.66 x 32/17
        (False, 1.94, 6.95, -3.06),
    ],
)
def test_limits_with_and_without_screening(screen, mean, upper, lower):
    limits = xmr(DEVIATIONS, HIGHER, screen_outliers=screen).limits
    assert (round(limits.mean, 2), round(limits.upper, 2), round(limits.lower, 2)) == (mean, upper, lower)
    assert limits.upper_2sigma - limits.mean == pytest.approx((limits.upper - limits.mean) * 2 / 3)


def test_screening_is_off_by_default_as_mdc_excel():
    assert SCREEN_OUTLIERS is False
    assert xmr(DEVIATIONS, HIGHER).limits == xmr(DEVIATIONS, HIGHER, screen_outliers=False).limits
    assert xmr(DEVIATIONS, HIGHER).screen_outliers is False


@pytest.mark.parametrize("screen", [True, False])
@pytest.mark.parametrize("polarity, special", [(HIGHER, PointType.IMPROVEMENT), (LOWER, PointType.CONCERN),
                                               (NONE, PointType.NEUTRAL_HIGH)])
def test_only_the_fifth_point_is_special_cause(screen, polarity, special):
    points = xmr(DEVIATIONS, polarity, screen_outliers=screen).points
    assert [p.point_type for p in points] == [PointType.COMMON_CAUSE] * 4 + [special] + [PointType.COMMON_CAUSE] * 13
    assert points[4].rule == Rule.BEYOND_LIMIT


def test_screening_leaves_out_only_ranges_of_3267_times_the_mean_or_more():
    # ranges 1 (x6) and 9: mean 15/7, 3.267 x 15/7 = 7.0 < 9, so 9 goes and the mean is 1
    assert xmr_limits([0, 1, 0, 1, 0, 1, 0, 9], screen_outliers=True).mean_moving_range == 1
    # ranges 1 (x6) and 3: mean 9/7, 3.267 x 9/7 = 4.2 > 3, so all stay
    assert xmr_limits([0, 1, 0, 1, 0, 1, 0, 3], screen_outliers=True).mean_moving_range == 9 / 7


def test_a_range_of_exactly_3267_times_the_mean_is_screened_out():
    # ranges 1, 1, 1, 1, x with x = 3.267 (4 + x) / 5, so x = 13.068 / 1.733 = 7.5406809...;
    # this float (a neighbour of that quotient's) sits exactly on the edge. Upstream keeps only
    # ranges strictly under 3.267 x the mean (mr < 3.267 * amr).
    x = 7.5406809001731085
    assert x == 3.267 * ((4 + x) / 5)
    assert xmr_limits([0, 1, 0, 1, 0, x], screen_outliers=True).mean_moving_range == 1


# ---------------------------------------------------------------- the rules on a chart

BASE = [1, 2] * 8  # mean 1.5, moving range 1: limits 1.5 +/- 2.66, 2 sigma 1.5 +/- 1.7733


def classify(tail, polarity=HIGHER, **options):
    return xmr(BASE + tail, polarity, baseline=len(BASE), **options)


def test_mdc_2023_two_of_three_counts_points_beyond_the_limit():
    # 5 and 5 are beyond the upper limit (4.16); 4 is between 2 sigma (3.27) and the limit.
    # NHSRplotthedots counts only the 4 towards two of three, so it is common cause there
    # (its issue 153); under MDC's 2023 rule it makes two of three with the points before.
    points = classify([5, 5, 4]).points[-3:]
    assert [p.rule for p in points] == [Rule.BEYOND_LIMIT, Rule.BEYOND_LIMIT, Rule.TWO_OF_THREE]
    assert points[-1].point_type == PointType.IMPROVEMENT


def test_two_of_three_between_2_and_3_sigma():
    # issue 153's second case: beyond, then two between 2 sigma and the limit
    assert [p.rule for p in classify([5, 4, 4]).points[-3:]] == [Rule.BEYOND_LIMIT, Rule.TWO_OF_THREE,
                                                                 Rule.TWO_OF_THREE]


def test_two_of_three_needs_all_three_on_one_side():
    # 4 and 4 beyond 2 sigma above the mean, but the point between them is below it
    points = classify([4, 1, 4]).points[-3:]
    assert [p.rule for p in points] == [Rule.NONE] * 3


def test_the_third_point_of_two_of_three_is_not_flagged():
    # 4, 2, 4: all above the mean 1.5, the 2 not beyond 2 sigma: only the 4s are special
    assert [p.rule for p in classify([4, 2, 4]).points[-3:]] == [Rule.TWO_OF_THREE, Rule.NONE, Rule.TWO_OF_THREE]


def test_seven_on_one_side_and_its_run():
    result = classify([2] * 7, LOWER)
    assert [p.rule for p in result.points[-7:]] == [Rule.ONE_SIDE] * 7
    assert result.latest.point_type == PointType.CONCERN
    assert result.variation == VariationIcon.CONCERN_HIGH
    assert result.latest_run == 7 + 1  # the base ends with a 2: eight in a row above 1.5


WIDE = [0, 3] * 7  # a baseline with mean 1.5 and limits far out (1.5 +/- 7.98)


@pytest.mark.parametrize("middle, rule", [(1.5, Rule.NONE), (2, Rule.ONE_SIDE)])
def test_a_point_on_the_mean_breaks_a_run(middle, rule):
    # 2, 2, 2, then a point on the mean, then 2, 2, 2, 2: not 8 in a row above it
    points = xmr(WIDE + [2, 2, 2, middle, 2, 2, 2, 2], HIGHER, baseline=len(WIDE)).points[len(WIDE):]
    assert [p.rule for p in points] == [rule] * 8


def test_a_trend_takes_precedence_over_one_side():
    # rising 1.6 .. 2.2 (all above the mean, inside 2 sigma): trend, not one side
    result = classify([1.6, 1.7, 1.8, 1.9, 2.0, 2.1, 2.2])
    assert [p.rule for p in result.points[-7:]] == [Rule.TREND] * 7
    assert result.latest_run == 7
    assert result.variation == VariationIcon.IMPROVEMENT_HIGH


def test_a_falling_trend_below_and_above_the_mean_is_one_direction():
    result = classify([3.0, 2.6, 2.2, 1.8, 1.4, 1.0, 0.6], LOWER)
    assert {p.point_type for p in result.points[-7:]} == {PointType.IMPROVEMENT}
    assert result.variation == VariationIcon.IMPROVEMENT_LOW


def test_a_peak_takes_the_later_runs_direction():
    # rising 3..9 then falling to 3: the 9 is in both runs and takes the falling one
    # ("use right side"); a wide baseline keeps every point inside the limits
    wide = [0, 20] * 7
    points = xmr(wide + [3, 4, 5, 6, 7, 8, 9, 8, 7, 6, 5, 4, 3], NONE, baseline=len(wide)).points[len(wide):]
    assert all(p.rule == Rule.TREND for p in points)
    assert [p.high for p in points] == [True] * 6 + [False] * 7


# ---------------------------------------------------------------- icons, trial limits, rebasing

@pytest.mark.parametrize("n, trial", [(12, True), (13, False)])
def test_fewer_than_13_points_are_trial_limits_and_claim_no_icon(n, trial):
    result = xmr(([1, 2] * 7)[: n - 1] + [20], HIGHER, target=1.5)
    assert result.trial is trial and result.limits.trial is trial
    if trial:
        assert (result.variation, result.assurance) == (VariationIcon.NONE, AssuranceIcon.NONE)
    else:
        assert (result.variation, result.assurance) == (VariationIcon.IMPROVEMENT_HIGH, AssuranceIcon.INCONSISTENT)


def test_a_baseline_of_fewer_than_13_points_is_trial():
    assert xmr(BASE + BASE, HIGHER, baseline=12).trial is True
    assert xmr(BASE + BASE, HIGHER, baseline=13).trial is False


def test_common_cause_icon():
    assert xmr(BASE, LOWER).variation == VariationIcon.COMMON_CAUSE


def test_rebase_gives_limits_per_segment():
    before, after = [1, 2] * 7, [11, 12] * 7
    one = xmr(before + after, NONE)
    two = xmr(before + after, NONE, rebase_at=[14])
    assert [s.mean for s in two.segments] == [1.5, 11.5]
    assert two.starts == (0, 14)
    assert all(p.point_type == PointType.COMMON_CAUSE for p in two.points)
    assert [p.segment for p in two.points] == [0] * 14 + [1] * 14
    # without the rebase the step is a special cause
    assert any(p.point_type != PointType.COMMON_CAUSE for p in one.points)


def test_a_rebase_with_a_single_point_has_no_limits_yet():
    result = xmr(BASE + [9], HIGHER, rebase_at=[16])
    assert result.limits.upper is None and result.trial
    assert result.latest.point_type == PointType.COMMON_CAUSE and result.variation == VariationIcon.NONE


@pytest.mark.parametrize("values", [[], [3.0], [1, None, 2], [1, float("nan"), 2]])
def test_no_chart_from_too_few_or_missing_values(values):
    assert xmr(values, HIGHER) is None


@pytest.mark.parametrize("rebase_at", [[-1], [16], [40]])
def test_a_rebase_must_fall_within_the_series(rebase_at):
    with pytest.raises(ValueError, match="rebase points"):
        xmr(BASE, HIGHER, rebase_at=rebase_at)
