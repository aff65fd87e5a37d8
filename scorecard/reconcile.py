"""Reconciliation: every figure with more than one source, and every published figure
checked against the one Scorecard would work out from its count, with the reason for each
difference.

Scorecard shows the publisher's figure (DESIGN.md, "The figure of record"); these checks
say why a figure worked out again can differ from it: DfE rounds counts (national and
regional to 10, its older LA tables to 5), or the publication used an ONS estimate revised
since. Where sources disagree: a later release revised the figure, one suppressed it, or
local management information differs from what was published for the same day.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scorecard import figures, metrics
from scorecard.catalogue import Catalogue

ROUNDED_COUNT = "count rounded in the publication"
REVISED_POPULATION = "the publication used a different population estimate (revised since)"
SMALL_POPULATION = "a very small population (City of London, Isles of Scilly): its estimates are revised by large proportions"
SUPPRESSED = "one source suppressed the figure"
REVISED_RELEASE = "a later release revised the figure"
LOCAL_FIGURE = "local management information differs from the published figure"
OTHER_SOURCE = "the sources compile the figure differently"
AGGREGATE = "a regional or national figure the publisher worked out from counts it did not publish"
UNEXPLAINED = "unexplained"
SMALL = 5_000  # children; only the City of London and the Isles of Scilly are this small

COLUMNS = [
    "indicator_id", "area_code", "period", "breakdown", "source", "check", "published",
    "computed", "difference", "numerator", "population_used", "population_vintage", "reason",
]


@dataclass
class Reconciliation:
    compared: int
    matched: int
    differences: pd.DataFrame  # COLUMNS, one row a difference

    @property
    def unexplained(self) -> pd.DataFrame:
        return self.differences[self.differences["reason"] == UNEXPLAINED]

    def counts(self) -> dict[str, int]:
        return self.differences["reason"].value_counts().to_dict()

    def summary(self, name: str) -> str:
        lines = [f"{name}: {self.matched:,} of {self.compared:,} compared figures agree"]
        for reason, count in sorted(self.counts().items(), key=lambda item: -item[1]):
            lines.append(f"  {count:,} differ: {reason}")
        return "\n".join(lines)


def reconcile(frame: pd.DataFrame) -> Reconciliation:
    """`frame` has numerator, population_used, multiplier, decimals, published and computed
    (both already rounded to the indicator's decimals), one row per area and period, and
    optionally count_rounding (5 or 10 where the publisher rounded the count)."""
    both = frame[frame["published"].notna() & frame["computed"].notna()].copy()
    differ = both[~np.isclose(both["published"], both["computed"], rtol=0, atol=1e-9)].copy()
    differ["reason"] = [_reason(row) for row in differ.to_dict("records")]
    differ["check"] = "worked out again"
    differ["difference"] = differ["computed"] - differ["published"]
    for column in COLUMNS:
        if column not in differ:
            differ[column] = None
    return Reconciliation(len(both), len(both) - len(differ), differ[COLUMNS].reset_index(drop=True))


def checks(rows: pd.DataFrame, population: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Every published figure that has a count, beside the one worked out from that count:
    with the file's own population where it gives one, else ONS's for mid-(Y-1)."""
    given = rows[rows["value"].notna() & rows["numerator"].notna() & (rows["status"] == "")]
    if given.empty:
        return given.assign(published=[], computed=[])
    worked = figures.with_figures(given.assign(value=np.nan), population, catalogue)
    # with_figures keeps the rows' order: each published value, shown as with_figures shows it.
    decimals = worked["decimals"].fillna(1).astype(int).to_numpy()
    worked["published"] = metrics.round_half_away_array(given["value"].to_numpy(dtype="float64"), decimals)
    worked["computed"] = np.where(worked["figure_computed"], worked["figure_value"], np.nan)
    return worked


def reconciliation(rows: pd.DataFrame, population: pd.DataFrame, sources: pd.DataFrame,
                   catalogue: Catalogue) -> Reconciliation:
    """Checks of every published figure, and every source that differs from the figure of
    record. `rows` are observations from every source (figures.every_source)."""
    checked = reconcile(checks(rows, population, catalogue))
    between = _between_sources(rows, population, sources, catalogue)
    found = [frame for frame in (checked.differences, between["differences"]) if len(frame)]
    differences = pd.concat(found, ignore_index=True) if found else checked.differences
    return Reconciliation(
        checked.compared + between["compared"], checked.matched + between["matched"], differences
    )


def _between_sources(rows, population, sources, catalogue) -> dict:
    shown = figures.with_figures(rows, population, catalogue)
    several = shown[shown.duplicated(figures.KEY, keep=False)]
    if several.empty:
        return {"compared": 0, "matched": 0, "differences": pd.DataFrame(columns=COLUMNS)}
    record = figures.of_record(rows, sources)[[*figures.KEY, "source"]].rename(columns={"source": "record"})
    several = several.merge(record, on=figures.KEY)
    chosen = several[several["source"] == several["record"]].set_index(figures.KEY)
    others = several[several["source"] != several["record"]]
    best = chosen.reset_index()[[*figures.KEY, "figure_value", "figure_status"]].rename(
        columns={"figure_value": "best_value", "figure_status": "best_status"})
    paired = others.merge(best, on=figures.KEY, how="left")  # each other source beside the figure of record
    mine, theirs = paired["figure_value"].to_numpy("float64"), paired["best_value"].to_numpy("float64")
    same = (paired["figure_status"].to_numpy() == paired["best_status"].to_numpy()) & (
        (np.isnan(mine) & np.isnan(theirs)) | np.isclose(mine, theirs, rtol=0, atol=1e-9))
    kinds = {row.id: {"kind": row.kind, "release": row.release} for row in sources.itertuples(index=False)}
    found = []
    for row in paired[~same].to_dict("records"):
        mine, theirs = row["figure_value"], row["best_value"]
        found.append({
            **{name: row[name] for name in figures.KEY},
            "source": row["source"], "check": f"against {row['record']}",
            "published": theirs, "computed": mine,
            "difference": mine - theirs if not (np.isnan(mine) or np.isnan(theirs)) else np.nan,
            "numerator": row["numerator"], "population_used": row["population_used"],
            "population_vintage": row["population_vintage"],
            "reason": _source_reason(row, {"figure_status": row["best_status"], "record": row["record"]}, kinds),
        })
    return {
        "compared": len(others), "matched": len(others) - len(found),
        "differences": pd.DataFrame(found, columns=COLUMNS),
    }


def _source_reason(row: dict, best: dict, kinds: dict[str, dict]) -> str:
    if (row["figure_status"] != "") != (best["figure_status"] != ""):
        return SUPPRESSED
    mine, theirs = kinds.get(row["source"]), kinds.get(best["record"])
    if mine is None or theirs is None:
        return OTHER_SOURCE
    if "local" in (mine["kind"], theirs["kind"]):
        return LOCAL_FIGURE
    if mine["release"] != theirs["release"]:
        return REVISED_RELEASE
    return OTHER_SOURCE


def _published_range(row: dict) -> tuple[float, float]:
    half = 0.5 * 10.0 ** -int(row["decimals"])
    return row["published"] - half, row["published"] + half


def _reason(row: dict) -> str:
    low, high = _published_range(row)
    numerator, population, multiplier = row["numerator"], row["population_used"], row["multiplier"]
    multiplier = 100 if pd.isna(population) else multiplier  # a percentage of its denominator
    population = row.get("denominator") if pd.isna(population) else population
    if population is None or pd.isna(population) or not population > 0:
        return UNEXPLAINED
    rounding = row.get("count_rounding")
    # Only where the source says its counts are rounded (EES: national and regional to 10).
    steps = [int(rounding)] if rounding is not None and not pd.isna(rounding) else []
    for step in steps:
        if numerator % step == 0:
            # Any true count that rounds to this one, with the same population.
            lowest = (numerator - step / 2) / population * multiplier
            highest = (numerator + step / 2) / population * multiplier
            if lowest <= high and highest >= low:
                return ROUNDED_COUNT
    # The populations that would give the published rate from this count.
    implied_high = numerator * multiplier / low if low > 0 else np.inf
    implied_low = numerator * multiplier / high if high > 0 else 0
    # ONS rebased its mid-2012 to mid-2020 estimates on the 2021 Census: by a fifth in some
    # inner London boroughs (Westminster's children), a few per cent elsewhere and later.
    year = row.get("population_year")
    slack = 0.25 if year is not None and not pd.isna(year) and 2012 <= int(year) <= 2020 else 0.03
    if implied_low * (1 - slack) <= population <= implied_high * (1 + slack):
        return REVISED_POPULATION
    if population < SMALL and implied_low * 0.5 <= population <= implied_high * 2:
        return SMALL_POPULATION
    if multiplier == 100 and str(row.get("area_code", "")).startswith(("E12", "E92")):
        # e.g. Yorkshire and the Humber's 2021-22 repeat plans: 23.6% printed beside 1,660 of
        # 7,490, which is 22.2%: the region's figure is not its published counts' ratio.
        return AGGREGATE
    return UNEXPLAINED
