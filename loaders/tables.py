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
