"""Every setting Scorecard reads, declared once: name, type, default, help and where it may
be overridden. Code reads a setting only through `value(NAME)` (or `value(NAME, store)`
for one kept in the database), so `scorecard settings` can list each with its value and
where that came from.

Precedence: the environment variable, then (for settings kept in the database) the
database's `setting` table, then the default. Settings kept in the database are changed with
`scorecard settings set NAME VALUE` (audited); the others by their environment variable.
"""

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any  # a value, or a function giving one (worked out when read)
    help: str
    kind: Callable[[str], Any] = str  # turns the text of an override into the value
    env: str | None = None  # the environment variable that may override it
    in_database: bool = False  # kept in the database, changed with `scorecard settings set`
    written_by: str | None = None  # kept in the database but written only by this command
    secret: bool = False  # never printed

    def parse(self, text: str) -> Any:
        try:
            return self.kind(text)
        except ValueError as error:
            raise SettingError(f"{self.name} cannot be {text!r}: {error}") from None

    @property
    def type_name(self) -> str:
        return TYPE_NAMES.get(self.kind, "text")

    def default_value(self) -> Any:
        return self.default() if callable(self.default) else self.default


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


def whole_number(text: str) -> int:
    try:
        number = int(text.strip())
    except ValueError:
        raise ValueError("give a whole number") from None
    if number < 0:
        raise ValueError("give a whole number, 0 or more")
    return number


def port_number(text: str) -> int:
    number = whole_number(text)
    if not 1 <= number <= 65535:
        raise ValueError("give a port from 1 to 65535")
    return number


def names(text: str) -> tuple[str, ...]:
    """A comma-separated list, as the setting table keeps it."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def folder(text: str) -> Path:
    return Path(text.strip()).expanduser()


TYPE_NAMES = {on_off: "on or off", on_off_auto: "on, off or auto", whole_number: "whole number",
              port_number: "port", names: "comma-separated list", folder: "folder", str: "text"}

SETTINGS: dict[str, Setting] = {}


def declare(*settings: Setting) -> None:
    for setting in settings:
        if setting.name in SETTINGS:
            raise RuntimeError(f"The setting {setting.name} is declared twice.")
        SETTINGS[setting.name] = setting


def _default_data_folder() -> Path:
    """data/ beside the code in a source checkout (where `make run` works); else the user's
    own data folder, since an installed package's folder may not be writable."""
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "data" / "indicators.yaml").is_file():
        return checkout / "data"
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "Scorecard"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "scorecard"


declare(
    Setting("data_folder", _default_data_folder, "The folder Scorecard writes to: the default "
            "database and files waiting to be loaded. Default: data/ in a source checkout, else "
            "~/.local/share/scorecard (XDG_DATA_HOME; %LOCALAPPDATA%\\Scorecard on Windows).",
            kind=folder, env="SCORECARD_DATA"),
    Setting("database", None, "Where the data lives: a DuckDB file path or a PostgreSQL URL "
            "(postgresql+psycopg://...). Empty means scorecard.duckdb in the data folder. "
            "--db on the command line comes first.", env="SCORECARD_DB"),
    Setting("database_wait", 60, "Seconds a command or a page waits for the DuckDB file while "
            "another program (the app, or a command) is using it, before saying it is busy.",
            kind=whole_number, env="SCORECARD_DB_WAIT"),
    Setting("sign_in", None, "on or auto. Auto (or off): sign-in is needed whenever any user exists, "
            "on any database; with no users, Scorecard opens without it on this computer only. On: "
            "sign-in is needed even with no users.", kind=on_off_auto, env="SCORECARD_SIGN_IN"),
    Setting("https", True, "Whether the session cookie is sent only over HTTPS. Set off only "
            "for a server reached without HTTPS on a trusted network.", kind=on_off,
            env="SCORECARD_HTTPS"),
    Setting("secret_key", None, "The key that signs session cookies. Empty: the key in the file "
            "session_key_file (made on first start, readable by its owner only). Never kept in the "
            "database, so never in a backup.", env="SCORECARD_SECRET_KEY", secret=True),
    Setting("warm_start", None, "on or off: work out the default scorecard before the first "
            "visitor. Empty: on for 'scorecard serve' and 'python app.py'.", kind=on_off_auto,
            env="SCORECARD_WARM"),
    Setting("host", "127.0.0.1", "The address the app listens on (0.0.0.0: every address).",
            env="SCORECARD_HOST"),
    Setting("port", 8050, "The port the app listens on.", kind=port_number, env="SCORECARD_PORT"),
    Setting("threads", 8, "Threads per server process for 'scorecard serve'.", kind=whole_number,
            env="SCORECARD_THREADS"),
    Setting("debug", False, "on shows the full error of a command that fails unexpectedly.",
            kind=on_off, env="SCORECARD_DEBUG"),
    Setting("upload_folder", None, "Where files sent through the Upload page wait until the "
            "analyst confirms or cancels. Empty: uploads/ in the data folder.", kind=folder,
            env="SCORECARD_UPLOADS"),
    Setting("upload_limit_mb", 50, "The largest file the Upload page takes, in MB.",
            kind=whole_number, env="SCORECARD_UPLOAD_MB"),
    Setting("disclosure_threshold", 5, "The largest count of children shown as [c], with the "
            "figures worked out from it; 0 switches disclosure control off.", kind=whole_number,
            in_database=True),
    Setting("not_disclosive", (), "Indicators (ids, comma-separated) whose small counts are not "
            "disclosive, such as a percentage of a large cohort; they are never shown as [c].",
            kind=names, in_database=True),
    Setting("commentary_length", 4000, "The most characters a commentary note may have.",
            kind=whole_number, in_database=True),
    Setting("demo_data", False, "Whether the database holds invented demonstration figures "
            "(every page and output then says so).", kind=on_off, in_database=True,
            written_by="scorecard demo"),
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
    return setting.default_value()


def origin(name: str, store=None) -> str:
    """Where the setting's value comes from, in words."""
    setting = SETTINGS[name]
    if _override(setting) is not None:
        return f"environment ({setting.env})"
    if setting.in_database and store is not None and store.setting(setting.name) is not None:
        return "database"
    return "default"


def shown(name: str, chosen: Any) -> str:
    """A value as `scorecard settings` prints it and the setting table keeps it."""
    if isinstance(chosen, bool):
        return "on" if chosen else "off"
    if isinstance(chosen, tuple):
        return ",".join(chosen)
    if chosen is None:
        return ""
    return str(chosen)


def child_environment(**values: Any) -> dict[str, str]:
    """This process's environment with the given settings set, for a process it starts."""
    environment = dict(os.environ)
    for name, chosen in values.items():
        environment[SETTINGS[name].env] = shown(name, chosen)
    return environment


# Any council (issue 13, points 2 to 4): the home area, the framework shown first, and the
# council's own data files beside the database.
declare(
    Setting("home_area", None, "The LA the app is set up for (its new code, as "
            "'scorecard setup --home NAME' records it): the default area of pages, commands, the "
            "template and the pack. Empty: none set up yet (England is shown).",
            env="SCORECARD_HOME", in_database=True),
    Setting("framework", "ecm", "The outcome framework a scorecard is grouped by when none is "
            "chosen: an id from data/indicators.yaml (ecm, csc_2023, oba).",
            env="SCORECARD_FRAMEWORK", in_database=True),
    Setting("baskets_file", None, "The baskets of indicators (YAML). Empty: baskets.yaml in "
            "the folder of the DuckDB database (data/ for PostgreSQL).", env="SCORECARD_BASKETS"),
    Setting("local_indicators_file", None, "The council's own indicators, added to the "
            "catalogue (YAML). Empty: local-indicators.yaml in the folder of the DuckDB database "
            "(data/ for PostgreSQL).", env="SCORECARD_LOCAL_INDICATORS"),
)


# Sessions that end and sign-in that holds (issue 14).
declare(
    Setting("session_key_file", "session.key", "The file holding the key that signs session "
            "cookies when secret_key is empty; a relative path is in the data folder. Made on "
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
