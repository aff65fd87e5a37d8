"""One indicator in depth for an area: every figure up to a quarter with its comparators and
target band, its localities' scorecard rows, the symbols used and the commentary kept."""

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from scorecard import disclosure, figures, metrics
from scorecard.areas import ENGLAND
from scorecard.catalogue import Indicator
from scorecard.periods import Period
from scorecard.quarterly import ScorecardRow, quarterly_scorecard
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
class IndicatorDetail:
    indicator: Indicator
    area_name: str
    region_name: str | None
    points: list[TrendPoint]
    localities: list[tuple[str, ScorecardRow]] = field(default_factory=list)
    symbols_used: dict[str, str] = field(default_factory=dict)
    commentary_history: list[dict] = field(default_factory=list)


def indicator_detail(service, indicator: Indicator, area_code: str, quarter: Period) -> IndicatorDetail:
    """`service` is the Service asking: its store, catalogue, areas and national figures."""
    store, areas = service.store, service.areas
    area = areas.get(area_code)
    la = area if area.level != "local" else areas.get(area.parent_code)
    region = areas.get(la.region_code) if la is not None and la.region_code else None
    neighbours = store.neighbours(la.code) if la is not None else []
    codes = [area.code, ENGLAND, *([region.code] if region else []), *neighbours]
    holding = service.catalogue_with_benchmarks() if indicator.is_benchmark else service.catalogue
    valued = disclosure.protect(
        figures.with_figures(
            figures.observations(store, [indicator.id], codes, until=quarter.end),
            figures.populations(store, codes),
            holding,
        ),
        disclosure.rules(store),
        {indicator.id} if indicator.unit.value == "number" else set(),
    )
    by_area = {code: group for code, group in valued.groupby("area_code")}
    home = by_area.get(area.code, valued.iloc[0:0]).sort_values(["period_end", "period_type"])
    target_of = {row["period"]: row for row in store.targets(area.code, [indicator.id])}
    points = []
    for record in home.to_dict("records"):
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
    return detail


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
