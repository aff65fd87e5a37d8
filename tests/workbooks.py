"""Small workbooks built inside tests: filled templates, council scorecards, bad files.

Also the helpers every load test needs: a fresh store with the reference data, and a
snapshot of every table's contents to prove a refused load changed nothing.
"""

import functools
import shutil
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.styles import Font, PatternFill

from loaders.context import LoadContext
from loaders.template import COLUMNS, write_template
from scorecard import schema
from scorecard.areas import AREAS_CSV, load_areas
from scorecard.catalogue import load_catalogue
from scorecard.periods import parse_period
from scorecard.reference import sync_reference
from scorecard.store import Store
from tests.paths import EXAMPLE_LOCALITIES

DUDLEY = "E08000027"
QUARTER = "2025-26 Q3"
CHANGING_TABLES = [
    schema.observation, schema.observation_revision, schema.target, schema.target_revision,
    schema.population, schema.comparator, schema.commentary, schema.load,
]


_EMPTY_DATABASE: list[Path] = []


def fresh_store(tmp_path: Path, name: str = "scorecard.duckdb") -> tuple[Store, LoadContext]:
    """A new database with the schema and reference data: built once, then copied (fast)."""
    catalogue, areas = load_catalogue(), load_areas(AREAS_CSV, EXAMPLE_LOCALITIES)
    if not _EMPTY_DATABASE or not _EMPTY_DATABASE[0].exists():
        empty = Path(tempfile.mkdtemp()) / "empty.duckdb"
        with Store.open(empty, create=True) as store:
            sync_reference(store, catalogue, areas)
        _EMPTY_DATABASE[:] = [empty]
    shutil.copyfile(_EMPTY_DATABASE[0], tmp_path / name)
    return Store.open(tmp_path / name), LoadContext(catalogue, areas, DUDLEY)


def contents(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table a load can change, sorted, for before/after comparisons."""
    found = {}
    for table in CHANGING_TABLES:
        frame = store.table(table)
        found[table.name] = sorted(
            (tuple("<NA>" if pd.isna(value) else str(value) for value in row) for row in frame.itertuples(index=False)),
        )
    return found


def column_of(header: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter([name for name, _, _ in COLUMNS].index(header) + 1)


def template_rows(path: Path) -> dict[tuple[str, str], int]:
    """(indicator id, area code) -> row number in a written template's Data sheet."""
    stat = Path(path).stat()
    return dict(_template_rows(str(path), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=64)
def _template_rows(path: str, _mtime: int, _size: int) -> dict[tuple[str, str], int]:
    book = openpyxl.load_workbook(path, read_only=True)
    headers = [name for name, _, _ in COLUMNS]
    ids, codes = headers.index("indicator_id"), headers.index("area_code")
    try:
        return {
            (row[ids], row[codes]): number
            for number, row in enumerate(book["Data"].iter_rows(min_row=2, values_only=True), start=2)
            if len(row) > codes
        }
    finally:
        book.close()


_BLANKS: dict[str, Path] = {}


def filled_template(
    path: Path, context: LoadContext, fills: dict[tuple[str, str], dict[str, object]],
    quarter: str = QUARTER, store: Store | None = None, edit=None,
) -> dict[tuple[str, str], int]:
    """Write the template for a quarter, type `fills` into it ({(indicator, area): {column: value}}),
    let `edit(sheet, rows)` do anything else, save it; returns the row numbers."""
    if store is None:  # a blank template is the same for the same quarter and localities: write it once
        key = (quarter, tuple(local.code for local in context.areas.localities(DUDLEY)))
        blank = _BLANKS.get(key)
        if blank is None or not blank.exists():
            blank = Path(tempfile.mkdtemp()) / f"blank {quarter}.xlsx"
            write_template(blank, context.catalogue, context.areas, parse_period(quarter), DUDLEY)
            _BLANKS[key] = blank
        shutil.copyfile(blank, path)
    else:
        write_template(path, context.catalogue, context.areas, parse_period(quarter), DUDLEY, store)
    rows = template_rows(path)
    book = openpyxl.load_workbook(path)
    sheet = book["Data"]
    for key, values in fills.items():
        for header, value in values.items():
            sheet[f"{column_of(header)}{rows[key]}"] = value
    if edit is not None:
        edit(sheet, rows)
    book.save(path)
    return rows


def cell(path: Path, key: tuple[str, str], header: str) -> str:
    """The name of a template cell ('Data!I14'), as problems give it."""
    return f"Data!{column_of(header)}{template_rows(path)[key]}"


# -- the council layout --------------------------------------------------------------------------

COUNCIL_PERIODS = ["2009/10", "Q1 2010/11", "2010-11 Q2", "Dec-10"]
COUNCIL_HEADER_ROW = 5  # title rows above it


def council_workbook(path: Path, rows: list[list[object]] | None = None, periods: list[str] | None = None) -> Path:
    """A council scorecard as analysts make them: title rows, a header of periods with Ref,
    Polarity, Target, RAG and Comments beside them, merged section rows, numbers typed as
    text, a RAG column coloured by hand, and notes under the table.

    Each row is [ref, title, polarity, *period values, target, rag, comment]; a row of one
    string is a section heading."""
    periods = periods or COUNCIL_PERIODS
    rows = rows if rows is not None else COUNCIL_ROWS
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Scorecard"
    sheet["A1"] = "Dudley Children and Young People's Plan: performance scorecard"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = "Quarter 3 2010/11. Produced by the Performance Team"
    sheet["A3"] = "Figures are provisional until the annual returns are published."
    header = ["Ref", "Indicator", "Polarity", *periods, "Target 2010/11", "RAG", "Comments"]
    for column, text in enumerate(header, start=1):
        sheet.cell(row=COUNCIL_HEADER_ROW, column=column, value=text).font = Font(bold=True)
    fills = {"green": "FF00B050", "amber": "FFFFC000", "red": "FFFF0000"}
    number = COUNCIL_HEADER_ROW
    for row in rows:
        number += 1
        if len(row) == 1:  # a section heading merged across the table
            sheet.cell(row=number, column=1, value=row[0]).font = Font(bold=True)
            sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=len(header))
            continue
        for column, value in enumerate(row, start=1):
            sheet.cell(row=number, column=column, value=value)
        rag = row[len(header) - 2]
        if isinstance(rag, str) and rag.lower() in fills:
            sheet.cell(row=number, column=len(header) - 1).fill = PatternFill("solid", fgColor=fills[rag.lower()])
    sheet.cell(row=number + 2, column=1, value="Notes")
    sheet.cell(row=number + 3, column=1, value="1. CLA rate per 10,000 children aged under 18, at the end of the period.")
    sheet.cell(row=number + 4, column=1, value="2. NEET figures are for 16 to 18 year olds; source Connexions.")
    book.save(path)
    return path


COUNCIL_ROWS = [
    ["STAYING SAFE"],
    ["", "Looked after children rate per 10,000", "Neither", "77", "80", " 82 ", "85", "", "", "Rising since 2009"],
    ["NI 62", "Stability of placements: 3 or more moves", "Low", "11.2%", "3.1%", "5.9%", "8.5%", "10", "Green", ""],
    ["NI 64", "Child protection plans lasting 2 years or more", "Low", "6.1", "c", "[x]", "5", "7", "Amber",
     "Two long plans ended this quarter"],
    ["BEING HEALTHY"],
    ["ni-112", "Teenage conceptions", "Low", "41.2", "", "", "", "40", "Red", ""],
    ["ENJOYING AND ACHIEVING"],
    ["NI 75", "5 A*-C including English and maths", "High", "48.9", "", "", "", "52", "Red", "Results in August"],
    ["POSITIVE CONTRIBUTION"],
    ["NI 111", "First time entrants", "Low", "1,281", "301", "288", "270", "1200", "Green", ""],
    ["ECONOMIC WELLBEING"],
    ["", "NEET 16-18", "Low", "7.9", "6.2", "5.8", "6.4", "7", "Green", "Seasonal rise expected in Q3"],
]


def dudley_cla_csv(path: Path, year: int = 2019, children="600", rate="86") -> Path:
    """A one-row DfE children looked after CSV for Dudley, as an analyst might upload."""
    path.write_text(
        "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
        "old_la_code,la_name,new_la_code,population_type,population_estimate,children_count,rate_per_10000\n"
        f"{year},Reporting year,Local authority,E92000001,England,E12000005,West Midlands,332,Dudley,E08000027,"
        f"Children looked after on 31 March each year,70000,{children},{rate}\n"
    )
    return path


def new_store(folder: Path, name: str = "scorecard.duckdb"):
    """A fresh DuckDB store in `folder` with the reference data, and a load context for Dudley."""
    from loaders.context import LoadContext
    from scorecard.areas import load_areas
    from scorecard.catalogue import load_catalogue
    from scorecard.reference import sync_reference
    from scorecard.store import Store

    catalogue, areas = load_catalogue(), load_areas(AREAS_CSV, EXAMPLE_LOCALITIES)
    store = Store.open(Path(folder) / name, create=True)
    sync_reference(store, catalogue, areas)
    return store, LoadContext(catalogue, areas, "E08000027")
