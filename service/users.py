"""People who may sign in, with roles: viewer reads; analyst loads, reverts and writes
commentary and targets; admin also manages users and the catalogue.

Passwords are hashed with scrypt (memory-hard, in the standard library), each with its
own salt, and compared in constant time."""

import hashlib
import hmac
import os
import re
from datetime import datetime

import sqlalchemy as sa

from scorecard import audit, schema
from scorecard.store import Store

ROLES = ("viewer", "analyst", "admin")
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MIN_PASSWORD = 12


class UserError(ValueError):
    """A user that cannot be added or removed, with why."""


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT, dklen=32)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, expected = stored.split("$")
        digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), expected)


def add_user(store: Store, username: str, role: str, password: str, by: str) -> None:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise UserError(f"'{username}' cannot be a username: use 2 to 63 lower-case letters, digits, '.', '_' or '-'.")
    if role not in ROLES:
        raise UserError(f"'{role}' is not a role. Choose one of: {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"The password must be at least {MIN_PASSWORD} characters long.")
    if get_user(store, username) is not None:
        raise UserError(f"There is already a user '{username}'. Remove them first to change their role.")
    with store.engine.begin() as connection:
        connection.execute(schema.app_user.insert().values(
            username=username, role=role, password_hash=hash_password(password), created_at=datetime.now(),
        ))
        audit.record(connection, by, "user add", username, None, f"role {role}")


def remove_user(store: Store, username: str, by: str) -> None:
    found = get_user(store, username)
    if found is None:
        raise UserError(f"There is no user '{username}'. 'scorecard users list' shows them.")
    with store.engine.begin() as connection:
        connection.execute(schema.app_user.delete().where(schema.app_user.c.username == username))
        audit.record(connection, by, "user remove", username, f"role {found['role']}", None)


def get_user(store: Store, username: str) -> dict | None:
    rows = store.frame(sa.select(schema.app_user).where(schema.app_user.c.username == username))
    return None if rows.empty else rows.iloc[0].to_dict()


def list_users(store: Store) -> list[dict]:
    return store.frame(
        sa.select(schema.app_user.c.username, schema.app_user.c.role, schema.app_user.c.created_at)
        .order_by(schema.app_user.c.username)
    ).to_dict("records")


def authenticate(store: Store, username: str, password: str) -> dict | None:
    """The user when the password is right, else None (same work either way)."""
    found = get_user(store, (username or "").strip().lower())
    stored = found["password_hash"] if found else hash_password("not a real password")
    return found if verify_password(password or "", stored) and found else None


def has_role(role: str, needed: str) -> bool:
    return ROLES.index(role) >= ROLES.index(needed)
