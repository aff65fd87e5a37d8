"""A council's localities, from a file the analyst loads: wards, townships, area partnerships.

Two layouts are read, told apart by their header:

- Scorecard's own: `code, name, kind, parent` (`parent_code` too, and a `level` column is
  ignored). `kind` is ward, township, area partnership or locality (or any word the council
  uses); `parent` is the LA (code, old code or name; blank for the home LA) or the code of
  another locality in the file, so wards can sit inside area partnerships.
- ONS's ward to local authority district lookup (`WD23CD, WD23NM, ..., LAD23CD, LAD23NM`, any
  year): the home LA's wards, each a 'ward' whose parent is the LA; other LAs' rows are skipped.

Every problem names the file and its line; a file with any problem gives no localities.
"""

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from loaders.problems import Problem, csv_location
from scorecard.areas import AreaDirectory, normalise

OWN_COLUMNS = ("code", "name", "kind")
KINDS = ("ward", "township", "area partnership", "locality")
_ONS_WARD = re.compile(r"^WD(\d{2})CD$", re.IGNORECASE)
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,39}$")
WHAT_TO_DO = ("Give a CSV with the columns code, name, kind and parent (one locality a line), "
              "or ONS's ward to local authority district lookup (WD23CD, WD23NM, LAD23CD ...)")


@dataclass(frozen=True)
class LocalitiesRead:
    layout: str  # 'scorecard' or 'ons ward lookup'
    rows: list[dict]  # code, name, kind, parent_code, la_code: ready for Store.replace_localities
    problems: list[Problem]


def read_localities(path: Path, la_code: str, areas: AreaDirectory, name: str | None = None) -> LocalitiesRead:
    """The localities of the LA `la_code` in the file, or every problem found in it."""
    name = name or Path(path).name
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return LocalitiesRead("", [], [Problem(name, "", "is not a UTF-8 CSV file", WHAT_TO_DO)])
    except OSError as error:
        return LocalitiesRead("", [], [Problem(name, "", f"cannot be read ({error.strerror})", WHAT_TO_DO)])
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip() for cell in next(reader, [])]
    lines = list(reader)
    ons = _ons_columns(header)
    if ons is not None:
        return _read_ons(name, header, lines, ons, la_code)
    lowered = [cell.lower() for cell in header]
    missing = [column for column in OWN_COLUMNS if column not in lowered]
    if missing:
        return LocalitiesRead("", [], [Problem(name, "line 1", f"has no column {', '.join(missing)} "
                                               "and is not an ONS ward lookup", WHAT_TO_DO)])
    return _read_own(name, lowered, lines, la_code, areas)


def _ons_columns(header: list[str]) -> tuple[int, int, int] | None:
    """Where the ward code, ward name and LA code are in an ONS lookup, or None."""
    upper = [cell.upper() for cell in header]
    for index, cell in enumerate(upper):
        match = _ONS_WARD.match(cell)
        if not match:
            continue
        year = match.group(1)
        ward_name = f"WD{year}NM"
        la = next((i for i, other in enumerate(upper) if re.fullmatch(r"(LAD|LTLA|UTLA)\d{2}CD", other)), None)
        if ward_name in upper and la is not None:
            return index, upper.index(ward_name), la
    return None


def _read_ons(name: str, header: list[str], lines: list[list[str]], columns, la_code: str) -> LocalitiesRead:
    code_at, name_at, la_at = columns
    rows, problems, seen = [], [], {}
    for line_number, cells in enumerate(lines, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) <= max(columns):
            problems.append(Problem(name, f"line {line_number}", "has fewer cells than the header"))
            continue
        if cells[la_at].strip().upper() != la_code:
            continue
        code, ward = cells[code_at].strip().upper(), cells[name_at].strip()
        if not ward:
            problems.append(Problem(name, csv_location(line_number, header[name_at]), "the ward has no name"))
            continue
        if code in seen:  # a lookup repeats a ward split between two parishes or output areas
            continue
        seen[code] = line_number
        rows.append({"code": code, "name": ward, "kind": "ward", "parent_code": la_code, "la_code": la_code})
    if not rows and not problems:
        problems.append(Problem(name, f"column {header[la_at]}", f"no row is for {la_code}, the home LA",
                                "Check the file is the ward lookup for the right year, or the home area"))
    return LocalitiesRead("ons ward lookup", [] if problems else rows, problems)


def _read_own(name: str, header: list[str], lines: list[list[str]], la_code: str,
              areas: AreaDirectory) -> LocalitiesRead:
    at = {column: header.index(column) for column in header}
    parent_at = at.get("parent", at.get("parent_code"))
    problems: list[Problem] = []
    found: list[tuple[int, dict, str]] = []  # line, row, parent as written
    codes: dict[str, int] = {}  # upper-case code -> its line
    spelt: dict[str, str] = {}  # upper-case code -> as written
    names: dict[str, int] = {}
    for line_number, cells in enumerate(lines, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        value = {column: (cells[index].strip() if index < len(cells) else "") for column, index in at.items()}
        code, title, kind = value["code"], value["name"], value["kind"].lower()
        parent = cells[parent_at].strip() if parent_at is not None and parent_at < len(cells) else ""
        place = lambda column: csv_location(line_number, column)  # noqa: E731 - one line's place
        if not _CODE.match(code):
            problems.append(Problem(name, place("code"), f"{code!r} is not a code",
                                    "Give letters, digits, - or _ (up to 40)"))
        elif code.upper() in codes:
            problems.append(Problem(name, place("code"), f"{code} is also on line {codes[code.upper()]}",
                                    "Give each locality its own code"))
        elif areas.get(code) is not None and areas.get(code).level != "local":  # localities are replaced
            problems.append(Problem(name, place("code"), f"{code} is the code of {areas.get(code).name}",
                                    "Give the locality a code of its own"))
        if not title:
            problems.append(Problem(name, place("name"), "the locality has no name"))
        elif (kind, normalise(title)) in names:
            problems.append(Problem(name, place("name"), f"another {kind} on line "
                                    f"{names[(kind, normalise(title))]} is also called {title!r}"))
        if not kind:
            problems.append(Problem(name, place("kind"), "no kind given", f"Give one of: {', '.join(KINDS)}"))
        codes.setdefault(code.upper(), line_number)
        spelt.setdefault(code.upper(), code)
        names.setdefault((kind, normalise(title)), line_number)
        found.append((line_number, {"code": code, "name": title, "kind": kind, "la_code": la_code}, parent))
    rows = []
    for line_number, row, parent in found:
        parent_code = _parent(parent, la_code, spelt, areas)
        if parent_code is None:
            problems.append(Problem(name, csv_location(line_number, "parent"),
                                    f"{parent!r} is neither the home LA nor a locality in this file",
                                    "Give the code of another locality in the file, or leave it blank for the LA"))
            continue
        if parent_code.upper() == row["code"].upper():
            problems.append(Problem(name, csv_location(line_number, "parent"), "a locality cannot be its own parent"))
            continue
        rows.append({**row, "parent_code": parent_code})
    problems += _cycles(name, found, rows)
    if not found and not problems:
        problems.append(Problem(name, "", "has no localities", WHAT_TO_DO))
    return LocalitiesRead("scorecard", [] if problems else rows, problems)


def _parent(text: str, la_code: str, spelt: dict[str, str], areas: AreaDirectory) -> str | None:
    if not text:
        return la_code
    if text.upper() in spelt:
        return spelt[text.upper()]
    area = areas.resolve(text, level="la")
    return la_code if area is not None and area.code == la_code else None


def _cycles(name: str, found, rows: list[dict]) -> list[Problem]:
    """A locality whose parents lead back to itself never reaches the LA."""
    parent_of = {row["code"].upper(): row["parent_code"].upper() for row in rows}
    lines = {row["code"].upper(): line for line, row, _ in found}
    problems = []
    for code in parent_of:
        seen, current = set(), code
        while current in parent_of and current not in seen:
            seen.add(current)
            current = parent_of[current]
        if current in seen and current == code:
            problems.append(Problem(name, csv_location(lines[code], "parent"),
                                    f"{code}'s parents lead back to itself", "Make each chain end at the LA"))
    return problems
