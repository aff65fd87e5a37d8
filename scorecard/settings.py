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
    Setting("sign_in", None, "on, off or auto. Auto: sign-in is needed on PostgreSQL.",
            kind=on_off_auto, env="SCORECARD_SIGN_IN"),
    Setting("https", True, "Whether the session cookie is sent only over HTTPS. Set off only "
            "for a server reached without HTTPS on a trusted network.", kind=on_off,
            env="SCORECARD_HTTPS"),
    Setting("secret_key", None, "The key that signs session cookies. Empty: a key kept in the "
            "database is used.", env="SCORECARD_SECRET_KEY"),
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


# Disclosure control (scorecard/disclosure.py): kept in the database, so every worker and
# every command applies the same rules.
def _threshold(text: str) -> int:
    number = int(text)
    if number < 0:
        raise ValueError("give 0 (suppression off) or more")
    return number


declare(
    Setting("disclosure_threshold", 5, "The largest count of children shown as [c], with every figure "
            "worked out from one (0 switches suppression off).", kind=_threshold, in_database=True),
    Setting("not_disclosive", "", "Indicators (ids, comma-separated) whose small counts are not "
            "disclosive and are shown as they are.", in_database=True),
)
