"""The audit log: who did what, when, with before and after. Append-only."""

from datetime import datetime

import sqlalchemy as sa

from scorecard import schema


def record(connection: sa.Connection, who: str, action: str, subject: str, before: str | None, after: str | None) -> None:
    """Write an entry inside the caller's transaction, so it stands or falls with the change."""
    connection.execute(schema.audit.insert().values(
        happened_at=datetime.now().replace(microsecond=0), who=who, action=action, subject=subject,
        before_value=before, after_value=after,
    ))


def entries(store) -> list[dict]:
    return store.frame(sa.select(schema.audit).order_by(schema.audit.c.id)).to_dict("records")
