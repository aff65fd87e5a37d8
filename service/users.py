"""People who may sign in, with roles: viewer reads; analyst loads, reverts and writes
commentary and targets; admin also manages users and the catalogue.

Passwords are hashed with scrypt (memory-hard, in the standard library), each with its
own salt, and compared in constant time."""

import hashlib
import hmac
import os
import re

from scorecard.store import Store

ROLES = ("viewer", "analyst", "admin")
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MAX_USERNAME = 63  # what USERNAME allows; anything longer is refused before any work
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
        raise UserError(f"There is already a user '{username}'. 'scorecard users role' changes their role.")
    store.add_user(username, role, hash_password(password), by)


def change_role(store: Store, username: str, role: str, by: str) -> None:
    """A new role, and every session of theirs ended: they sign in again with it."""
    found = _existing(store, username)
    if role not in ROLES:
        raise UserError(f"'{role}' is not a role. Choose one of: {', '.join(ROLES)}.")
    store.change_role(found["username"], found["role"], role, by)


def change_password(store: Store, username: str, password: str, by: str) -> None:
    """A new password, and every session of theirs ended."""
    found = _existing(store, username)
    if len(password) < MIN_PASSWORD:
        raise UserError(f"The password must be at least {MIN_PASSWORD} characters long.")
    store.change_password(found["username"], hash_password(password), by)


def _existing(store: Store, username: str) -> dict:
    found = get_user(store, (username or "").strip().lower())
    if found is None:
        raise UserError(f"There is no user '{username}'. 'scorecard users list' shows them.")
    return found


def remove_user(store: Store, username: str, by: str) -> None:
    found = get_user(store, username)
    if found is None:
        raise UserError(f"There is no user '{username}'. 'scorecard users list' shows them.")
    store.remove_user(username, found["role"], by)


def get_user(store: Store, username: str) -> dict | None:
    return store.user(username)


def list_users(store: Store) -> list[dict]:
    return store.users()


# Checked in place of a real hash for a username that is not a user, so a wrong password
# takes the same work (one scrypt) whether the user exists or not.
_NO_USER_HASH = hash_password(os.urandom(16).hex())


def authenticate(store: Store, username: str, password: str) -> dict | None:
    """The user when the password is right, else None: one database read and one scrypt either
    way, so the time taken does not tell whether a username exists."""
    name = (username or "").strip().lower()
    found = get_user(store, name) if len(name) <= MAX_USERNAME else None
    stored = found["password_hash"] if found else _NO_USER_HASH
    right = verify_password(password or "", stored)
    return found if right and found else None


def has_role(role: str, needed: str) -> bool:
    return ROLES.index(role) >= ROLES.index(needed)
