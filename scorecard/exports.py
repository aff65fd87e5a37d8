"""Downloads that cannot carry formulas: a cell a spreadsheet would run as a formula
(starting with = + - @, a tab or a carriage return) is written with a leading apostrophe,
as OWASP advises. Numbers stay numbers, so a negative figure is still -3, not text."""

import csv
import io
import numbers
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if value is None or isinstance(value, (bool, numbers.Number)):
        return value
    text = str(value)
    return "'" + text if text.startswith(RISKY_STARTS) else text


def safe_rows(rows: Iterable[Sequence]) -> list[list]:
    return [[safe_cell(value) for value in row] for row in rows]


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(safe_rows([header, *rows]))
    return out.getvalue()


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence], sheet: str = "Scorecard") -> bytes:
    book = Workbook()
    worksheet = book.active
    worksheet.title = sheet
    for row in safe_rows([header, *rows]):
        worksheet.append(row)
    for cells in worksheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never let openpyxl read a string as a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
