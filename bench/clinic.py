"""Clinic edits stay cheap (issue 16, point 7): on the demo data, on DuckDB and PostgreSQL, the
home LA's scorecard as the web server gives it (Service.scorecard) when warm, against the first
one after a saved commentary and the first after a changed target; with, for scale, what a
note used to cost (the national figures and the scorecard built again).

    .venv/bin/python bench/clinic.py [--runs 30] [--duckdb-only]
"""

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scorecard.areas import load_areas  # noqa: E402
from scorecard.catalogue import load_catalogue  # noqa: E402
from scorecard.periods import financial_year_containing, latest_complete_quarter  # noqa: E402
from scorecard.quarterly import NationalFigures, quarterly_scorecard  # noqa: E402
from scorecard.reference import sync_reference  # noqa: E402
from scorecard.store import Store  # noqa: E402
from service import clinic_targets  # noqa: E402
from service.application import Service  # noqa: E402
from service.demo import write_demo  # noqa: E402

INDICATOR = "re_referrals_12_months"


def milliseconds(work) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def measure(url: str, runs: int) -> None:
    catalogue, areas = load_catalogue(), load_areas()
    store = Store.open(url, create=True)
    sync_reference(store, catalogue, areas)
    write_demo(store, catalogue, areas)
    service = Service(store, catalogue, areas)
    home, quarter = service.home, latest_complete_quarter(date.today())
    year = financial_year_containing(quarter.end).label
    service.scorecard(home, quarter)  # warm

    warm = [milliseconds(lambda: service.scorecard(home, quarter)) for _ in range(runs)]
    saves, after_note = [], []
    for run in range(runs):
        saves.append(milliseconds(lambda run=run: service.add_commentary(
            INDICATOR, home, quarter.label, f"Clinic note {run}.", "bench")))
        after_note.append(milliseconds(lambda: service.scorecard(home, quarter)))
    after_target = []
    for run in range(runs):
        clinic_targets.set_target(service, "bench", indicator_id=INDICATOR, value=str(20 + run % 7), period=year)
        after_target.append(milliseconds(lambda: service.scorecard(home, quarter)))
    alone, alongside = others_request(service, home, quarter, runs)
    rebuilt = [milliseconds(lambda: quarterly_scorecard(store, catalogue, areas, home, quarter,
                                                        national=NationalFigures.build(store, catalogue, areas)))
               for _ in range(max(3, runs // 10))]
    store.close()
    base = statistics.median(warm)
    for name, timings in (("warm scorecard", warm), ("saving a commentary", saves),
                          ("first scorecard after a saved commentary", after_note),
                          ("first scorecard after a changed target", after_target),
                          ("national figures and scorecard rebuilt (a note's cost before)", rebuilt)):
        median = statistics.median(timings)
        print(f"  {name}: median {median:.1f} ms, max {max(timings):.1f} ms ({median / base:.1f}x warm)")
    for name, timings in (("another user's small request, alone", alone),
                          ("the same while the clinic saves notes and reads its scorecard", alongside)):
        print(f"  {name}: median {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms")


def others_request(service, home, quarter, runs: int) -> tuple[list[float], list[float]]:
    """Another user's small request (the Loads page's read) timed alone, then while another
    thread saves a note and reads the scorecard again and again, as the clinic does."""
    def small():
        service.loads()

    alone = [milliseconds(small) for _ in range(runs)]
    done = threading.Event()

    def clinic():
        run = 0
        while not done.is_set():
            service.add_commentary(INDICATOR, home, quarter.label, f"Busy clinic {run}.", "bench")
            service.scorecard(home, quarter)
            run += 1

    busy = threading.Thread(target=clinic)
    busy.start()
    try:
        alongside = [milliseconds(small) for _ in range(runs)]
    finally:
        done.set()
        busy.join()
    return alone, alongside


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=30)
    options.add_argument("--duckdb-only", action="store_true")
    args = options.parse_args()
    with tempfile.TemporaryDirectory(prefix="clinic-") as folder:
        print("DuckDB, the demo data")
        measure(str(Path(folder) / "clinic.duckdb"), args.runs)
    if args.duckdb_only:
        return
    from tests.postgres import PostgresServer

    server = PostgresServer()
    try:
        print(f"PostgreSQL, the demo data (port {server.port})")
        measure(server.new_database(), args.runs)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
