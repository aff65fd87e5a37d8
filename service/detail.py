"""One indicator in depth for an area: every figure up to a quarter with its comparators and
target band, its localities' scorecard rows, the symbols used and the commentary kept."""

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from scorecard import disclosure, figures, metrics, signals
from scorecard.areas import ENGLAND
from scorecard.catalogue import Indicator
from scorecard.periods import Period
from scorecard.quarterly import ScorecardRow, quarterly_scorecard
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
    localities: list[tuple[str, ScorecardRow]] = field(default_factory=list)
    symbols_used: dict[str, str] = field(default_factory=dict)
    commentary_history: list[dict] = field(default_factory=list)
    spc: SpcChart | None = None


def indicator_detail(service, indicator: Indicator, area_code: str, quarter: Period) -> IndicatorDetail:
    """`service` is the Service asking: its store, catalogue, areas and national figures."""
    store, areas = service.store, service.areas
    area = areas.get(area_code)
    la = area if area.level != "local" else areas.get(area.parent_code)
    region = areas.get(la.region_code) if la is not None and la.region_code else None
    neighbours = store.neighbours(la.code) if la is not None else []
    codes = [area.code, ENGLAND, *([region.code] if region else []), *neighbours]
    holding = service.catalogue_with_benchmarks() if indicator.is_benchmark else service.catalogue
    only = [indicator.id] if indicator.is_benchmark else None  # not every benchmark indicator's work
    valued = disclosure.shield(store, holding, areas, only).protect(
        figures.with_figures(
            figures.observations(store, [indicator.id], codes, until=quarter.end),
            figures.populations(store, codes),
            holding,
        ),
    )
    by_area = {code: group for code, group in valued.groupby("area_code")}
    area_rows = by_area.get(area.code, valued.iloc[0:0]).sort_values(["period_end", "period_type"])
    target_of = {row["period"]: row for row in store.targets(area.code, [indicator.id])}
    points = []
    for record in area_rows.to_dict("records"):
        figure = _figure(record)
        point = TrendPoint(
            period=record["period"], period_end=record["period_end"],
            shown=figure.shown(indicator.decimals), value=figure.value if figure.is_available else None,
            status=figure.status, numerator=_number(record["numerator"]),
            denominator=_number(record["population_used"]) or _number(record["denominator"]),
            load_id=None if pd.isna(record["load_id"]) else int(record["load_id"]),
        )
        point.england = _value_at(by_area.get(ENGLAND), record["period"])
        point.region = _value_at(by_area.get(region.code), record["period"]) if region else None
        members = [_figure_at(by_area.get(code), record["period"]) for code in neighbours]
        mean = metrics.mean_of([member for member in members if member is not None], indicator.decimals)
        point.sn_mean = mean.value if mean.is_available else None
        _attach_target(point, target_of.get(record["period"]), indicator)
        points.append(point)
    detail = IndicatorDetail(indicator, area.name, region.name if region else None, points)
    detail.symbols_used = {p.status: SYMBOLS[p.status] for p in points if p.status in SYMBOLS}
    if indicator.has_localities and la is not None:
        for local in areas.localities(la.code):
            card = quarterly_scorecard(store, service.catalogue, areas, local.code, quarter, only={indicator.id},
                                       national=service.national())
            row = next((r for r in card.rows if r.indicator_id == indicator.id), None)
            if row is not None:
                detail.localities.append((local.name, row))
    detail.commentary_history = store.commentary_history(indicator.id, area.code)
    detail.spc = _spc_chart(area_rows.to_dict("records"), indicator, target_of,
                            store.spc_rebases(indicator.id, area.code))
    return detail


def _spc_chart(records: list[dict], indicator: Indicator, target_of: dict, rebases: list[dict]) -> SpcChart | None:
    """For a quarterly or monthly series (the indicator's own kind where it has one)."""
    kinds = [indicator.period_type.value] if indicator.period_type.value in signals.SPC_PERIODS else list(signals.SPC_PERIODS)
    latest = [r for r in records if r["period_type"] in kinds]
    if not latest:
        return None
    current = max(latest, key=lambda r: r["period_end"])
    values = signals.spc_values(signals.consecutive(records, current))
    target = target_of.get(current["period"])
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
        noun=noun, periods=[p for p, _ in values], values=[v for _, v in values], shown=shown,
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


def _figure_at(group: pd.DataFrame | None, period: str) -> metrics.Figure | None:
    if group is None:
        return None
    found = group[group["period"] == period]
    return None if found.empty else _figure(found.iloc[0].to_dict())


def _value_at(group: pd.DataFrame | None, period: str) -> float | None:
    figure = _figure_at(group, period)
    return figure.value if figure is not None and figure.is_available else None


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _attach_target(point: TrendPoint, target: dict | None, indicator: Indicator) -> None:
    if target is None:
        return
    point.target = float(target["value"])
    point.tolerance_low, point.tolerance_high = metrics.tolerance_band(
        point.target, _number(target["tolerance"]), target["tolerance_type"], indicator.polarity,
    )
