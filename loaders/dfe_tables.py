"""Published DfE local authority tables: workbooks with one table per sheet, such as the
children looked after release's LAA1 (numbers and rates at 31 March) and the outcomes for
children looked after tables (offending, SDQ scores, GCSE results). LAs run down the side;
years and measures run across under two or three merged header rows with footnote digits
glued on ('numbers3', '20132'); title rows sit above and notes below.

Which tables Scorecard reads is data (TABLES): a title pattern and, for each catalogue
indicator, the header words of its count, denominator and published value. Where the
header rows, the years and the code and name columns are is found in each sheet, so moved
columns and extra rows still read. Titles are streamed from the package, so only the
sheets whose title matches are parsed whole: a workbook of forty sheets costs what its few
known tables cost.
"""

import csv
import re
from dataclasses import dataclass, replace

import pandas as pd

from loaders.context import LoadContext
from loaders.problems import Problem, Severity, csv_location
from loaders.tables import cell_text, column_letter, streamed_heads
from loaders.tidy import latest_year, observations, sourced
from loaders.values import parse_values
from loaders.yearly import year_ending
from scorecard.provenance import DataSource, SourceKind
from scorecard.store import Batch

KINDS = ("dfe_la_table",)


@dataclass(frozen=True)
class Measure:
    """The columns of one catalogue indicator, by patterns searched in each header cell
    above a column (lower case, spaces collapsed, footnote digits left on). The count and
    the published value must be there when declared; a denominator is kept where given."""

    indicator_id: str
    numerator: str = ""
    value: str = ""
    denominator: str = ""


@dataclass(frozen=True)
class Table:
    title: str  # searched in the words after 'Table LAI1:' in one of the first rows
    dataset: str  # the family of tables: the figures' source
    measures: tuple[Measure, ...]


CLA_TABLES, OUTCOME_TABLES = "cla_la_tables", "cla_outcomes_la_tables"
DATASET_TITLES = {
    CLA_TABLES: "Children looked after in England: local authority tables",
    OUTCOME_TABLES: "Outcomes for children looked after by local authorities: local authority tables",
}
# 'Number eligible to sit GCSEs' (to 2013), 'Number at the end of Key Stage 4' (from 2014).
KS4_COHORT = r"^number (?:eligible to sit gcses|at the end of key stage 4)"
TABLES = (
    # SFR34/2015 LAA1: 'numbers3' and 'rates4' over the years 2011 to 2015, under 'numbers
    # and rates per 10,000 children aged under 18 years' (which heads both, so is no group).
    Table(r"^children looked after at 31 march[\d\s,\-to]*by local authority", CLA_TABLES,
          (Measure("cla_rate", numerator=r"^numbers?(?:\d|$)|^number of children looked after",
                   value=r"^rates?(?:\d|\s|$)"),)),
    # SFR34/2015 LAI1, SFR50/2013 LA4: one year, named in the title rows.
    Table(r"^offending\b|\bconvicted\b", OUTCOME_TABLES,
          (Measure("cla_convicted", numerator=r"^number convicted", value=r"^percentage convicted",
                   denominator=r"^number of looked after children aged 10 or (?:older|over)"),)),
    # SFR34/2015 LAI4, SFR50/2013 LA7: three years across, each over the same five columns.
    Table(r"strengths and difficulties questionnaire|\(sdq\)", OUTCOME_TABLES,
          (Measure("cla_sdq_score", value=r"^average score", denominator=r"with an sdq score"),)),
    # SFR50/2013 LA3: years 2009 to 2013 across, percentages under 'Percentage achieving:'.
    Table(r"\bkey stage 4\b", OUTCOME_TABLES, (
        Measure("cla_gcse_5ac_english_maths", denominator=KS4_COHORT,
                value=r"^(?!number).*5\+?.*a\*.*c.*including english.*math"),
        Measure("cla_gcse_english_maths_grade_4", denominator=KS4_COHORT,
                value=r"^(?!number).*(?:grade 4 or above|9\s*-\s*4).*english.*math"),
    )),
)

HEAD_ROWS = 8  # a table's title is in its first rows
TITLE = re.compile(r"^table\s+([\w.]+)\s*:?\s*(.+)$", re.IGNORECASE)  # 'Table LAA1:  Children looked...'
NOT_TABLES = re.compile(r"index|contents|cover|notes", re.IGNORECASE)  # sheets that list titles
# A year heading: 2011, 2013/14, 2012-2013, with a footnote digit glued on ('20132').
YEAR = re.compile(r"^((?:19|20)\d{2})(?:\s*[-/]\s*((?:19|20)?\d{2}))?(?:\s?\d(?:,\d)*)?$")
YEARS_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*[-/]\s*((?:19|20)?\d{2}))?")
CODE = re.compile(r"^(?:\d{3}|E\d{8})$")  # an old LA code or a GSS code down the side
LEVELS = ("england", "region", "subregion", "la")
ROUNDED = re.compile(r"rounded to the nearest (\d+)\b", re.IGNORECASE)
# The release's reference: 'SFR34/2015' in a sheet, 'SFR34_2015_...' in a file's name.
PUBLICATION = re.compile(r"\bSFR\s*(\d+)\s*[/_ -]\s*((?:19|20)\d{2})(?!\d)", re.IGNORECASE)
FILE_YEAR = re.compile(r"(?:19|20)\d{2}(?!\d)")


def detect(source) -> str | None:
    return "dfe_la_table" if _tables(source) else None


def read(source, kind: str, context: LoadContext, problems: list[Problem]) -> Batch:
    found, unmapped = [], []
    for sheet, table in _tables(source):
        rows, merged = _sheet(source, sheet)
        frame = read_table(source.name, sheet, rows, merged, table, context, problems, unmapped)
        if frame is not None and len(frame):
            found.append((table.dataset, frame))
    # A known title over none of the columns Scorecard maps (a GCSE table of measures the
    # catalogue does not hold), or over no rows of areas, is worth a word; it refuses the
    # file only when nothing else loads.
    severity = Severity.WARNING if found else Severity.ERROR
    problems.extend(replace(problem, severity=severity) for problem in unmapped)
    if not found:
        if not unmapped:
            problems.append(Problem(source.name, "", "no sheet holds a DfE table Scorecard knows",
                                    "Scorecard reads tables such as LAA1 (children looked after at 31 March) "
                                    "and the outcomes tables on offending, SDQ scores and GCSEs"))
        return Batch({"observation": observations(indicator_id=[], area_code=[], period=[], period_type=[],
                                                  period_start=[], period_end=[])})
    source.rows_read = sum(len(frame) for _, frame in found)
    reference = _publication(source)
    frames, sources = [], []
    for dataset in dict.fromkeys(name for name, _ in found):
        frame = pd.concat([f for name, f in found if name == dataset], ignore_index=True)
        release = reference[1] if reference else _file_year(source.name) or latest_year(frame)
        title = DATASET_TITLES[dataset] + (f" (SFR{reference[0]}/{reference[1]})" if reference else "")
        named = DataSource("DfE", dataset, release, SourceKind.OFFICIAL, title)
        part = sourced(Batch({"observation": frame}), named)
        frames.append(part.tables["observation"])
        sources += part.sources
    return Batch({"observation": pd.concat(frames, ignore_index=True)}, sources=sources)


# Finding the tables -------------------------------------------------------------------------


def _tables(source) -> list[tuple[str, Table]]:
    """The sheets that hold a table Scorecard knows, found from their first rows only."""
    if source.suffix not in (".xlsx", ".ods", ".csv"):
        return []
    cached = getattr(source, "_dfe_tables", None)
    if cached is None:
        cached = []
        for sheet, rows in _heads(source).items():
            found = next((title for row in rows[:HEAD_ROWS] if (title := _title(row))), None)
            if found and not NOT_TABLES.search(sheet):
                cached.append((sheet, found[1]))
        source._dfe_tables = cached
    return cached


def _title(row: list[str]) -> tuple[str, Table] | None:
    """('LAA1', its Table) when the row is the title of a table Scorecard knows; the words
    may be in one cell or run on into the next ('Table LAI1:' | 'Offending by ...')."""
    match = TITLE.match(" ".join(cell for cell in row if cell))
    if match:
        words = match.group(2).lower()
        if table := next((t for t in TABLES if re.search(t.title, words)), None):
            return match.group(1), table
    return None


def _heads(source) -> dict[str, list[list[str]]]:
    """The first rows of every sheet as text; a CSV is one sheet with no name. Read once
    per file: detection and the release's reference both look at them."""
    cached = getattr(source, "_dfe_heads", None)
    if cached is None:
        cached = source._dfe_heads = _read_heads(source)
    return cached


def _read_heads(source) -> dict[str, list[list[str]]]:
    if source.suffix == ".csv":
        return {"": _csv_rows(source.path, HEAD_ROWS)}
    if source.suffix == ".xlsx":
        try:
            return _streamed_heads(source.path)
        except Exception:  # an unusual package layout: python-calamine reads it
            pass
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(source.path))
    return {name: [[_text(value) for value in row]
                   for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=HEAD_ROWS)]
            for name in book.sheet_names}


def _streamed_heads(path) -> dict[str, list[list[str]]]:
    return {name: [[_text(value) for value in row] for row in rows]
            for name, rows in streamed_heads(path, HEAD_ROWS).items()}


def _sheet(source, sheet: str) -> tuple[list[list[str]], list]:
    """A sheet's cells as text from A1 (positions are the sheet's own), and its merged
    ranges as ((first row, first column), (last row, last column))."""
    if source.suffix == ".csv":
        return _csv_rows(source.path), []
    from python_calamine import CalamineWorkbook

    found = CalamineWorkbook.from_path(str(source.path)).get_sheet_by_name(sheet)
    rows = [[_text(value) for value in row] for row in found.to_python(skip_empty_area=False)]
    return rows, list(found.merged_cell_ranges or [])


def _csv_rows(path, count: int | None = None) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="", errors="replace") as handle:
        rows = []
        for row in csv.reader(handle):
            if count is not None and len(rows) >= count:
                break
            rows.append([_text(cell) for cell in row])
        return rows


def _text(value: object) -> str:
    return " ".join(cell_text(value).split())


# Reading one table ----------------------------------------------------------------------------


def read_table(file_name: str, sheet: str, rows: list[list[str]], merged: list, table: Table,
               context: LoadContext, problems: list[Problem], unmapped: list[Problem]) -> pd.DataFrame | None:
    """The table's figures, or None with the problem said. `unmapped` takes the problems
    that only warn when other tables load: the sheet turns out to hold no table of areas (a
    list of titles), or none of the measures Scorecard maps."""

    def where(row: int, column: int) -> str:
        letter = column_letter(column + 1)
        return f"{sheet}!{letter}{row + 1}" if sheet else csv_location(row + 1, letter)

    title_row, name = next((i, title[0]) for i, row in enumerate(rows[:HEAD_ROWS])
                           if (title := _title(row)) and title[1] is table)
    label = f"table {name}" + (f" (sheet {sheet})" if sheet else "")
    start = next((i for i in range(title_row + 1, len(rows)) if _area_of(rows[i], context)[0]), None)
    if start is None:
        unmapped.append(Problem(file_name, where(title_row, 0),
                                f"no row of {label} names an area Scorecard knows",
                                "Keep the LA codes and names down the side as published"))
        return None
    headers = _headers(rows, merged, title_row + 1, start, _area_of(rows[start], context)[1])
    header_rows = f"{sheet}!{title_row + 2}:{start}" if sheet else f"lines {title_row + 2} to {start}"
    default_year = _title_year(rows[title_row:title_row + 4])
    years = {column: next((y for cell in path if (y := heading_year(cell))), default_year)
             for column, path in headers.items()}

    measures = []  # (measure, indicator, {part: {year: column}})
    for measure in table.measures:
        indicator = context.catalogue.indicators.get(measure.indicator_id)
        parts = {part: getattr(measure, part) for part in ("numerator", "denominator", "value")
                 if getattr(measure, part)}
        if indicator is None:
            continue
        columns = {part: {} for part in parts}
        for column, path in headers.items():
            for part, pattern in parts.items():
                if any(re.search(pattern, cell) for cell in path):
                    if years[column] is None:
                        problems.append(Problem(
                            file_name, where(start - 1, column),
                            f"no year heads this column of {label}, and its title names none",
                            "Keep the published header and title rows (years such as 2015 or 2014/15)"))
                        return None
                    columns[part].setdefault(years[column], column)
        if columns.get("numerator") or columns.get("value"):  # a shared denominator alone is not the measure
            measures.append((measure, indicator, columns))
            for part in ("numerator", "value"):
                if part in columns and not columns[part]:
                    what = "count" if part == "numerator" else "published figure"
                    problems.append(Problem(
                        file_name, header_rows,
                        f"{label} has no column headed like '{_words(parts[part])}' "
                        f"(the {what} of {measure.indicator_id})",
                        "Keep the published header rows: Scorecard finds columns by these words"))
    if not measures:
        expected = "; ".join(f"'{_words(m.value or m.numerator)}' ({m.indicator_id})" for m in table.measures)
        unmapped.append(Problem(file_name, header_rows,
                                f"{label} has none of the columns Scorecard maps: {expected}",
                                "Its figures are not loaded; keep the published header rows"))
        return None

    records = []
    for index in range(start, len(rows)):
        area, _ = _area_of(rows[index], context)
        if area is None:
            continue
        row = rows[index]
        for measure, indicator, columns in measures:
            for year in sorted({year for found in columns.values() for year in found}):
                cells = {part: found[year] for part, found in columns.items() if year in found}
                texts = {part: row[column] if column < len(row) else "" for part, column in cells.items()}
                if not any(texts.values()):
                    continue  # nothing published for this area and year
                period = year_ending(year, indicator.period_type, indicator.measure_type)
                record = {"indicator_id": measure.indicator_id, "area_code": area.code,
                          "level": area.level, "period": period, "at": where(index, 0)}
                for part in ("numerator", "denominator", "value"):
                    record[part] = texts.get(part, "")
                    record[f"{part}_at"] = where(index, cells[part]) if part in cells else ""
                records.append(record)
    frame = pd.DataFrame(records)
    if frame.empty:
        return None
    frame = frame[frame["period"].notna()].reset_index(drop=True)
    duplicated = frame.duplicated(["indicator_id", "area_code", "period"])
    for position in frame.index[duplicated][:5]:
        area_code = frame.at[position, "area_code"]
        problems.append(Problem(file_name, frame.at[position, "at"],
                                f"a second row for {area_code} in {label}; the first is kept",
                                "Check the table: each area should appear once", Severity.WARNING))
    frame = frame[~duplicated].reset_index(drop=True)

    parsed = {}
    for part in ("numerator", "denominator", "value"):
        parsed[part] = values = parse_values(frame[part])
        for position in frame.index[values.not_a_number | values.excel_error][:20]:
            problems.append(Problem(file_name, frame.at[position, f"{part}_at"],
                                    f"'{frame.at[position, part]}' is not a number or a known symbol",
                                    "Correct the value, or use a symbol such as x or .."))
        for position in frame.index[values.value < 0][:20]:
            problems.append(Problem(file_name, frame.at[position, f"{part}_at"],
                                    f"{frame.at[position, part]} is negative; a count or rate cannot be",
                                    "Correct the value"))
    status = parsed["numerator"].status.where(parsed["numerator"].status != "", parsed["value"].status)
    status = status.where(status != "", parsed["denominator"].status)
    rounding = _rounding(rows)
    return observations(
        indicator_id=frame["indicator_id"].to_numpy(),
        area_code=frame["area_code"].to_numpy(),
        period=[p.label for p in frame["period"]],
        period_type=[p.type.value for p in frame["period"]],
        period_start=[p.start for p in frame["period"]],
        period_end=[p.end for p in frame["period"]],
        numerator=parsed["numerator"].value.to_numpy(),
        denominator=parsed["denominator"].value.to_numpy(),
        value=parsed["value"].value.to_numpy(),
        status=status.to_numpy(),
        count_rounding=pd.array([rounding.get(level) for level in frame["level"]], dtype="Int64"),
    )


def _area_of(row: list[str], context: LoadContext):
    """The area a row is about and the column of its name: LA codes (old, new or both)
    then a name, or a name alone (England, regions). A note, a title or a header gives None."""
    coded = None
    for column, cell in enumerate(row[:5]):
        if not cell:
            continue
        if CODE.match(cell):
            coded = coded or context.areas.resolve(cell, "la") or context.areas.resolve(cell)
            continue
        if len(cell) > 60:
            return None, column  # a note
        # 'Sunderland5': a footnote digit glued to the name
        named = context.areas.resolve(cell) or context.areas.resolve(re.sub(r"[\d,]+$", "", cell))
        area = coded or named  # the code wins over a name spelt another way
        return (area if area is not None and area.level in LEVELS else None), column
    return None, None


def _headers(rows: list[list[str]], merged: list, top: int, bottom: int, label: int) -> dict[int, list[str]]:
    """The header cells above each value column (those right of the names), top to bottom.
    A merged header holds its text in its first cell only, so the text is copied across
    its range; years typed once over their columns are carried rightwards, and so is all
    group text where the sheet records no merges (a CSV, a hand-built copy)."""
    block = [list(rows[r]) for r in range(top, bottom)]
    width = max((len(row) for row in block), default=0)
    for row in block:
        row.extend([""] * (width - len(row)))
    for (first_row, first_column), (last_row, last_column) in merged:
        if first_row >= bottom or last_row < top or first_column >= len(rows[first_row]):
            continue  # outside the header rows (the title's merge, notes below)
        text = rows[first_row][first_column]
        for r in range(max(first_row, top), min(last_row, bottom - 1) + 1):
            for c in range(first_column, min(last_column, width - 1) + 1):
                block[r - top][c] = block[r - top][c] or text
    filled = [r for r, row in enumerate(block) if any(row[label + 1:])]
    for r in filled[:-1]:  # never the lowest header row: its cells each head their own column
        carried = ""
        for c in range(label + 1, width):
            if block[r][c]:
                carried = block[r][c]
            elif carried and (not merged or heading_year(carried)):
                block[r][c] = carried
    return {c: [row[c].lower() for row in block if row[c]] for c in range(label + 1, width)}


def heading_year(text: str) -> int | None:
    """The year a heading ends: 2011 -> 2011, 2013/14 -> 2014, '20132' (footnote 2) -> 2013."""
    match = YEAR.match(text)
    return _ending(match) if match else None


def _ending(match: re.Match) -> int:
    first, second = int(match.group(1)), match.group(2)
    if not second:
        return first
    end = int(second) if len(second) == 4 else first // 100 * 100 + int(second)
    return end + 100 if end < first else end


def _title_year(rows: list[list[str]]) -> int | None:
    """The latest year the title rows name ('Years: 2015', 'Year ending 31 March 2015')."""
    years = [_ending(m) for row in rows for cell in row if "year" in cell.lower()
             for m in YEARS_IN_TEXT.finditer(cell)]
    return max(years, default=None)


def _rounding(rows: list[list[str]]) -> dict[str, int]:
    """What the notes say counts are rounded to, by level: SFR34 rounds national and
    regional totals to the nearest 10 and local authority numbers to the nearest 5."""
    found: dict[str, int] = {}
    for row in rows:
        for cell in row:
            for clause in re.split(r"[,;]|\.\s", cell) if "rounded" in cell else ():
                text = clause.lower()
                match = ROUNDED.search(clause)
                if not match or not re.search(r"number|figure|count|total", text) or "percent" in text:
                    continue  # not about counts ('percentages rounded to the nearest whole number')
                levels = [level for level, words in (("la", r"local authorit"), ("england", r"national|england"),
                                                     ("region", r"region"), ("subregion", r"region"))
                          if re.search(words, text)]
                for level in levels or LEVELS:
                    found.setdefault(level, int(match.group(1)))
    return found


def _words(pattern: str) -> str:
    """A header pattern as words for a message: '^rates?(?:\\d|\\s|$)' -> 'rates'."""
    text = re.sub(r"\(\?[!=][^)]*\)", "", pattern)  # lookaheads
    text = re.sub(r"\(\?:(?:\\[ds]|\$|\|)+\)", "", text)  # what may follow: a footnote digit, the end
    text = re.sub(r"\(\?:|\\[ds][*+?]?|[\^$?\\()]", "", text)
    return " ".join(text.replace("|", " or ").replace(".*", " ").split())


def _publication(source) -> tuple[str, str] | None:
    """The release's reference ('34', '2015') from the file name or the sheets' first rows."""
    texts = [source.name] + [cell for rows in _heads(source).values() for row in rows for cell in row]
    return next(((m.group(1), m.group(2)) for text in texts if (m := PUBLICATION.search(text))), None)


def _file_year(name: str) -> str:
    """The year in a file's name (the publication year in DfE's names), or ''."""
    found = FILE_YEAR.findall(name)
    return found[-1] if found else ""
