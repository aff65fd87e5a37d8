"""Subcommands that set Scorecard up for a council: setup (home area, localities, framework)."""

import getpass

from service.cli.common import open_service, print_table


def add_setup(commands) -> None:
    parser = commands.add_parser("setup", help="set up the council: its home area, localities and framework")
    parser.add_argument("--home", metavar="LA", help="the home LA by name, old code (335) or new code (E08000030)")
    parser.add_argument("--localities", metavar="FILE", help="a CSV of the home LA's wards, townships, area "
                        "partnerships or localities (code, name, kind, parent), or ONS's ward to LA lookup")
    parser.add_argument("--framework", help="the outcome framework shown first (ecm, csc_2023, oba ...)")
    parser.set_defaults(run=run_setup)


def run_setup(args) -> int:
    from service import setup

    by = getpass.getuser()
    with open_service(args, create=True) as service:
        if args.home:
            code = setup.set_home(service, args.home, by)
            print(f"Home area: {service.areas.get(code).name} ({code}).")
        if args.localities:
            loaded = setup.load_localities(service, args.localities, by)
            print(f"Localities of {service.areas.get(service.home).name} from {args.localities} "
                  f"({loaded.layout}): {loaded.described()}.")
        if args.framework:
            setup.set_framework(service, args.framework, by)
            print(f"Framework shown first: {args.framework}.")
        if not (args.home or args.localities or args.framework):
            print_table(["Setting", "Value"], [list(pair) for pair in setup.described(service)])
    return 0
