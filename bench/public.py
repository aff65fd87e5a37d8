"""Load every real public file into a fresh database through `scorecard load`'s own path
(loaders.pipeline.load_file after the reference data), one after the other, and time each.

    .venv/bin/python bench/public.py [--postgres] [--folder DIR]

Prints, per file, the seconds, the status (loaded, refused, checked, already loaded, or
failed for an error inside Scorecard) with the rows read and new / revised / unchanged,
and the total. A refused or failed file shows its first problem and the run goes on: layouts are still
being added, so the script reports them rather than stopping. --postgres loads into a
throwaway PostgreSQL server (as the tests start one) instead of a DuckDB file.
"""

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PUBLIC = REPO.parent / "shared" / "data" / "public"

# Populations, areas, neighbours and LAIT's dictionary first: figures loaded later can then
# be checked against them and rates worked out. LAIT's 641,070 rows last.
FIRST = ("ons_", "la_code", "statistical_neighbours", "lait_data_dictionary")
LAST = ("lait_long",)


def in_order(folder: Path) -> list[Path]:
    from loaders.pipeline import SUPPORTED_SUFFIXES

    files = sorted(path for path in folder.iterdir() if path.suffix.lower() in SUPPORTED_SUFFIXES)

    def rank(path: Path) -> tuple:
        for index, prefix in enumerate(FIRST):
            if path.name.startswith(prefix):
                return (0, index, path.name)
        return (2 if path.name.startswith(LAST) else 1, 0, path.name)

    return sorted(files, key=rank)


def load_all(url: str, files: list[Path]) -> None:
    from loaders.context import LoadContext
    from loaders.pipeline import load_file
    from scorecard.areas import DEFAULT_HOME_LA, load_areas
    from scorecard.catalogue import load_catalogue
    from scorecard.reference import sync_reference
    from scorecard.store import Store

    started = time.perf_counter()
    catalogue, areas = load_catalogue(), load_areas()
    context = LoadContext(catalogue, areas, DEFAULT_HOME_LA)
    statuses: dict[str, int] = {}
    with Store.open(url, create=True) as store:
        sync_reference(store, catalogue, areas)  # as `scorecard load` does first
        print(f"{'reference data':<58} {time.perf_counter() - started:7.2f} s")
        width = max(len(path.name) for path in files)
        for path in files:
            began = time.perf_counter()
            try:
                report = load_file(store, path, context, user="bench")
                status, detail = report.status, describe(report)
            except Exception as error:  # a bug to report, not a reason to stop the run
                status = "failed"
                detail = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
                last = traceback.extract_tb(error.__traceback__)[-1]
                detail += f" ({Path(last.filename).name}:{last.lineno})"
            seconds = time.perf_counter() - began
            statuses[status] = statuses.get(status, 0) + 1
            print(f"{path.name:<{width}} {seconds:7.2f} s  {status:<14} {detail}", flush=True)
    total = time.perf_counter() - started
    counts = ", ".join(f"{count} {status}" for status, count in statuses.items())
    print(f"total {total:.2f} s for {len(files)} files: {counts}")


def describe(report) -> str:
    if report.status == "refused":
        first = next((problem for problem in report.problems if problem.severity == "error"), None)
        return f"first problem: {first}" if first else ""
    if report.status == "already loaded":
        return f"as load {report.load_id}"
    read = f"{report.rows_read:,} rows read as {report.kind}"
    change = report.change
    if change is None:  # checked against the areas Scorecard knows, nothing written
        return read
    return f"{read}: {change.new:,} new, {change.revised:,} revised, {change.unchanged:,} unchanged"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="load into a throwaway PostgreSQL server")
    parser.add_argument("--folder", type=Path, default=PUBLIC, help="the files to load (default: %(default)s)")
    args = parser.parse_args()
    files = in_order(args.folder)
    if not files:
        sys.exit(f"no CSV, XLSX or parquet files in {args.folder}")
    if args.postgres:
        sys.path.insert(0, str(REPO))
        from tests.postgres import PostgresServer

        server = PostgresServer()
        try:
            print(f"PostgreSQL 15, a fresh database on port {server.port}")
            load_all(server.new_database(), files)
        finally:
            server.stop()
    else:
        with tempfile.TemporaryDirectory(prefix="public-") as folder:
            print("DuckDB, a fresh file")
            load_all(str(Path(folder) / "public.duckdb"), files)


if __name__ == "__main__":
    main()
