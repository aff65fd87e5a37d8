"""The `scorecard` command: build demo data, load files, show the scorecard, list loads.

Each subcommand is an `add_*` function that declares its options and a `run_*` function
that does the work and returns the exit code. Errors a user can fix are raised as
`UserError` and printed as one plain line, never a traceback.
"""

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from scorecard import catalogue as catalogue_module
from scorecard.areas import DEFAULT_HOME_LA, UnknownAreaError, load_areas
from scorecard.periods import Period, latest_complete_quarter, parse_period
from scorecard.model import PeriodType
from scorecard.store import MissingDatabaseError, Store, database_url


class UserError(Exception):
    """A mistake in the command or its inputs, explained in plain words."""


# -- shared pieces -----------------------------------------------------------------------------


def _open_store(args, create: bool = False) -> Store:
    try:
        return Store.open(args.db, create=create)
    except MissingDatabaseError as missing:
        raise UserError(str(missing)) from missing


def _context():
    return catalogue_module.load_catalogue(), load_areas()


def _quarter(text: str | None) -> Period:
    if text is None:
        return latest_complete_quarter(date.today())
    try:
        period = parse_period(text)
    except ValueError as bad:
        raise UserError(str(bad)) from bad
    if period.type != PeriodType.QUARTER:
        raise UserError(
            f"'{text}' is a {period.type.value.replace('_', ' ')}, not a quarter. "
            "Give a financial quarter like 2024-25 Q4."
        )
    return period


def _area_code(areas, text: str | None) -> str:
    if text is None:
        return DEFAULT_HOME_LA
    try:
        return areas.resolve_or_raise(text).code
    except UnknownAreaError as unknown:
        raise UserError(str(unknown)) from unknown


def _print_table(headers: list[str], rows: list[list[str]], out=None) -> None:
    out = out or sys.stdout
    widths = [max(len(str(value)) for value in column) for column in zip(headers, *rows)]
    for line in [headers, [("-" * width) for width in widths], *rows]:
        out.write("  ".join(str(value).ljust(width) for value, width in zip(line, widths)).rstrip())
        out.write("\n")


def _shown(value, decimals: int) -> str:
    return "" if value is None else f"{value:,.{decimals}f}"


# -- demo --------------------------------------------------------------------------------------


def add_demo(commands) -> None:
    parser = commands.add_parser("demo", help="build a database of demonstration data")
    parser.add_argument(
        "--if-missing", action="store_true", help="do nothing when the database already exists"
    )
    parser.set_defaults(run=run_demo)


def run_demo(args) -> int:
    from scorecard.demo import write_demo
    from scorecard.reference import sync_reference

    url = database_url(args.db)
    if args.if_missing:
        try:
            Store.open(args.db).close()
            print(f"Database already exists: {url}. Leaving it as it is.")
            return 0
        except MissingDatabaseError:
            pass
    catalogue, areas = _context()
    with Store.open(args.db, create=True) as store:
        sync_reference(store, catalogue, areas)
        load_id = write_demo(store, catalogue, areas)
    print(f"Demonstration data written to {url} as load {load_id}. These figures are invented.")
    return 0


# -- load --------------------------------------------------------------------------------------


def add_load(commands) -> None:
    parser = commands.add_parser("load", help="load indicator files (CSV, XLSX, parquet)")
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--area", help="the area a council workbook's figures are for")
    parser.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    parser.add_argument("--as", dest="kind", metavar="KIND", help="read the files as this layout")
    parser.add_argument("--user", help="who is loading (default: your login name)")
    parser.set_defaults(run=run_load)


def run_load(args) -> int:
    from loaders.context import LoadContext
    from loaders.pipeline import load_file
    from scorecard.reference import sync_reference

    catalogue, areas = _context()
    home = _area_code(areas, args.area)
    missing = [name for name in args.files if not Path(name).is_file()]
    if missing:
        raise UserError("; ".join(f"{name}: no such file" for name in missing))
    context = LoadContext(catalogue, areas, home)
    refused = 0
    with _open_store(args, create=True) as store:
        sync_reference(store, catalogue, areas)
        for name in args.files:
            report = load_file(store, Path(name), context, dry_run=args.dry_run, kind=args.kind, user=args.user)
            for problem in report.problems:
                print(problem, file=sys.stderr)
            print(_describe(report))
            if report.status == "dry run" and report.change is not None:
                _print_revisions(report.change)
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


def _print_revisions(change, limit: int = 20) -> None:
    revisions = change.revisions
    if revisions is None or revisions.empty:
        return
    print(f"Revised values (first {min(limit, len(revisions))} of {len(revisions):,}):")
    for row in revisions.head(limit).to_dict("records"):
        key = ", ".join(str(row[name]) for name in row if not name.startswith(("old_", "new_")))
        old_new = ", ".join(
            f"{name[4:]} {row[name]} -> {row['new_' + name[4:]]}"
            for name in row
            if name.startswith("old_") and f"new_{name[4:]}" in row and row[name] != row["new_" + name[4:]]
        )
        print(f"  {key}: {old_new}")


# -- show --------------------------------------------------------------------------------------

JSON_FIELDS_FIRST = [
    "indicator_id", "title", "outcome_area", "period_label", "value", "numerator", "denominator",
    "status", "target", "rag", "direction", "england", "region", "sn_mean", "rank", "quartile",
]


def add_show(commands) -> None:
    parser = commands.add_parser("show", help="print the scorecard for an area and quarter")
    parser.add_argument("--area", help="area code, old code or name (default: the home LA)")
    parser.add_argument("--period", help="financial quarter like 2024-25 Q4 (default: the latest complete)")
    parser.add_argument("--outcome", help="one outcome area, by id or title")
    parser.add_argument("--indicator", action="append", metavar="ID", help="only this indicator (repeatable)")
    parser.add_argument("--framework", default="ecm", help="outcome framework (default: ecm)")
    parser.add_argument("--format", choices=["table", "csv", "json", "xlsx"], default="table")
    parser.add_argument("-o", "--output", help="write to this file (needed for xlsx)")
    parser.set_defaults(run=run_show)


def run_show(args) -> int:
    from scorecard.quarterly import quarterly_scorecard

    catalogue, areas = _context()
    area_code = _area_code(areas, args.area)
    quarter = _quarter(args.period)
    framework = catalogue.frameworks.get(args.framework)
    if framework is None:
        raise UserError(
            f"There is no outcome framework '{args.framework}'. Choose one of: "
            + ", ".join(catalogue.frameworks)
        )
    outcome = _outcome_id(framework, args.outcome)
    wanted = _indicator_ids(catalogue, args.indicator)
    with _open_store(args) as store:
        scorecard = quarterly_scorecard(store, catalogue, areas, area_code, quarter, framework.id, outcome)
    if wanted:
        scorecard.rows = [row for row in scorecard.rows if row.indicator_id in wanted]
    rows = [row.as_dict() for row in scorecard.rows]
    for row in rows:
        row.update(area_code=scorecard.area.code, area_name=scorecard.area.name,
                   quarter=quarter.label, demonstration_data=scorecard.is_demo)
    if args.format == "json":
        ordered = [{**{name: row[name] for name in JSON_FIELDS_FIRST}, **row} for row in rows]
        json.dump(ordered, sys.stdout, indent=2, default=str)
        print()
    elif args.format in ("csv", "xlsx"):
        _export(args, rows)
    else:
        _print_scorecard(scorecard)
    return 0


def _export(args, rows: list[dict]) -> None:
    """CSV or XLSX through scorecard.exports, so no cell can run as a formula."""
    from scorecard import exports

    header = list(rows[0]) if rows else JSON_FIELDS_FIRST
    values = [[", ".join(map(str, v)) if isinstance(v, list) else v for v in row.values()] for row in rows]
    if args.format == "xlsx":
        if not args.output:
            raise UserError("An XLSX scorecard needs a file to go in: add -o FILE.xlsx.")
        Path(args.output).write_bytes(exports.xlsx_bytes(header, values))
        print(f"Scorecard written to {args.output}.")
        return
    text = exports.csv_text(header, values)
    if args.output:
        Path(args.output).write_text(text)
    else:
        sys.stdout.write(text)


def _indicator_ids(catalogue, given: list[str] | None) -> set[str]:
    try:
        return {catalogue.get(indicator_id).id for indicator_id in given or []}
    except KeyError as unknown:
        raise UserError(unknown.args[0]) from unknown


def _outcome_id(framework, text: str | None) -> str | None:
    if text is None:
        return None
    wanted = text.strip().lower().replace(" ", "_")
    for outcome in framework.outcome_areas:
        if wanted in (outcome.id, outcome.title.lower().replace(" ", "_")):
            return outcome.id
    choices = ", ".join(f"{outcome.id} ({outcome.title})" for outcome in framework.outcome_areas)
    raise UserError(f"There is no outcome area '{text}' in {framework.id}. Choose one of: {choices}")


def _print_scorecard(scorecard) -> None:
    if scorecard.is_demo:
        print("DEMONSTRATION DATA: these figures are invented.")
    print(f"{scorecard.area.name} ({scorecard.area.code}), quarter {scorecard.quarter.label}")
    headers = ["Indicator", "Period", "Figure", "Target", "RAG", "Direction", "England",
               "Region", "Neighbours", "Rank", "Quartile"]
    table = []
    for row in scorecard.rows:
        table.append([
            row.short_title, row.period_label or "", row.shown, _shown(row.target, row.decimals),
            row.rag, row.direction, _shown(row.england, row.decimals),
            _shown(row.region, row.decimals), _shown(row.sn_mean, row.decimals),
            f"{row.rank} of {row.rank_of}" if row.rank else "", row.quartile or "",
        ])
    _print_table(headers, table)


# -- indicators and loads ----------------------------------------------------------------------


def add_indicators(commands) -> None:
    parser = commands.add_parser("indicators", help="list the indicator catalogue")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.set_defaults(run=run_indicators)


def run_indicators(args) -> int:
    catalogue = catalogue_module.load_catalogue()
    if args.format == "json":
        json.dump([_indicator_json(indicator) for indicator in catalogue], sys.stdout, indent=2)
        print()
        return 0
    headers = ["Id", "Title", "Polarity", "Unit", "NI", "Aliases"]
    rows = [
        [indicator.id, indicator.short_title, indicator.polarity.value.replace("_", " "),
         indicator.unit.value, indicator.ni_code or "", "; ".join(indicator.aliases)]
        for indicator in catalogue
    ]
    _print_table(headers, rows)
    return 0


def _indicator_json(indicator) -> dict:
    return {
        "id": indicator.id,
        "title": indicator.title,
        "short_title": indicator.short_title,
        "outcomes": dict(indicator.outcomes),
        "polarity": indicator.polarity.value,
        "unit": indicator.unit.value,
        "multiplier": indicator.multiplier,
        "population_age_band": indicator.population_age_band,
        "period_type": indicator.period_type.value,
        "measure_type": indicator.measure_type.value,
        "decimals": indicator.decimals,
        "definition": indicator.definition,
        "source": indicator.source,
        "ni_code": indicator.ni_code,
        "aliases": list(indicator.aliases),
        "lait_code": indicator.lait_code,
    }


def add_sources(commands) -> None:
    parser = commands.add_parser("sources", help="list the file layouts Scorecard reads and what each gives")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.set_defaults(run=run_sources)


def run_sources(args) -> int:
    from loaders.pipeline import known_layouts  # reads data/sources.yaml, checked as it is read

    layouts = known_layouts()
    if args.format == "json":
        json.dump(layouts, sys.stdout, indent=2)
        print()
        return 0
    rows = [
        [entry["kind"] if number == 0 else "", (entry["dataset"] or _short(entry["title"])) if number == 0 else "",
         layout["name"], layout["recognised_by"], ", ".join(entry["gives"]) if number == 0 else ""]
        for entry in layouts for number, layout in enumerate(entry["layouts"])
    ]
    _print_table(["Kind", "Dataset", "Layout", "Recognised by", "Gives"], rows)
    print("Explore Education Statistics files also need time_period, time_identifier and geographic_level; "
          "the datasets are declared in data/sources.yaml.")
    return 0


def _short(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def add_loads(commands) -> None:
    parser = commands.add_parser("loads", help="list the recorded loads")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.set_defaults(run=run_loads)


def run_loads(args) -> int:
    with _open_store(args) as store:
        loads = store.loads()
    if args.format == "json":
        print(loads.to_json(orient="records", date_format="iso", indent=2))
        return 0
    if loads.empty:
        print("No loads yet.")
        return 0
    headers = ["Load", "File", "Kind", "Who", "When", "New", "Revised", "Unchanged", "Status"]
    rows = [
        [row.id, row.file_name, row.kind, row.user_name, f"{row.loaded_at:%Y-%m-%d %H:%M}",
         f"{row.rows_new:,}", f"{row.rows_revised:,}", f"{row.rows_unchanged:,}", row.status]
        for row in loads.itertuples()
    ]
    _print_table(headers, rows)
    return 0


def add_revert(commands) -> None:
    parser = commands.add_parser("revert", help="undo a load, restoring the figures it replaced")
    parser.add_argument("load_id", type=int, metavar="LOAD_ID")
    parser.set_defaults(run=run_revert)


def run_revert(args) -> int:
    from scorecard.store import RevertError

    with _open_store(args) as store:
        try:
            store.revert(args.load_id)
        except RevertError as refused:
            raise UserError(str(refused)) from refused
    print(f"Load {args.load_id} reverted: the figures are as they were before it.")
    return 0


# -- template ----------------------------------------------------------------------------------


def add_template(commands) -> None:
    parser = commands.add_parser("template", help="write a workbook for an analyst to fill in for a quarter")
    parser.add_argument("--period", required=True, help="financial quarter like 2025-26 Q3")
    parser.add_argument("--area", help="area code, old code or name (default: the home LA)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.xlsx", help="the workbook to write")
    parser.set_defaults(run=run_template)


def run_template(args) -> int:
    from loaders.template import write_template

    if not args.output.lower().endswith(".xlsx"):
        raise UserError(f"{args.output}: the template is an Excel workbook; give a name ending .xlsx")
    catalogue, areas = _context()
    area_code, quarter = _area_code(areas, args.area), _quarter(args.period)
    try:  # earlier figures are shown for reference when there is a database
        store = Store.open(args.db)
    except MissingDatabaseError:
        store = None
    try:
        rows = write_template(Path(args.output), catalogue, areas, quarter, area_code, store)
    finally:
        if store is not None:
            store.close()
    print(f"Template for {areas.get(area_code).name}, {quarter.label} written to {args.output} ({rows} rows).")
    return 0


def add_serve(commands) -> None:
    parser = commands.add_parser("serve", help="serve the app under gunicorn")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    parser.set_defaults(run=run_serve)


def run_serve(args) -> int:
    from scorecard.serve import serve

    from scorecard.reference import sync_reference

    with _open_store(args) as store:  # a missing database is explained here, not in a worker's log
        sync_reference(store, *_context())  # once, before the workers start together
    return serve(args.db, args.host, args.port)


def add_backup(commands) -> None:
    parser = commands.add_parser("backup", help="copy the whole database to one file")
    parser.add_argument("file", metavar="FILE", help="the backup file to write (.zip)")
    parser.set_defaults(run=run_backup)


def run_backup(args) -> int:
    from scorecard.backup import backup

    with _open_store(args) as store:
        manifest = backup(store, Path(args.file))
    print(f"Backed up {sum(manifest['tables'].values()):,} rows from {len(manifest['tables'])} tables to {args.file}.")
    return 0


def add_restore(commands) -> None:
    parser = commands.add_parser("restore", help="replace the database's content with a backup")
    parser.add_argument("file", metavar="FILE", help="a file made by 'scorecard backup'")
    parser.set_defaults(run=run_restore)


def run_restore(args) -> int:
    from scorecard.backup import BackupError, restore

    if not Path(args.file).is_file():
        raise UserError(f"{args.file}: no such file")
    with _open_store(args, create=True) as store:
        try:
            manifest = restore(store, Path(args.file))
        except BackupError as bad:
            raise UserError(str(bad)) from bad
    print(f"Restored {sum(manifest['tables'].values()):,} rows taken on {manifest['taken_at']}.")
    return 0


def add_users(commands) -> None:
    parser = commands.add_parser("users", help="manage who can sign in")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    db = argparse.ArgumentParser(add_help=False)  # --db after the action too
    db.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    add = actions.add_parser("add", parents=[db], help="add a user; the password comes from a prompt or standard input")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=["viewer", "analyst", "admin"])
    actions.add_parser("list", parents=[db], help="list users and their roles")
    remove = actions.add_parser("remove", parents=[db], help="remove a user")
    remove.add_argument("username")
    parser.set_defaults(run=run_users)


def run_users(args) -> int:
    import getpass

    from scorecard import users

    with _open_store(args, create=args.action == "add") as store:
        try:
            if args.action == "add":
                if sys.stdin.isatty():
                    password = getpass.getpass(f"Password for {args.username}: ")
                else:
                    password = sys.stdin.readline().rstrip("\n")
                users.add_user(store, args.username, args.role, password, by=getpass.getuser())
                print(f"Added {args.username} as {args.role}.")
            elif args.action == "remove":
                users.remove_user(store, args.username, by=getpass.getuser())
                print(f"Removed {args.username}.")
            else:
                listed = users.list_users(store)
                if not listed:
                    print("No users yet. Add one with 'scorecard users add NAME --role admin'.")
                else:
                    _print_table(["User", "Role", "Added"], [
                        [u["username"], u["role"], f"{u['created_at']:%Y-%m-%d %H:%M}"] for u in listed])
        except users.UserError as problem:
            raise UserError(str(problem)) from problem
    return 0


def add_audit(commands) -> None:
    parser = commands.add_parser("audit", help="the audit log: who changed what, when")
    parser.add_argument("--format", choices=["table", "csv"], default="table")
    parser.set_defaults(run=run_audit)


def run_audit(args) -> int:
    from scorecard import audit, exports

    with _open_store(args) as store:
        found = audit.entries(store)
    header = ["id", "happened_at", "who", "action", "subject", "before_value", "after_value"]
    rows = [[entry[name] for name in header] for entry in found]
    if args.format == "csv":
        sys.stdout.write(exports.csv_text(header, rows))
    else:
        _print_table(["Id", "When", "Who", "Action", "What", "Before", "After"],
                     [[str(v if v is not None else "")[:60] for v in row] for row in rows])
    return 0


# -- reconcile ---------------------------------------------------------------------------------


def add_reconcile(commands) -> None:
    parser = commands.add_parser(
        "reconcile", help="figures with more than one source, and published figures checked against their counts"
    )
    parser.add_argument("--indicator", action="append", help="an indicator id (repeat for more); default all")
    parser.add_argument("--area", help="an area code, old code or name; default every area")
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
    parser.add_argument("--limit", type=int, default=50, help="differences listed in the table (default 50)")
    parser.set_defaults(run=run_reconcile)


def run_reconcile(args) -> int:
    from scorecard import figures
    from scorecard.reconcile import COLUMNS, reconciliation

    catalogue, areas = _context()
    ids = sorted(_indicator_ids(catalogue, args.indicator)) if args.indicator else None
    codes = [_area_code(areas, args.area)] if args.area else None
    with _open_store(args) as store:
        rows = figures.every_source(store, ids, codes)
        result = reconciliation(rows, figures.populations(store, codes), store.sources(), catalogue)
    differences = result.differences[COLUMNS]
    if args.format == "json":
        print(json.dumps({"compared": result.compared, "agree": result.matched, "reasons": result.counts(),
                          "differences": json.loads(differences.to_json(orient="records"))}, indent=2))
        return 0
    if args.format == "csv":
        differences.to_csv(sys.stdout, index=False)
        return 0
    print(result.summary("Figures compared"))
    if len(differences):
        print()
        shown = differences.head(args.limit)
        _print_table(
            ["Indicator", "Area", "Period", "Source", "Check", "Published", "Other", "Reason"],
            [[row.indicator_id, row.area_code, row.period, row.source, row.check, _number_text(row.published),
              _number_text(row.computed), row.reason] for row in shown.itertuples()],
        )
        if len(differences) > args.limit:
            print(f"... and {len(differences) - args.limit:,} more (--format csv lists every one)")
    return 0


def _number_text(value) -> str:
    return "" if value is None or value != value else f"{value:g}"


# -- entry point -------------------------------------------------------------------------------

SUBCOMMANDS = [add_demo, add_load, add_show, add_indicators, add_sources, add_loads, add_revert, add_template, add_serve,
               add_backup, add_restore, add_users, add_audit, add_reconcile]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="scorecard", description=__doc__.splitlines()[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="DuckDB file or SQLAlchemy URL (default: SCORECARD_DB or data/scorecard.duckdb)")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    original = commands.add_parser

    def add_parser(name, **kwargs):  # every subcommand takes --db
        return original(name, parents=[common], **kwargs)

    commands.add_parser = add_parser
    for add in SUBCOMMANDS:
        add(commands)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:
        # The reader went away (`scorecard show | head`): nothing is wrong, end quietly.
        _quiet_stdout()
        return 0
    except (UserError, catalogue_module.CatalogueError) as problem:
        print(f"scorecard {args.command}: {problem}", file=sys.stderr)
        return 2
    except Exception as fault:  # a fault of Scorecard's own: plain words, the detail on request
        if os.environ.get("SCORECARD_DEBUG"):
            raise
        print(f"scorecard {args.command}: something went wrong inside Scorecard ({type(fault).__name__}: "
              f"{fault}). A load or revert that fails changes nothing. Run it again with SCORECARD_DEBUG=1 "
              "to see the detail, and tell the performance team.", file=sys.stderr)
        return 3


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so Python's final flush does not fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (a test's capture)
        pass


if __name__ == "__main__":
    sys.exit(main())
