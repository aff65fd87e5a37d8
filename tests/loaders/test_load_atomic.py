"""A load that is refused or fails part-way leaves the database exactly as it was: every
table (loads, figures, revisions, populations, sources, indicators, audit...) is dumped in
full before and after, on DuckDB and on PostgreSQL (the `store` fixture runs both)."""

import shutil
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from loaders.context import LoadContext
from loaders.pipeline import load_file
from scorecard import schema
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.reference import sync_reference
from scorecard.store import Store
from tests.workbooks import DUDLEY, filled_template
from tests.paths import PUBLIC

pytestmark = pytest.mark.postgres

POPULATION = PUBLIC / "ons_mid-year_population_estimates_2012_to_2024.csv"
CLA = PUBLIC / "cla_number_and_rate_per_10k_children_2021_2025.csv"
CLA_2023_RELEASE = PUBLIC / "cla_number_and_rate_per_10k_children_2019_2023.csv"
CLA_TEMPLATE = ("cla_rate", DUDLEY)


def dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table in the schema, sorted: the whole state of the database."""
    with store.engine.connect() as connection:
        return {
            table.name: sorted((tuple(row) for row in connection.execute(sa.select(table))), key=repr)
            for table in schema.metadata.sorted_tables
        }


def lait_blocks(folder: Path, measures: list[str], revise: str | None = None) -> Path:
    """Whole LAIT measure blocks as parquet, the dictionary beside them; `revise`'s figures
    raised by one, so loading them revises what an earlier extract wrote."""
    folder.mkdir(parents=True, exist_ok=True)
    raw = pd.read_parquet(PUBLIC / "lait_long.parquet")
    part = raw[raw["Short Desc"].isin(measures)].copy()
    if revise:
        numbers = pd.to_numeric(part["Values"], errors="coerce")
        raised = (part["Short Desc"] == revise) & numbers.notna()
        part.loc[raised, "Values"] = (numbers[raised] + 1).astype(str)
    shutil.copyfile(PUBLIC / "lait_data_dictionary.csv", folder / "lait_data_dictionary.csv")
    part.to_parquet(folder / "lait.parquet", index=False)
    return folder / "lait.parquet"


@pytest.fixture
def loaded(store, tmp_path):
    """Reference data, then populations, DfE's CLA figures, two LAIT measures (one a benchmark
    indicator outside the catalogue) and a template with a target and a comment."""
    catalogue, areas = load_catalogue(), load_areas()
    sync_reference(store, catalogue, areas)
    context = LoadContext(catalogue, areas, DUDLEY)
    template = tmp_path / "Q3.xlsx"
    filled_template(template, context,
                    {CLA_TEMPLATE: {"Value": 80, "Target": 78, "Comment": "First note"}})
    for path in (POPULATION, CLA, lait_blocks(tmp_path / "lait", ["LAC", "RTA"]), template):
        report = load_file(store, path, context, user="analyst")
        assert report.status == "loaded", [str(problem) for problem in report.problems]
    before = dump(store)
    filled = ("load", "observation", "population", "source", "target", "commentary", "audit")
    assert all(before[name] for name in filled)
    return store, context


def refused(store: Store, context: LoadContext, path: Path) -> list[str]:
    before = dump(store)
    report = load_file(store, path, context, user="analyst")
    assert report.status == "refused"
    assert dump(store) == before
    return [str(problem) for problem in report.problems]


def test_a_bad_cell_refuses_the_whole_file_and_writes_nothing(loaded, tmp_path):
    store, context = loaded
    frame = pd.read_csv(CLA, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    on_31_march = frame["population_type"] == "Children looked after on 31 March each year"
    dudley_2025 = on_31_march & (frame["new_la_code"] == DUDLEY) & (frame["time_period"] == "2025")
    frame.loc[dudley_2025, "children_count"] = "twelve"
    # Every other figure revised: a file that half-loaded would show here.
    counts = pd.to_numeric(frame["children_count"], errors="coerce")
    frame.loc[counts.notna(), "children_count"] = (counts.dropna() + 1).astype(int).astype(str)
    bad = tmp_path / "cla_bad.csv"
    frame.to_csv(bad, index=False)
    problems = refused(store, context, bad)
    assert any("'twelve'" in problem and "children_count" in problem for problem in problems), problems


def test_a_file_that_matches_nothing_writes_nothing(loaded, tmp_path):
    store, context = loaded
    unknown = tmp_path / "colours.csv"
    unknown.write_text("colour,size\nred,3\n")
    assert any("does not recognise" in problem for problem in refused(store, context, unknown))
    header_only = tmp_path / "population_header.csv"  # a known layout without a row
    header_only.write_text(POPULATION.read_text(encoding="utf-8-sig").splitlines()[0] + "\n")
    assert any("nothing in this file matched" in problem for problem in refused(store, context, header_only))


# Each file, and the tables its load changes besides the loads, figures and audit.
FAILING = {
    "template": ["observation_revision", "target_revision", "commentary"],  # revises a figure and a target
    "lait": ["observation_revision", "indicator"],  # revises LAC, adds a benchmark indicator
    "new release": ["source"],  # DfE's 2023 CLA release
}


@pytest.mark.parametrize("kind", FAILING)
def test_a_load_failing_part_way_leaves_the_database_as_it_was(loaded, tmp_path, monkeypatch, kind):
    """The store fails right after writing a table's rows (revisions moved, figures inserted,
    sources and indicators upserted), inside the load's transaction."""
    store, context = loaded
    if kind == "template":
        path = tmp_path / "Q3 corrected.xlsx"
        filled_template(path, context,
                        {CLA_TEMPLATE: {"Value": 81, "Target": 77, "Comment": "Second note"}})
    elif kind == "lait":
        path = lait_blocks(tmp_path / "lait v2", ["LAC", "RTA", "ReRegCPR"], revise="LAC")
    else:
        path = CLA_2023_RELEASE
    before = dump(store)
    original = Store._write_staged
    written = []

    def write_then_fail(self, connection, name, *args, **kwargs):
        original(self, connection, name, *args, **kwargs)
        load_id = connection.execute(sa.select(sa.func.max(schema.load.c.id))).scalar()
        table = schema.VERSIONED[name][0]
        written.append(connection.execute(
            sa.select(sa.func.count()).select_from(table).where(table.c.load_id == load_id)
        ).scalar())
        raise RuntimeError("the server went away")

    monkeypatch.setattr(Store, "_write_staged", write_then_fail)
    with pytest.raises(RuntimeError, match="went away"):
        load_file(store, path, context, user="analyst")
    assert written and written[0] > 0  # rows were in the transaction when it failed
    assert dump(store) == before

    monkeypatch.undo()  # the store still works, and the same file now loads in full
    report = load_file(store, path, context, user="analyst")
    assert report.status == "loaded"
    after = dump(store)
    changed = {name for name in after if after[name] != before[name]}
    assert {"load", "observation", "audit", *FAILING[kind]} <= changed
