"""Every setting Scorecard reads, declared once: name, type, default, help and where it may
be overridden. Code reads a setting only through `value(NAME)` (or `value(NAME, store)`
for one kept in the database), so `scorecard settings` can list each with its value and
where that came from.

Precedence: the environment variable, then (for settings kept in the database) the
database's `setting` table, then the default.
"""

import os
from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    kind: Callable[[str], Any] = str  # turns the text of an override into the value
    env: str | None = None  # the environment variable that may override it
    in_database: bool = False  # kept in the database, changed with `scorecard settings set`

    def parse(self, text: str) -> Any:
        try:
            return self.kind(text)
        except ValueError as error:
            raise SettingError(f"{self.name} cannot be {text!r}: {error}") from None


class SettingError(ValueError):
    pass


def on_off(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("on", "true", "yes", "1"):
        return True
    if lowered in ("off", "false", "no", "0"):
        return False
    raise ValueError("give on or off")


def on_off_auto(text: str) -> bool | None:
    """on, off, or auto (None: decided from other settings)."""
    return None if text.strip().lower() in ("", "auto") else on_off(text)


SETTINGS: dict[str, Setting] = {}


def declare(*settings: Setting) -> None:
    for setting in settings:
        if setting.name in SETTINGS:
            raise RuntimeError(f"The setting {setting.name} is declared twice.")
        SETTINGS[setting.name] = setting


declare(
    Setting("database", None, "Where the data lives: a DuckDB file path or a PostgreSQL URL "
            "(postgresql+psycopg://...). Empty means data/scorecard.duckdb.", env="SCORECARD_DB"),
    Setting("sign_in", None, "on or auto. Auto (or off): sign-in is needed whenever any user exists, "
            "on any database; with no users, Scorecard opens without it on this computer only. On: "
            "sign-in is needed even with no users.", kind=on_off_auto, env="SCORECARD_SIGN_IN"),
    Setting("https", True, "Whether the session cookie is sent only over HTTPS. Set off only "
            "for a server reached without HTTPS on a trusted network.", kind=on_off,
            env="SCORECARD_HTTPS"),
    Setting("secret_key", None, "The key that signs session cookies. Empty: the key in the file "
            "session_key_file (made on first start, readable by its owner only). Never kept in the "
            "database, so never in a backup.", env="SCORECARD_SECRET_KEY"),
    Setting("warm_start", None, "on or off: work out the default scorecard before the first "
            "visitor. Empty: on when run as 'python app.py'.", kind=on_off_auto,
            env="SCORECARD_WARM"),
    Setting("host", "127.0.0.1", "The address the app listens on.", env="SCORECARD_HOST"),
    Setting("port", 8050, "The port the app listens on.", kind=int, env="SCORECARD_PORT"),
    Setting("debug", False, "on shows the full error of a command that fails unexpectedly.",
            kind=on_off, env="SCORECARD_DEBUG"),
)


def _override(setting: Setting) -> str | None:
    if setting.env is None:
        return None
    text = os.environ.get(setting.env)
    return text if text not in (None, "") else None


def value(name: str, store=None) -> Any:
    """The setting's value: its environment variable, then the database, then the default."""
    setting = SETTINGS[name]
    text = _override(setting)
    if text is not None:
        return setting.parse(text)
    if setting.in_database and store is not None:
        stored = store.setting(setting.name)
        if stored is not None:
            return setting.parse(stored)
    return setting.default


def origin(name: str, store=None) -> str:
    """Where the setting's value comes from, in words."""
    setting = SETTINGS[name]
    if _override(setting) is not None:
        return f"environment ({setting.env})"
    if setting.in_database and store is not None and store.setting(setting.name) is not None:
        return "database"
    return "default"


# Sessions that end and sign-in that holds (issue 14).
declare(
    Setting("session_key_file", "data/session.key", "The file holding the key that signs session "
            "cookies when secret_key is empty; a relative path is under Scorecard's folder. Made on "
            "first start with owner-only permissions.", env="SCORECARD_SESSION_KEY_FILE"),
    Setting("session_idle_minutes", 60, "Minutes without a request after which a session ends.",
            kind=int, env="SCORECARD_SESSION_IDLE_MINUTES"),
    Setting("session_lifetime_hours", 8, "Hours after sign-in at which a session ends, however "
            "busy.", kind=int, env="SCORECARD_SESSION_LIFETIME_HOURS"),
    Setting("session_check_seconds", 2, "How long a worker may reuse its last check of a session "
            "(the user's role and whether the session still stands) before asking the database "
            "again. 0: every request asks.", kind=float, env="SCORECARD_SESSION_CHECK_SECONDS"),
    Setting("sign_in_attempts", 5, "Sign-in attempts allowed per username in the window; more are "
            "refused without checking the password.", kind=int, env="SCORECARD_SIGN_IN_ATTEMPTS"),
    Setting("sign_in_attempts_per_address", 20, "Failed sign-in attempts allowed from one network "
            "address in the window, whatever usernames they try.", kind=int,
            env="SCORECARD_SIGN_IN_ATTEMPTS_PER_ADDRESS"),
    Setting("sign_in_window_minutes", 15, "The window over which sign-in attempts are counted; "
            "older attempts are forgotten.", kind=int, env="SCORECARD_SIGN_IN_WINDOW_MINUTES"),
    Setting("allowed_hosts", "localhost,127.0.0.1,[::1]", "Comma-separated host names a server "
            "without sign-in answers to (the Host header), so another site cannot reach it through "
            "DNS rebinding. Not checked once users exist.", env="SCORECARD_ALLOWED_HOSTS"),
    Setting("open_without_sign_in", False, "on lets 'scorecard serve' listen on a network address "
            "with no users, open to anyone who can reach it (for a server behind a proxy that "
            "signs people in itself). Off: it refuses to start.", kind=on_off,
            env="SCORECARD_OPEN_WITHOUT_SIGN_IN"),
    Setting("upload_hours", 24, "Hours after which an upload never confirmed, or left by a load "
            "that failed, is deleted from data/uploads.", kind=float, env="SCORECARD_UPLOAD_HOURS"),
)
