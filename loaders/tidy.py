"""The tidy frames loaders hand to the store, built column-wise for speed."""

import pandas as pd

from scorecard import schema
from scorecard.provenance import DataSource
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
    if "source" not in frame:
        frame["source"] = ""  # sourced() names the file's source
    if "count_rounding" not in frame:
        frame["count_rounding"] = float("nan")  # none: the publisher did not round its counts
    return frame[OBSERVATION_COLUMNS]




def latest_year(frame: pd.DataFrame) -> str:
    """A release's sortable name when the file does not say: the year of its latest figure
    (the 2021-2025 CLA release is '2025'), or of its latest mid-year for populations."""
    if frame is None or frame.empty:
        return ""
    if "period_end" in frame:
        ends = pd.to_datetime(frame["period_end"], errors="coerce").dropna()
        return str(ends.max().year) if len(ends) else ""
    if "mid_year" in frame:
        years = pd.to_numeric(frame["mid_year"], errors="coerce").dropna()
        return str(int(years.max())) if len(years) else ""
    return ""


def sourced(batch: Batch, source: DataSource) -> Batch:
    """The batch with every observation and population row naming `source`."""
    for name in ("observation", "population"):
        frame = batch.tables.get(name)
        if frame is not None:
            frame = frame.copy()
            frame["source"] = source.id
            batch.tables[name] = frame
    batch.sources = [*batch.sources, source.row()]
    return batch
