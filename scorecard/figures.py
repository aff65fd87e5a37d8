"""Figures as the scorecard shows them: rates computed from counts and ONS populations.

A published rate is kept as loaded, but where the count is known the rate is worked
out again from the count and the population for the right mid-year, so every LA is
judged on the same population vintage, and the population used is recorded.
"""

import numpy as np
import pandas as pd
import sqlalchemy as sa

from scorecard import schema
from scorecard.catalogue import Catalogue
from scorecard.store import Store

FIGURE_COLUMNS = [
    "indicator_id", "area_code", "period", "breakdown", "period_type", "period_start",
    "period_end", "numerator", "denominator", "value", "status", "load_id",
]


def round_half_away_array(values: np.ndarray, decimals: np.ndarray | int) -> np.ndarray:
    """Vectorised round half away from zero; the tiny nudge absorbs binary float error
    (80.85 is stored as 80.8499999...). Matches metrics.round_half_away, which tests check."""
    factor = np.power(10.0, decimals)
    scaled = np.abs(values) * factor
    return np.sign(values) * np.floor(scaled + 0.5 + 1e-9 * np.maximum(1, scaled)) / factor


def rounded_ratio(
    numerator: np.ndarray, denominator: np.ndarray, multiplier: np.ndarray | float, decimals: np.ndarray | int
) -> np.ndarray:
    """numerator / denominator x multiplier, rounded half away from zero at decimals.

    Where the counts are whole numbers the rounding is exact, in integers: 23 / 80 x 100
    is 28.75, which floats make 28.749999999999996 and a nudge can only guess at for large
    populations. Matches metrics.rate, which tests check."""
    numerator, denominator = np.asarray(numerator, "float64"), np.asarray(denominator, "float64")
    size = np.broadcast(numerator, denominator).shape
    multiplier = np.broadcast_to(np.asarray(multiplier, "float64"), size)
    decimals = np.broadcast_to(np.asarray(decimals, "int64"), size)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = round_half_away_array(numerator / denominator * multiplier, decimals)
    result[~(denominator > 0)] = np.nan  # no population, no rate: never infinity
    scale = multiplier * np.power(10.0, decimals)
    whole = (
        np.isfinite(numerator) & np.isfinite(denominator) & (denominator > 0) & (numerator >= 0)
        & (numerator == np.floor(numerator)) & (denominator == np.floor(denominator))
        & (scale == np.floor(scale)) & (numerator * scale < 2.0**62)
    )
    if whole.any():
        scaled = numerator[whole].astype("int64") * scale[whole].astype("int64")
        quotient, remainder = np.divmod(scaled, denominator[whole].astype("int64"))
        quotient += 2 * remainder >= denominator[whole].astype("int64")
        result[whole] = quotient / np.power(10.0, decimals[whole])
    return result


def mid_years(period_end: pd.Series) -> pd.Series:
    """The latest 30 June on or before each period end (DfE's mid-(Y-1) rule for 31 March)."""
    ends = pd.to_datetime(period_end)
    after_june = (ends.dt.month > 6) | ((ends.dt.month == 6) & (ends.dt.day == 30))
    return (ends.dt.year - (~after_june).astype(int)).astype("int64")


def observations(
    store: Store,
    indicator_ids: list[str],
    area_codes: list[str] | None = None,
    until=None,
    periods: list[str] | None = None,
    breakdown: str | None = "all",
) -> pd.DataFrame:
    table = schema.observation
    query = sa.select(*[table.c[name] for name in FIGURE_COLUMNS]).where(
        table.c.indicator_id.in_(indicator_ids)
    )
    if breakdown is not None:
        query = query.where(table.c.breakdown == breakdown)
    if area_codes is not None:
        query = query.where(table.c.area_code.in_(area_codes))
    if until is not None:
        query = query.where(table.c.period_end <= until)
    if periods is not None:
        query = query.where(table.c.period.in_(periods))
    return store.frame(query)


def populations(store: Store, area_codes: list[str] | None = None) -> pd.DataFrame:
    table = schema.population
    query = sa.select(
        table.c.area_code, table.c.mid_year, table.c.age_band, table.c.sex,
        table.c["count"], table.c.vintage,
    ).where(table.c.status == "", table.c["count"] > 0)
    if area_codes is not None:
        query = query.where(table.c.area_code.in_(area_codes))
    return store.frame(query)


def with_figures(frame: pd.DataFrame, population: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Add figure_value, figure_status and the population used to each observation row."""
    frame = frame.copy()
    wanted = set(frame["indicator_id"].unique())
    meta = pd.DataFrame(
        [
            (i.id, i.population_age_band, i.population_sex, i.multiplier, i.decimals, i.unit.value)
            for i in catalogue
            if i.id in wanted
        ],
        columns=["indicator_id", "age_band", "sex", "multiplier", "decimals", "unit"],
    )
    frame = frame.merge(meta, on="indicator_id", how="left")
    frame["mid_year"] = mid_years(frame["period_end"]) if len(frame) else pd.Series(dtype="int64")
    frame = _attach_population(frame, population)
    numerator = frame["numerator"].astype("float64")
    is_rate = frame["age_band"].notna()
    has_count = numerator.notna() & (frame["status"] == "")
    computed = np.where(
        is_rate & has_count & frame["population_used"].notna(),
        numerator / frame["population_used"] * frame["multiplier"].astype("float64"),
        np.nan,
    )
    # A percentage with both counts but no published value is worked out too.
    denominator = frame["denominator"].astype("float64")
    percent = (frame["unit"] == "percent") & has_count & frame["value"].isna() & (denominator > 0)
    computed = np.where(percent, numerator / denominator * 100, computed)
    raw = np.where(np.isnan(computed), frame["value"].astype("float64"), computed)
    decimals = frame["decimals"].fillna(1).astype(int).to_numpy()
    # Computed figures are rounded exactly from their counts; loaded ones as written.
    exact = np.where(
        percent,
        rounded_ratio(numerator, denominator, 100, decimals),
        rounded_ratio(numerator, frame["population_used"], frame["multiplier"].fillna(1), decimals),
    )
    frame["figure_value"] = np.where(np.isnan(computed), round_half_away_array(raw, decimals), exact)
    frame["figure_computed"] = ~np.isnan(computed)
    frame["figure_status"] = np.where(
        frame["status"] != "",
        frame["status"],
        np.where(np.isnan(frame["figure_value"]), "x", ""),
    )
    frame.loc[frame["figure_status"] != "", "figure_value"] = np.nan
    frame.loc[~is_rate | ~frame["figure_computed"], ["population_used", "population_year", "population_vintage"]] = None
    return frame


def _attach_population(frame: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """The population for each row's mid-year, or the latest earlier one ONS has."""
    frame = frame.reset_index(drop=True)
    frame["population_used"] = np.nan
    frame["population_year"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["population_vintage"] = None
    rates = frame[frame["age_band"].notna()]
    if rates.empty or population.empty:
        return frame
    left = rates[["area_code", "age_band", "sex", "mid_year"]].reset_index().sort_values("mid_year")
    right = population.rename(columns={"mid_year": "population_year"}).copy()
    right["population_year"] = right["population_year"].astype("int64")
    right = right.sort_values("population_year")
    matched = pd.merge_asof(
        left, right, left_on="mid_year", right_on="population_year",
        by=["area_code", "age_band", "sex"], direction="backward",
    ).set_index("index")
    frame.loc[matched.index, "population_used"] = matched["count"].astype("float64")
    frame.loc[matched.index, "population_year"] = matched["population_year"].astype("Int64")
    frame.loc[matched.index, "population_vintage"] = matched["vintage"]
    return frame
