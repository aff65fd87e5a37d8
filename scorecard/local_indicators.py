"""The council's own indicators: an overlay on the packaged catalogue, in the data folder.

An indicator no publisher provides ("Children's Area Partnership referrals") is declared in
local-indicators.yaml beside the database, never by editing the packaged data/indicators.yaml
(an upgrade would undo that). It takes the same fields as the catalogue's indicators and the
catalogue's frameworks, so it has an outcome area in each framework it sits in (an 'ecm' one
at least, and an 'oba' question: how_much, how_well or better_off):

    indicators:
      - id: cap_referrals
        title: Referrals to Children's Area Partnerships
        ...

Every problem is reported at once with its line; an id or a name the packaged catalogue
already uses is refused, so a workbook's row can never match two indicators.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from scorecard.catalogue import Catalogue, CatalogueError, _Checker, _normalise, read_yaml


class LocalIndicatorsError(CatalogueError):
    """The overlay file has problems; `problems` lists every one, each with its line."""


def with_local(base: Catalogue, path: Path) -> Catalogue:
    """The packaged catalogue followed by the council's indicators (none without the file)."""
    path = Path(path)
    if not path.is_file():
        return base
    stat = path.stat()
    return _load_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size, base)


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, _mtime_ns: int, _size: int, base: Catalogue) -> Catalogue:
    file = Path(path)
    local = parse_local(file.read_text(encoding="utf-8"), base, name=file.name, path=file)
    return Catalogue(base.frameworks, [*base, *local], base.path) if local else base


def parse_local(text: str, base: Catalogue, name: str = "local-indicators.yaml", path: Path | None = None):
    """The overlay's indicators, marked local; LocalIndicatorsError with every problem."""
    document = read_yaml(text, name, path, LocalIndicatorsError)
    if document is None:
        return []
    checker = _Checker(name)
    if not isinstance(document, dict) or set(document) != {"indicators"}:
        checker.add(getattr(document, "line", 1), "the file must be a mapping with one key, 'indicators', listing "
                    "the council's own indicators (the frameworks are the packaged catalogue's)")
        raise LocalIndicatorsError(checker.problems, path)
    indicators = checker.indicators(document["indicators"], document.line_of("indicators"), base.frameworks)
    items = document["indicators"] if isinstance(document["indicators"], list) else []
    lines = {item.get("id"): item for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)}
    packaged_names = {key: indicator.id for indicator in base for key in indicator.match_keys()}
    for indicator in indicators:
        item = lines[indicator.id]
        if indicator.id in base.indicators:
            checker.add(item.line_of("id"), f"indicator {indicator.id!r}: the catalogue has this id already; "
                        "give the council's indicator an id of its own")
            continue
        for written in dict.fromkeys([indicator.title, indicator.short_title, *indicator.aliases]):
            key = _normalise(written)
            if key in packaged_names:
                checker.add(item.line, f"indicator {indicator.id!r}: the name {written!r} is also the "
                            f"indicator {packaged_names[key]!r}'s, so matching would be ambiguous")
    if checker.problems:
        raise LocalIndicatorsError(checker.problems, path)
    return [dataclasses.replace(indicator, is_local=True) for indicator in indicators]
