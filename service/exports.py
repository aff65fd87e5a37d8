"""Downloads that cannot carry formulas: a cell a spreadsheet would run as a formula
(starting with = + - @, a tab or a carriage return) is written with a leading apostrophe,
as OWASP advises. Numbers stay numbers, so a negative figure is still -3, not text."""

import csv
import io
import numbers
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

from scorecard.metrics import round_half_away

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
    """The outcome scorecard as the page shows it: a figure is a number rounded as the page
    rounds it (half away from zero at the indicator's decimals), a suppressed or missing one
    its symbol ([c], [x]), never a zero. A demonstration scorecard says so."""
    header = list(SCORECARD_HEADER) + (["Demonstration data"] if card.is_demo else [])
    rows = []
    for row in card.rows:
        places = row.decimals
        line = [
            card.area.name, card.quarter.label, row.outcome_area_title, row.title,
            _figure(row.value, row.shown, places), row.period_label,
            _figure(row.previous_value, row.previous_shown, places), row.previous_period,
            _figure(row.year_ago_value, row.year_ago_shown, places),
            _number(row.target, places), row.rag.capitalize(), row.direction.capitalize(),
            _number(row.england, places), _number(row.region, places), _number(row.sn_mean, places),
            f"{row.rank} of {row.rank_of}" if row.rank else None, row.quartile, row.commentary,
        ]
        rows.append(line + (["Invented figures, not real ones"] if card.is_demo else []))
    return header, rows


def _number(value: float | None, decimals: int) -> float | None:
    return None if value is None else round_half_away(value, decimals)


def _figure(value: float | None, shown: str, decimals: int):
    """The number, or the symbol shown in its place."""
    return shown if value is None else round_half_away(value, decimals)
