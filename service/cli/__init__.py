"""The `scorecard` command: build demo data, load files, show the scorecard, list loads.

Each subcommand is an `add_*` function that declares its options and a `run_*` function
that does the work and returns the exit code; they call the service and nothing below it.
Errors a user can fix (`UserError`, or the service's `NotAllowed`) are printed as one plain
line, never a traceback.
"""

import argparse
import os
import sys

from service.cli import admin, data, local, pack, settings, setup, show, spc, targets
from service.cli.common import UserError
from service.errors import DatabaseBusyError, NotAllowed

SUBCOMMANDS = [data.add_demo, data.add_load, show.add_show, show.add_indicators, data.add_sources, data.add_loads,
               data.add_revert, data.add_template, admin.add_serve, admin.add_backup, admin.add_restore,
               admin.add_users, admin.add_audit, show.add_reconcile, spc.add_spc, pack.add_pack,
               settings.add_settings, setup.add_setup, local.add_baskets, targets.add_targets]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="scorecard", description=__doc__.splitlines()[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="DuckDB file or SQLAlchemy URL (default: the setting database, SCORECARD_DB, "
                        "else scorecard.duckdb in the data folder; see 'scorecard settings')")
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
    except (UserError, NotAllowed) as problem:
        print(f"scorecard {args.command}: {problem}", file=sys.stderr)
        return 2
    except DatabaseBusyError as busy:  # the app (or another command) kept the DuckDB file
        print(f"scorecard {args.command}: {busy}", file=sys.stderr)
        return 2
    except Exception as fault:  # a fault of Scorecard's own: plain words, the detail on request
        if _debugging():
            raise
        print(f"scorecard {args.command}: something went wrong inside Scorecard ({type(fault).__name__}: "
              f"{fault}). A load or revert that fails changes nothing. Run it again with SCORECARD_DEBUG=1 "
              "to see the detail, and tell the performance team.", file=sys.stderr)
        return 3


def _debugging() -> bool:
    from service.settings import value

    try:
        return value("debug")
    except ValueError:  # SCORECARD_DEBUG=anything-else still means show the detail
        return True


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so Python's final flush does not fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (a test's capture)
        pass
