"""`scorecard targets list|set|load|export`: targets as the clinic agrees them."""

import argparse
import getpass
import json
from pathlib import Path

from service import clinic_targets
from service.cli.common import UserError, open_service, print_table, shown


def add_targets(commands) -> None:
    parser = commands.add_parser("targets", help="list, set, load or export targets")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    db = argparse.ArgumentParser(add_help=False)  # --db after the action too
    db.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    who = argparse.ArgumentParser(add_help=False)
    who.add_argument("--user", help="who is setting them, for the audit log (default: your login name)")
    listed = actions.add_parser("list", parents=[db], help="every target, with who agreed and set it")
    listed.add_argument("--area", help="one area's targets (code, old code or name)")
    listed.add_argument("--format", choices=["table", "json"], default="table")
    setting = actions.add_parser(
        "set", parents=[db, who], help="set one target; its tolerance and who agreed it stay unless given")
    setting.add_argument("indicator", metavar="INDICATOR", help="an indicator id, as 'scorecard indicators' lists")
    setting.add_argument("value", metavar="VALUE", help="the target, in the indicator's own unit")
    setting.add_argument("--year", required=True, help="the financial year (2024-25) or a quarter (2024-25 Q2)")
    setting.add_argument("--area", help="the area (default: the home LA)")
    setting.add_argument("--tolerance", help="how far short of the target is still amber; 'none' removes it")
    setting.add_argument("--tolerance-type", choices=list(clinic_targets.TOLERANCE_TYPES),
                         help="absolute (the indicator's unit) or percent of the target")
    setting.add_argument("--agreed-by", help="who agreed the target (a person or a board)")
    loading = actions.add_parser("load", parents=[db, who], help="set every target in a targets workbook")
    loading.add_argument("file", metavar="FILE", help="a workbook with a Targets sheet, as 'export' writes")
    exporting = actions.add_parser("export", parents=[db], help="write the targets to a workbook to edit and load")
    exporting.add_argument("-o", "--output", required=True, help="the workbook to write (.xlsx)")
    exporting.add_argument("--area", help="one area's targets (default: every area's)")
    parser.set_defaults(run=run_targets)


def run_targets(args) -> int:
    who = getattr(args, "user", None) or getpass.getuser()
    with open_service(args) as service:
        if args.action == "list":
            return _list(service, args)
        if args.action == "set":
            change = clinic_targets.set_target(
                service, who, indicator_id=args.indicator, value=args.value, period=args.year, area=args.area,
                tolerance=clinic_targets.KEEP if args.tolerance is None else args.tolerance,
                tolerance_type=args.tolerance_type,
                agreed_by=clinic_targets.KEEP if args.agreed_by is None else args.agreed_by,
            )
            _say(change)
            return 0
        if args.action == "load":
            if not Path(args.file).is_file():
                raise UserError(f"{args.file}: no such file")
            changes = clinic_targets.load_workbook(service, Path(args.file), who)
            for change in changes:
                _say(change)
            print(f"{sum(change.changed for change in changes)} target(s) changed, "
                  f"{sum(not change.changed for change in changes)} unchanged.")
            return 0
        count = clinic_targets.write_workbook(service, Path(args.output), args.area)
        print(f"Wrote {count} target(s) to {args.output}.")
        return 0


def _say(change: clinic_targets.TargetChange) -> None:
    where = f"{change.indicator_id}, {change.area_code}, {change.period}"
    if not change.changed:
        print(f"{where}: unchanged ({clinic_targets.describe(change.after)}).")
    else:
        print(f"{where}: {clinic_targets.describe(change.before)} -> {clinic_targets.describe(change.after)}.")


def _list(service, args) -> int:
    rows = clinic_targets.target_records(service, args.area)
    if args.format == "json":
        print(json.dumps(rows, default=str, indent=1))
        return 0
    if not rows:
        print("No targets are set. 'scorecard targets set INDICATOR VALUE --year 2024-25' sets one.")
        return 0
    print_table(
        ["Indicator", "Area", "Year", "Target", "Tolerance", "Agreed by", "Set by"],
        [[row["indicator_id"], row["area_name"], row["period"], shown(row["value"], row["decimals"]),
          "" if row["tolerance"] is None else f"{row['tolerance']:g} ({row['tolerance_type']})",
          row["agreed_by"] or "", row["set_by"] or ""] for row in rows],
    )
    return 0
