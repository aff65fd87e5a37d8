"""The tidy frames loaders hand to the store, built column-wise for speed."""

import pandas as pd

from scorecard import schema

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
