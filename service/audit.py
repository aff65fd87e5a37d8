"""The audit log: who did what, when, with before and after. Append-only.

Store.apply and Store.revert record loads and reverts; add_commentary records commentary;
users records user changes; backup records restores. Target and catalogue edits made
outside a load use `target_change` and `catalogue_change`, inside the edit's transaction.
"""

import json
from datetime import datetime

import sqlalchemy as sa

from scorecard import schema

COLUMNS = ["id", "happened_at", "who", "action", "subject", "before_value", "after_value"]


def record(connection: sa.Connection, who: str, action: str, subject: str, before: str | None, after: str | None) -> None:
    """Write an entry inside the caller's transaction, so it stands or falls with the change."""
    connection.execute(schema.audit.insert().values(
        happened_at=datetime.now().replace(microsecond=0), who=who, action=action, subject=subject,
        before_value=before, after_value=after,
    ))


def _as_text(values: dict | None) -> str | None:
    # Sorted keys, so the same values always read the same in the log.
    return None if values is None else json.dumps(values, sort_keys=True, default=str)


def target_change(connection: sa.Connection, who: str, indicator_id: str, area_code: str, period: str,
                  before: dict | None, after: dict | None) -> None:
    """A target set, changed or removed (value, tolerance, tolerance type); None when absent."""
    record(connection, who, "target", f"{indicator_id} {area_code} {period}", _as_text(before), _as_text(after))


def catalogue_change(connection: sa.Connection, who: str, indicator_id: str,
                     before: dict | None, after: dict | None) -> None:
    """An indicator added, edited or removed in the catalogue; only the fields that changed are kept."""
    if before is not None and after is not None:
        changed = sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
        before, after = {k: before.get(k) for k in changed}, {k: after.get(k) for k in changed}
    record(connection, who, "catalogue", indicator_id, _as_text(before), _as_text(after))


def entries(store) -> list[dict]:
    """Every entry, oldest first, with None (not NaN) where there is no before or after."""
    with store.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(sa.select(schema.audit).order_by(schema.audit.c.id))]


def latest(store, how_many: int) -> tuple[list[dict], int]:
    """The newest entries first, at most `how_many`, and how many there are in all."""
    table = schema.audit
    with store.engine.connect() as connection:
        total = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
        rows = connection.execute(sa.select(table).order_by(table.c.id.desc()).limit(how_many))
        return [dict(row._mapping) for row in rows], int(total)


def download_csv(store) -> str:
    """The whole log as a CSV for admins, formula-safe like every other download."""
    from scorecard import exports

    return exports.csv_text(COLUMNS, [[entry[name] for name in COLUMNS] for entry in entries(store)])
