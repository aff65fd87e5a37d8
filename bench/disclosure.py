"""What disclosure control withholds, and how long the decision takes (scorecard/disclosure.py):
for a database (the demo by default, built in a temporary folder), the figures the primary
rules suppress (a small count, a small complement), the further figures the secondary rules
withhold by level of area, and the seconds `disclosure.build` takes (median of 3).

    .venv/bin/python bench/disclosure.py [--db FILE_OR_URL]

The decision is worked out once per data version and shared by every page, so this is what
the first page after a load waits for it.
"""

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scorecard import disclosure, figures
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.store import Store
from service.cli import main


def report(db: str) -> None:
    catalogue, areas = load_catalogue(), load_areas()
    with Store.open(db) as store:
        timings, shield = [], None
        for _ in range(3):
            started = time.perf_counter()
            shield = disclosure.build(store, catalogue, areas)
            timings.append(time.perf_counter() - started)
        counts, percents, *_ = disclosure.kinds(catalogue)
        frame = figures.observations(store, [indicator.id for indicator in catalogue])
        frame = frame.assign(figure_value=frame["value"])
        by_count = disclosure.primary(frame, shield.rules, counts)
        with_complement = disclosure.primary(frame, shield.rules, counts, percents)
    levels = Counter(areas.get(area).level for _, area, _ in shield.withheld)
    print(f"Figures of record: {len(frame):,}; suppressed by their publisher: {(frame['status'] == 'c').sum():,}")
    print(f"Primary: {by_count.sum():,} small counts, {(with_complement & ~by_count).sum():,} more small complements")
    print(f"Secondary: {len(shield.withheld):,} more figures withheld "
          f"({', '.join(f'{n:,} {level}' for level, n in sorted(levels.items()))})")
    print(f"disclosure.build: {statistics.median(timings):.2f} s (median of 3)")


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a database (default: the demo, built afresh)")
    args = parser.parse_args()
    if args.db:
        report(args.db)
        return
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "demo.duckdb")
        assert main(["demo", "--db", db]) == 0
        report(db)


if __name__ == "__main__":
    run()
