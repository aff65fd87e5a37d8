"""Two loads confirmed at once both land, on DuckDB and PostgreSQL: writes are taken one at
a time (a lock per database in the process, and PostgreSQL's advisory lock across workers)."""

import threading
import time
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from loaders.context import LoadContext
from loaders.pipeline import load_file
from scorecard import schema
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.reference import sync_reference
from scorecard.versioned import WRITE_LOCK_KEY

from tests.paths import PUBLIC
CLA = PUBLIC / "cla_number_and_rate_per_10k_children_2021_2025.csv"


def two_releases(folder: Path) -> list[Path]:
    """Two files of one dataset: both describe the same benchmark indicators."""
    cla = pd.read_csv(CLA, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    paths = []
    for name, years in (("early.csv", ["2021", "2022"]), ("late.csv", ["2024", "2025"])):
        cla[cla["time_period"].isin(years)].to_csv(folder / name, index=False)
        paths.append(folder / name)
    return paths


def test_two_loads_at_once_both_land(store, tmp_path):
    catalogue, areas = load_catalogue(), load_areas()
    sync_reference(store, catalogue, areas)
    context = LoadContext(catalogue, areas, "E08000027")
    reports = {}

    def load(path):
        reports[path.name] = load_file(store, path, context, user="test")

    threads = [threading.Thread(target=load, args=(path,)) for path in two_releases(tmp_path)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert {name: report.status for name, report in reports.items()} == {"early.csv": "loaded", "late.csv": "loaded"}
    assert len(store.loads()) == 2
    periods = set(store.table(schema.observation, indicator_id="cla_rate", area_code="E08000027")["period"])
    assert {"31 Mar 2021", "31 Mar 2025"} <= periods


def test_a_load_waits_for_another_workers_write_on_postgresql(postgres_server, tmp_path):
    from scorecard.store import Store

    url = postgres_server.new_database()
    store = Store.open(url, create=True)
    catalogue, areas = load_catalogue(), load_areas()
    sync_reference(store, catalogue, areas)
    other_worker = sa.create_engine(url)  # another process's connection, as a gunicorn worker has
    done = threading.Event()
    with other_worker.connect() as connection, connection.begin():
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
        worker = threading.Thread(target=lambda: (load_file(store, two_releases(tmp_path)[0],
                                                            LoadContext(catalogue, areas, "E08000027"), user="test"),
                                                  done.set()))
        worker.start()
        time.sleep(1.5)
        assert not done.is_set()  # waiting for the other worker's write to end
    worker.join(timeout=120)
    assert done.is_set() and len(store.loads()) == 1
    other_worker.dispose()
    store.close()
