"""Settings as the command line and the pages see them (declared in scorecard/settings.py):
each with its value, type, help and where the value came from, and changing one kept in the
database, audited. Pages and commands read a setting with `value(NAME[, store])`."""

import difflib
import re

from scorecard.settings import SETTINGS, Setting, SettingError, origin, shown, value
from scorecard.store import database_url
from service.errors import NotAllowed

__all__ = ["SETTINGS", "change", "listed", "value"]
PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*(@)")


def listed(store=None, db: str | None = None) -> list[dict]:
    """Every setting: name, value (as text), type, origin, environment variable, whether it is
    kept in the database, and help. `store` gives those kept in the database; `db` is --db."""
    rows = []
    for setting in SETTINGS.values():
        try:
            text, came_from = _shown(setting, value(setting.name, store)), origin(setting.name, store)
        except SettingError as problem:
            text, came_from = f"(not understood: {problem})", origin(setting.name, store)
        if setting.name == "database":
            text = PASSWORD.sub(r"\1***\2", database_url(db))
            came_from = "command line (--db)" if db else came_from
        rows.append({"name": setting.name, "value": text, "type": setting.type_name, "from": came_from,
                     "environment_variable": setting.env, "in_database": setting.in_database,
                     "written_by": setting.written_by, "help": setting.help})
    return rows


def _shown(setting: Setting, chosen) -> str:
    if setting.secret:
        return "(set)" if chosen else ""
    return shown(setting.name, chosen)


def change(store, catalogue, name: str, text: str, by: str) -> str:
    """Change a setting kept in the database (audited); what to tell the user. NotAllowed, in
    one plain line, for an unknown setting, one kept elsewhere, or a value it cannot take."""
    setting = SETTINGS.get(name)
    if setting is None:
        close = difflib.get_close_matches(name, SETTINGS, n=1)
        hint = f" Did you mean {close[0]}?" if close else " 'scorecard settings' lists them."
        raise NotAllowed(f"There is no setting called {name!r}.{hint}")
    if setting.written_by:
        raise NotAllowed(f"{name} is written by '{setting.written_by}', not set by hand.")
    if not setting.in_database:
        raise NotAllowed(f"{name} is not kept in the database: set the environment variable "
                         f"{setting.env} instead (for example {setting.env}={text or '...'}).")
    try:
        parsed = setting.parse(text)
    except SettingError as problem:
        raise NotAllowed(f"{problem}.") from None
    unknown = [part for part in parsed if part not in catalogue] if isinstance(parsed, tuple) else []
    if unknown:
        raise NotAllowed(f"{name}: {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not an indicator "
                         "in the catalogue; 'scorecard indicators' lists them.")
    stored = shown(name, parsed)
    store.set_setting_audited(name, stored, by)
    said = f"{name} is now {stored or '(empty)'}."
    if origin(name, store).startswith("environment"):
        said += f" {setting.env} is set in this environment and comes first while it is."
    return said
