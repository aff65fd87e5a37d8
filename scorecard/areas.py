"""English areas: England, the nine regions, every LA (current and former) and local areas.

The reference data is Scorecard's own (data/areas.csv, built by tools/build_areas.py from the
DfE and LAIT files); a council's localities come from a file its analyst loads
(loaders/localities.py) and are added with `AreaDirectory.with_localities`. `AreaDirectory.resolve` turns whatever a source
file or a user uses for an area into one `Area`: the GSS code (E08000027), a former GSS code
(E10000023 for North Yorkshire), the DfE 3-digit code (332, "332", "332.0"), or a name or
alias, ignoring case, spacing and punctuation ("Bristol, City of" == "bristol city of").

Levels: 'england', 'region' (the nine E12 regions), 'subregion' (Inner and Outer London, which
DfE files use as region codes and LAIT as 987/988), 'la' and 'local' (an LA's own areas: wards,
townships, area partnerships).
"""

from __future__ import annotations

import csv
import difflib
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from scorecard import reference_files

DATA_DIR = reference_files.FOLDER
AREAS_CSV = DATA_DIR / "areas.csv"

ENGLAND = "E92000001"

LEVELS = ("england", "region", "subregion", "la", "local")
AREA_COLUMNS = ("code", "old_code", "name", "level", "region_code", "la_type", "successor_codes",
                "former_codes", "aliases", "notes")
LOCALITY_COLUMNS = ("code", "name", "level", "parent_code", "kind")

_GSS = re.compile(r"[A-Z]\d{8}")
_NUMBER = re.compile(r"\d+(\.0*)?")


class UnknownAreaError(ValueError):
    """No area has this code or name."""


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    level: str  # 'england' | 'region' | 'subregion' | 'la' | 'local'
    old_code: str | None = None  # DfE/LAIT 3-digit number (970 England, 980-990 regions)
    region_code: str | None = None
    parent_code: str | None = None
    la_type: str | None = None  # UA, MD, SC, OLB, ILB (as LAIT types them)
    successor_codes: tuple[str, ...] = ()
    former_codes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    notes: str = field(default="", compare=False)
    kind: str | None = None  # for local areas: 'township' ...
    la_code: str | None = None  # for local areas: the LA they are in (parent_code may be another locality)

    @property
    def current(self) -> bool:
        """False for an area abolished in a reorganisation (it has successors)."""
        return not self.successor_codes

    @property
    def is_la(self) -> bool:
        return self.level == "la"


def normalise(text: object) -> str:
    """The form names are compared in: case, accents, '&', punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"['\u2019\u2018`]", "", text).replace("&", " and ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(";") if part.strip())


def _read(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


def read_areas(areas_csv: Path = AREAS_CSV, localities_csv: Path | None = None):
    """The areas in the two CSVs, in file order."""
    areas: list[Area] = []
    for row in _read(areas_csv, AREA_COLUMNS):
        level = row["level"]
        region = row["region_code"] or None
        if level == "england":
            parent = None
        elif level in ("region", "subregion"):
            parent = ENGLAND if level == "region" else region
        else:
            parent = region
        areas.append(
            Area(
                code=row["code"],
                name=row["name"],
                level=level,
                old_code=row["old_code"] or None,
                region_code=region,
                parent_code=parent,
                la_type=row["la_type"] or None,
                successor_codes=_split(row["successor_codes"]),
                former_codes=_split(row["former_codes"]),
                aliases=_split(row["aliases"]),
                notes=row["notes"],
            )
        )
    if localities_csv is not None and Path(localities_csv).exists():
        by_code = {a.code: a for a in areas}
        for row in _read(localities_csv, LOCALITY_COLUMNS):
            parent = by_code.get(row["parent_code"])
            if parent is None:
                raise ValueError(
                    f"{localities_csv}: {row['code']} has unknown parent_code "
                    f"{row['parent_code']!r}"
                )
            areas.append(
                Area(
                    code=row["code"],
                    name=row["name"],
                    level=row["level"] or "local",
                    region_code=parent.region_code,
                    parent_code=parent.code,
                    kind=row["kind"] or None,
                    la_code=parent.code,
                )
            )
    return areas


class AreaDirectory:
    """Look-ups over a fixed set of areas."""

    def __init__(self, areas: Iterable[Area]):
        self._areas: tuple[Area, ...] = tuple(areas)
        self._by_code: dict[str, Area] = {}
        self._by_former: dict[str, Area] = {}
        self._by_old: dict[str, Area] = {}
        # normalised name -> [(rank, area)]; lower rank wins
        self._by_name: dict[str, list[tuple[tuple, Area]]] = {}
        for area in self._areas:
            if area.level not in LEVELS:
                raise ValueError(f"{area.code}: unknown level {area.level!r}")
            if area.code.upper() in self._by_code:
                raise ValueError(f"duplicate area code {area.code}")
            self._by_code[area.code.upper()] = area
            if area.old_code:
                if area.old_code in self._by_old:
                    raise ValueError(f"duplicate old code {area.old_code}")
                self._by_old[area.old_code] = area
        for area in self._areas:
            for former in area.former_codes:
                if former.upper() in self._by_code:
                    raise ValueError(f"{area.code}: former code {former} is another area's code")
                self._by_former[former.upper()] = area
            for is_alias, name in [(False, area.name)] + [(True, a) for a in area.aliases]:
                rank = (is_alias, not area.current, LEVELS.index(area.level), area.code)
                self._by_name.setdefault(normalise(name), []).append((rank, area))
        for entries in self._by_name.values():
            entries.sort(key=lambda entry: entry[0])
        for area in self._areas:
            for code in area.successor_codes:
                if code.upper() not in self._by_code:
                    raise ValueError(f"{area.code}: unknown successor {code}")

    # -- the whole set ------------------------------------------------------------------
    def __iter__(self) -> Iterator[Area]:
        return iter(self._areas)

    def __len__(self) -> int:
        return len(self._areas)

    def __contains__(self, text: object) -> bool:
        return self.resolve(text) is not None

    def all(self) -> tuple[Area, ...]:
        return self._areas

    def with_localities(self, rows: Iterable[dict]) -> "AreaDirectory":
        """A new directory with a council's localities (Store.localities rows: code, name,
        kind, parent_code, la_code) in place of any it had."""
        rows = list(rows)
        if not rows:
            return self
        kept = [area for area in self._areas if area.level != "local"]
        added = []
        for row in rows:
            la = self.get(row["la_code"])
            if la is None:  # an LA Scorecard no longer lists: its localities cannot be placed
                continue
            added.append(Area(code=row["code"], name=row["name"], level="local", region_code=la.region_code,
                              parent_code=row["parent_code"], kind=row["kind"] or None, la_code=la.code))
        return AreaDirectory([*kept, *added])

    # -- look-ups -----------------------------------------------------------------------
    def get(self, code: str) -> Area | None:
        """The area with this (current) code; None if there is none."""
        return self._by_code.get(str(code).strip().upper())

    def resolve(self, text: object, level: str | None = None) -> Area | None:
        """The area `text` names or codes, or None. `level` restricts the answer to one level.

        A name two areas share goes to the one whose own name it is (not an alias), then the
        current one, then the higher level: 'Dorset' is the unitary (838), not the former county
        (835); a township named like its borough is found as the LA (ask with level='local'
        for the township).
        """
        if text is None or isinstance(text, bool):
            return None
        if isinstance(text, (int, float)):
            if isinstance(text, float) and (math.isnan(text) or not text.is_integer()):
                return None
            text = str(int(text))
        raw = str(text).strip()
        if not raw:
            return None

        def fits(area: Area | None) -> Area | None:
            return area if area is not None and (level is None or area.level == level) else None

        upper = raw.upper()
        if found := self._by_code.get(upper) or self._by_former.get(upper):
            return fits(found)
        if _NUMBER.fullmatch(raw):
            return fits(self._by_old.get(str(int(float(raw)))))
        if _GSS.fullmatch(upper):
            return None
        for _, area in self._by_name.get(normalise(raw), ()):
            if level is None or area.level == level:
                return area
        return None

    def resolve_or_raise(self, text: object, level: str | None = None) -> Area:
        area = self.resolve(text, level)
        if area is not None:
            return area
        where = f" at level '{level}'" if level else ""
        message = f"Unknown area {str(text)!r}{where}: no English area has this code or name."
        suggestions = self.suggest(text, level)
        if suggestions:
            message += " Did you mean: " + ", ".join(suggestions) + "?"
        raise UnknownAreaError(message)

    def suggest(self, text: object, level: str | None = None, n: int = 3) -> list[str]:
        """Names close to `text` ('Dudly' -> ['Dudley'])."""
        key = normalise(text)
        if not key:
            return []
        candidates = {
            name: entries[0][1]
            for name, entries in self._by_name.items()
            if level is None or any(a.level == level for _, a in entries)
        }
        close = difflib.get_close_matches(key, list(candidates), n=n * 2, cutoff=0.6)
        names: list[str] = []
        for match in close:
            area = candidates[match]
            label = f"{area.name} ({area.code})"
            if label not in names:
                names.append(label)
        return names[:n]

    # -- lists --------------------------------------------------------------------------
    def england(self) -> Area:
        return self._by_code[ENGLAND]

    def regions(self) -> list[Area]:
        """The nine regions, by code."""
        return sorted((a for a in self._areas if a.level == "region"), key=lambda a: a.code)

    def subregions(self) -> list[Area]:
        return sorted((a for a in self._areas if a.level == "subregion"), key=lambda a: a.code)

    def las(self, current: bool | None = None, region: object = None) -> list[Area]:
        """LAs by name: all of them, or only current (current=True) or former (False) ones."""
        region_code = self.resolve_or_raise(region).code if region is not None else None
        return sorted(
            (
                a
                for a in self._areas
                if a.level == "la"
                and (current is None or a.current == current)
                and (region_code is None or a.region_code == region_code)
            ),
            key=lambda a: (normalise(a.name), a.code),
        )

    def localities(self, parent_code: object = None) -> list[Area]:
        """Local areas, of one LA (any form resolve accepts) or of all."""
        parent = self.resolve_or_raise(parent_code).code if parent_code is not None else None
        return sorted(
            (a for a in self._areas if a.level == "local" and parent in (None, a.la_code)),
            key=lambda a: a.code,
        )

    def region_of(self, code: object) -> Area | None:
        """The region an area is in (itself for a region; London for Inner/Outer London)."""
        area = self.resolve_or_raise(code)
        return self._by_code.get(area.region_code) if area.region_code else None

    def successors(self, code: object) -> tuple[Area, ...]:
        """The areas that replaced an abolished one (empty for a current area)."""
        area = self.resolve_or_raise(code)
        return tuple(self._by_code[c.upper()] for c in area.successor_codes)

    def predecessors(self, code: object) -> tuple[Area, ...]:
        """The abolished areas this one (partly) replaced."""
        area = self.resolve_or_raise(code)
        return tuple(a for a in self._areas if area.code in a.successor_codes)


@lru_cache(maxsize=8)
def _load(areas_csv: Path, localities_csv: Path | None) -> AreaDirectory:
    return AreaDirectory(read_areas(areas_csv, localities_csv))


def load_areas(
    areas_csv: Path | str = AREAS_CSV, localities_csv: Path | str | None = None
) -> AreaDirectory:
    """The directory built from the two CSVs (cached per pair of paths)."""
    return _load(
        Path(areas_csv).resolve(),
        Path(localities_csv).resolve() if localities_csv is not None else None,
    )
