"""Pieces every subcommand shares: the plain-words error, opening the service, tables."""

import sys

from service.application import Service
from service.display import number


class UserError(Exception):
    """A mistake in the command or its inputs, explained in plain words."""


def open_service(args, create: bool = False) -> Service:
    """The service on --db (else SCORECARD_DB, else the default file)."""
    return Service.open(args.db, create=create)


def print_table(headers: list[str], rows: list[list[str]], out=None) -> None:
    out = out or sys.stdout
    widths = [max(len(str(value)) for value in column) for column in zip(headers, *rows)]
    for line in [headers, [("-" * width) for width in widths], *rows]:
        out.write("  ".join(str(value).ljust(width) for value, width in zip(line, widths)).rstrip())
        out.write("\n")


def shown(value, decimals: int) -> str:
    """A figure as the pages show it (rounded half away from zero); '' for none."""
    return number(value, decimals)
