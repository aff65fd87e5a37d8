"""Ingest benchmark: the LAIT long data (641,070 rows) as an XLSX workbook, read bare with
fastexcel and loaded in full as `scorecard load` does, into a fresh DuckDB, in one run.

    .venv/bin/python bench/ingest.py [--keep DIR] [--postgres]

Prints the bare read time, the full load time (medians of --repeat runs, default 3), their
ratio (goal: at most 2) and peak memory (goal: under 1.5 GB). Each timed step runs in its
own fresh Python process, so one step's memory and warm caches do not flatter the other.
The load's time includes everything `scorecard load` does: imports, opening the database,
detecting the layout, reading, validating and writing in one transaction.

--postgres also loads the workbook into a fresh database on a throwaway PostgreSQL server
(as the tests start one) each run, and prints that load's time, its ratio to the DuckDB
load (goal: at most 3) and its peak memory. --keep DIR reuses a workbook already written there.
"""

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PUBLIC = REPO.parent / "shared" / "data" / "public"
LAIT = PUBLIC / "lait_long.parquet"
DICTIONARY = PUBLIC / "lait_data_dictionary.csv"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def write_workbook(target: Path) -> int:
    """The parquet as one sheet, streamed row by row (xlsxwriter's constant-memory mode).
    Values that are numbers become number cells, as Excel would hold them; '-' stays text."""
    import numpy as np
    import pandas as pd
    import xlsxwriter

    frame = pd.read_parquet(LAIT)
    numbers = pd.to_numeric(frame["Values"], errors="coerce")
    values = np.where(numbers.notna(), numbers.astype(object), frame["Values"].astype(object))
    columns = list(frame.columns)
    cells = frame.astype(object).where(frame.notna(), None)
    cells["Values"] = values
    workbook = xlsxwriter.Workbook(str(target), {"constant_memory": True})
    sheet = workbook.add_worksheet("LAIT")
    sheet.write_row(0, 0, columns)
    text, number = sheet.write_string, sheet.write_number  # typed calls skip write()'s dispatch
    for row_number, row in enumerate(cells.itertuples(index=False, name=None), start=1):
        for column, cell in enumerate(row):
            if cell is None:
                continue
            if isinstance(cell, str):
                text(row_number, column, cell)
            else:
                number(row_number, column, cell)
    workbook.close()
    return len(frame)


def bare_read(workbook: Path) -> dict:
    import fastexcel

    started = time.perf_counter()
    table = fastexcel.read_excel(str(workbook)).load_sheet(0).to_arrow()
    return {"seconds": time.perf_counter() - started, "rows": table.num_rows, "peak_mb": peak_mb()}


def full_load(workbook: Path, db: str) -> dict:
    """`scorecard load` into db: a DuckDB file or a PostgreSQL URL."""
    from service.cli import main

    started = time.perf_counter()
    code = main(["load", str(workbook), "--db", db, "--user", "bench"])
    seconds = time.perf_counter() - started
    from scorecard.store import Store

    with Store.open(db) as store, store.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT count(*) FROM observation").scalar()
    return {"seconds": seconds, "exit": code, "rows": rows, "peak_mb": peak_mb()}


def median_run(runs: list[dict]) -> dict:
    return sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]


def in_fresh_process(step: str, *arguments: Path | str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--step", step, *map(str, arguments)],
        capture_output=True, text=True, cwd=REPO,
    )
    if result.returncode != 0:
        sys.exit(f"the {step} step failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step; medians are printed")
    parser.add_argument("--keep", type=Path, help="write the workbook and database here and keep them")
    parser.add_argument("--postgres", action="store_true", help="load into PostgreSQL too, and compare")
    parser.add_argument("--step", choices=["read", "load"], help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "read":
        print(json.dumps(bare_read(Path(args.paths[0]))))
        return
    if args.step == "load":
        print(json.dumps(full_load(args.paths[0], str(args.paths[1]))))
        return

    folder = args.keep or Path(tempfile.mkdtemp(prefix="ingest-"))
    folder.mkdir(parents=True, exist_ok=True)
    workbook, db = folder / "lait_long.xlsx", folder / "ingest.duckdb"
    db.unlink(missing_ok=True)
    (folder / DICTIONARY.name).unlink(missing_ok=True)
    shutil.copyfile(DICTIONARY, folder / DICTIONARY.name)  # LAIT's dictionary sits beside its data
    if args.keep and workbook.exists() and workbook.stat().st_mtime > LAIT.stat().st_mtime:
        print(f"reusing {workbook} ({workbook.stat().st_size / 1e6:.1f} MB)")
    else:
        started = time.perf_counter()
        rows = write_workbook(workbook)
        written = time.perf_counter() - started
        print(f"wrote {rows:,} rows to {workbook.name} ({workbook.stat().st_size / 1e6:.1f} MB) in {written:.1f} s")
    server = None
    if args.postgres:
        sys.path.insert(0, str(REPO))
        from tests.postgres import PostgresServer

        server = PostgresServer()
    try:
        measure(args, workbook, db, server)
    finally:
        if server is not None:
            server.stop()
    if not args.keep:
        shutil.rmtree(folder)


def measure(args, workbook: Path, db: Path, server) -> None:
    # Alternate the two, each time in a fresh process and a fresh database, and take the
    # median: the machine is shared, and one slow moment should not decide the ratio.
    reads, loads, postgres_loads = [], [], []
    for attempt in range(args.repeat):
        reads.append(in_fresh_process("read", workbook))
        for leftover in (db, db.with_name(db.name + ".wal")):
            leftover.unlink(missing_ok=True)
        loads.append(in_fresh_process("load", workbook, db))
        if loads[-1]["exit"] != 0:
            sys.exit(f"the load failed (exit {loads[-1]['exit']})")
        line = f"  run {attempt + 1}: read {reads[-1]['seconds']:.2f} s, load {loads[-1]['seconds']:.2f} s"
        if server is not None:
            postgres_loads.append(in_fresh_process("load", workbook, server.new_database()))
            if postgres_loads[-1]["exit"] != 0:
                sys.exit(f"the PostgreSQL load failed (exit {postgres_loads[-1]['exit']})")
            line += f", PostgreSQL load {postgres_loads[-1]['seconds']:.2f} s"
        print(line)
    read, load = median_run(reads), median_run(loads)
    load["peak_mb"] = max(run["peak_mb"] for run in loads)
    ratio = load["seconds"] / read["seconds"]
    print(f"medians of {args.repeat} runs each:")
    print(f"bare read (fastexcel):     {read['seconds']:6.2f} s  {read['rows']:,} rows   peak {read['peak_mb']:,.0f} MB")
    print(f"full load (scorecard load): {load['seconds']:6.2f} s  {load['rows']:,} observations   peak {load['peak_mb']:,.0f} MB")
    print(f"ratio load / read:         {ratio:6.2f}  (goal: at most 2)")
    print(f"peak memory of the load:   {load['peak_mb']:,.0f} MB, the highest of the runs  (goal: under 1,536 MB)")
    if postgres_loads:
        postgres = median_run(postgres_loads)
        postgres_peak = max(run["peak_mb"] for run in postgres_loads)
        print(f"PostgreSQL load:           {postgres['seconds']:6.2f} s  {postgres['rows']:,} observations   "
              f"peak {postgres_peak:,.0f} MB (the load's process, not the server)")
        print(f"ratio PostgreSQL / DuckDB: {postgres['seconds'] / load['seconds']:6.2f}  (goal: at most 3)")


if __name__ == "__main__":
    main()
