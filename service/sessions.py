"""Server-side sessions that end, and the key that signs session cookies.

The cookie carries only a random session id; the database keeps its SHA-256 with the user and
when the session started and was last used. Every request checks the session and reads the
user's role from the database (a worker may reuse its last check for `session_check_seconds`,
2 by default), so sign-out, removing a user, changing a role or a password end sessions at
once. A session also ends after `session_idle_minutes` without a request and
`session_lifetime_hours` after sign-in, however busy.

The signing key is never in the database, so a backup cannot mint cookies: it is the setting
`secret_key`, or a file made on first start, readable by its owner only."""

import hashlib
import os
import secrets
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from scorecard import settings
from scorecard.store import Store

_checked: dict[tuple, tuple[float, object]] = {}  # (database, what) -> (when checked, answer)
_lock = threading.Lock()
MAX_CHECKED = 10_000  # entries kept before the stale ones are dropped


# The signing key ----------------------------------------------------------------------------

def signing_key() -> str:
    return settings.value("secret_key") or key_from_file(key_path())


def key_path() -> Path:
    path = Path(settings.value("session_key_file")).expanduser()
    return path if path.is_absolute() else settings.value("data_folder") / path


def key_from_file(path: Path) -> str:
    """The key in `path`, made first if there is none. Workers starting together all read the
    one key that was made: it is written to a private temporary file and linked into place,
    which fails if another worker got there first."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as written:
            written.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    if path.stat().st_mode & 0o077:  # readable by others: make it the owner's only
        os.chmod(path, 0o600)
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path}: the session key is too short. Delete the file and Scorecard makes a new one.")
    return key


# Sessions -----------------------------------------------------------------------------------

def _hashed(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start(store: Store, username: str) -> str:
    """A new session for a user who has just signed in: its id, for the cookie only."""
    now = datetime.now()
    store.end_sessions_before(now - lifetime(), now - idle())  # ended sessions do not pile up
    session_id = secrets.token_urlsafe(32)
    store.start_session(_hashed(session_id), username)
    return session_id


def end(store: Store, session_id: str | None) -> None:
    if _usable(session_id):
        hashed = _hashed(session_id)
        store.end_session(hashed)
        _forget(store, hashed)


def user_of(store: Store, session_id: str | None) -> dict | None:
    """{username, role} for a session that still stands, else None; an expired one is ended."""
    if not _usable(session_id):
        return None
    hashed = _hashed(session_id)
    found = _recalled(store, hashed, lambda: store.session_user(hashed))
    if found is None:
        return None
    now = datetime.now()
    if now - found["started_at"] > lifetime() or now - found["seen_at"] > idle():
        end(store, session_id)
        return None
    if now - found["seen_at"] > _touch_every():  # idle time is kept to within a minute, not to the request
        try:
            store.touch_session(hashed, now)
        except Exception:  # noqa: BLE001 - noting when a session was used is not worth failing a request over
            pass
        else:
            _remember(store, hashed, {**found, "seen_at": now})
    return {"username": found["username"], "role": found["role"]}


def any_users(store: Store) -> bool:
    """Whether any user exists: sign-in is needed if so (rechecked every few seconds)."""
    return _recalled(store, "any users", lambda: store.user_count() > 0)


def idle() -> timedelta:
    return timedelta(minutes=settings.value("session_idle_minutes"))


def lifetime() -> timedelta:
    return timedelta(hours=settings.value("session_lifetime_hours"))


def _touch_every() -> timedelta:
    return min(timedelta(seconds=60), idle() / 4)


def _usable(session_id) -> bool:
    return isinstance(session_id, str) and 20 <= len(session_id) <= 100


# A worker's recent checks -------------------------------------------------------------------

def _recalled(store: Store, what: str, ask):
    """The answer checked less than `session_check_seconds` ago, else asked again."""
    key, now = (store.url, what), time.monotonic()
    with _lock:
        hit = _checked.get(key)
    if hit is not None and now - hit[0] < settings.value("session_check_seconds"):
        return hit[1]
    answer = ask()
    _remember(store, what, answer, now)
    return answer


def _remember(store: Store, what: str, answer, when: float | None = None) -> None:
    when = time.monotonic() if when is None else when
    with _lock:
        if len(_checked) >= MAX_CHECKED:
            stale = when - settings.value("session_check_seconds")
            for key in [key for key, (checked, _) in _checked.items() if checked < stale]:
                del _checked[key]
        _checked[(store.url, what)] = (when, answer)


def _forget(store: Store, what: str) -> None:
    with _lock:
        _checked.pop((store.url, what), None)


def forget_everything() -> None:
    """This worker's checks, all asked again (a change made in this process, such as a new user)."""
    with _lock:
        _checked.clear()
