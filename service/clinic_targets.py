"""Targets as the clinic sets them (issue 16, point 1): one at a time from the command line or
the Targets page, or many from a targets workbook; listed and exported the same way.

A target is for a financial year ('2024-25') or one quarter of it ('2024-25 Q2'); its tolerance
is absolute (in the indicator's own unit) or a percentage of the target. Setting a target never
changes its tolerance, its type or who agreed it unless asked, and never touches a figure.
Every change is one transaction with its audit entry (before and after); an unchanged one
writes nothing.
"""

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scorecard.model import PeriodType, Polarity
from scorecard.periods import parse_period
from service import arguments
from service.errors import NotAllowed

TOLERANCE_TYPES = ("absolute", "percent")
KEEP = object()  # "not asked": keep what is there
SHEET = "Targets"
HEADER = ["Indicator", "Title", "Area code", "Area", "Year or quarter", "Target", "Tolerance", "Tolerance type",
          "Agreed by"]


@dataclass
class TargetChange:
    indicator_id: str
    area_code: str
    period: str
    before: dict | None
    after: dict

    @property
    def changed(self) -> bool:
        return self.before is None or any(
            _plain(self.before.get(name)) != _plain(self.after.get(name))
            for name in ("value", "tolerance", "tolerance_type", "agreed_by"))


def checked_target(service, indicator_id: str, value, period: str | None, area: str | None = None,
                   tolerance=KEEP, tolerance_type: str | None = None, agreed_by=KEEP) -> dict:
    """The target asked for, checked, with what was not asked for kept from the stored one.
    NotAllowed in words that say what to type instead."""
    try:
        indicator = service.catalogue.get(indicator_id)
    except KeyError as unknown:
        raise NotAllowed(f"'{indicator_id}' is not an indicator on the scorecard. 'scorecard indicators' "
                         "lists them.") from unknown
    if indicator.polarity == Polarity.NONE:
        raise NotAllowed(f"{indicator.id} has no polarity (a higher or lower figure is neither good nor bad), "
                         "so a target would not give it a RAG.")
    area_code = service.checked_area(arguments.area_code(service.areas, area, service.home) if area else None)
    label = _period(period)
    number = _number(value, "target")
    if tolerance_type is not None and tolerance_type not in TOLERANCE_TYPES:
        raise NotAllowed(f"'{tolerance_type}' is not a tolerance type. Choose absolute or percent.")
    stored = next((row for row in service.store.all_targets(area_code).to_dict("records")
                   if row["indicator_id"] == indicator.id and row["period"] == label), None)
    kept_tolerance = _plain(stored["tolerance"]) if stored else None
    if tolerance is KEEP or tolerance is None:
        new_tolerance = kept_tolerance
    elif str(tolerance).strip().lower() == "none":
        new_tolerance = None
    else:
        new_tolerance = _number(tolerance, "tolerance")
        if new_tolerance < 0:
            raise NotAllowed(f"The tolerance {tolerance} is below zero: give how far short of the target is "
                             "still amber, as a positive number.")
    new_type = tolerance_type or (stored["tolerance_type"] if stored else None) or "absolute"
    kept_agreed = _plain(stored["agreed_by"]) if stored else None
    agreed = kept_agreed if agreed_by is KEEP or agreed_by is None else (str(agreed_by).strip() or None)
    return {"indicator_id": indicator.id, "area_code": area_code, "period": label, "value": number,
            "tolerance": new_tolerance, "tolerance_type": new_type, "agreed_by": agreed}


def set_target(service, who: str, **asked) -> TargetChange:
    """Check and write one target (see checked_target for what may be asked)."""
    target = checked_target(service, **asked)
    before = service.store.set_target(**target, who=who)
    if before is not None:
        before = {key: _plain(value) for key, value in before.items()}
    return TargetChange(target["indicator_id"], target["area_code"], target["period"], before, target)


def target_records(service, area: str | None = None) -> list[dict]:
    """Every target (for one area, or all) with its indicator's title and the area's name."""
    code = service.checked_area(arguments.area_code(service.areas, area, service.home)) if area else None
    found = []
    for row in service.store.all_targets(code).to_dict("records"):
        indicator = service.catalogue.indicators.get(row["indicator_id"])
        found.append({
            "indicator_id": row["indicator_id"], "title": indicator.short_title if indicator else row["indicator_id"],
            "area_code": row["area_code"], "area_name": service.areas.get(row["area_code"]).name,
            "period": row["period"], "value": _plain(row["value"]), "tolerance": _plain(row["tolerance"]),
            "tolerance_type": row["tolerance_type"], "agreed_by": _plain(row["agreed_by"]),
            "set_by": _plain(row["set_by"]) or (f"load {int(row['load_id'])}" if _plain(row["load_id"]) else None),
            "set_at": _plain(row["set_at"]), "decimals": indicator.decimals if indicator else 1,
        })
    return found


def write_workbook(service, path: Path, area: str | None = None) -> int:
    """The targets as a workbook that `load_workbook` reads back; how many rows."""
    import openpyxl
    from openpyxl.styles import Font

    rows = target_records(service, area)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row["indicator_id"], row["title"], row["area_code"], row["area_name"], row["period"],
                      row["value"], row["tolerance"], row["tolerance_type"], row["agreed_by"]])
    for letter, width in zip("ABCDEFGHI", (28, 40, 12, 20, 16, 10, 10, 14, 24)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    book.save(path)
    return len(rows)


def load_workbook(service, path: Path, who: str) -> list[TargetChange]:
    """Every row of a targets workbook checked first (a problem names its sheet and cell, and
    nothing is written), then each written. A blank tolerance or 'agreed by' keeps what is
    there; 'none' as the tolerance removes it."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as bad:  # not a workbook at all
        raise NotAllowed(f"{Path(path).name}: not a workbook Scorecard can read ({bad}).") from bad
    if SHEET not in book.sheetnames:
        raise NotAllowed(f"{Path(path).name}: there is no sheet '{SHEET}'. 'scorecard targets export' "
                         "writes one to fill in.")
    sheet = book[SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(cell or "").strip() for cell in (rows[0] if rows else [])]
    missing = [name for name in ("Indicator", "Year or quarter", "Target") if name not in header]
    if missing:
        raise NotAllowed(f"{Path(path).name}: sheet {SHEET}, row 1 lacks the column(s) {', '.join(missing)}. "
                         f"The first row names the columns: {', '.join(HEADER)}.")
    column = {name: header.index(name) for name in HEADER if name in header}
    checked = []
    for number, row in enumerate(rows[1:], start=2):
        def cell(name, row=row):
            at = column.get(name)
            value = row[at] if at is not None and at < len(row) else None
            return None if value is None or str(value).strip() == "" else value
        if all(value is None or str(value).strip() == "" for value in row):
            continue
        try:
            checked.append(checked_target(
                service, str(cell("Indicator") or ""), cell("Target"), _year_text(cell("Year or quarter")),
                area=str(cell("Area code")) if cell("Area code") else None,
                tolerance=KEEP if cell("Tolerance") is None else cell("Tolerance"),
                tolerance_type=cell("Tolerance type"), agreed_by=KEEP if cell("Agreed by") is None else cell("Agreed by"),
            ))
        except NotAllowed as problem:
            raise NotAllowed(f"{Path(path).name}: sheet {SHEET}, row {number}: {problem}") from problem
    changes = []
    for target in checked:
        before = service.store.set_target(**target, who=who)
        before = None if before is None else {key: _plain(value) for key, value in before.items()}
        changes.append(TargetChange(target["indicator_id"], target["area_code"], target["period"], before, target))
    return changes


def describe(row: dict | None, decimals: int | None = None) -> str:
    """'12.5, tolerance 1 (absolute), agreed by the board' for pages and the command line."""
    if row is None:
        return "none"
    tolerance = row.get("tolerance")
    words = f"{row['value']:g}" + (", no tolerance" if tolerance is None
                                   else f", tolerance {tolerance:g} ({row.get('tolerance_type') or 'absolute'})")
    return words + (f", agreed by {row['agreed_by']}" if row.get("agreed_by") else "")


def _period(text: str | None) -> str:
    if not text:
        raise NotAllowed("Give the year the target is for, like 2024-25, or a quarter, like 2024-25 Q2.")
    try:
        period = parse_period(str(text).strip())
    except ValueError as bad:
        raise NotAllowed(f"'{text}' is not a year or quarter: give one like 2024-25 or 2024-25 Q2.") from bad
    if period.type not in (PeriodType.FINANCIAL_YEAR, PeriodType.QUARTER) or period.is_snapshot:
        raise NotAllowed(f"'{text}' is not a financial year or quarter: give one like 2024-25 or 2024-25 Q2.")
    return period.label


def _year_text(value) -> str | None:
    return None if value is None else str(value).strip()


def _number(value, what: str) -> float:
    try:
        number = float(str(value).replace(",", "").strip())
    except (TypeError, ValueError) as bad:
        raise NotAllowed(f"The {what} '{value}' is not a number: type it as a number, like 12.5.") from bad
    if math.isnan(number) or math.isinf(number):
        raise NotAllowed(f"The {what} '{value}' is not a number: type it as a number, like 12.5.")
    return number


def _plain(value):
    """None for NaN, NaT and missing; the value otherwise."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    return value
