"""DfE's statistical neighbour workbook as DfE publishes it (sn_may_2025.xlsx): the header
on row 3 under rows of column letters and numbers, found by its content in a workbook or
a CSV alike; the model named from the file; refusals that say where a damaged copy goes wrong."""

import csv
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from loaders.context import LoadContext
from loaders.pipeline import load_file, read_file
from loaders.problems import errors
from loaders.tables import cell_text
from scorecard import schema
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.reference import sync_reference
from scorecard.store import Store
from tests.paths import PUBLIC

WORKBOOK = PUBLIC / "statistical_neighbours_may_2025.xlsx"
DUDLEY = "E08000027"
SHEET = "LA SN Groups"


@pytest.fixture(scope="module")
def context():
    return LoadContext(load_catalogue(), load_areas(), DUDLEY)


@pytest.fixture(scope="module")
def rows():
    """The sheet as DfE wrote it, from A1, as text."""
    found = CalamineWorkbook.from_path(str(WORKBOOK)).get_sheet_by_name(SHEET).to_python(skip_empty_area=False)
    return [[cell_text(value) for value in cells] for cells in found]


def write_workbook(path: Path, rows: list[list[str]]) -> Path:
    """The rows as a workbook; codes become number cells, as in DfE's file."""
    typed = [[int(cell) if cell.isdigit() else cell for cell in cells] for cells in rows]
    pd.DataFrame(typed).to_excel(path, sheet_name=SHEET, header=False, index=False)
    return path


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows(rows)
    return path


def dudley_row(rows) -> int:
    return next(index for index, cells in enumerate(rows) if cells[1] == "Dudley")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, context):
    store = Store.open(tmp_path_factory.mktemp("sn") / "sn.duckdb", create=True)
    sync_reference(store, context.catalogue, context.areas)
    report = load_file(store, WORKBOOK, context, user="test")
    yield store, report
    store.close()


def test_the_published_workbook_loads_as_the_2025_model(loaded):
    store, report = loaded
    assert (report.status, report.kind, report.problems) == ("loaded", "neighbours_2025", [])
    members = store.table(schema.comparator)
    assert set(members["model"]) == {"sn_2025"}
    assert members["area_code"].nunique() == 158 and len(members) == 1580


def test_dudleys_nearest_neighbours(loaded, context):
    store, _ = loaded
    members = store.table(schema.comparator, area_code=DUDLEY).sort_values("position")
    old_codes = [context.areas.get(code).old_code for code in members["member_code"]]
    assert old_codes[:3] == ["384", "894", "808"]  # Wakefield, Telford and Wrekin, Stockton-on-Tees
    assert list(members["closeness"][:3]) == ["Very close"] * 3
    assert list(members["position"]) == list(range(1, 11))


def test_the_same_rows_as_csv_with_the_header_lower_down(rows, tmp_path, context):
    from_csv = read_file(write_csv(tmp_path / "statistical_neighbours_may_2025.csv", rows), context)
    from_xlsx = read_file(WORKBOOK, context)
    assert from_csv[0] == "neighbours_2025" and not from_csv[2]
    pd.testing.assert_frame_equal(from_csv[1].tables["comparator"], from_xlsx[1].tables["comparator"])


def test_the_model_year_from_a_title_when_the_name_has_none(rows, tmp_path, context):
    titled = [["Statistical neighbours, May 2025"] + [""] * (len(rows[0]) - 1), *rows]
    kind, batch, problems, _rows = read_file(write_workbook(tmp_path / "neighbours.xlsx", titled), context)
    assert kind == "neighbours_2025" and not problems
    assert set(batch.tables["comparator"]["model"]) == {"sn_2025"}


def test_a_missing_code_column_is_refused_at_the_header(rows, tmp_path, context):
    copy = [list(cells) for cells in rows]
    copy[2][0] = copy[2][2] = "Authority"  # 'LA num' and 'LA number'
    _kind, _batch, problems, _rows = read_file(write_workbook(tmp_path / "sn_2025.xlsx", copy), context)
    (problem,) = errors(problems)
    assert problem.file == "sn_2025.xlsx" and problem.location == f"{SHEET}!A3:Y3"
    assert "no column with each LA's own code" in problem.message and "as DfE publishes it" in problem.action


def test_a_bad_code_is_refused_at_its_cell(rows, tmp_path, context):
    copy = [list(cells) for cells in rows]
    copy[dudley_row(rows)][7] = "89A"  # SN2
    _kind, _batch, problems, _rows = read_file(write_csv(tmp_path / "sn_2025.csv", copy), context)
    (problem,) = errors(problems)
    assert problem.location == f"line {dudley_row(rows) + 1}, column SN2"
    assert problem.message == "neighbour code '89A' is not an English local authority Scorecard knows"
