"""API tokens for analysts' own tools (R, Power BI, Excel): `scorecard users token NAME`
prints a new token once; only its SHA-256 is stored. A token carries no role of its own:
the user's role is read at each request, so removing a user or changing a role takes
effect at once. A token is 32 random bytes, so a plain hash (not scrypt) is enough."""

import hashlib
import secrets

from scorecard.store import Store
from service import users


def _hashed(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(store: Store, username: str, by: str) -> str:
    """A new token for an existing user, to be shown once; the user's other tokens stay."""
    found = users.get_user(store, (username or "").strip().lower())
    if found is None:
        raise users.UserError(f"There is no user '{username}'. 'scorecard users list' shows them.")
    token = secrets.token_urlsafe(32)
    store.add_api_token(found["username"], _hashed(token), by)
    return token


def revoke(store: Store, username: str, by: str) -> int:
    """Revoke every token of a user; how many were live."""
    found = users.get_user(store, (username or "").strip().lower())
    if found is None:
        raise users.UserError(f"There is no user '{username}'. 'scorecard users list' shows them.")
    return store.revoke_api_tokens(found["username"], by)


def user_for(store: Store, token: str | None) -> dict | None:
    """{username, role} for a live token of an existing user, else None."""
    if not token:
        return None
    found = store.api_token_user(_hashed(token))
    return found if found is not None and found["role"] in users.ROLES else None
