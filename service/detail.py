"""One indicator in depth for an area: every figure up to a quarter with its comparators, age
and target band, its townships' figures, the symbols used and the commentary kept."""

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from scorecard import disclosure, figures, metrics, signals
from scorecard.areas import ENGLAND
from scorecard.catalogue import Indicator
from scorecard.freshness import Age, age_of
from scorecard.periods import Period, financial_year_containing, parse_period, shown_label
from scorecard.quarterly import ScorecardRow, fill_figures, fill_target, latest_rows
from scorecard.spc import xmr
from scorecard.symbols import SYMBOLS


@dataclass
class TrendPoint:
    period: str
    period_end: date
    shown: str
    value: float | None
    status: str
    numerator: float | None
    denominator: float | None
    load_id: int | None
    england: float | None = None
    region: float | None = None
    sn_mean: float | None = None
    target: float | None = None
    tolerance_low: float | None = None
    tolerance_high: float | None = None
    period_type: str = ""
    series: str = ""  # which line it is drawn on (SERIES): a quarterly and a yearly figure never share one
    period_shown: str = ""  # its label as pages show it (scorecard.periods.shown_label)
    age: Age | None = None  # at the end of the quarter under review


@dataclass
class TargetSpan:
    """A target and its tolerance band over the financial year it is set for: the scorecard
    judges every figure ending in that year (quarters too) against it."""

    label: str  # '2025-26'
    start: date
    end: date
    target: float
    low: float
    high: float


@dataclass
class LocalityFigure:
    """A township's latest figure at the quarter's end, judged as the scorecard judges it."""

    code: str
    name: str
    shown: str
    period_shown: str
    value: float | None
    rag: str
    direction: str
    age: Age | None
    series: list[tuple[date, float | None]] = field(default_factory=list)  # its figures of the same kind
    period: str | None = None  # the figure's period as stored, beside period_shown as pages write it


@dataclass
class SpcChart:
    """The XmR chart of the latest unbroken run of quarterly or monthly figures, point by
    point, with its limits (per point, as a rebase would change them) and the icons' words."""

    noun: str  # 'quarter' or 'month'
    periods: list[str]
    values: list[float]
    shown: list[str]
    point_types: list[str]
    rules: list[str]
    mean: list[float]
    upper: list[float | None]
    lower: list[float | None]
    upper_2sigma: list[float | None]
    lower_2sigma: list[float | None]
    variation: str
    assurance: str
    trial: bool
    summary: str  # the text alternative
    rebases: list[tuple[str, str]] = field(default_factory=list)  # (first period of the new limits, why)


@dataclass
class IndicatorDetail:
    indicator: Indicator
    area_name: str
    region_name: str | None
    points: list[TrendPoint]
    localities: list[LocalityFigure] = field(default_factory=list)
    symbols_used: dict[str, str] = field(default_factory=dict)
    commentary_history: list[dict] = field(default_factory=list)  # filled by the Service, never cached
    spc: SpcChart | None = None
    targets: list[TargetSpan] = field(default_factory=list)
    quarter_end: date | None = None
    summary: str = ""  # the trend chart in words: its text alternative

    @property
    def newest(self) -> TrendPoint | None:
        return max(self.points, key=lambda p: (p.period_end, p.series == self.main_series), default=None)

    @property
    def main_series(self) -> str:
        """The line of the indicator's own kind, where it has figures; else the newest figure's."""
        kinds = {p.series for p in self.points}
        own = series_of(self.indicator.period_type.value, False)
        if own in kinds or not self.points:
            return own
        return max(self.points, key=lambda p: p.period_end).series



# The lines of a trend chart: a figure of one kind of period is never joined to another kind.
# A count on a date (31 March, 30 June...) is one series whatever the date: the same measure.
SERIES = {
    "snapshot": "counts on the day",
    "quarter": "quarterly",
    "month": "monthly",
    "financial_year": "financial years",
    "academic_year": "academic years",
    "calendar_year": "calendar years",
    "multi_year": "three-year periods",
}


def series_of(period_type: str, is_snapshot: bool) -> str:
    if is_snapshot and period_type in ("quarter", "month", "financial_year"):
        return "snapshot"
    return period_type


def indicator_detail(service, indicator: Indicator, area_code: str, quarter: Period) -> IndicatorDetail:
    """`service` is the Service asking: its store, catalogue, areas and national figures.

    Every figure the page shows (the area, England, its region, its neighbours and its
    townships) comes from one read of the store and one pass of the figure rules."""
    store, areas = service.store, service.areas
    area = areas.get(area_code)
    la = area if area.level != "local" else areas.get(area.parent_code)
    region = areas.get(la.region_code) if la is not None and la.region_code else None
    neighbours = store.neighbours(la.code) if la is not None else []
    townships = areas.localities(la.code) if la is not None and indicator.has_localities else []
    codes = list(dict.fromkeys([area.code, ENGLAND, *([region.code] if region else []), *neighbours,
                                *(local.code for local in townships)]))
    holding = service.catalogue_with_benchmarks() if indicator.is_benchmark else service.catalogue
    only = [indicator.id] if indicator.is_benchmark else None  # not every benchmark indicator's work
    valued = disclosure.shield(store, holding, areas, only).protect(
        figures.with_figures(
            figures.observations(store, [indicator.id], codes, until=quarter.end),
            figures.populations(store, codes),
            holding,
        ),
    )
    records = valued.sort_values(["period_end", "period_type"]).to_dict("records")
    by_area: dict[str, list[dict]] = {}
    at: dict[tuple[str, str], metrics.Figure] = {}  # (area, period) -> figure: one pass, no filter per period
    for record in records:
        by_area.setdefault(record["area_code"], []).append(record)
        at[(record["area_code"], record["period"])] = _figure(record)
    every_target: dict[str, dict[str, dict]] = {}  # area -> year -> target, the townships' too: one query
    for row in store.targets_of_areas([area.code, *(local.code for local in townships)], [indicator.id]):
        every_target.setdefault(row["area_code"], {})[row["period"]] = row
    targets = every_target.get(area.code, {})
    points = []
    for record in by_area.get(area.code, []):
        figure = _figure(record)
        period = record["period"]
        point = TrendPoint(
            period=period, period_end=_day(record["period_end"]),
            shown=figure.shown(indicator.decimals), value=figure.value if figure.is_available else None,
            status=figure.status, numerator=_number(record["numerator"]),
            denominator=_number(record["population_used"]) or _number(record["denominator"]),
            load_id=None if pd.isna(record["load_id"]) else int(record["load_id"]),
            period_type=record["period_type"],
            series=series_of(record["period_type"], record["period_start"] == record["period_end"]),
            period_shown=shown_label(period),
            age=age_of(_day(record["period_end"]), indicator.period_type, quarter.end),
        )
        point.england = _value(at.get((ENGLAND, period)))
        point.region = _value(at.get((region.code, period))) if region else None
        members = [at[(code, period)] for code in neighbours if (code, period) in at]
        mean = metrics.mean_of(members, indicator.decimals)
        point.sn_mean = mean.value if members and mean.is_available else None
        _attach_target(point, _target_for(targets, period, point.period_end), indicator)
        points.append(point)
    detail = IndicatorDetail(indicator, area.name, region.name if region else None, points, quarter_end=quarter.end)
    detail.symbols_used = {p.status: SYMBOLS[p.status] for p in points if p.status in SYMBOLS}
    detail.targets = _spans(targets, points, indicator)
    for local in townships:
        found = _locality(indicator, local, by_area.get(local.code, []), every_target.get(local.code, {}), quarter)
        if found is not None:
            detail.localities.append(found)
    detail.spc = _spc_chart(by_area.get(area.code, []), indicator, targets, store.spc_rebases(indicator.id, area.code))
    detail.summary = trend_summary(detail)
    return detail


def _locality(indicator: Indicator, local, records: list[dict], targets: dict[str, dict],
              quarter: Period) -> LocalityFigure | None:
    """A township's row, by the scorecard's own rules (scorecard.quarterly), from figures
    already read: only where the township has a figure."""
    if not records:
        return None
    current, previous, year_ago = latest_rows(records, indicator)
    row = ScorecardRow(indicator.id, indicator.title, indicator.short_title, None, None,
                       indicator.polarity.value, indicator.unit.value, indicator.decimals)
    fill_figures(row, indicator, current, previous, year_ago)
    fill_target(row, indicator, targets, current, quarter)
    same_kind = [r for r in records if r["period_type"] == current["period_type"]]
    return LocalityFigure(
        local.code, local.name, row.shown, shown_label(row.period_label), row.value, row.rag, row.direction,
        age_of(_day(current["period_end"]), indicator.period_type, quarter.end),
        [(_day(r["period_end"]), _value(_figure(r))) for r in same_kind], period=row.period_label,
    )


def _target_for(targets: dict[str, dict], period: str, period_end: date) -> dict | None:
    """The scorecard's rule: the target set for the figure's own period, else for the
    financial year it ends in."""
    return targets.get(period) or targets.get(financial_year_containing(period_end).label)


def _spans(targets: dict[str, dict], points: list[TrendPoint], indicator: Indicator) -> list[TargetSpan]:
    """Each financial year's target over the whole year, for the years the chart covers."""
    if not points:
        return []
    first, last = min(p.period_end for p in points), max(p.period_end for p in points)
    spans = []
    for label, target in sorted(targets.items()):
        try:
            year = parse_period(label)
        except ValueError:
            continue
        if year.end < first or year.start > last:
            continue
        value = float(target["value"])
        low, high = metrics.tolerance_band(value, _number(target["tolerance"]), target["tolerance_type"],
                                           indicator.polarity)
        spans.append(TargetSpan(label, year.start, year.end, value, low, high))
    return spans


def trend_summary(detail: IndicatorDetail) -> str:
    """The chart in words, for those who cannot see it: each line's first and latest figure and
    which way it went, the target and how the latest compares with England."""
    decimals = detail.indicator.decimals
    parts = []
    for key in sorted({p.series for p in detail.points}, key=lambda k: k != detail.main_series):
        known = [p for p in detail.points if p.series == key and p.value is not None]
        if not known:
            continue
        first, latest = known[0], known[-1]
        said = f"{detail.area_name}, {SERIES[key]}: "
        if len(known) == 1:
            said += f"one figure, {latest.shown} ({latest.period_shown})"
        else:
            move = _moved(first.value, latest.value, decimals)
            said += (f"{len(known)} figures from {first.period_shown} to {latest.period_shown}; "
                     f"{move} from {first.shown} to {latest.shown}")
            low, high = min(known, key=lambda p: p.value), max(known, key=lambda p: p.value)
            said += f" (lowest {low.shown}, {low.period_shown}; highest {high.shown}, {high.period_shown})"
        compared = next((p for p in reversed(known) if p.england is not None), None)
        if compared is not None:
            said += (f"; for {compared.period_shown}, {compared.shown} against England's "
                     f"{metrics.Figure(compared.england).shown(decimals)}")
        parts.append(said + ".")
    if detail.targets:
        span = detail.targets[-1]
        parts.append(f"Target for {span.label}: {metrics.Figure(span.target).shown(decimals)}.")
    return " ".join(parts) or f"No figures for {detail.area_name}."


def _moved(first: float, latest: float, decimals: int) -> str:
    before, now = (metrics.round_half_away(v, decimals) for v in (first, latest))
    return "no change overall" if before == now else ("rose" if now > before else "fell")


def _spc_chart(records: list[dict], indicator: Indicator, target_of: dict, rebases: list[dict]) -> SpcChart | None:
    """For a quarterly or monthly series (the indicator's own kind where it has one)."""
    kinds = [indicator.period_type.value] if indicator.period_type.value in signals.SPC_PERIODS else list(signals.SPC_PERIODS)
    latest = [r for r in records if r["period_type"] in kinds]
    if not latest:
        return None
    current = max(latest, key=lambda r: r["period_end"])
    values = signals.spc_values(signals.consecutive(records, current))
    target = _target_for(target_of, current["period"], _day(current["period_end"]))
    periods = [p for p, _ in values]
    starts = signals.rebase_positions(periods, [rebase["period"] for rebase in rebases])
    result = xmr([v for _, v in values], indicator.polarity, rebase_at=starts,
                 target=float(target["value"]) if target is not None else None)
    if result is None:
        return None
    limits = [result.segments[point.segment] for point in result.points]
    noun = current["period_type"]
    shown = [metrics.Figure(v).shown(indicator.decimals) for _, v in values]
    chart = SpcChart(
        noun=noun, periods=[shown_label(p) for p, _ in values], values=[v for _, v in values], shown=shown,
        point_types=[p.point_type.value for p in result.points], rules=[p.rule.value for p in result.points],
        mean=[x.mean for x in limits], upper=[x.upper for x in limits], lower=[x.lower for x in limits],
        upper_2sigma=[x.upper_2sigma for x in limits], lower_2sigma=[x.lower_2sigma for x in limits],
        variation=result.variation.value, assurance=result.assurance.value, trial=result.trial, summary="",
        rebases=[(periods[at], _reason_at(periods, at, rebases)) for at in starts],
    )
    chart.summary = _spc_summary(chart, result, indicator.decimals)
    return chart


def _reason_at(periods: list[str], at: int, rebases: list[dict]) -> str:
    """The reason of the rebase that starts the segment at `at`."""
    for rebase in rebases:
        if signals.rebase_positions(periods, [rebase["period"]]) == [at]:
            return rebase["reason"]
    return ""


def _spc_summary(chart: SpcChart, result, decimals: int) -> str:
    """The chart in words: how many points, the limits, each special cause and the icons."""
    def at(value):
        return metrics.Figure(value).shown(decimals) if value is not None else "none"

    limits = result.limits
    count = len(chart.values)
    text = (f"{count} {chart.noun}s from {chart.periods[0]} to {chart.periods[-1]}; "
            f"average {at(limits.mean)}, process limits {at(limits.lower)} to {at(limits.upper)}.")
    special = [f"{period} ({shown}: {kind}, {rule})" for period, shown, kind, rule
               in zip(chart.periods, chart.shown, chart.point_types, chart.rules) if rule != "none"]
    text += (" Special causes: " + "; ".join(special) + ".") if special else " Every point is common cause."
    for period, reason in chart.rebases:
        text += f" The limits start again from {period}: {reason}."
    if chart.trial:
        text += f" These are trial limits: fewer than 13 {chart.noun}s, so no icon is claimed."
    else:
        text += f" Variation: {chart.variation}."
        if chart.assurance != "none":
            text += f" Assurance: {chart.assurance}."
    return text


def _figure(record: dict) -> metrics.Figure:
    if record["figure_status"]:
        return metrics.Figure(None, record["figure_status"])
    return metrics.Figure(float(record["figure_value"]))


def _value(figure: metrics.Figure | None) -> float | None:
    return figure.value if figure is not None and figure.is_available else None


def _day(value) -> date:
    return value.date() if isinstance(value, pd.Timestamp) else value


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _attach_target(point: TrendPoint, target: dict | None, indicator: Indicator) -> None:
    if target is None:
        return
    point.target = float(target["value"])
    point.tolerance_low, point.tolerance_high = metrics.tolerance_band(
        point.target, _number(target["tolerance"]), target["tolerance_type"], indicator.polarity,
    )
