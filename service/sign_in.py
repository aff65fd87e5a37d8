"""Sign-in that holds on a shared server: attempts counted in the database, so every worker
shares the count, per username and per network address, over a window that expires; a
username longer than any user's refused before any work; where to go afterwards accepted only
as a path on this site."""

import posixpath
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote, urlsplit

from scorecard import settings
from scorecard.store import Store
from service import users


@dataclass
class Attempt:
    user: dict | None  # the user, when the password was right
    blocked: bool = False  # too many attempts: the password was not checked


def attempt(store: Store, username: str, password: str, address: str | None) -> Attempt:
    """Check a sign-in unless its username or address has used up its attempts."""
    name = (username or "").strip().lower()
    limits = {f"address:{address or 'unknown'}": settings.value("sign_in_attempts_per_address")}
    if len(name) <= users.MAX_USERNAME:  # a longer name is no user's, and is never stored
        limits[f"user:{name}"] = settings.value("sign_in_attempts")
    since = datetime.now() - timedelta(minutes=settings.value("sign_in_window_minutes"))
    taken = store.take_attempt(limits, since)
    if taken is None:
        return Attempt(None, blocked=True)
    found = users.authenticate(store, name, password)
    if found is not None:  # this attempt, and the user's failures before it, no longer count
        store.forget_attempts(taken, key=f"user:{name}")
    return Attempt(found)


def wait_words() -> str:
    return f"Too many attempts. Wait {settings.value('sign_in_window_minutes')} minutes, then try again."


# Where to go after signing in ------------------------------------------------------------------

_PRINTABLE = set(string.printable) - set(string.whitespace) | {" "}
_PATH_SAFE = "/-._~!$&'()*+,;=:@%"
_QUERY_SAFE = _PATH_SAFE + "?"


def local_path(target: str | None) -> str:
    """`target` if it is a path on this site, normalised and percent-encoded; else "/".

    Browsers drop tabs and newlines and read a backslash as a slash, so `/\\t/evil.example`
    or `/\\evil.example` would leave the site: anything but printable ASCII is refused, the
    path is normalised (no `.` or `..`, one leading slash) and what is left is encoded."""
    if not target or len(target) > 2000 or not set(target) <= _PRINTABLE or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return "/"
    path = "/" + posixpath.normpath(parts.path).lstrip("/")
    encoded = quote(path, safe=_PATH_SAFE)
    if parts.query:
        encoded += "?" + quote(parts.query, safe=_QUERY_SAFE)
    return encoded if not encoded.startswith("//") else "/"
