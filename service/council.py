"""The council Scorecard is set up for: its home area and the framework it groups by first,
both settings kept in the database (scorecard/settings.py), and its own data files beside the
database: baskets of indicators and its own indicators. Read here once for everyone."""

import json
from pathlib import Path

from scorecard import settings
from scorecard.areas import ENGLAND, AreaDirectory
from scorecard.baskets import Basket, BasketError, load_baskets
from scorecard.catalogue import Catalogue, Indicator
from scorecard.local_indicators import LocalIndicatorsError, parse_local, with_local
from scorecard.store import Store, duckdb_path
from service.errors import NotAllowed


def home_area(store: Store, areas: AreaDirectory) -> str:
    """The home LA's code; England while no council is set up (or the one set up is unknown)."""
    given = settings.value("home_area", store)
    found = areas.resolve(given, level="la") if given else None
    return found.code if found is not None else ENGLAND


def is_set_up(store: Store) -> bool:
    return bool(settings.value("home_area", store))


def default_framework(store: Store, catalogue: Catalogue) -> str:
    """The framework a scorecard is grouped by when none is chosen (the setting `framework`);
    the catalogue's first if the setting names none it has."""
    chosen = settings.value("framework", store)
    return chosen if chosen in catalogue.frameworks else next(iter(catalogue.frameworks))


def data_file(setting: str, file_name: str, store: Store) -> Path:
    """A council's own data file: the setting if given, else beside the DuckDB database (in
    data/ of the working folder for PostgreSQL)."""
    given = settings.value(setting)
    if given:
        return Path(given).expanduser()
    database = duckdb_path(store.url)
    return (database.parent if database is not None else Path("data")) / file_name


def baskets_file(store: Store) -> Path:
    return data_file("baskets_file", "baskets.yaml", store)


def local_indicators_file(store: Store) -> Path:
    return data_file("local_indicators_file", "local-indicators.yaml", store)


def baskets(store: Store, catalogue: Catalogue) -> dict[str, Basket]:
    """The baskets declared for the council; every problem in the file, located, if any."""
    try:
        return load_baskets(baskets_file(store), catalogue)
    except BasketError as problem:
        raise NotAllowed(str(problem)) from problem


def catalogue_with_local(store: Store, catalogue: Catalogue) -> Catalogue:
    """The packaged catalogue and the council's own indicators; each addition, change or
    removal since the last look is written to the audit log."""
    path = local_indicators_file(store)
    try:
        combined = with_local(catalogue, path)
    except LocalIndicatorsError as problem:
        raise NotAllowed(str(problem)) from problem
    _audit_local(store, combined, path, f"file {path.name}")
    return combined


def check_local_indicators(store: Store, packaged: Catalogue, path: Path | None = None) -> tuple[Path, list[Indicator]]:
    """The council's indicators in `path` (default: its overlay file), checked against the
    packaged catalogue; every problem, located, if any."""
    path = Path(path) if path else local_indicators_file(store)
    if not path.is_file():
        raise NotAllowed(f"{path}: no such file. The council's own indicators go in {local_indicators_file(store)} "
                         "(or the file the setting local_indicators_file names).")
    try:
        return path, parse_local(path.read_text(encoding="utf-8"), packaged, name=path.name, path=path)
    except LocalIndicatorsError as problem:
        raise NotAllowed(str(problem)) from problem


def add_local_indicators(store: Store, packaged: Catalogue, new_file: Path, by: str) -> tuple[Path, list[str]]:
    """The indicators in `new_file` appended to the council's overlay file (made if missing),
    each checked first against the catalogue and those already there; audited. Nothing is
    written when there is any problem."""
    overlay = local_indicators_file(store)
    try:
        current = with_local(packaged, overlay)
        text = Path(new_file).read_text(encoding="utf-8")
        added = parse_local(text, current, name=Path(new_file).name, path=Path(new_file))
        if not added:
            raise NotAllowed(f"{new_file}: has no indicators to add.")
        before = overlay.read_text(encoding="utf-8").rstrip("\n") + "\n" if overlay.is_file() else "indicators:\n"
        combined = before + _items_of(text)
        parse_local(combined, packaged, name=overlay.name, path=overlay)  # the file as it will be
    except LocalIndicatorsError as problem:
        raise NotAllowed(str(problem)) from problem
    overlay.parent.mkdir(parents=True, exist_ok=True)
    overlay.write_text(combined, encoding="utf-8")
    _audit_local(store, with_local(packaged, overlay), overlay, by)
    return overlay, [indicator.id for indicator in added]


def _items_of(text: str) -> str:
    """The list under a file's `indicators:` line, to append to another such list."""
    lines = text.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("indicators:"))
    return "\n".join(lines[start + 1:]).rstrip("\n") + "\n"


def _audit_local(store: Store, combined: Catalogue, path: Path, who: str) -> None:
    now = {indicator.id: _described(indicator) for indicator in combined if indicator.is_local}
    before = store.local_indicators_audited()
    if now == before:
        return
    for indicator_id in sorted(set(now) | set(before)):
        old, new = before.get(indicator_id), now.get(indicator_id)
        if old != new:
            action = "local indicator " + ("add" if old is None else "remove" if new is None else "change")
            store.add_audit_entry(who, action, indicator_id, old, new)
    store.set_local_indicators_audited(now)


def _described(indicator: Indicator) -> str:
    """The indicator's definition as the audit log keeps it: every field, in one line of JSON."""
    fields = {name: getattr(indicator, name) for name in ("title", "short_title", "polarity", "unit", "multiplier",
                                                          "period_type", "measure_type", "decimals", "definition",
                                                          "source", "has_localities")}
    fields["outcomes"] = dict(indicator.outcomes)
    return json.dumps({k: getattr(v, "value", v) for k, v in fields.items()}, sort_keys=True)
