"""The tidy frames loaders hand to the store, built column-wise for speed."""

from dataclasses import dataclass, field

import pandas as pd

from scorecard import schema
from scorecard.store import Batch

OBSERVATION_COLUMNS = [
    column.name for column in schema.observation.columns if column.name != "load_id"
]
POPULATION_COLUMNS = [column.name for column in schema.population.columns if column.name != "load_id"]


def observations(**columns) -> pd.DataFrame:
    """An observation frame; breakdown defaults to 'all' and status to ''."""
    frame = pd.DataFrame(columns)
    if "breakdown" not in frame:
        frame["breakdown"] = "all"
    for name in ("numerator", "denominator", "value"):
        if name not in frame:
            frame[name] = float("nan")
        frame[name] = frame[name].astype("float64")
    if "status" not in frame:
        frame["status"] = ""
    return frame[OBSERVATION_COLUMNS]


@dataclass
class FileBatch(Batch):
    """A Batch plus the benchmark indicators a file describes (LAIT's measures outside the
    catalogue): reference rows written just before the figures, so they can be shown."""

    indicators: list[dict] = field(default_factory=list)
