"""Subcommands that put figures in and take them out again: demo, load, loads, revert,
template, sources."""

import json
import sys
from pathlib import Path

from service import arguments
from service.application import database_exists, database_url, reference_data
from service.cli.common import UserError, open_service, print_table


def add_demo(commands) -> None:
    parser = commands.add_parser("demo", help="build a database of demonstration data")
    parser.add_argument(
        "--if-missing", action="store_true", help="do nothing when the database already exists"
    )
    parser.add_argument("--home", metavar="LA", help="build it for this LA and set it up as the home area "
                        "(default: the home area set up, else the example council)")
    parser.set_defaults(run=run_demo)


def run_demo(args) -> int:
    from service import demo  # here, as the old command did: each subcommand starts quickly
    from service.serve import without_password

    url = without_password(database_url(args.db))  # printed: never with its password
    if args.if_missing and database_exists(args.db):
        print(f"Database already exists: {url}. Leaving it as it is.")
        return 0
    with open_service(args, create=True) as service:
        service.sync_reference()
        council = demo.council_to_show(service, args.home, by="scorecard demo")
        service.sync_reference()  # its localities too
        load_id = demo.write_demo(service.store, service.catalogue, service.areas, council=council)
        name = service.areas.get(service.home).name
    print(f"Demonstration data for {name} written to {url} as load {load_id}. These figures are invented.")
    return 0


def add_load(commands) -> None:
    parser = commands.add_parser("load", help="load indicator files (CSV, XLSX, parquet)")
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--area", help="the area a council workbook's figures are for")
    parser.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    parser.add_argument("--as", dest="kind", metavar="KIND", help="read the files as this layout")
    parser.add_argument("--user", help="who is loading (default: your login name)")
    parser.set_defaults(run=run_load)


def run_load(args) -> int:
    from service import loads  # here, as the old command did: each subcommand starts quickly

    missing = [name for name in args.files if not Path(name).is_file()]
    if missing:
        raise UserError("; ".join(f"{name}: no such file" for name in missing))
    refused = 0
    with open_service(args, create=True) as service:
        home = arguments.area_code(service.areas, args.area, service.home)
        paths = [Path(name) for name in args.files]
        for report in loads.load_files(service, paths, home, dry_run=args.dry_run, kind=args.kind, user=args.user):
            for problem in report.problems:
                print(problem, file=sys.stderr)
            print(_describe(report))
            if report.status == "dry run" and report.change is not None:
                _print_preview(service, report.change)
            refused += report.status == "refused"
    return 1 if refused else 0


def _describe(report) -> str:
    if report.status == "refused":
        errors = sum(problem.severity == "error" for problem in report.problems)
        return f"{report.file}: refused, nothing loaded ({errors} error{'s' * (errors != 1)} above)"
    if report.status == "already loaded":
        return f"{report.file}: already loaded as load {report.load_id}; nothing changed"
    if report.status == "checked":
        return f"{report.file}: checked as {report.kind} (it holds no figures); nothing loaded"
    change = report.change
    counts = f"{change.new:,} new, {change.revised:,} revised, {change.unchanged:,} unchanged"
    warnings = len(report.warnings)
    tail = f", {warnings} warning{'s' * (warnings != 1)}" if warnings else ""
    if report.status == "dry run":
        return f"{report.file}: dry run as {report.kind}: would write {counts}{tail}; nothing written"
    return f"{report.file}: loaded as load {report.load_id} ({report.kind}): {counts}{tail}"


def _print_preview(service, change, limit: int = 20) -> None:
    """What the load would change, as the upload page says it: figures by title and area as the
    scorecard would show them, targets with their tolerance, and every side effect."""
    from service import preview

    shown = preview.preview(service, change)
    print("Side effects: " + ("" if shown.effects else "none; nothing stored would be cleared"))
    for effect in shown.effects:
        print(f"  {effect}")
    for line in shown.targets[:limit]:
        print(f"  {line.kind} target, {line.indicator}, {line.area}, {line.year}: {line.before} -> {line.after} "
              f"(tolerance {line.tolerance_before} -> {line.tolerance_after})")
    if shown.figures:
        print(f"Figures as the scorecard would show them (first {min(limit, len(shown.figures))} "
              f"of {len(shown.figures) + shown.unlisted:,}):")
    for line in shown.figures[:limit]:
        print(f"  {line.kind}: {line.indicator}, {line.area}, {line.period}: {line.before} -> {line.after} "
              f"(count {line.count_before} -> {line.count_after})")


def add_loads(commands) -> None:
    parser = commands.add_parser("loads", help="list the recorded loads")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.set_defaults(run=run_loads)


def run_loads(args) -> int:
    with open_service(args) as service:
        history = service.load_history()
    if args.format == "json":
        print(history.to_json(orient="records", date_format="iso", indent=2))
        return 0
    if history.empty:
        print("No loads yet.")
        return 0
    headers = ["Load", "File", "Kind", "Who", "When", "New", "Revised", "Unchanged", "Status"]
    rows = [
        [row.id, row.file_name, row.kind, row.user_name, f"{row.loaded_at:%Y-%m-%d %H:%M}",
         f"{row.rows_new:,}", f"{row.rows_revised:,}", f"{row.rows_unchanged:,}", row.status]
        for row in history.itertuples()
    ]
    print_table(headers, rows)
    return 0


def add_revert(commands) -> None:
    parser = commands.add_parser("revert", help="undo a load, restoring the figures it replaced")
    parser.add_argument("load_id", type=int, metavar="LOAD_ID")
    parser.set_defaults(run=run_revert)


def run_revert(args) -> int:
    with open_service(args) as service:
        service.revert(args.load_id, by="command line")
    print(f"Load {args.load_id} reverted: the figures are as they were before it.")
    return 0


def add_template(commands) -> None:
    parser = commands.add_parser("template", help="write a workbook for an analyst to fill in for a quarter")
    parser.add_argument("--period", required=True, help="financial quarter like 2025-26 Q3")
    parser.add_argument("--area", help="area code, old code or name (default: the home LA)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.xlsx", help="the workbook to write")
    parser.set_defaults(run=run_template)


def run_template(args) -> int:
    from service import loads  # here, as the old command did: each subcommand starts quickly

    if not args.output.lower().endswith(".xlsx"):
        raise UserError(f"{args.output}: the template is an Excel workbook; give a name ending .xlsx")
    quarter = arguments.quarter(args.period)
    if database_exists(args.db):
        with open_service(args) as service:  # the home area and its localities are the database's
            catalogue, areas = service.catalogue, service.areas
            area_code = arguments.area_code(areas, args.area, service.home)
    elif args.area:  # a blank template: no earlier figures, and no localities set up
        catalogue, areas = reference_data()
        area_code = arguments.area_code(areas, args.area, None)
        print(f"scorecard template: there is no database at {database_url(args.db).removeprefix('duckdb:///')}, "
              "so the earlier figures are left empty. Give --db, or load figures first.", file=sys.stderr)
    else:
        raise UserError(f"There is no database at {database_url(args.db)}, so no home area: give --area.")
    rows = loads.write_template(Path(args.output), catalogue, areas, area_code, quarter, args.db)
    name = arguments.area_name(areas, area_code)
    print(f"Template for {name}, {quarter.label} written to {args.output} ({rows} rows).")
    return 0


def add_sources(commands) -> None:
    parser = commands.add_parser("sources", help="list the file layouts Scorecard reads and what each gives")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.set_defaults(run=run_sources)


def run_sources(args) -> int:
    from service import loads  # here, as the old command did: each subcommand starts quickly

    layouts = loads.known_layouts()
    if args.format == "json":
        json.dump(layouts, sys.stdout, indent=2)
        print()
        return 0
    rows = [
        [entry["kind"] if number == 0 else "", (entry["dataset"] or _short(entry["title"])) if number == 0 else "",
         layout["name"], layout["recognised_by"], ", ".join(entry["gives"]) if number == 0 else ""]
        for entry in layouts for number, layout in enumerate(entry["layouts"])
    ]
    print_table(["Kind", "Dataset", "Layout", "Recognised by", "Gives"], rows)
    print("Explore Education Statistics files also need time_period, time_identifier and geographic_level; "
          "the datasets are declared in data/sources.yaml.")
    return 0


def _short(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."

