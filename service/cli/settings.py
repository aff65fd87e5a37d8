"""`scorecard settings`: every setting with its value, type, help and where the value came
from; `scorecard settings set NAME VALUE` changes one kept in the database (audited)."""

import argparse
import getpass
import json
import sys
import textwrap

from service.cli.common import open_service


def add_settings(commands) -> None:
    parser = commands.add_parser("settings", help="list the settings, or change one kept in the database")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    db = argparse.ArgumentParser(add_help=False)  # --db after the action too
    db.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    change = actions.add_parser("set", parents=[db], help="change a setting kept in the database (audited)")
    change.add_argument("name", metavar="NAME")
    change.add_argument("value", metavar="VALUE")
    parser.set_defaults(run=run_settings)


def run_settings(args) -> int:
    from service import settings
    from service.application import database_exists

    if args.action == "set":
        with open_service(args) as service:
            print(settings.change(service.store, service.catalogue, args.name, args.value, by=getpass.getuser()))
        return 0
    if database_exists(args.db):
        with open_service(args) as service:
            rows = settings.listed(service.store, args.db)
        note = None
    else:
        rows = settings.listed(None, args.db)
        note = "There is no database yet, so the defaults of the settings kept in it are shown."
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=2)
        print()
        return 0
    for row in rows:
        if row["written_by"]:
            kept = f"kept in the database, written by '{row['written_by']}'"
        elif row["in_database"]:
            kept = f"kept in the database: scorecard settings set {row['name']} VALUE"
        else:
            kept = f"environment variable {row['environment_variable']}"
        print(f"{row['name']} = {row['value'] or '(empty)'}")
        print(f"    {row['type']}; from {row['from']}; {kept}")
        print(textwrap.fill(row["help"], width=96, initial_indent="    ", subsequent_indent="    "))
    if note:
        print(note)
    return 0
