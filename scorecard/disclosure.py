"""Disclosure control: counts of 1 to 5 children could identify a child, so they, and the
rates and percentages worked out from them, leave the server as [c], as DfE publishes.

The threshold is the store setting `disclosure_threshold` (default 5). An indicator can be
marked as not disclosive (for example a percentage of a large cohort) by listing its id in
the setting `not_disclosive` (comma-separated). The database keeps the true figures."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scorecard import settings

DEFAULT_THRESHOLD = 5
SUPPRESSED = "c"


@dataclass(frozen=True)
class Rules:
    threshold: int = DEFAULT_THRESHOLD
    not_disclosive: frozenset[str] = frozenset()


def rules(store) -> Rules:
    return Rules(settings.value("disclosure_threshold", store), frozenset(settings.value("not_disclosive", store)))


def protect(frame: pd.DataFrame, rules: Rules, count_indicators: set[str] = frozenset()) -> pd.DataFrame:
    """Suppress figures (as returned by figures.with_figures) built on a small count.

    A count is small when it is 1 to the threshold; zero is not disclosive. For count
    indicators (unit 'number') the figure itself is the count."""
    if frame.empty or rules.threshold <= 0:
        return frame
    numerator = frame["numerator"].astype("float64")
    own_count = frame["indicator_id"].isin(count_indicators) & frame["numerator"].isna()
    count = np.where(own_count, frame["figure_value"].astype("float64"), numerator)
    small = (count >= 1) & (count <= rules.threshold) & ~frame["indicator_id"].isin(rules.not_disclosive)
    if not small.any():
        return frame
    frame = frame.copy()
    frame.loc[small, ["figure_value", "numerator", "value"]] = np.nan
    frame.loc[small, "figure_status"] = SUPPRESSED
    return frame
