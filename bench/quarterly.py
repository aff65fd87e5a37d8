"""Time the quarterly scorecard for Dudley on the demo data: median and 95th percentile,
worked out from nothing (as `scorecard show` does) and with the national comparator
figures shared between calls (as the web server does until the data change); each with
every signal (intervals, significance, trend, SPC, the sentence) and, for comparison,
without them (what the scorecard cost before them).

    .venv/bin/python bench/quarterly.py [--runs 50]
"""

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from service.demo import write_demo
from scorecard.periods import latest_complete_quarter
from scorecard.quarterly import NationalFigures, quarterly_scorecard
from scorecard.reference import sync_reference
from scorecard.store import Store


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--runs", type=int, default=50)
    runs = options.parse_args().runs
    catalogue, areas = load_catalogue(), load_areas()
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "bench.duckdb", create=True)
        sync_reference(store, catalogue, areas)
        started = time.perf_counter()
        write_demo(store, catalogue, areas)
        print(f"demo data written in {time.perf_counter() - started:.2f} s")
        quarter = latest_complete_quarter(date.today())
        national = NationalFigures.build(store, catalogue, areas)
        for how, shared in (("from nothing", None), ("national figures shared", national)):
            for lenses in (False, True):
                timings = []
                for _ in range(runs):
                    started = time.perf_counter()
                    quarterly_scorecard(store, catalogue, areas, "E08000027", quarter, national=shared, lenses=lenses)
                    timings.append((time.perf_counter() - started) * 1000)
                p95 = statistics.quantiles(timings, n=20, method="inclusive")[-1]
                which = "with every signal" if lenses else "without the signals"
                print(f"quarterly scorecard, {how}, {which}, {runs} runs: "
                      f"median {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms")
        store.close()


if __name__ == "__main__":
    main()
