"""Published DfE local authority tables: sheet LAA1 of the real SFR34/2015 workbook, and a
small messy copy built here to show symbols and bad cells are reported by cell."""

from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from loaders.context import LoadContext
from loaders.pipeline import load_file
from scorecard import schema
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.reference import sync_reference
from scorecard.store import Store

PUBLIC = Path(__file__).resolve().parents[2] / "shared" / "data" / "public"
SFR34 = PUBLIC / "cla_la_tables_2015_sfr34.xlsx"
DUDLEY, ENGLAND = "E08000027", "E92000001"


def new_store(folder: Path) -> tuple[Store, LoadContext]:
    catalogue, areas = load_catalogue(), load_areas()
    store = Store.open(folder / "tables.duckdb", create=True)
    sync_reference(store, catalogue, areas)
    return store, LoadContext(catalogue, areas, DUDLEY)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    store, context = new_store(tmp_path_factory.mktemp("sfr34"))
    # The published file as it is, with its 23 stale external link parts (no cell uses them).
    report = load_file(store, SFR34, context, user="test")
    yield store, report
    store.close()


def cla(store, area_code, period):
    rows = store.table(schema.observation, indicator_id="cla_rate", area_code=area_code, period=period)
    assert len(rows) == 1
    return rows.iloc[0]


def test_laa1_loads_as_a_published_table(loaded):
    _store, report = loaded
    assert (report.status, report.kind) == ("loaded", "dfe_la_table")
    assert not report.problems


def test_dudley_610_and_rate_90_at_31_march_2011(loaded):
    store, _ = loaded
    row = cla(store, DUDLEY, "31 Mar 2011")
    assert (row["numerator"], row["value"], row["status"]) == (610, 90, "")
    assert cla(store, DUDLEY, "31 Mar 2015")["numerator"] == 740


def test_england_and_every_la_row(loaded):
    store, _ = loaded
    row = cla(store, ENGLAND, "31 Mar 2011")
    assert (row["numerator"], row["value"]) == (65510, 58)
    sheet = CalamineWorkbook.from_path(str(SFR34)).get_sheet_by_name("LAA1").to_python()
    coded = [r for r in sheet if isinstance(r[0], float) and r[1]]  # an LA code down the side
    loaded_las = store.table(schema.observation, indicator_id="cla_rate")
    la_codes = {code for code in loaded_las["area_code"] if code[:3] in ("E06", "E08", "E09", "E10")}
    assert len(la_codes) == len(coded)
    assert set(loaded_las["period"]) == {f"31 Mar {year}" for year in range(2011, 2016)}


def messy_workbook(path: Path, dudley_2011: object = 610, rate_2012: object = 100) -> Path:
    """LAA1's shape: title rows, merged group headers with footnote digits, notes below."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "LAA1"
    sheet["A2"] = "Table LAA1:  Children looked after at 31 March, by Local Authority1,2"
    sheet["A3"] = "Years ending 31 March 2011 to 2012"
    sheet["C5"], sheet["F5"] = "numbers3", "rates4"
    sheet.merge_cells("C5:D5")
    sheet.merge_cells("F5:G5")
    sheet.append([])
    for cell, year in zip(("C6", "D6", "F6", "G6"), (2011, 2012, 2011, 2012), strict=True):
        sheet[cell] = year
    sheet.append(["", "England", 65510, 67070, "", 58, 59])
    sheet.append([332, "Dudley", dudley_2011, 675, "", 90, rate_2012])
    sheet.append([335, "Walsall", "x", "..", "", "x", ".."])
    sheet.append([])
    sheet.append(["3.  Local authority figures have been rounded to the nearest 5."])
    workbook.save(path)
    return path


def test_a_messy_copy_keeps_symbols_not_zeros(tmp_path):
    store, context = new_store(tmp_path)
    report = load_file(store, messy_workbook(tmp_path / "laa1.xlsx"), context, user="test")
    assert report.status == "loaded", [str(problem) for problem in report.problems]
    walsall = store.table(schema.observation, indicator_id="cla_rate", area_code="E08000030")
    assert dict(zip(walsall["period"], walsall["status"], strict=True)) == {"31 Mar 2011": "x", "31 Mar 2012": ".."}
    assert walsall["numerator"].isna().all() and walsall["value"].isna().all()
    assert cla(store, DUDLEY, "31 Mar 2012")["value"] == 100
    store.close()


def test_a_bad_cell_is_named_and_nothing_loads(tmp_path):
    store, context = new_store(tmp_path)
    report = load_file(store, messy_workbook(tmp_path / "bad.xlsx", dudley_2011="six hundred"), context, user="test")
    assert report.status == "refused"
    (problem,) = report.problems
    assert problem.location == "LAA1!C8"
    assert "'six hundred' is not a number" in problem.message
    assert store.table(schema.observation).empty and store.loads().empty
    store.close()


def test_a_negative_rate_is_named(tmp_path):
    store, context = new_store(tmp_path)
    report = load_file(store, messy_workbook(tmp_path / "neg.xlsx", rate_2012=-100), context, user="test")
    assert report.status == "refused"
    assert [problem.location for problem in report.problems] == ["LAA1!G8"]
    assert "-100 is negative" in report.problems[0].message
    assert store.table(schema.observation).empty and store.loads().empty
    store.close()
