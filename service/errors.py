"""What the service refuses, in plain words: pages show it, the command line prints it."""


class NotAllowed(ValueError):
    """A request the service will not carry out: an area, period or indicator not on the
    server's lists, commentary that is empty or too long, a load that cannot be reverted."""


# The app or another command kept the DuckDB file longer than the setting database_wait: said
# in one plain line by the command line and the pages alike.
from scorecard.store import DatabaseBusyError  # noqa: F401
