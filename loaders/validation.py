"""Checks shared by the hand-filled layouts (the Scorecard template and council workbooks).

Readers turn a sheet into `Candidates`: one row per figure someone typed, with the text of
each cell and where it is. `observations_from` checks every rule, adds a Problem per
failure (errors stop the file, warnings do not) and returns the tidy observation frame.
Symbols (c, x, [c] ...) become the observation's status with no value, never zero.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.context import LoadContext
from loaders.problems import Problem, Severity
from loaders.tables import cell_text
from loaders.tidy import observations
from loaders.values import parse_values
from scorecard import periods
from scorecard.catalogue import Indicator
from scorecard.model import MeasureType, PeriodType, Unit
from scorecard.periods import Period

FIGURES = ("numerator", "denominator", "value")
NOT_NEGATIVE = {Unit.RATE, Unit.PERCENT, Unit.NUMBER, Unit.DAYS, Unit.WEEKS}
HISTORY_MIN_POINTS = 4


# -- reading cells -------------------------------------------------------------------------------


@dataclass
class Grid:
    """A sheet as text, row by row from A1, with the cells whose formulas have no saved result."""

    sheet: str
    rows: list[list[str]]
    uncalculated: set[tuple[int, int]]  # 0-based (row, column)
    fills: dict[tuple[int, int], str]  # hand-coloured cells: RGB of the fill

    def text(self, row: int, column: int) -> str:
        line = self.rows[row] if row < len(self.rows) else []
        return line[column] if column < len(line) else ""


def read_grids(path: Path, sheets: list[str] | None = None) -> dict[str, Grid]:
    """Sheets of a (small, hand-made) workbook through openpyxl, which sees formulas and fills.

    Read twice: the saved results of formulas, and the formulas themselves, because a
    formula nobody calculated (a file written by a program) reads as an empty cell."""
    import openpyxl

    # Read-only mode streams the sheets: much faster, and it still sees formats and fills.
    values = openpyxl.load_workbook(path, data_only=True, read_only=True)
    formulas = openpyxl.load_workbook(path, data_only=False, read_only=True)
    grids = {}
    try:
        for name in sheets or values.sheetnames:
            uncalculated = {
                (r, c)
                for r, row in enumerate(formulas[name].iter_rows(values_only=True))
                for c, raw in enumerate(row)
                if isinstance(raw, str) and raw.startswith("=")
            }
            rows, fills = [], {}
            for r, row in enumerate(values[name].iter_rows()):
                line = []
                for c, cell in enumerate(row):
                    value = getattr(cell, "value", None)
                    if value is not None:
                        uncalculated.discard((r, c))  # a formula with a saved result is fine
                    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (
                        getattr(cell, "number_format", "") or ""
                    ):
                        value = round(value * 100, 10)  # 8.5% typed in Excel is stored as 0.085
                    if isinstance(value, datetime):
                        value = value.date().isoformat()
                    line.append(cell_text(value).strip() if isinstance(value, str) else cell_text(value))
                    fill = getattr(cell, "fill", None)
                    if fill is not None and fill.fill_type == "solid" and isinstance(fill.fgColor.rgb, str):
                        fills[(r, c)] = fill.fgColor.rgb
                rows.append(line)
            grids[name] = Grid(name, rows, uncalculated, fills)
    finally:
        values.close()
        formulas.close()
    return grids


# -- periods -------------------------------------------------------------------------------------


def period_for(indicator: Indicator, period: Period) -> tuple[Period | None, str]:
    """The period a figure for `indicator` labelled `period` is kept under, or None and why not.

    Local figures come more often than published ones (the CLA rate at each quarter's end,
    NEET each month, youth justice each quarter): a count on a date is kept on that date, a
    flow in its quarter, month or year. School results (academic years) and rolling averages
    come only in their own periods. '2010/11' is read as either kind of split year."""
    own = indicator.period_type
    kind = "periods of several years" if own == PeriodType.MULTI_YEAR else own.value.replace("_", " ")
    shown = period.type.value.replace("_", " ") if not period.is_snapshot else "single day"
    split_years = {PeriodType.FINANCIAL_YEAR, PeriodType.ACADEMIC_YEAR}
    if period.type != own and {period.type, own} <= split_years:
        start = period.start.year
        period = periods.financial_year(start) if own == PeriodType.FINANCIAL_YEAR else periods.academic_year(start)
    if own in (PeriodType.ACADEMIC_YEAR, PeriodType.MULTI_YEAR) and period.type != own:
        return None, f"'{period.label}' is a {shown}, but {indicator.short_title} is measured only by {kind}"
    if period.type == PeriodType.MULTI_YEAR and own != PeriodType.MULTI_YEAR:
        return None, f"'{period.label}' spans several years, but {indicator.short_title} is measured by {kind}"
    if period.is_snapshot and indicator.measure_type != MeasureType.SNAPSHOT:
        return None, f"'{period.label}' is a single day, but {indicator.short_title} counts events over a period"
    if indicator.measure_type == MeasureType.SNAPSHOT and not period.is_snapshot and own not in (
        PeriodType.ACADEMIC_YEAR, PeriodType.MULTI_YEAR
    ):
        return periods.snapshot(period.end), ""  # a count on a date (children looked after): its last day
    return period, ""


# -- candidate rows -> observations --------------------------------------------------------------


@dataclass
class Candidates:
    """Rows read from a sheet, before checking. Each `where_*` column holds a cell name."""

    file_name: str
    frame: pd.DataFrame  # indicator_id, area_code, period (Period), breakdown, numerator, denominator,
    #                      value, symbol (text), where_row, where_numerator, where_denominator,
    #                      where_value, where_symbol


def observations_from(candidates: Candidates, context: LoadContext, problems: list[Problem]) -> pd.DataFrame:
    frame = candidates.frame.reset_index(drop=True)
    file_name = candidates.file_name

    def add(where, message, action, severity=Severity.ERROR):
        problems.append(Problem(file_name, where, message, action, severity))

    indicators = {indicator_id: context.catalogue.get(indicator_id) for indicator_id in frame["indicator_id"].unique()}
    parsed = {name: parse_values(frame[name]) for name in FIGURES}
    for name in FIGURES:
        flags = parsed[name]
        for index in frame.index[flags.not_a_number]:
            add(frame.at[index, f"where_{name}"], f"'{frame.at[index, name]}' is not a number",
                "Type the figure as a number (1281, 1,281 or 8.5%), or a symbol such as c for suppressed")
        for index in frame.index[flags.excel_error]:
            add(frame.at[index, f"where_{name}"], f"'{frame.at[index, name]}' is an Excel error, not a figure",
                "Correct the formula in Excel, or type the figure, then save and load again")
    symbol = frame["symbol"].fillna("").str.strip()
    symbol_status = parse_values(symbol).status
    for index in frame.index[(symbol != "") & (symbol_status == "")]:
        add(frame.at[index, "where_symbol"], f"'{symbol[index]}' is not a symbol Scorecard knows",
            "Use one of c, x, z, u, low, k, b, :, .., ., -, N/A (or [c] and so on), or leave it blank")

    value = {name: parsed[name].value for name in FIGURES}
    units = frame["indicator_id"].map(lambda i: indicators[i].unit)
    titles = frame["indicator_id"].map(lambda i: indicators[i].short_title)
    over = (units == Unit.PERCENT) & (value["value"] > 100)
    for index in frame.index[over]:
        add(frame.at[index, "where_value"], f"{value['value'][index]:g}% is over 100% for {titles[index]}",
            "Check the figure: a percentage cannot be more than 100")
    for name in ("numerator", "denominator"):
        for index in frame.index[value[name] < 0]:
            add(frame.at[index, f"where_{name}"], f"{value[name][index]:g} is a negative count",
                "A count cannot be below zero: correct it")
    negative = units.isin(NOT_NEGATIVE) & (value["value"] < 0)
    for index in frame.index[negative]:
        add(frame.at[index, "where_value"], f"{value['value'][index]:g} is negative, which {titles[index]} cannot be",
            "Correct the figure")
    above = value["numerator"] > value["denominator"]
    for index in frame.index[above]:
        add(frame.at[index, "where_numerator"],
            f"the numerator {value['numerator'][index]:g} is more than the denominator {value['denominator'][index]:g}",
            "Check the two counts: the numerator is part of the denominator")

    key = ["indicator_id", "area_code", "period_label", "breakdown"]
    frame["period_label"] = frame["period"].map(lambda p: p.label)
    first_of = frame.drop_duplicates(key).set_index(key)["where_row"]
    for index in frame.index[frame.duplicated(key)]:
        row = frame.loc[index]
        add(row["where_row"],
            f"a second row for {titles[index]}, {row['area_code']}, {row['period_label']} "
            f"(the first is {first_of[tuple(row[key])]})",
            "Keep one row per indicator, area and period: delete or correct the duplicate")

    _check_reorganised(frame, context, add)

    # The status: the symbol column first, else a symbol typed in the value or a count.
    status = symbol_status.where(symbol_status != "", parsed["value"].status)
    status = status.where(status != "", parsed["numerator"].status)
    has_figure = (status != "") | value["value"].notna() | value["numerator"].notna() | value["denominator"].notna()
    keep = has_figure & ~frame.duplicated(key)
    chosen = frame.loc[keep, "period"]
    result = observations(
        indicator_id=frame.loc[keep, "indicator_id"].to_numpy(),
        area_code=frame.loc[keep, "area_code"].to_numpy(),
        breakdown=frame.loc[keep, "breakdown"].to_numpy(),
        period=[p.label for p in chosen],
        period_type=[p.type.value for p in chosen],
        period_start=[p.start for p in chosen],
        period_end=[p.end for p in chosen],
        # A symbol means there is no figure: nothing typed beside it is kept as the value.
        numerator=value["numerator"][keep].where(status[keep] == "").to_numpy(),
        denominator=value["denominator"][keep].to_numpy(),
        value=value["value"][keep].where(status[keep] == "").to_numpy(),
        status=status[keep].to_numpy(),
    )
    where = frame.loc[keep, "where_value"].to_numpy()
    check_history(result, where, file_name, context, problems)
    return result


_ABOLISHED = re.compile(r"abolished (\d{1,2} [A-Za-z]+ \d{4})")


def _check_reorganised(frame: pd.DataFrame, context: LoadContext, add) -> None:
    """A figure for an abolished LA for a period after it was abolished belongs to its successors."""
    for code in frame["area_code"].unique():
        area = context.areas.get(code)
        found = _ABOLISHED.search(area.notes) if area is not None and not area.current else None
        if not found:
            continue
        abolished = datetime.strptime(found.group(1), "%d %B %Y").date()
        later = frame.index[(frame["area_code"] == code) & frame["period"].map(lambda p: p.start >= abolished)]
        successors = " and ".join(f"{a.name} ({a.old_code})" for a in context.areas.successors(code))
        for index in later[:5]:
            add(frame.at[index, "where_row"],
                f"{area.name} was abolished on {found.group(1)}, before {frame.at[index, 'period_label']}",
                f"Give the figures for {successors} instead")


# -- history --------------------------------------------------------------------------------------


def check_history(frame: pd.DataFrame, where, file_name: str, context: LoadContext, problems: list[Problem]) -> None:
    """Warn about a value far outside what the store holds for the same indicator and area:
    beyond the earlier range by three times its width, or a quarter of its level if wider
    (catches 810 or 8.1 typed for 81; a real jump from 3.4% to 5.1% NEET passes)."""
    store = getattr(context, "store", None)
    if store is None or frame.empty:
        return
    history = store.value_ranges(list(frame["indicator_id"].unique()), list(frame["area_code"].unique()))
    if history.empty:
        return
    merged = frame.assign(where=where).merge(history, on=["indicator_id", "area_code"], how="left")
    for row in merged.itertuples():
        if not (row.points >= HISTORY_MIN_POINTS) or np.isnan(row.value):
            continue
        indicator = context.catalogue.get(row.indicator_id)
        spread = max(row.high - row.low, 0.25 * abs((row.high + row.low) / 2), 10.0 ** -indicator.decimals)
        if row.value < row.low - 3 * spread or row.value > row.high + 3 * spread:
            problems.append(Problem(
                file_name, row.where,
                f"{row.value:g} is far outside {indicator.short_title}'s earlier values for {row.area_code} "
                f"({row.low:g} to {row.high:g})",
                "Check the figure (a misplaced decimal point or a count typed as a rate); load it if it is right",
                Severity.WARNING,
            ))


def changed_commentary(notes: list[dict], context: LoadContext) -> pd.DataFrame | None:
    """Commentary rows whose text differs from the current version in the store: loading a
    corrected copy of a workbook does not repeat the comments that did not change."""
    store = getattr(context, "store", None)
    if not notes:
        return None
    frame = pd.DataFrame(notes)
    if store is None:
        return frame
    current = store.latest_commentary(list(frame["indicator_id"].unique()))
    merged = frame.merge(current, on=["indicator_id", "area_code", "period"], how="left", suffixes=("", "_now"))
    fresh = frame[(merged["text"] != merged["text_now"]).to_numpy()]
    return fresh.reset_index(drop=True) if len(fresh) else None
