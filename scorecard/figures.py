"""Figures as the scorecard shows them: the publisher's figure of record, chosen among
the sources that give it, or a rate worked out from a count where no publisher gives one.
"""

import numpy as np
import pandas as pd

from scorecard.catalogue import Catalogue
from scorecard.metrics import mid_year_for, round_half_away_array
from scorecard.provenance import precedence
from scorecard.store import FIGURE_COLUMNS, Store  # noqa: F401 - the columns a figure is read with


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
    """metrics.mid_year_for each period end, worked out once per distinct date."""
    ends = pd.to_datetime(period_end)
    years = {end: mid_year_for(end.date()) for end in ends.unique()}
    return ends.map(years).astype("int64")


KEY = ["indicator_id", "area_code", "period", "breakdown"]
POPULATION_KEY = ["area_code", "mid_year", "age_band", "sex"]


def observations(
    store: Store,
    indicator_ids: list[str],
    area_codes: list[str] | None = None,
    until=None,
    periods: list[str] | None = None,
    breakdown: str | None = "all",
) -> pd.DataFrame:
    """The figure of record for each indicator, area, period and breakdown (of_record)."""
    return of_record(store.observations(indicator_ids, area_codes, until, periods, breakdown), store.sources())


def source_order(sources: pd.DataFrame) -> dict[str, int]:
    """Each source's place in the precedence: larger is preferred (scorecard/provenance.py)."""
    ranked = sorted(
        sources.itertuples(index=False), key=lambda row: (precedence(row.kind, row.release), row.id)
    )
    return {row.id: place for place, row in enumerate(ranked)}


def of_record(frame: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """One row per figure, whatever order the sources were loaded in.

    Of the sources that give a figure, a published value (or a publisher's symbol) comes
    first, then precedence: a newer release that lacks the value never turns an older
    release's into nothing, and a count-only file never replaces LAIT's published rate with
    a recomputed one. The count comes from the preferred source that gives one. The
    `alternatives` column counts the other sources (scorecard reconcile lists them)."""
    frame = frame.copy()
    frame["alternatives"] = 0
    if "source" not in frame or frame.empty:
        return frame
    several = frame.duplicated(KEY, keep=False).to_numpy()
    if not several.any():
        return frame
    order = source_order(sources)
    many = frame[several].copy()
    many["_place"] = many["source"].map(order).fillna(-1)
    many["_gives"] = many["value"].notna() | (many["status"] != "")
    many = many.sort_values([*KEY, "_gives", "_place"], ascending=[True] * len(KEY) + [False, False])
    chosen = many.drop_duplicates(KEY, keep="first").set_index(KEY)
    counted = (
        many[many["numerator"].notna()]
        .sort_values([*KEY, "_place"], ascending=[True] * len(KEY) + [False])
        .drop_duplicates(KEY, keep="first")
        .set_index(KEY)
    )
    # Only a preferred source's count (d5's beside LAIT's rate), never beside a symbol (an
    # older release's count would undo its suppression) nor a lesser source's (demo counts).
    lacking = chosen.index[chosen["numerator"].isna() & (chosen["status"] == "")].intersection(counted.index)
    lacking = lacking[(counted.loc[lacking, "_place"] > chosen.loc[lacking, "_place"]).to_numpy()]
    for column in ("numerator", "denominator", "count_rounding"):
        chosen.loc[lacking, column] = counted.loc[lacking, column]
    chosen["alternatives"] = many.groupby(KEY).size().reindex(chosen.index) - 1
    chosen = chosen.reset_index()[frame.columns]
    return pd.concat([frame[~several], chosen], ignore_index=True)


def populations(store: Store, area_codes: list[str] | None = None) -> pd.DataFrame:
    """One estimate per area, mid-year, age band and sex: the newest release's."""
    frame = store.population_estimates(area_codes)
    if frame.duplicated(POPULATION_KEY).any():
        frame["_place"] = frame["source"].map(source_order(store.sources())).fillna(-1)
        frame = (
            frame.sort_values("_place", ascending=False)
            .drop_duplicates(POPULATION_KEY, keep="first")
            .drop(columns="_place")
        )
    return frame


def with_figures(frame: pd.DataFrame, population: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Add figure_value, figure_status and what a worked-out figure came from.

    The publisher's value is the figure of record (DESIGN.md, Metrics). Only where a source
    gives a count and no value is one worked out: a percentage from its counts; a rate from
    the count and the population the file itself gives (DfE's own), else ONS's estimate for
    mid-(Y-1). figure_computed says which; population_used, _year and _vintage say from what."""
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
    denominator = frame["denominator"].astype("float64")
    is_rate = frame["age_band"].notna()
    to_work_out = numerator.notna() & (frame["status"] == "") & frame["value"].isna()
    # A rate from the file's own population where it gives one: the very one DfE used.
    own = is_rate & to_work_out & (denominator > 0)
    frame.loc[own, "population_used"] = denominator[own]
    frame.loc[own, "population_year"] = frame.loc[own, "mid_year"].astype("Int64")
    frame.loc[own, "population_vintage"] = "given in the file"
    rate = is_rate & to_work_out & frame["population_used"].notna()
    percent = (frame["unit"] == "percent") & to_work_out & (denominator > 0)
    decimals = frame["decimals"].fillna(1).astype(int).to_numpy()
    worked_out = np.where(
        percent,
        rounded_ratio(numerator, denominator, 100, decimals),
        rounded_ratio(numerator, frame["population_used"], frame["multiplier"].fillna(1), decimals),
    )
    computed = (rate | percent).to_numpy()
    published = round_half_away_array(frame["value"].astype("float64").to_numpy(), decimals)
    frame["figure_value"] = np.where(computed, worked_out, published)
    frame["figure_computed"] = computed
    frame["figure_status"] = np.where(
        frame["status"] != "",
        frame["status"],
        np.where(np.isnan(frame["figure_value"]), "x", ""),
    )
    frame.loc[frame["figure_status"] != "", "figure_value"] = np.nan
    frame.loc[~(rate.to_numpy() & computed), ["population_used", "population_year", "population_vintage"]] = None
    return frame


def _attach_population(frame: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """The population for each row's mid-year, or the latest earlier one ONS has."""
    frame = frame.reset_index(drop=True)
    frame["population_used"] = np.nan
    frame["population_year"] = pd.Series(np.nan, index=frame.index).astype("Int64")
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
