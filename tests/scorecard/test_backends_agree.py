"""Every real public file loaded into DuckDB and into a real PostgreSQL server gives the
same stored rows, the same revision history and the same scorecards: the loaders and the
metrics do not depend on the backend."""


import pandas as pd
import pytest

from loaders.context import LoadContext
from loaders.pipeline import load_file
from scorecard import schema
from scorecard.areas import AREAS_CSV, load_areas
from scorecard.catalogue import load_catalogue
from scorecard.periods import parse_period
from scorecard.quarterly import quarterly_scorecard
from scorecard.reference import sync_reference
from scorecard.store import Store
from tests.paths import EXAMPLE_LOCALITIES, PUBLIC

# Sources never revise each other (each is kept; precedence picks the figure shown): a
# corrected copy of the CLA release, loaded last, makes the revisions.
FILES = [
    "ons_mid-year_population_estimates_2012_to_2024.csv",
    "cla_number_and_rate_per_10k_children_2021_2025.csv",
    "b1_children_in_need_2013_to_2024.csv",
    "d5_cpps_at31march_by_duration_2013_to_2025.csv",
    "neet_not_known_16_17_la_2023.csv",
    "statistical_neighbours_2021.csv",
    "statistical_neighbours_2025_wide.csv",
    "cla_la_tables_2015_sfr34.xlsx",
    "fingertips_hospital_admissions_injury_0_14.csv",
    "lait_long.parquet",
]
DATA_TABLES = {
    "observation": ["indicator_id", "area_code", "period", "breakdown", "source"],
    "observation_revision": ["indicator_id", "area_code", "period", "breakdown", "source", "load_id"],
    "population": ["area_code", "mid_year", "age_band", "sex", "source"],
    "comparator": ["model", "area_code", "position"],
}
QUARTERS = ["2010-11 Q4", "2015-16 Q4", "2023-24 Q4", "2024-25 Q4"]
AREAS = ["E08000027", "E92000001", "E12000005", "E09000001", "E06000060"]


@pytest.fixture(scope="module")
def both(tmp_path_factory, postgres_server):
    catalogue, areas = load_catalogue(), load_areas(AREAS_CSV, EXAMPLE_LOCALITIES)
    stores = {
        "duckdb": Store.open(tmp_path_factory.mktemp("agree") / "public.duckdb", create=True),
        "postgresql": Store.open(postgres_server.new_database(), create=True),
    }
    cla = pd.read_csv(PUBLIC / FILES[1], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    cla.loc[cla["children_count"] == "575", "children_count"] = "580"  # Dudley, 31 March 2025
    corrected = tmp_path_factory.mktemp("corrected") / "cla_corrected.csv"
    cla.to_csv(corrected, index=False)
    reports = {}
    for backend, store in stores.items():
        sync_reference(store, catalogue, areas)
        context = LoadContext(catalogue, areas, "E08000027")
        paths = [PUBLIC / name for name in FILES] + [corrected]
        reports[backend] = [load_file(store, path, context, user="test") for path in paths]
    yield stores, reports, catalogue, areas
    for store in stores.values():
        store.close()


def comparable(store: Store, name: str, key: list[str]) -> pd.DataFrame:
    """A table as plain Python values in key order, so backend dtypes do not matter."""
    frame = store.table(getattr(schema, name))
    # Surrogate keys and clock times differ by nature; everything else must agree.
    frame = frame.drop(columns=[column for column in ("id", "revision_id", "loaded_at", "revised_at") if column in frame])
    frame = frame.sort_values(key).reset_index(drop=True).astype(object)
    return frame.where(frame.notna(), None).map(_plain)


def _plain(value):
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def test_every_file_loads_the_same_on_both(both):
    _stores, reports, _catalogue, _areas = both
    summary = {
        backend: [(r.file, r.status, r.kind, r.rows_read, r.change.new, r.change.revised, r.change.unchanged)
                  for r in made]
        for backend, made in reports.items()
    }
    assert all(line[1] == "loaded" for line in summary["duckdb"]), summary["duckdb"]
    assert summary["duckdb"] == summary["postgresql"]


@pytest.mark.parametrize("name", DATA_TABLES)
def test_stored_rows_are_identical(both, name):
    stores = both[0]
    on_duckdb = comparable(stores["duckdb"], name, DATA_TABLES[name])
    on_postgresql = comparable(stores["postgresql"], name, DATA_TABLES[name])
    assert len(on_duckdb) > 0
    pd.testing.assert_frame_equal(on_duckdb, on_postgresql, check_dtype=False)


@pytest.mark.parametrize("quarter", QUARTERS)
def test_scorecards_are_identical(both, quarter):
    stores, _reports, catalogue, areas = both
    for area in AREAS:
        cards = {
            backend: quarterly_scorecard(store, catalogue, areas, area, parse_period(quarter)).frame()
            for backend, store in stores.items()
        }
        assert cards["duckdb"]["value"].notna().sum() > 0, (area, quarter)
        pd.testing.assert_frame_equal(cards["duckdb"], cards["postgresql"])
