"""Reading a file's sheets into tables of text, keeping where each value came from."""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from loaders.problems import csv_location


@dataclass
class RawTable:
    """One sheet (or a CSV) as text, with the header row already applied."""

    path: Path
    sheet: str | None  # None for CSV
    frame: pd.DataFrame  # every cell as str; '' for empty
    header_row: int = 1  # 1-based row number of the header in the sheet
    name: str | None = None  # the name people know the file by, when stored under another

    @property
    def file_name(self) -> str:
        return self.name or self.path.name

    def header_location(self) -> str:
        """Where the header row is: its line in a CSV, its cells in a sheet."""
        if self.sheet is None:
            return f"line {self.header_row}"
        last = column_letter(max(len(self.frame.columns), 1))
        return f"{self.sheet}!A{self.header_row}:{last}{self.header_row}"

    def location(self, row_index: int, column: str) -> str:
        """Sheet!Cell for a workbook, line and column for a CSV."""
        row_number = self.header_row + 1 + row_index
        if self.sheet is None:
            return csv_location(row_number, column)
        position = list(self.frame.columns).index(column)
        return f"{self.sheet}!{column_letter(position + 1)}{row_number}"


def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# Workbooks python-calamine reads: OpenDocument spreadsheets (.ods) read like .xlsx.
WORKBOOK_SUFFIXES = (".xlsx", ".ods")
HEAD_ROWS = 20  # a header is looked for this far down (titles and column numbers sit above it)


def read_csv(path: Path, header_row: int = 1) -> RawTable:
    """A CSV whose header is on line `header_row` (1-based); lines above it are titles."""
    frame = pd.read_csv(
        path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=False,
        skiprows=header_row - 1,
    )
    frame.columns = [str(column).strip().lstrip("\ufeff") for column in frame.columns]
    return RawTable(path, None, frame, header_row=header_row)


def sheet_rows(path: Path, sheet: str, nrows: int | None = None) -> list[list]:
    """A sheet's cells from A1 (so positions are the sheet's own rows and columns), as
    python-calamine gives them; .xlsx and .ods alike."""
    from python_calamine import CalamineWorkbook

    found = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet)
    return found.to_python(skip_empty_area=False, nrows=nrows) if nrows else found.to_python(skip_empty_area=False)


def sheet_names(path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    return list(CalamineWorkbook.from_path(str(path)).sheet_names)


def table_from_rows(path: Path, sheet: str, rows: list[list], header_index: int) -> RawTable:
    """The rows below rows[header_index] as text, headed by that row."""
    header = [cell_text(value).strip() for value in rows[header_index]]
    body = [[cell_text(value) for value in row] for row in rows[header_index + 1 :]]
    return RawTable(path, sheet, pd.DataFrame(body, columns=header), header_row=header_index + 1)


def read_table(path: Path, sheet: str | None, header_row: int) -> RawTable:
    """A CSV (sheet None) or a workbook sheet whose header is on row `header_row` (1-based)."""
    if sheet is None:
        return read_csv(path, header_row)
    return table_from_rows(path, sheet, sheet_rows(path, sheet), header_row - 1)


def head_rows(path: Path, sheet: str | None = None, count: int = HEAD_ROWS) -> list[list[str]]:
    """The first `count` rows of a CSV or of a workbook sheet (the first when `sheet` is
    None) as text, blank rows kept in place, so a header can be found by its content. An
    .xlsx sheet is streamed: detection must not parse a 641,070-row sheet to see its top."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in WORKBOOK_SUFFIXES:
        import csv
        from itertools import islice

        with path.open(encoding="utf-8-sig", newline="", errors="replace") as handle:
            return [[cell.strip() for cell in row] for row in islice(csv.reader(handle), count)]
    if suffix == ".xlsx":
        try:
            return _streamed_rows(path, sheet, count)
        except Exception:  # an unusual package layout: let python-calamine read it
            pass
    names = sheet_names(path)
    if not names:
        return []
    return [[cell_text(value).strip() for value in row] for row in sheet_rows(path, sheet or names[0], count)]


def read_sheet_with_header(path: Path, sheet: str) -> RawTable:
    """A workbook sheet (.xlsx or .ods) whose first row is the header (a tidy layout saved
    as a workbook); blank rows above the header are skipped."""
    rows = sheet_rows(path, sheet)
    first = next((index for index, row in enumerate(rows) if any(value not in ("", None) for value in row)), None)
    if first is None:
        return RawTable(path, sheet, pd.DataFrame())
    return table_from_rows(path, sheet, rows, first)


def cell_text(value: object) -> str:
    """A cell as the text a person would read; whole floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def first_row(path: Path, search_rows: int = 20) -> list[str]:
    """The first non-empty row of a workbook's first sheet, streamed from the file: layout
    detection must not parse a 641,070-row sheet (or a 2 MB workbook's styles) to see a header."""
    rows = _streamed_rows(path, None, search_rows, first_only=True)
    return next((row for row in rows if any(row)), [])


def _streamed_rows(path: Path, sheet: str | None, count: int, first_only: bool = False) -> list[list[str]]:
    """Rows 1 to `count` of an .xlsx sheet (the first sheet when `sheet` is None) as text,
    streamed; with `first_only`, stop at the first row holding anything."""
    heads = streamed_heads(path, count, sheet, first_only, every_sheet=False)
    return next(iter(heads.values()), [])


def streamed_heads(path: Path, count: int, sheet: str | None = None, first_only: bool = False,
                   every_sheet: bool = True) -> dict[str, list[list[str]]]:
    """Rows 1 to `count` of each .xlsx sheet (or only `sheet`, or only the first) as text,
    streamed, with one pass over the shared strings: python-calamine parses a whole sheet
    (most of a second for 300,000 rows) to show its top. Blank rows keep their place."""
    import re
    import zipfile
    from xml.etree.ElementTree import iterparse

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    relationship = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        with archive.open("xl/workbook.xml") as stream:
            sheets = [(el.get("name"), el.get(relationship))
                      for _, el in iterparse(stream) if el.tag == f"{main}sheet"]
        sheets = [pair for pair in sheets if sheet is None or pair[0] == sheet][: None if every_sheet else 1]
        with archive.open("xl/_rels/workbook.xml.rels") as stream:
            targets = {el.get("Id"): el.get("Target") for _, el in iterparse(stream) if el.get("Id")}
        cells: dict[str, dict[tuple[int, int], tuple[str, str]]] = {}  # sheet -> (row, column) -> (type, text)
        for name, relation in sheets:
            target = targets[relation]
            found = cells[name] = {}
            with archive.open(target.lstrip("/") if target.startswith("/") else f"xl/{target}") as stream:
                row_number = 0
                for _, element in iterparse(stream):
                    if element.tag != f"{main}row":
                        continue
                    row_number = int(element.get("r") or row_number + 1)
                    if row_number > count:
                        break
                    any_text = False
                    for position, cell in enumerate(element.iter(f"{main}c"), start=1):
                        letters = re.match(r"[A-Z]+", cell.get("r", "")) if cell.get("r") else None
                        column = _column_number(letters.group()) if letters else position
                        kind = cell.get("t") or ""
                        text = ("".join(t.text or "" for t in cell.iter(f"{main}t")) if kind == "inlineStr"
                                else cell.findtext(f"{main}v") or "")
                        if text.strip():
                            found[(row_number, column)] = (kind, text)
                            any_text = True
                    element.clear()
                    if any_text and first_only:
                        break
        wanted = {int(text) for found in cells.values() for kind, text in found.values() if kind == "s"}
        shared: dict[int, str] = {}
        if wanted and "xl/sharedStrings.xml" in names:
            with archive.open("xl/sharedStrings.xml") as stream:
                index = 0
                for _, element in iterparse(stream):
                    if element.tag == f"{main}si":
                        if index in wanted:
                            shared[index] = "".join(t.text or "" for t in element.iter(f"{main}t"))
                        index += 1
                        element.clear()
                        if index > max(wanted):
                            break
    heads = {}
    for name, found in cells.items():
        rows = [[""] * max((column for _, column in found), default=0)
                for _ in range(max((row for row, _ in found), default=0))]
        for (row, column), (kind, text) in found.items():
            rows[row - 1][column - 1] = (shared.get(int(text), "") if kind == "s" else _number_text(kind, text)).strip()
        heads[name] = rows
    return heads


def _number_text(kind: str, text: str) -> str:
    """A numeric cell as calamine would show it: '301.0' and '301' are both '301'."""
    if kind not in ("", "n"):
        return text
    try:
        return cell_text(float(text))
    except ValueError:
        return text


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number
