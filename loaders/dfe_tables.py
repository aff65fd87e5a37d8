"""Published DfE local authority tables, such as sheet LAA1 of the CLA statistical release:
LAs down the side, years across, numbers and rates side by side under merged headers with
footnote digits glued on ('numbers3', 'rates4'), title rows above and notes below.

Each known table names the indicator it holds and which header group is the count and
which the published value; the sheet's own layout (where the header rows, the name and
code columns are) is found from its content, so moved columns or extra rows still read.
"""

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from loaders.context import LoadContext
from loaders.problems import Problem
from loaders.tables import cell_text, column_letter
from loaders.tidy import FileBatch, observations
from loaders.values import parse_values
from scorecard import periods

KINDS = ("dfe_la_table",)


@dataclass(frozen=True)
class KnownTable:
    title: re.Pattern  # matched against the title rows
    indicator_id: str
    numerator_group: str  # header group of counts, footnote digits removed
    value_group: str  # header group of published values
    on_31_march: bool = True  # years are 'year ending 31 March', figures counts on that day


KNOWN_TABLES = (
    KnownTable(re.compile(r"table \w+:\s*children looked after at 31 march, by local authority", re.I), "cla_rate", "numbers", "rates"),
)
YEAR = re.compile(r"^(19|20)\d{2}$")


def _rows(source, sheet: str) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    # From A1, so list positions are the sheet's own rows and columns (cell names in problems).
    rows = CalamineWorkbook.from_path(str(source.path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return [[cell_text(value).strip() for value in row] for row in rows]


def _known(rows: list[list[str]]) -> KnownTable | None:
    title = " ".join(cell for row in rows[:6] for cell in row if cell)
    return next((table for table in KNOWN_TABLES if table.title.search(title)), None)


def _tables(source) -> list[tuple[str, KnownTable]]:
    """The sheets of the workbook that hold a table Scorecard knows."""
    if source.suffix != ".xlsx":
        return []
    cached = getattr(source, "_dfe_tables", None)
    if cached is None:
        cached = []
        for sheet in source.sheet_names:
            rows = _rows(source, sheet)
            if (table := _known(rows)) is not None:
                cached.append((sheet, table))
        source._dfe_tables = cached
    return cached


def detect(source) -> str | None:
    return "dfe_la_table" if _tables(source) else None


def read(source, kind: str, context: LoadContext, problems: list[Problem]) -> FileBatch:
    frames = [
        read_table(source.name, sheet, _rows(source, sheet), table, context, problems)
        for sheet, table in _tables(source)
    ]
    if not frames:
        problems.append(
            Problem(source.name, "", "no sheet holds a DfE table Scorecard knows",
                    "Scorecard reads tables such as LAA1 (children looked after at 31 March)")
        )
        return FileBatch({"observation": observations(indicator_id=[], area_code=[], period=[], period_type=[],
                                                       period_start=[], period_end=[])})
    source.rows_read = sum(len(frame) for frame in frames)
    return FileBatch({"observation": pd.concat(frames, ignore_index=True)})


def read_table(file_name: str, sheet: str, rows: list[list[str]], table: KnownTable,
               context: LoadContext, problems: list[Problem]) -> pd.DataFrame:
    def where(row: int, column: int) -> str:
        return f"{sheet}!{column_letter(column + 1)}{row + 1}"

    year_row = next(
        (i for i, row in enumerate(rows) if sum(bool(YEAR.match(cell)) for cell in row) >= 2), None
    )
    if year_row is None:
        problems.append(Problem(file_name, f"{sheet}!A1", "no row of years (2011, 2012...) heads the table",
                                "Keep the published header rows"))
        return pd.DataFrame()
    # The group row above the years: merged cells hold their text in the first column only.
    groups, current = {}, ""
    for column, cell in enumerate(rows[year_row - 1] if year_row else []):
        if cell:
            current = re.sub(r"[\d,\s]+$", "", cell).strip().lower()  # 'numbers3' -> 'numbers'
        groups[column] = current
    columns = {}  # (group, year) -> column
    for column, cell in enumerate(rows[year_row]):
        if YEAR.match(cell):
            columns[(groups.get(column, ""), int(cell))] = column
    missing = [group for group in (table.numerator_group, table.value_group)
               if not any(key[0] == group for key in columns)]
    for group in missing:
        problems.append(Problem(file_name, where(year_row - 1, 0), f"no '{group}' columns above the years",
                                "Keep the published header rows"))
    if missing:
        return pd.DataFrame()

    records = []
    for index in range(year_row + 1, len(rows)):
        row = rows[index]
        area, name_column = _area_of(row, context)
        if area is None:
            continue
        for year in sorted({year for _group, year in columns}):
            period = periods.snapshot(date(year, 3, 31)) if table.on_31_march else periods.financial_year(year - 1)
            count_column = columns.get((table.numerator_group, year))
            value_column = columns.get((table.value_group, year))
            records.append(
                {
                    "area_code": area.code,
                    "period": period,
                    "count": row[count_column] if count_column is not None else "",
                    "value": row[value_column] if value_column is not None else "",
                    "count_at": where(index, count_column) if count_column is not None else "",
                    "value_at": where(index, value_column) if value_column is not None else "",
                }
            )
    frame = pd.DataFrame(records)
    if frame.empty:
        problems.append(Problem(file_name, where(year_row + 1, 0), "no rows name an area Scorecard knows",
                                "Keep the LA codes and names down the side as published"))
        return frame
    count = parse_values(frame["count"])
    value = parse_values(frame["value"])
    for parsed, text, at in ((count, "count", "count_at"), (value, "value", "value_at")):
        for position in frame.index[parsed.not_a_number | parsed.excel_error][:20]:
            problems.append(Problem(file_name, frame.at[position, at],
                                    f"'{frame.at[position, text]}' is not a number or a known symbol",
                                    "Correct the value, or use a symbol such as x or .."))
        for position in frame.index[parsed.value < 0][:20]:
            problems.append(Problem(file_name, frame.at[position, at],
                                    f"{frame.at[position, text]} is negative; a count or rate cannot be",
                                    "Correct the value"))
    status = count.status.where(count.status != "", value.status)
    return observations(
        indicator_id=table.indicator_id,
        area_code=frame["area_code"].to_numpy(),
        period=[p.label for p in frame["period"]],
        period_type=[p.type.value for p in frame["period"]],
        period_start=[p.start for p in frame["period"]],
        period_end=[p.end for p in frame["period"]],
        numerator=count.value.to_numpy(),
        value=value.value.to_numpy(),
        status=status.to_numpy(),
    )


def _area_of(row: list[str], context: LoadContext):
    """The area a row is about: an LA code then its name, or a name alone (England, regions)."""
    for column, cell in enumerate(row[:4]):
        if not cell or YEAR.match(cell):
            continue
        if cell.isdigit():
            name = row[column + 1] if column + 1 < len(row) else ""
            area = context.areas.resolve(cell)
            if area is not None and (not name or area.level == "la"):
                return area, column
            continue
        if len(cell) <= 60 and (area := context.areas.resolve(cell)) is not None:
            return area, column
        return None, column  # a note or a title
    return None, None

