"""The Store's sign-in records: sessions checked at every request, role and password changes
that end a user's sessions, and failed sign-in attempts counted across every worker.

A mixin like VersionedWrites: it needs the Store's `engine` and `url`."""

import threading
from datetime import datetime

import sqlalchemy as sa

from scorecard import schema
from scorecard.versioned import record_audit

# Sign-in attempts are counted and recorded one at a time: in this process by a lock, across
# processes (gunicorn workers on PostgreSQL) by an advisory lock of their own, so a sign-in
# never waits for a load.
_ATTEMPT_LOCKS: dict[str, threading.Lock] = {}
ATTEMPT_LOCK_KEY = 20_261_414
# DuckDB refuses two transactions that change one row at once: session rows are written one at a time.
_SESSION_LOCKS: dict[str, threading.Lock] = {}


class SignInStore:
    """Sessions, attempts and the user changes that end sessions."""

    def user_count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(sa.select(sa.func.count()).select_from(schema.app_user)).scalar())

    # Sessions -----------------------------------------------------------------------

    def start_session(self, session_hash: str, username: str) -> None:
        now = datetime.now()
        with _SESSION_LOCKS.setdefault(self.url, threading.Lock()), self.engine.begin() as connection:
            connection.execute(schema.user_session.insert().values(
                session_hash=session_hash, username=username, started_at=now, seen_at=now))

    def session_user(self, session_hash: str) -> dict | None:
        """username, role, started_at and seen_at of a live session of an existing user, else None."""
        session, user = schema.user_session, schema.app_user
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(user.c.username, user.c.role, session.c.started_at, session.c.seen_at)
                .join(user, user.c.username == session.c.username)
                .where(session.c.session_hash == session_hash)
            ).first()
        return None if row is None else dict(row._mapping)

    def touch_session(self, session_hash: str, when: datetime) -> None:
        table = schema.user_session
        with _SESSION_LOCKS.setdefault(self.url, threading.Lock()), self.engine.begin() as connection:
            connection.execute(table.update().where(table.c.session_hash == session_hash).values(seen_at=when))

    def end_session(self, session_hash: str) -> None:
        table = schema.user_session
        with _SESSION_LOCKS.setdefault(self.url, threading.Lock()), self.engine.begin() as connection:
            connection.execute(table.delete().where(table.c.session_hash == session_hash))

    def end_sessions_before(self, started_before: datetime, seen_before: datetime) -> int:
        """Delete sessions past their lifetime or idle too long; how many."""
        table = schema.user_session
        with _SESSION_LOCKS.setdefault(self.url, threading.Lock()), self.engine.begin() as connection:
            return connection.execute(table.delete().where(
                sa.or_(table.c.started_at < started_before, table.c.seen_at < seen_before))).rowcount

    def live_sessions(self, username: str) -> int:
        table = schema.user_session
        with self.engine.connect() as connection:
            return int(connection.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c.username == username)).scalar())

    # Changes that end a user's sessions -----------------------------------------------

    def change_role(self, username: str, before: str, role: str, by: str) -> None:
        table = schema.app_user
        with _SESSION_LOCKS.setdefault(self.url, threading.Lock()), self.engine.begin() as connection:
            connection.execute(table.update().where(table.c.username == username).values(role=role))
            _end_sessions_of(connection, username)
            record_audit(connection, by, "user role", username, f"role {before}", f"role {role}")

    def change_password(self, username: str, password_hash: str, by: str) -> None:
        table = schema.app_user
        with _SESSION_LOCKS.setdefault(self.url, threading.Lock()), self.engine.begin() as connection:
            connection.execute(table.update().where(table.c.username == username).values(password_hash=password_hash))
            _end_sessions_of(connection, username)
            record_audit(connection, by, "user password", username, None, None)

    # Sign-in attempts ---------------------------------------------------------------------

    def take_attempt(self, limits: dict[str, int], since: datetime) -> list[int] | None:
        """One attempt for every key in `limits` (key -> attempts allowed since `since`), recorded
        only if no key has reached its limit: the ids recorded; None, recording nothing, if one
        has. Counting and
        recording are one step across every worker, so no two requests both take the last
        attempt. Attempts older than `since` are deleted here: the table never grows."""
        table = schema.sign_in_attempt
        with _ATTEMPT_LOCKS.setdefault(self.url, threading.Lock()), self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": ATTEMPT_LOCK_KEY})
            connection.execute(table.delete().where(table.c.attempted_at < since))
            counts = dict(connection.execute(
                sa.select(table.c.key, sa.func.count()).where(table.c.key.in_(list(limits))).group_by(table.c.key)
            ).all())
            if any(counts.get(key, 0) >= limit for key, limit in limits.items()):
                return None
            now = datetime.now()
            return [int(connection.execute(table.insert().returning(table.c.id).values(key=key, attempted_at=now))
                        .scalar()) for key in limits]

    def forget_attempts(self, ids: list[int], key: str | None = None) -> None:
        """A sign-in that succeeded: its own attempts, and every attempt on `key`, no longer count."""
        table = schema.sign_in_attempt
        with _ATTEMPT_LOCKS.setdefault(self.url, threading.Lock()), self.engine.begin() as connection:
            condition = table.c.id.in_(ids)
            if key is not None:
                condition = sa.or_(condition, table.c.key == key)
            connection.execute(table.delete().where(condition))


def _end_sessions_of(connection: sa.Connection, username: str) -> None:
    connection.execute(schema.user_session.delete().where(schema.user_session.c.username == username))
