"""Check rates the scorecard computes against the rates a publication printed.

Scorecard works rates out again from counts and ONS populations. Where its figure differs
from the published one there is nearly always a known reason: DfE rounds regional and
national counts to the nearest 10, or the publication used an ONS estimate that has since
been revised. This module counts the matches and gives each difference its reason.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

ROUNDED_COUNT = "count rounded to the nearest 10 in the publication"
REVISED_POPULATION = "the publication used a different population estimate (revised since)"
SMALL_POPULATION = "a very small population (City of London, Isles of Scilly): its estimates are revised by large proportions"
UNEXPLAINED = "unexplained"
SMALL = 5_000  # children; only the City of London and the Isles of Scilly are this small


@dataclass
class Reconciliation:
    compared: int
    matched: int
    differences: pd.DataFrame  # area_code, period, numerator, published, computed, reason

    @property
    def unexplained(self) -> pd.DataFrame:
        return self.differences[self.differences["reason"] == UNEXPLAINED]

    def summary(self, name: str) -> str:
        lines = [f"{name}: {self.matched:,} of {self.compared:,} computed rates match the published ones"]
        for reason, group in self.differences.groupby("reason"):
            lines.append(f"  {len(group):,} differ: {reason}")
        return "\n".join(lines)


def reconcile(frame: pd.DataFrame) -> Reconciliation:
    """`frame` has numerator, population_used, multiplier, decimals, published and computed
    (both already rounded to the indicator's decimals), one row per area and period."""
    both = frame[frame["published"].notna() & frame["computed"].notna()].copy()
    differ = both[~np.isclose(both["published"], both["computed"], rtol=0, atol=1e-9)].copy()
    differ["reason"] = [_reason(row) for row in differ.to_dict("records")]
    columns = ["area_code", "period", "numerator", "population_used", "published", "computed", "reason"]
    return Reconciliation(len(both), len(both) - len(differ), differ[columns].reset_index(drop=True))


def _published_range(row: dict) -> tuple[float, float]:
    half = 0.5 * 10.0 ** -int(row["decimals"])
    return row["published"] - half, row["published"] + half


def _reason(row: dict) -> str:
    low, high = _published_range(row)
    numerator, population, multiplier = row["numerator"], row["population_used"], row["multiplier"]
    if numerator % 10 == 0:
        # Any true count that rounds to this one, with the same population.
        lowest = (numerator - 5) / population * multiplier
        highest = (numerator + 5) / population * multiplier
        if lowest <= high and highest >= low:
            return ROUNDED_COUNT
    # The populations that would give the published rate from this count.
    implied_high = numerator * multiplier / low if low > 0 else np.inf
    implied_low = numerator * multiplier / high
    if implied_low * 0.97 <= population <= implied_high * 1.03:
        return REVISED_POPULATION
    if population < SMALL and implied_low * 0.5 <= population <= implied_high * 2:
        return SMALL_POPULATION
    return UNEXPLAINED
