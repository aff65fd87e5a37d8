"""The audit log: who did what, when, with before and after. Append-only.

The store writes each entry inside the transaction of the change it records (loads, reverts,
commentary, users and restores); this is the log read back, for the page and the command line.
"""

from scorecard.store import AUDIT_COLUMNS as COLUMNS
from scorecard.store import Store


def entries(store: Store) -> list[dict]:
    """Every entry, oldest first, with None (not NaN) where there is no before or after."""
    return store.audit_entries()


def latest(store: Store, how_many: int) -> tuple[list[dict], int]:
    """The newest entries first, at most `how_many`, and how many there are in all."""
    return store.latest_audit(how_many)


def download_csv(store: Store) -> str:
    """The whole log as a CSV for admins, formula-safe like every other download."""
    from service import exports  # openpyxl, for workbooks, only when a download is made

    return exports.csv_text(COLUMNS, [[entry[name] for name in COLUMNS] for entry in entries(store)])
