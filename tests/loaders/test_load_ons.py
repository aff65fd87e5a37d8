"""The ONS mid-year estimates workbook as ONS publishes it (mye23tablesew.xlsx): populations
for the bases Scorecard's rates use, for England, the regions and every LA; a later release
of the same layout; and refusals that say where a damaged copy goes wrong."""

from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from loaders.context import LoadContext
from loaders.pipeline import load_file, read_file
from loaders.problems import Severity, errors
from scorecard import schema
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.reference import sync_reference
from scorecard.store import Store
from tests.paths import PUBLIC

MYE = PUBLIC / "ons_mye23tablesew.xlsx"
DUDLEY, ENGLAND, WEST_MIDLANDS = "E08000027", "E92000001", "E12000005"
SHEETS = ("MYE2 - Persons", "MYE2 - Females")


@pytest.fixture(scope="module")
def context():
    return LoadContext(load_catalogue(), load_areas(), DUDLEY)


@pytest.fixture(scope="module")
def sheets():
    """The two MYE2 sheets as ONS wrote them, from A1."""
    book = CalamineWorkbook.from_path(str(MYE))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in SHEETS}


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A copy of the MYE2 sheets (rows from A1), so a test can change a cell."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, rows in sheets.items():
            pd.DataFrame(rows).to_excel(writer, sheet_name=name, header=False, index=False)
    return path


def edited(sheets, sheet, row, column, value):
    copy = {name: [list(cells) for cells in rows] for name, rows in sheets.items()}
    copy[sheet][row][column] = value
    return copy


def row_of(rows, code):
    return next(index for index, cells in enumerate(rows) if cells[0] == code)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, context):
    catalogue, areas = context.catalogue, context.areas
    store = Store.open(tmp_path_factory.mktemp("ons") / "ons.duckdb", create=True)
    sync_reference(store, catalogue, areas)
    report = load_file(store, MYE, context, user="test")
    yield store, report
    store.close()


def population(store, area_code, age_band, sex="persons", mid_year=2023):
    rows = store.table(schema.population, area_code=area_code, age_band=age_band, sex=sex, mid_year=mid_year)
    assert len(rows) == 1, (area_code, age_band, sex, mid_year, len(rows))
    return rows.iloc[0]


def test_loads_as_ons_estimates_without_a_problem(loaded):
    _store, report = loaded
    assert (report.status, report.kind, report.problems) == ("loaded", "ons_mid_year_estimates", [])


def test_dudley_children_as_published(loaded, sheets):
    store, _ = loaded
    dudley = population(store, DUDLEY, "0-17")
    # The sum of single ages 0 to 17: the population DfE's CIN rate of 317.5 was worked out with.
    assert dudley["count"] == 69_761 and dudley["status"] == ""
    assert dudley["vintage"] == "ONS mid-2023 population estimates (ons_mye23tablesew.xlsx)"
    assert dudley["source"] == "ONS/mid_year_estimates/2023"
    persons = sheets["MYE2 - Persons"][row_of(sheets["MYE2 - Persons"], DUDLEY)]
    assert population(store, DUDLEY, "10-17")["count"] == sum(persons[4 + 10 : 4 + 18])
    females = sheets["MYE2 - Females"][row_of(sheets["MYE2 - Females"], DUDLEY)]
    assert population(store, DUDLEY, "15-17", "female")["count"] == sum(females[4 + 15 : 4 + 18])


def test_england_regions_and_every_english_la(loaded, sheets):
    store, _ = loaded
    rows = sheets["MYE2 - Persons"]
    england = rows[row_of(rows, ENGLAND)]
    assert population(store, ENGLAND, "0-17")["count"] == sum(england[4:22])
    assert population(store, WEST_MIDLANDS, "0-17")["count"] > 1_000_000
    loaded_rows = store.table(schema.population)
    la_codes = {cells[0] for cells in rows if str(cells[0])[:3] in ("E06", "E08", "E09", "E10")}
    assert len(la_codes) == 153
    assert set(loaded_rows["area_code"]) == la_codes | {ENGLAND} | {f"E1200000{n}" for n in range(1, 10)}
    # Wales, districts and metropolitan counties are not children's services LAs: not loaded.
    assert not loaded_rows["area_code"].str.startswith(("W", "K", "E07", "E11")).any()
    assert len(loaded_rows) == 163 * 3
    assert set(zip(loaded_rows["age_band"], loaded_rows["sex"])) == {
        ("0-17", "persons"), ("10-17", "persons"), ("15-17", "female")}
    sources = store.frame(schema.source.select())
    assert sources.to_dict("records") == [{
        "id": "ONS/mid_year_estimates/2023", "publisher": "ONS", "dataset": "mid_year_estimates",
        "release": "2023", "kind": "official", "title": "ONS mid-year population estimates, mid-2023",
    }]


def test_a_later_release_of_the_same_layout(loaded, sheets, tmp_path, context):
    """Mid-2024 as ONS laid it out: the year comes from the sheet's title, not from code."""
    copy = {name: [list(cells) for cells in rows] for name, rows in sheets.items()}
    for rows in copy.values():
        rows[0][0] = rows[0][0].replace("mid-2023", "mid-2024")
        rows[row_of(rows, DUDLEY)][4] += 100  # another year's estimate
    path = write_workbook(tmp_path / "mye24tablesew.xlsx", copy)
    store, _ = loaded
    report = load_file(store, path, context, user="test")
    assert (report.status, report.kind, report.problems) == ("loaded", "ons_mid_year_estimates", [])
    later = population(store, DUDLEY, "0-17", mid_year=2024)
    assert later["count"] == 69_861 and later["source"] == "ONS/mid_year_estimates/2024"
    assert later["vintage"] == "ONS mid-2024 population estimates (mye24tablesew.xlsx)"
    assert population(store, DUDLEY, "0-17", mid_year=2023)["count"] == 69_761  # each release kept


def test_a_missing_code_column_is_refused_at_the_header(sheets, tmp_path, context):
    header = row_of(sheets["MYE2 - Persons"], "Code")
    path = write_workbook(tmp_path / "mye.xlsx", edited(sheets, "MYE2 - Persons", header, 0, "Area"))
    _kind, _batch, problems, _rows = read_file(path, context)
    (problem,) = errors(problems)
    assert problem.file == "mye.xlsx" and problem.location == "MYE2 - Persons!A8:CQ8"
    assert "no 'Code' column" in problem.message and "as ONS publishes it" in problem.action


def test_a_bad_number_is_refused_at_its_cell(sheets, tmp_path, context):
    rows = sheets["MYE2 - Persons"]
    path = write_workbook(tmp_path / "mye.xlsx", edited(sheets, "MYE2 - Persons", row_of(rows, DUDLEY), 9, "4,1O2"))
    _kind, _batch, problems, _rows = read_file(path, context)
    (problem,) = errors(problems)
    assert problem.location == f"MYE2 - Persons!J{row_of(rows, DUDLEY) + 1}"  # age 5
    assert problem.message == "'4,1O2' is not a number or a known symbol"


def test_a_symbol_is_kept_never_zero(sheets, tmp_path, context):
    rows = sheets["MYE2 - Persons"]
    path = write_workbook(tmp_path / "mye.xlsx", edited(sheets, "MYE2 - Persons", row_of(rows, DUDLEY), 20, "x"))
    _kind, batch, problems, _rows = read_file(path, context)
    assert not errors(problems)
    frame = batch.tables["population"]
    dudley = frame[(frame["area_code"] == DUDLEY) & (frame["sex"] == "persons")].set_index("age_band")
    assert dudley.at["0-17", "status"] == "x" and pd.isna(dudley.at["0-17", "count"])  # age 16 is in both
    assert dudley.at["10-17", "status"] == "x" and pd.isna(dudley.at["10-17", "count"])


def test_an_unknown_english_la_is_a_warning(sheets, tmp_path, context):
    rows = sheets["MYE2 - Persons"]
    path = write_workbook(tmp_path / "mye.xlsx", edited(sheets, "MYE2 - Persons", row_of(rows, DUDLEY), 0, "E06000099"))
    _kind, batch, problems, _rows = read_file(path, context)
    (warning,) = problems
    assert warning.severity == Severity.WARNING and "'Dudley' (E06000099)" in warning.message
    assert warning.location == f"MYE2 - Persons!A{row_of(rows, DUDLEY) + 1}"
    persons = batch.tables["population"].query("sex == 'persons'")
    assert DUDLEY not in set(persons["area_code"]) and len(persons) == 162 * 2


def test_a_workbook_without_the_title_year_is_refused(sheets, tmp_path, context):
    copy = {name: [list(cells) for cells in rows] for name, rows in sheets.items()}
    for rows in copy.values():
        rows[0][0] = "Persons by single year of age"
    _kind, _batch, problems, _rows = read_file(write_workbook(tmp_path / "population.xlsx", copy), context)
    assert {(problem.location, problem.message) for problem in errors(problems)} == {
        (f"{name}!A1", "the sheet does not say which mid-year its estimates are for") for name in SHEETS}
