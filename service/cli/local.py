"""The council's own data files: its indicators (indicators check, indicators add) and its
baskets of indicators (baskets)."""

import getpass
import json
import sys

from service import council
from service.application import database_exists, reference_data
from service.cli.common import open_service, print_table


def catalogue(args):
    """The catalogue with the council's own indicators when there is a database to read them by."""
    if not database_exists(args.db):
        return reference_data()[0]
    with open_service(args) as service:
        return service.catalogue


def run_local_indicators(args) -> int:
    """`indicators check [FILE]` and `indicators add FILE`."""
    with open_service(args, create=args.action == "add") as service:
        if args.action == "add":
            if not args.file:
                print("scorecard indicators add: give the YAML file of indicators to add.", file=sys.stderr)
                return 2
            overlay, added = council.add_local_indicators(service.store, service.packaged_catalogue, args.file,
                                                          by=getpass.getuser())
            print(f"Added {len(added)} indicator{'s' * (len(added) != 1)} to {overlay}: {', '.join(added)}.")
            return 0
        path, found = council.check_local_indicators(service.store, service.packaged_catalogue, args.file)
    print(f"{path}: {len(found)} indicator{'s' * (len(found) != 1)}, no problems"
          + (f" ({', '.join(indicator.id for indicator in found)})." if found else "."))
    return 0


def add_baskets(commands) -> None:
    parser = commands.add_parser("baskets", help="list the baskets of indicators (checking the baskets file)")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.set_defaults(run=run_baskets)


def run_baskets(args) -> int:
    with open_service(args) as service:
        found = service.baskets()
        where = council.baskets_file(service.store)
    if args.format == "json":
        json.dump([{"id": b.id, "title": b.title, "owner": b.owner, "description": b.description,
                    "indicators": list(b.indicators)} for b in found.values()], sys.stdout, indent=2)
        print()
        return 0
    if not found:
        print(f"No baskets: declare them in {where}.")
        return 0
    print_table(["Basket", "Title", "Owner", "Indicators"],
                [[b.id, b.title, b.owner, str(len(b.indicators))] for b in found.values()])
    print(f"From {where}.")
    return 0
