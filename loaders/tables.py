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

    @property
    def file_name(self) -> str:
        return self.path.name

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


def read_csv(path: Path) -> RawTable:
    frame = pd.read_csv(
        path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=False
    )
    frame.columns = [str(column).strip() for column in frame.columns]
    return RawTable(path, None, frame)


def read_sheet_with_header(path: Path, sheet: str) -> RawTable:
    """A workbook sheet whose first row is the header (a tidy layout saved as XLSX)."""
    from python_calamine import CalamineWorkbook

    # From A1, so positions are the sheet's own rows and columns; blank rows above the header are skipped.
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    first = next((index for index, row in enumerate(rows) if any(value not in ("", None) for value in row)), None)
    if first is None:
        return RawTable(path, sheet, pd.DataFrame())
    header = [str(value).strip() for value in rows[first]]
    body = [[cell_text(value) for value in row] for row in rows[first + 1 :]]
    return RawTable(path, sheet, pd.DataFrame(body, columns=header), header_row=first + 1)


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
    import re
    import zipfile
    from xml.etree.ElementTree import iterparse

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    relationship = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        with archive.open("xl/workbook.xml") as stream:
            first_id = next(el.get(relationship) for _, el in iterparse(stream) if el.tag == f"{main}sheet")
        with archive.open("xl/_rels/workbook.xml.rels") as stream:
            target = next(el.get("Target") for _, el in iterparse(stream) if el.get("Id") == first_id)
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        cells: dict[int, tuple[str, str]] = {}  # column -> (type, text)
        with archive.open(part) as stream:
            for _, element in iterparse(stream):
                if element.tag != f"{main}row":
                    continue
                for cell in element.iter(f"{main}c"):
                    letters = re.match(r"[A-Z]+", cell.get("r", "")) if cell.get("r") else None
                    column = _column_number(letters.group()) if letters else len(cells) + 1
                    text = "".join(t.text or "" for t in cell.iter(f"{main}t")) if cell.get("t") == "inlineStr" else (
                        (cell.findtext(f"{main}v") or ""))
                    if text.strip():
                        cells[column] = (cell.get("t") or "", text)
                search_rows -= 1
                if cells or search_rows <= 0:
                    break
        wanted = {int(text) for kind, text in cells.values() if kind == "s"}
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
    if not cells:
        return []
    row = [""] * max(cells)
    for column, (kind, text) in cells.items():
        row[column - 1] = shared.get(int(text), "") if kind == "s" else text
    return row


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number
