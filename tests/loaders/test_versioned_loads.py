"""Loads are versioned and reversible: reload, dry run, revision history, revert, and a load
that fails or is killed part-way leaves the database as it was."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from loaders.pipeline import load_file
from scorecard import schema
from scorecard.store import Store
from tests.workbooks import DUDLEY, contents, filled_template, fresh_store
from tests.paths import REPO

CLA = ("cla_rate", DUDLEY)
NEET = ("neet_16_17", DUDLEY)
CAF = ("caf_started", DUDLEY)


@pytest.fixture
def first_load(tmp_path):
    """A store after one load (CLA 80 with a target and a comment, NEET 4.0), and a second
    file that revises CLA, repeats NEET and adds CAF."""
    store, context = fresh_store(tmp_path)
    first, second = tmp_path / "Q3 first.xlsx", tmp_path / "Q3 corrected.xlsx"
    filled_template(first, context, {CLA: {"Value": 80, "Target": 78, "Comment": "First note"}, NEET: {"Value": 4.0}})
    report = load_file(store, first, context, user="analyst")
    assert report.status == "loaded" and report.change.new == 4  # 2 figures, a target, a comment
    filled_template(second, context, {CLA: {"Value": 81, "Target": 77}, NEET: {"Value": 4.0}, CAF: {"Value": 300}})
    yield store, context, first, second
    store.close()


def test_same_file_twice_is_already_loaded(first_load):
    store, context, first, _ = first_load
    before = contents(store)
    report = load_file(store, first, context, user="someone else")
    assert (report.status, report.load_id) == ("already loaded", 1)
    assert contents(store) == before


def test_dry_run_shows_new_revised_and_unchanged_and_writes_nothing(first_load):
    store, context, _, second = first_load
    before = contents(store)
    report = load_file(store, second, context, user="analyst", dry_run=True)
    assert report.status == "dry run"
    assert (report.change.new, report.change.revised, report.change.unchanged) == (1, 2, 1)
    revisions = report.change.revisions.set_index("table")
    cla = revisions.loc["observation"]
    assert (cla["indicator_id"], cla["old_value"], cla["new_value"]) == ("cla_rate", 80, 81)
    target = revisions.loc["target"]
    assert (target["old_value"], target["new_value"]) == (78, 77)
    assert contents(store) == before


def test_a_revision_keeps_the_old_value_with_its_load(first_load):
    store, context, _, second = first_load
    report = load_file(store, second, context, user="analyst")
    assert (report.status, report.change.revised) == ("loaded", 2)
    (old,) = store.table(schema.observation_revision).to_dict("records")
    assert (old["value"], old["load_id"], old["superseded_by_load"]) == (80, 1, report.load_id)
    assert store.table(schema.observation, indicator_id="cla_rate")["value"].tolist() == [81]


def test_revert_restores_exactly_the_state_before(first_load):
    store, context, _, second = first_load
    before = contents(store)
    report = load_file(store, second, context, user="analyst")
    assert contents(store) != before
    store.revert(report.load_id)
    after = contents(store)
    assert {name: rows for name, rows in after.items() if name != "load"} == {
        name: rows for name, rows in before.items() if name != "load"
    }
    loads = store.loads().set_index("id")
    assert loads.loc[report.load_id, "status"] == "reverted" and loads.loc[1, "status"] == "loaded"
    # Reverted, the file may be loaded again.
    assert load_file(store, second, context, user="analyst").status == "loaded"


def test_a_failure_inside_apply_leaves_the_database_as_it_was(first_load, monkeypatch):
    store, context, _, second = first_load
    before = contents(store)
    original = Store._write_versioned

    def fail_on_targets(self, connection, name, frame, load_id):
        if name == "target":
            raise RuntimeError("disk full")
        return original(self, connection, name, frame, load_id)

    monkeypatch.setattr(Store, "_write_versioned", fail_on_targets)
    with pytest.raises(RuntimeError, match="disk full"):
        load_file(store, second, context, user="analyst")
    assert contents(store) == before


KILLED_LOAD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from loaders.context import LoadContext
    from loaders.pipeline import load_file
    from scorecard.areas import load_areas
    from scorecard.catalogue import load_catalogue
    from scorecard.store import Store

    original = Store._write_versioned

    def write_then_stall(self, connection, name, frame, load_id):
        change = original(self, connection, name, frame, load_id)
        print("written", name, flush=True)  # rows are in the open transaction, not committed
        time.sleep(120)
        return change

    Store._write_versioned = write_then_stall
    store = Store.open(sys.argv[1])
    load_file(store, Path(sys.argv[2]), LoadContext(load_catalogue(), load_areas(), "E08000027"), user="killed")
""")


def test_a_load_killed_part_way_leaves_the_database_as_it_was(first_load, tmp_path):
    store, context, _, second = first_load
    before = contents(store)
    database = Path(store.url.removeprefix("duckdb:///"))
    store.close()  # DuckDB lets one process write a file at a time
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_LOAD, str(database), str(second)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = child.stdout.readline()
        assert line.startswith("written "), child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    with Store.open(database) as reopened:
        assert contents(reopened) == before
        assert load_file(reopened, second, context, user="analyst").status == "loaded"  # and it still works


def test_a_corrected_copy_does_not_repeat_unchanged_comments(first_load):
    store, context, first, _ = first_load
    corrected = first.with_name("Q3 first v2.xlsx")
    filled_template(corrected, context, {CLA: {"Value": 80.5, "Comment": "First note"},
                                         NEET: {"Value": 4.0, "Comment": "New note"}})
    report = load_file(store, corrected, context, user="analyst")
    assert report.status == "loaded"
    assert sorted(store.table(schema.commentary)["text"]) == ["First note", "New note"]
