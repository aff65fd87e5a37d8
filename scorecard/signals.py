"""The signals on a scorecard row: confidence intervals, significance against England, the
region and neighbours, the recent trend and statistical process control, from the figures the
scorecard is built from (already through disclosure control, so a suppressed count gives
nothing: no interval, no comparison, a gap in a trend).

Intervals are worked out column-wise for every figure at once (scorecard.intervals), and
significance column-wise from them (scorecard.quarterly with significance.compare_many); the
recent trend and SPC per row (scorecard.trend, spc)."""

import calendar
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from scorecard import intervals as ci
from scorecard.model import PeriodType, Unit
from scorecard.periods import parse_period
from scorecard.significance import Significance
from scorecard.spc import SpcResult, xmr
from scorecard.trend import POINTS, RecentTrend, TrendPoint, TrendResult, recent_trend

INTERVAL_COLUMNS = ["ci95_lower", "ci95_upper", "ci998_lower", "ci998_upper"]
SPC_PERIODS = (PeriodType.QUARTER.value, PeriodType.MONTH.value)


def with_intervals(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the 95% and 99.8% limits to figures from figures.with_figures (and disclosure).

    From the count and the denominator the figure was made from (the population used for a
    rate worked out here, else the file's denominator), on the figure's own scale. None where
    the figure is suppressed or missing, there is no count or denominator, the publisher
    rounded the counts, or the unit is neither a percentage nor a rate."""
    frame = frame.copy()
    for column in INTERVAL_COLUMNS:
        frame[column] = np.nan
    if frame.empty:
        return frame
    count = frame["numerator"].astype("float64")
    population = frame["population_used"].astype("float64") if "population_used" in frame else count * np.nan
    denominator = population.where(population.notna(), frame["denominator"].astype("float64"))
    rounding = frame["count_rounding"] if "count_rounding" in frame else pd.Series(np.nan, index=frame.index)
    rounded = pd.to_numeric(rounding, errors="coerce").fillna(0).astype("float64") > 1
    usable = (frame["figure_status"] == "") & count.notna() & denominator.notna() & ~rounded
    units = frame["unit"].where(usable)
    for (unit, multiplier), group in frame[units.isin([Unit.PERCENT.value, Unit.RATE.value])].groupby(
        ["unit", "multiplier"], dropna=True
    ):
        for level, lower, upper in ((ci.LEVEL_95, "ci95_lower", "ci95_upper"), (ci.LEVEL_998, "ci998_lower", "ci998_upper")):
            low, high = ci.intervals(unit, count[group.index], denominator[group.index], float(multiplier), level)
            frame.loc[group.index, lower] = low
            frame.loc[group.index, upper] = high
    return frame


def word(result: Significance) -> str | None:
    """A significance as the JSON gives it: null for 'not compared'."""
    return None if result == Significance.NOT_COMPARED else result.value


def trend_word(result: TrendResult | None) -> str | None:
    if result is None or result.trend == RecentTrend.CANNOT_BE_CALCULATED:
        return None
    return result.trend.value


def consecutive(records: list[dict], current: dict, most: int = 60) -> list[dict | None]:
    """The figures of current's kind up to it, oldest first, one per period stepping back by
    current's own period type, with None for a missing period (so a gap is seen). For a count
    on a date, a figure on the step's date counts whatever its label's type (a quarterly
    series' 31 March is stored as the year's)."""
    snapshot = current["period_start"] == current["period_end"]
    same = {r["period_end"]: r for r in records
            if r["period_end"] <= current["period_end"]
            and (r["period_type"] == current["period_type"]
                 or (snapshot and r["period_start"] == r["period_end"]))}
    same[current["period_end"]] = current
    earliest = min(same)
    run: list[dict | None] = [current]
    period = _parsed(current["period"])
    end = current["period_end"]
    months = STEP_MONTHS.get(current["period_type"], 12)
    while period is not None and len(run) < most:
        # A date steps back by the series' own kind (a quarter's count on 31 March is stored
        # as the year's, whose own previous would be a year back); a period by its own.
        end = _months_back(end, months) if snapshot else period.previous().end
        if not snapshot:
            period = period.previous()
        if end < earliest:
            break
        run.append(same.get(end))
    return run[::-1]


STEP_MONTHS = {"quarter": 3, "month": 1}


def _months_back(day, months: int):
    """The same day `months` earlier; a month's last day stays a month's last day."""
    def last(year, month):
        return calendar.monthrange(year, month)[1]

    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    at_end = day.day == last(day.year, day.month)
    return date(year, month, last(year, month) if at_end else min(day.day, last(year, month)))


@lru_cache(maxsize=4096)
def _parsed(label: str):
    try:
        return parse_period(label)
    except ValueError:
        return None


def number(value) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def _value(record: dict | None) -> float | None:
    if record is None or record["figure_status"]:
        return None
    return number(record["figure_value"])


def trend_of(run: list[dict | None], polarity) -> TrendResult:
    """Fingertips' recent trend over the latest 5 periods; a gap or a suppressed figure makes
    it 'cannot be calculated'."""
    points = [
        None if record is None or _value(record) is None else TrendPoint(
            _value(record), number(record["ci95_lower"]), number(record["ci95_upper"]),
            number(record["numerator"]), _denominator(record),
        )
        for record in run[-POINTS:]
    ]
    return recent_trend(points, polarity)


def _denominator(record: dict) -> float | None:
    population = number(record.get("population_used"))
    return population if population is not None else number(record.get("denominator"))


def spc_of(run: list[dict | None], polarity, target: float | None, rebases=()) -> SpcResult | None:
    """The XmR chart of the unbroken run of figures ending with the latest, for a quarterly or
    monthly series; None for any other, or fewer than 2 figures in the run. `rebases` are the
    periods where an analyst recorded that the process changed (new limits from there)."""
    if not run or run[-1] is None or run[-1]["period_type"] not in SPC_PERIODS:
        return None
    values = spc_values(run)
    return xmr([value for _, value in values], polarity, target=target,
               rebase_at=rebase_positions([period for period, _ in values], rebases))


def rebase_positions(periods: list[str], rebases) -> list[int]:
    """Where each rebase starts a new segment: the first point at or after its period. A
    rebase before the first point or after the last changes nothing."""
    ends = [_parsed(period).end for period in periods]
    positions = set()
    for rebase in rebases:
        start = _parsed(rebase)
        if start is None:
            continue
        at = next((index for index, end in enumerate(ends) if end >= start.end), None)
        if at:  # 0 is the first point: the first segment starts there anyway
            positions.add(at)
    return sorted(positions)


def spc_values(run: list[dict | None]) -> list[tuple[str, float]]:
    """(period, value) of the unbroken run ending with the latest figure, oldest first."""
    found = []
    for record in reversed(run):
        value = _value(record)
        if value is None:
            break
        found.append((record["period"], value))
    return found[::-1]
