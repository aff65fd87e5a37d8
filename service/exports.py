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


SCORECARD_HEADER = [
    "Area", "Quarter", "Outcome area", "Indicator", "Latest", "Latest period", "Previous", "Previous period",
    "Same time last year", "Target", "RAG", "Direction of travel", "England", "Region",
    "Statistical neighbours (mean)", "Rank among LAs", "Quartile (A best)", "Commentary",
]


def scorecard_rows(card) -> tuple[list[str], list[list]]:
    """The outcome scorecard as the page shows it: a figure is a number, a suppressed or
    missing one its symbol ([c], [x]), never a zero. A demonstration scorecard says so."""
    header = list(SCORECARD_HEADER) + (["Demonstration data"] if card.is_demo else [])
    rows = []
    for row in card.rows:
        line = [
            card.area.name, card.quarter.label, row.outcome_area_title, row.title,
            row.value if row.value is not None else row.shown, row.period_label,
            row.previous_value if row.previous_value is not None else row.previous_shown, row.previous_period,
            row.year_ago_value if row.year_ago_value is not None else row.year_ago_shown,
            row.target, row.rag.capitalize(), row.direction.capitalize(), row.england, row.region, row.sn_mean,
            f"{row.rank} of {row.rank_of}" if row.rank else None, row.quartile, row.commentary,
        ]
        rows.append(line + (["Invented figures, not real ones"] if card.is_demo else []))
    return header, rows
