"""Baskets: named sets of indicators a council reports on, declared as data (baskets.yaml).

A basket is what a board or a clinic looks at: Walsall's priority improvement targets,
Stockton's corporate basket, the safeguarding board's set. Each has an owner, and an
indicator can be in several. The file is edited by hand, so every problem is reported at
once with its line, as the catalogue's are:

    baskets:
      - id: priority_targets
        title: Priority improvement targets
        owner: Children and Young People's Partnership Board
        description: The targets the improvement plan manages   # optional
        indicators: [cla_rate, cpp_second_or_subsequent, re_referrals_12_months]
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from scorecard.catalogue import Catalogue, CatalogueError, read_yaml

_ID = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_REQUIRED = ("id", "title", "owner", "indicators")
_FIELDS = (*_REQUIRED, "description")


class BasketError(CatalogueError):
    """The baskets file has problems; `problems` lists every one, each with its line."""


@dataclass(frozen=True)
class Basket:
    id: str
    title: str
    owner: str
    indicators: tuple[str, ...]  # catalogue ids, in the file's order
    description: str = ""

    def __contains__(self, indicator_id: object) -> bool:
        return indicator_id in self.indicators


def load_baskets(path: Path, catalogue: Catalogue) -> dict[str, Basket]:
    """The baskets in the file by id, in file order; none when there is no file."""
    path = Path(path)
    if not path.is_file():
        return {}
    stat = path.stat()
    # Keyed on the modification time, so an edit is seen without a restart.
    return _load_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size, catalogue)


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, _mtime_ns: int, _size: int, catalogue: Catalogue) -> dict[str, Basket]:
    file = Path(path)
    return parse_baskets(file.read_text(encoding="utf-8"), catalogue, name=file.name, path=file)


def parse_baskets(text: str, catalogue: Catalogue, name: str = "baskets.yaml", path: Path | None = None) -> dict[str, Basket]:
    document = read_yaml(text, name, path, BasketError)
    problems: list[str] = []

    def add(line: int, message: str) -> None:
        problems.append(f"{name}:{line}: {message}")

    if document is None:
        return {}
    if not isinstance(document, dict) or set(document) != {"baskets"}:
        add(getattr(document, "line", 1), "the file must be a mapping with one key, 'baskets', listing the baskets")
        raise BasketError(problems, path)
    items = document["baskets"]
    if not isinstance(items, list):
        add(document.line_of("baskets"), "'baskets' must be a list of baskets, each with id, title, owner and indicators")
        raise BasketError(problems, path)
    baskets: dict[str, Basket] = {}
    first_line: dict[str, int] = {}
    for position, (item, line) in enumerate(zip(items, items.item_lines), start=1):
        if not isinstance(item, dict):
            add(line, f"basket #{position}: must be a mapping with id, title, owner and indicators")
            continue
        basket_id = item.get("id")
        label = f"basket {basket_id!r}: " if isinstance(basket_id, str) and basket_id else f"basket #{position}: "
        ok = True
        for key, key_line, what in item.repeats:
            add(key_line, f"{label}field {key!r} {what}")
            ok = False
        for key in item:
            if key not in _FIELDS:
                close = difflib.get_close_matches(str(key), _FIELDS, n=1)
                add(item.line_of(key), f"{label}unknown field {key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
                ok = False
        for key in _REQUIRED:
            if key not in item:
                add(item.line, f"{label}missing required field {key!r}")
                ok = False
        if "id" in item and (not isinstance(basket_id, str) or not _ID.match(basket_id)):
            add(item.line_of("id"), f"{label}id must be snake_case (lower case letters, digits, _)")
            ok = False
        elif isinstance(basket_id, str) and basket_id in first_line:
            add(item.line_of("id"), f"{label}the id is used already (line {first_line[basket_id]})")
            ok = False
        elif isinstance(basket_id, str):
            first_line[basket_id] = item.line_of("id")
        for key in ("title", "owner", "description"):
            if key in item and not (isinstance(item[key], str) and item[key].strip()):
                add(item.line_of(key), f"{label}{key} must be text")
                ok = False
        indicators = _indicators(item, label, catalogue, add) if "indicators" in item else None
        if not ok or indicators is None:
            continue
        baskets[basket_id] = Basket(basket_id, item["title"].strip(), item["owner"].strip(), indicators,
                                    (item.get("description") or "").strip())
    if problems:
        raise BasketError(problems, path)
    return baskets


def _indicators(item, label: str, catalogue: Catalogue, add) -> tuple[str, ...] | None:
    value, line = item["indicators"], item.line_of("indicators")
    if not isinstance(value, list) or not value:
        add(line, f"{label}indicators must be a list of one or more indicator ids")
        return None
    lines = getattr(value, "item_lines", [line] * len(value))
    found, seen, ok = [], {}, True
    for indicator_id, item_line in zip(value, lines):
        if not isinstance(indicator_id, str) or indicator_id not in catalogue.indicators:
            close = difflib.get_close_matches(str(indicator_id), list(catalogue.indicators), n=1)
            add(item_line, f"{label}{indicator_id!r} is not an indicator in the catalogue"
                + (f" (did you mean {close[0]!r}?)" if close else ""))
            ok = False
        elif indicator_id in seen:
            add(item_line, f"{label}{indicator_id!r} is listed twice (first on line {seen[indicator_id]})")
            ok = False
        else:
            seen[indicator_id] = item_line
            found.append(indicator_id)
    return tuple(found) if ok else None
