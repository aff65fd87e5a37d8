"""Scorecard's own template: written for one quarter and area, filled in by an analyst, loaded back.

The Data sheet has one row per catalogue indicator (and per locality where the indicator
has them). Reference columns are locked; the cells to fill are not. Hidden columns hold the
indicator id, area code and period, so reading back never depends on titles someone edited.
A very hidden sheet marks the workbook as a Scorecard template, which is how it is detected.
"""

import zipfile
from datetime import date

import pandas as pd

from loaders.context import LoadContext
from loaders.problems import Problem
from loaders.validation import Candidates, changed_commentary, observations_from, period_for, read_grids
from loaders.values import parse_values
from scorecard import figures, periods
from scorecard.areas import AreaDirectory
from scorecard.catalogue import Catalogue, Indicator
from scorecard.model import PeriodType, Unit
from scorecard.periods import Period
from scorecard.store import Batch
from scorecard.symbols import SYMBOLS, display_symbol

KINDS = ("template",)
MARKER_SHEET = "_scorecard"
MARKER = "scorecard_template"
VERSION = "1"
DATA_SHEET = "Data"
SYMBOL_CHOICES = ["c", "x", "z", "u", "low", "k", "b", ":", "..", ".", "-", "N/A"]

# (header, width, filled in by the analyst)
COLUMNS = [
    ("Indicator", 46, False),
    ("Area", 22, False),
    ("Period", 14, False),
    ("Unit", 16, False),
    ("Earlier period", 14, False),
    ("Earlier value", 13, False),
    ("Numerator", 12, True),
    ("Denominator", 13, True),
    ("Value", 11, True),
    ("Symbol", 9, True),
    ("Target", 10, True),
    ("Comment", 50, True),
    ("indicator_id", 10, False),
    ("area_code", 10, False),
    ("period_label", 10, False),
]
HIDDEN = ("indicator_id", "area_code", "period_label")
AUTHOR_PREFIX = "Template"


def _letter(header: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter([name for name, _, _ in COLUMNS].index(header) + 1)


# -- writing ------------------------------------------------------------------------------------


def template_period(indicator: Indicator, quarter: Period) -> Period:
    """The period an indicator's figure is asked for in a quarter's template.

    School results and rolling averages come once a year: ask for the latest one ended by the
    quarter's end. Everything else is asked for the quarter itself (a count on its last day)."""
    end = quarter.end
    if indicator.period_type == PeriodType.ACADEMIC_YEAR:
        return periods.academic_year(end.year - 1 if end >= date(end.year, 8, 31) else end.year - 2)
    if indicator.period_type == PeriodType.MULTI_YEAR:
        last = end.year if end == date(end.year, 12, 31) else end.year - 1
        return periods.multi_year(last - 2, last)
    found, _ = period_for(indicator, quarter)
    return found or quarter


def unit_words(indicator: Indicator) -> str:
    if indicator.unit == Unit.RATE:
        return f"rate per {indicator.multiplier:,}"
    if indicator.unit == Unit.PERCENT:
        return "percentage"
    return indicator.unit.value


def template_rows(catalogue: Catalogue, areas: AreaDirectory, quarter: Period, area_code: str) -> list[dict]:
    area = areas.resolve_or_raise(area_code)
    localities = areas.localities(area.code) if area.is_la else []
    rows = []
    for indicator in catalogue:
        if indicator.is_benchmark:
            continue
        period = template_period(indicator, quarter)
        for place in [area, *(localities if indicator.has_localities else [])]:
            rows.append({"indicator": indicator, "area": place, "period": period})
    return rows


def _earlier_values(store, catalogue: Catalogue, rows: list[dict]) -> dict[tuple[str, str], tuple[str, str]]:
    """The latest figure before each row's period, by (indicator, area): (period, figure as the
    scorecard shows it: a rate worked out from its count, a symbol in brackets)."""
    if store is None or not rows:
        return {}
    found = figures.observations(
        store, sorted({row["indicator"].id for row in rows}), sorted({row["area"].code for row in rows}),
        until=max(row["period"].end for row in rows),
    )
    if found.empty:
        return {}
    found = figures.with_figures(found, figures.populations(store, sorted(set(found["area_code"]))), catalogue)
    ends = {(row["indicator"].id, row["area"].code): row["period"].end for row in rows}
    earlier: dict[tuple[str, str], tuple[str, str]] = {}
    for record in found.sort_values("period_end").itertuples():
        key = (record.indicator_id, record.area_code)
        if key in ends and pd.Timestamp(record.period_end).date() < ends[key]:
            decimals = catalogue.get(record.indicator_id).decimals
            shown = display_symbol(record.figure_status) if record.figure_status else f"{record.figure_value:,.{decimals}f}"
            earlier[key] = (record.period, shown)  # in date order: the last one wins
    return earlier


def write_template(path, catalogue: Catalogue, areas: AreaDirectory, quarter: Period, area_code: str,
                   store=None) -> int:
    """Write the template workbook; returns the number of data rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    rows = template_rows(catalogue, areas, quarter, area_code)
    earlier = _earlier_values(store, catalogue, rows)
    area = areas.resolve_or_raise(area_code)
    book = Workbook()
    _instructions(book.active, area.name, quarter)
    sheet = book.create_sheet(DATA_SHEET)
    sheet.append([name for name, _, _ in COLUMNS])
    bold = Font(bold=True)
    grey = PatternFill("solid", fgColor="FFF3F2F1")
    for position, (name, width, _) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=position)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = width
        if name in HIDDEN:
            sheet.column_dimensions[letter].hidden = True
    for row in rows:
        indicator, place, period = row["indicator"], row["area"], row["period"]
        before_period, before_value = earlier.get((indicator.id, place.code), ("", ""))
        place_name = f"{place.name} {place.kind or 'locality'}" if place.level == "local" else place.name
        sheet.append([
            indicator.title, place_name, period.label, unit_words(indicator), before_period, before_value,
            None, None, None, None, None, None, indicator.id, place.code, period.label,
        ])
    last = len(rows) + 1
    editable = [position for position, (_, _, filled) in enumerate(COLUMNS, start=1) if filled]
    for row_cells in sheet.iter_rows(min_row=2, max_row=last):
        for cell in row_cells:
            if cell.column in editable:
                cell.protection = Protection(locked=False)
            else:
                cell.fill = grey
    _validations(sheet, rows, DataValidation)
    sheet.freeze_panes = "B2"
    sheet.protection.sheet = True  # no password: it guards against slips, not people
    sheet.protection.formatColumns = False  # people may widen columns
    marker = book.create_sheet(MARKER_SHEET)
    for values in ([MARKER, VERSION], ["period", quarter.label], ["area", area.code]):
        marker.append(values)
    marker.sheet_state = "veryHidden"
    book.active = 1
    book.save(path)
    return len(rows)


def _validations(sheet, rows: list[dict], DataValidation) -> None:
    last = len(rows) + 1
    if last < 2:
        return
    symbols = DataValidation(type="list", formula1='"' + ",".join(SYMBOL_CHOICES) + '"', allow_blank=True,
                             showErrorMessage=True, errorTitle="Not a symbol",
                             error="Choose a symbol from the list, or leave the cell empty.")
    symbols.add(f"{_letter('Symbol')}2:{_letter('Symbol')}{last}")
    counts = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, errorTitle="Not a count",
                            error="Type a count of 0 or more. For a suppressed count choose a symbol instead.")
    counts.add(f"{_letter('Numerator')}2:{_letter('Denominator')}{last}")
    percents = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                              showErrorMessage=True, errorTitle="Not a percentage",
                              error="Type a percentage from 0 to 100, without the % sign.")
    numbers = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                             showErrorMessage=True, errorTitle="Not a number",
                             error="Type a number of 0 or more. For a suppressed figure choose a symbol instead.")
    for number, row in enumerate(rows, start=2):
        chosen = percents if row["indicator"].unit == Unit.PERCENT else numbers
        chosen.add(f"{_letter('Value')}{number}:{_letter('Target')}{number}")
    for validation in (symbols, counts, percents, numbers):
        sheet.add_data_validation(validation)


def _instructions(sheet, area_name: str, quarter: Period) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.title = "Instructions"
    lines = [
        f"Scorecard figures for {area_name}, {quarter.label}",
        "",
        "How to fill in this workbook",
        "1. Go to the Data sheet. There is one row for each indicator, and one for each locality where the "
        "indicator is reported by locality.",
        "2. Type the figures in the white columns: Numerator, Denominator, Value, Symbol, Target and Comment. "
        "The grey columns are fixed.",
        "3. For a rate, give the count as the Numerator: Scorecard works the rate out from it and the ONS "
        "population. For a percentage, give the numerator and denominator if you have them.",
        "4. If a figure is suppressed or not available, leave Value empty and choose a symbol: "
        + "; ".join(f"{symbol} = {SYMBOLS[symbol.lower()]}" for symbol in SYMBOL_CHOICES) + ".",
        "5. Type percentages as numbers from 0 to 100, for example 8.5 for 8.5%.",
        "6. Target is the target for the financial year. Comment is the commentary for this quarter.",
        "7. Earlier period and Earlier value show the last figure Scorecard already holds, to help you check.",
        "8. Leave a row empty if you have no figure for it. Do not change the sheet names or the hidden columns.",
        "",
        "Loading it",
        "Save the workbook as .xlsx and load it with: scorecard load FILE.xlsx (or on the Upload page). "
        "Scorecard checks every cell first and, if anything is wrong, tells you the cell and loads nothing.",
    ]
    for line in lines:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=14)
    for row in sheet.iter_rows():
        if row[0].value in ("How to fill in this workbook", "Loading it"):
            row[0].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 110
    for row in sheet.iter_rows():
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


# -- reading ------------------------------------------------------------------------------------


def detect(source) -> str | None:
    """A template names its marker sheet in xl/workbook.xml: read that small part alone, so
    detection costs nothing even for a 641,070-row workbook of another layout."""
    if source.suffix != ".xlsx":
        return None
    try:
        with zipfile.ZipFile(source.path) as archive:
            listing = archive.read("xl/workbook.xml")
    except (KeyError, zipfile.BadZipFile):
        return None
    return "template" if f'name="{MARKER_SHEET}"'.encode() in listing else None


def read(source, kind: str, context: LoadContext, problems: list[Problem]) -> Batch:
    file_name = source.name
    if DATA_SHEET not in source.sheet_names:
        problems.append(Problem(file_name, "", f"the template has no '{DATA_SHEET}' sheet",
                                "Fill in a new template from 'scorecard template' without renaming its sheets"))
        return Batch({})
    grids = read_grids(source.path, [DATA_SHEET, MARKER_SHEET])
    grid, marker = grids[DATA_SHEET], grids[MARKER_SHEET]
    quarter_label = next((line[1] for line in marker.rows if line and line[0] == "period"), "")
    header_row = next((r for r, line in enumerate(grid.rows) if "indicator_id" in line), None)
    if header_row is None:
        problems.append(Problem(file_name, DATA_SHEET, "the Data sheet has lost its header row",
                                "Fill in a new template from 'scorecard template'"))
        return Batch({})
    header = grid.rows[header_row]
    column = {name: header.index(name) if name in header else None for name, _, _ in COLUMNS}

    def where(r: int, name: str) -> str:
        from openpyxl.utils import get_column_letter

        position = column[name] if column[name] is not None else 0
        return f"{DATA_SHEET}!{get_column_letter(position + 1)}{r + 1}"

    def text(r: int, name: str) -> str:
        return grid.text(r, column[name]) if column[name] is not None else ""

    records, targets, notes = [], [], []
    for r in range(header_row + 1, len(grid.rows)):
        filled = {name: text(r, name) for name in ("Numerator", "Denominator", "Value", "Symbol", "Target", "Comment")}
        for name in ("Numerator", "Denominator", "Value", "Target"):
            if column[name] is not None and (r, column[name]) in grid.uncalculated:
                problems.append(Problem(file_name, where(r, name), "the cell has a formula but no saved result",
                                        "Open the workbook in Excel so it calculates, save it and load it again"))
        if not any(filled.values()):
            continue
        source.rows_read += 1
        indicator = _indicator(r, text, where, context, file_name, problems)
        area = _area(r, text, where, context, file_name, problems)
        if indicator is None or area is None:
            continue
        period = _period(r, text, where, indicator, file_name, problems)
        if period is None:
            continue
        if any(filled[name] for name in ("Numerator", "Denominator", "Value", "Symbol")):
            records.append({
                "indicator_id": indicator.id, "area_code": area.code, "period": period, "breakdown": "all",
                "numerator": filled["Numerator"], "denominator": filled["Denominator"],
                "value": filled["Value"], "symbol": filled["Symbol"], "where_row": where(r, "Indicator"),
                "where_numerator": where(r, "Numerator"), "where_denominator": where(r, "Denominator"),
                "where_value": where(r, "Value"), "where_symbol": where(r, "Symbol"),
            })
        if filled["Target"]:
            targets.append((indicator.id, area.code, periods.financial_year_containing(period.end).label,
                            filled["Target"], where(r, "Target")))
        if filled["Comment"]:
            label = quarter_label or periods.quarter_containing(period.end).label
            notes.append({"indicator_id": indicator.id, "area_code": area.code, "period": label,
                          "text": filled["Comment"], "author": f"{AUTHOR_PREFIX} {file_name}",
                          "written_at": pd.Timestamp.now().floor("s").to_pydatetime(), "supersedes": None})
    tables = {}
    if records:
        tables["observation"] = observations_from(Candidates(file_name, pd.DataFrame(records)), context, problems)
    if targets:
        tables["target"] = target_frame(targets, file_name, problems)
    commentary = changed_commentary(notes, context)
    if source.rows_read == 0:
        problems.append(Problem(file_name, DATA_SHEET, "the template has no figures filled in",
                                "Type the figures in the white columns of the Data sheet and load it again"))
    return Batch(tables, commentary, keep=KEPT)


# A template has no tolerance column, and a cell left empty gives nothing: the stored tolerance,
# count and denominator stay as they are (a typed symbol still replaces the whole figure).
KEPT = {"target": {"tolerance": None, "tolerance_type": "absolute"},
        "observation": {"numerator": None, "denominator": None}}


def target_frame(targets: list[tuple], file_name: str, problems: list[Problem]) -> pd.DataFrame:
    """Targets (indicator, area, financial year, text, cell) as a target table frame."""
    texts = pd.Series([target[3] for target in targets])
    parsed = parse_values(texts)
    for index in texts.index[parsed.value.isna()]:
        problems.append(Problem(file_name, targets[index][4], f"the target '{texts[index]}' is not a number",
                                "Type the target as a number, or leave it empty"))
    frame = pd.DataFrame({
        "indicator_id": [target[0] for target in targets],
        "area_code": [target[1] for target in targets],
        "period": [target[2] for target in targets],
        "value": parsed.value,
        "tolerance": float("nan"),  # none in a template: a stored tolerance is kept (KEPT)
        "tolerance_type": None,
    })
    frame = frame[frame["value"].notna()]
    duplicated = frame.duplicated(["indicator_id", "area_code", "period"], keep=False)
    for index in frame.index[duplicated & frame.duplicated(["indicator_id", "area_code", "period"])]:
        problems.append(Problem(file_name, targets[index][4],
                                f"a second target for {frame.at[index, 'indicator_id']} in {frame.at[index, 'period']}",
                                "Give one target per indicator, area and financial year"))
    return frame.drop_duplicates(["indicator_id", "area_code", "period"]).reset_index(drop=True)


def _indicator(r, text, where, context, file_name, problems) -> Indicator | None:
    given = text(r, "indicator_id")
    if given in context.catalogue:
        return context.catalogue.get(given)
    title = text(r, "Indicator")
    found = None if given else context.catalogue.match(title)
    if found is None:
        shown = given or title
        problems.append(Problem(file_name, where(r, "indicator_id" if given else "Indicator"),
                                f"'{shown}' is not an indicator in the catalogue",
                                "Use a row the template gave you, or add the indicator to the catalogue first"))
    return found


def _area(r, text, where, context, file_name, problems):
    given = text(r, "area_code") or text(r, "Area")
    found = context.areas.resolve(given)
    if found is None:
        suggestions = context.areas.suggest(given)
        hint = f" (did you mean {', '.join(suggestions)}?)" if suggestions else ""
        problems.append(Problem(file_name, where(r, "area_code" if text(r, "area_code") else "Area"),
                                f"'{given}' is not an area Scorecard knows{hint}",
                                "Use an ONS code (E08000027), a DfE code (332) or the area's name"))
    return found


def _period(r, text, where, indicator, file_name, problems) -> Period | None:
    given = text(r, "period_label") or text(r, "Period")
    year_type = indicator.period_type if indicator.period_type in (PeriodType.FINANCIAL_YEAR, PeriodType.ACADEMIC_YEAR) else None
    try:
        period, reason = period_for(indicator, periods.parse_period(given, year_type=year_type))
    except ValueError as error:
        period, reason = None, str(error)
    if period is None:
        problems.append(Problem(file_name, where(r, "period_label" if text(r, "period_label") else "Period"),
                                reason, "Use a period the indicator is measured for"))
    return period
