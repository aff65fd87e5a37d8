"""`scorecard spc`: the SPC rebases an analyst records where a process changed."""

import argparse
import getpass

from service import rebases
from service.cli.common import open_service, print_table


def add_spc(commands) -> None:
    parser = commands.add_parser("spc", help="list, record or remove SPC rebases (where control limits start again)")
    actions = parser.add_subparsers(dest="spc_action", required=True, metavar="ACTION")
    listing = actions.add_parser("rebases", help="list the recorded rebases")
    _takes_db(listing)
    listing.add_argument("--indicator", help="only this indicator")
    listing.add_argument("--area", help="only this area (code, old code or name)")
    for name, help_text in (("rebase", "record that the process changed: the limits start again from PERIOD"),
                            ("remove", "remove a recorded rebase")):
        action = actions.add_parser(name, help=help_text)
        _takes_db(action)
        action.add_argument("indicator", metavar="INDICATOR")
        action.add_argument("--from", dest="period", required=True, metavar="PERIOD",
                            help="the first period of the new limits, such as '2025-26 Q1'")
        action.add_argument("--area", help="area (default: the home LA)")
        if name == "rebase":
            action.add_argument("--reason", required=True, help="why the process changed (shown on the chart)")
    parser.set_defaults(run=run_spc)


def _takes_db(action) -> None:
    """--db after the action too (`scorecard spc rebases --db FILE`), without hiding one given before it."""
    action.add_argument("--db", default=argparse.SUPPRESS, help="DuckDB file or SQLAlchemy URL")


def run_spc(args) -> int:
    by = getpass.getuser()
    with open_service(args) as service:
        if args.spc_action == "rebases":
            found = rebases.listed(service, args.indicator, args.area)
            if not found:
                print("No SPC rebases are recorded: every chart's limits come from its whole run of figures.")
                return 0
            print_table(["Indicator", "Area", "From", "Reason", "Set by", "Set at"],
                        [[r["indicator_id"], r["area_code"], r["period"], r["reason"], r["set_by"],
                          f"{r['set_at']:%d %b %Y %H:%M}"] for r in found])
        elif args.spc_action == "rebase":
            made = rebases.add(service, args.indicator, args.period, args.reason, area=args.area, by=by)
            print(f"SPC limits for {made['indicator_id']} in {made['area_code']} now start again from {made['period']}.")
        else:
            rebases.remove(service, args.indicator, args.period, area=args.area, by=by)
            print(f"The rebase from {args.period} is removed: the limits run across it again.")
    return 0
