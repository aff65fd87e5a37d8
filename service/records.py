"""What the service holds as flat records (one dict per row, plain JSON values), for
`scorecard show --format json` and the API alike, so both give the same fields."""

import math
from datetime import date, datetime

import pandas as pd

from scorecard.catalogue import Indicator
from scorecard.quarterly import Scorecard

# The fields a reader looks for first; every other field of a scorecard row follows.
JSON_FIELDS_FIRST = [
    "indicator_id", "title", "outcome_area", "period_label", "value", "numerator", "denominator",
    "status", "target", "rag", "direction", "england", "region", "sn_mean", "rank", "quartile",
]


def scorecard_records(card: Scorecard, wanted: set[str] | None = None) -> list[dict]:
    """Every field of each row (already shielded by the scorecard), with the area, quarter
    and whether the figures are invented."""
    rows = []
    for row in card.rows:
        if wanted and row.indicator_id not in wanted:
            continue
        record = row.as_dict()
        record.update(area_code=card.area.code, area_name=card.area.name,
                      quarter=card.quarter.label, demonstration_data=card.is_demo)
        rows.append(record)
    return rows


def ordered(rows: list[dict]) -> list[dict]:
    """JSON_FIELDS_FIRST first, then the rest in the row's own order."""
    return [{**{name: row[name] for name in JSON_FIELDS_FIRST}, **row} for row in rows]


def indicator_record(indicator: Indicator) -> dict:
    return {
        "id": indicator.id,
        "title": indicator.title,
        "short_title": indicator.short_title,
        "outcomes": dict(indicator.outcomes),
        "polarity": indicator.polarity.value,
        "unit": indicator.unit.value,
        "multiplier": indicator.multiplier,
        "population_age_band": indicator.population_age_band,
        "period_type": indicator.period_type.value,
        "measure_type": indicator.measure_type.value,
        "decimals": indicator.decimals,
        "definition": indicator.definition,
        "source": indicator.source,
        "ni_code": indicator.ni_code,
        "aliases": list(indicator.aliases),
        "lait_code": indicator.lait_code,
        "is_local": indicator.is_local,
    }


def area_records(service) -> list[dict]:
    """The areas the service accepts (Service.area_choices), in its order."""
    found = []
    for code, label in service.area_choices():
        area = service.areas.get(code)
        found.append({"code": area.code, "name": area.name, "label": label, "level": area.level,
                      "old_code": area.old_code, "region_code": area.region_code,
                      "parent_code": area.parent_code})
    return found


def series_records(service, indicator: Indicator, area_code: str, quarter) -> list[dict]:
    """Every figure of an indicator for an area up to a quarter's end, each with England, the
    region, the statistical-neighbour mean and the target: the indicator page's trend, whose
    figures are shielded as the page's are."""
    detail = service.indicator_detail(indicator, area_code, quarter)
    area = service.areas.get(area_code)
    is_demo = service.is_demo()
    rows = []
    for point in detail.points:
        rows.append({
            "indicator_id": indicator.id, "area_code": area.code, "area_name": area.name,
            "period": point.period, "period_end": point.period_end, "value": point.value,
            "shown": point.shown, "status": point.status, "numerator": point.numerator,
            "denominator": point.denominator, "england": point.england, "region": point.region,
            "region_name": detail.region_name, "sn_mean": point.sn_mean, "target": point.target,
            "tolerance_low": point.tolerance_low, "tolerance_high": point.tolerance_high,
            "decimals": indicator.decimals, "load_id": point.load_id, "demonstration_data": is_demo,
        })
    return [plain(row) for row in rows]


def load_records(service) -> list[dict]:
    """Every load, newest first."""
    return [plain(row) for row in service.loads()]


def plain(row: dict) -> dict:
    """JSON-ready values: None for NaN and NaT, ISO text for dates, int for whole numpy ints."""
    return {key: _plain(value) for key, value in row.items()}


def _plain(value):
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (datetime, pd.Timestamp)):
        return None if pd.isna(value) else value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict, str)):  # numpy scalars
        return _plain(value.item())
    return value
