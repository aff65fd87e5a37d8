"""Published DfE local authority tables: the real SFR34/2015 workbook (LAA1, and the
outcome tables LAI1 and LAI4), and small workbooks built here in the exact shapes of other
real tables, to show the kinds of layout read, the symbols kept, and the refusals that
name the sheet and the column."""

import zipfile
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from loaders import dfe_tables
from loaders.context import LoadContext
from loaders.pipeline import load_file, read_file
from scorecard import schema
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from tests.workbooks import new_store
from tests.workbooks import fresh_store
from tests.paths import PUBLIC

SFR34 = PUBLIC / "cla_la_tables_2015_sfr34.xlsx"
DUDLEY, ENGLAND = "E08000027", "E92000001"


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


# The outcome tables of the real workbook ---------------------------------------------------------


def figure(store, indicator_id, area_code, period):
    rows = store.table(schema.observation, indicator_id=indicator_id, area_code=area_code, period=period)
    assert len(rows) == 1, (indicator_id, area_code, period)
    return rows.iloc[0]


def test_offending_and_sdq_tables_load_with_counts_and_denominators(loaded):
    store, _ = loaded
    # LAI1: one year, named only in the title rows ('Years: 2015').
    row = figure(store, "cla_convicted", DUDLEY, "31 Mar 2015")
    assert (row["numerator"], row["denominator"], row["value"]) == (15, 355, 4)
    assert figure(store, "cla_convicted", "E06000001", "31 Mar 2015")["status"] == "x"  # Hartlepool
    # LAI4: 2013, 2014 and 2015 across, each year over its own five columns.
    scores = {period: figure(store, "cla_sdq_score", DUDLEY, period) for period in
              ("31 Mar 2013", "31 Mar 2014", "31 Mar 2015")}
    assert [(r["denominator"], r["value"]) for r in scores.values()] == [(325, 12.8), (330, 13.1), (385, 13.1)]
    assert figure(store, "cla_sdq_score", ENGLAND, "31 Mar 2015")["value"] == 13.9


def test_counts_carry_the_rounding_the_notes_give(loaded):
    store, _ = loaded
    # 'England and Regional totals have been rounded to the nearest 10. Local authority
    # figures have been rounded to the nearest 5.'
    assert figure(store, "cla_rate", DUDLEY, "31 Mar 2015")["count_rounding"] == 5
    assert figure(store, "cla_rate", ENGLAND, "31 Mar 2015")["count_rounding"] == 10
    assert figure(store, "cla_convicted", "E12000005", "31 Mar 2015")["count_rounding"] == 10


def test_each_family_of_tables_is_a_named_official_source(loaded):
    store, _ = loaded
    sources = store.table(schema.source).set_index("id")
    assert set(sources.index) >= {"DfE/cla_la_tables/2015", "DfE/cla_outcomes_la_tables/2015"}
    assert sources.loc["DfE/cla_la_tables/2015", "kind"] == "official"
    assert figure(store, "cla_rate", DUDLEY, "31 Mar 2011")["source"] == "DfE/cla_la_tables/2015"
    assert figure(store, "cla_sdq_score", DUDLEY, "31 Mar 2013")["source"] == "DfE/cla_outcomes_la_tables/2015"


# Other real shapes, built here -----------------------------------------------------------------


@cache
def context() -> LoadContext:
    return LoadContext(load_catalogue(), load_areas(), DUDLEY)


def read(path: Path):
    kind, batch, problems, _rows = read_file(path, context())
    return kind, batch.tables.get("observation"), problems


def outcome_tables(path: Path, with_ks4_2016: bool = False) -> Path:
    """SFR50/2013's outcome tables as BenGoodair/childrens_social_care_data holds their
    sheets (Raw_Data/LA_level/Children_Outcomes/2013_LA/sheet4_oc21.csv and sheet3_ks4.csv):
    names only down the side (no codes), regions in capitals, a contents sheet listing the
    titles, years merged over their columns with footnote digits glued on ('20132')."""
    book = openpyxl.Workbook()
    contents = book.active
    contents.title = "Contents"
    contents.append(["Table LA3:", "Eligibility and performance of children looked after at Key Stage 4"])
    contents.append(["Table LA4:", "Offending by children who have been looked after continuously for at least 12 months"])

    offending = book.create_sheet("LA4")
    offending.append(["Table LA4:  Offending by children who have been looked after continuously for at least 12 months1"])
    offending.append(["Years: 2013"])
    offending.append(["Coverage: England"])
    offending.append([])
    offending.append(["", "Number of children looked after at 31 March who had been looked after for at least 12 months2",
                      "", "Number of looked after children aged 10 or older at 31 March3", "",
                      "Looked after children aged 10 and above"])
    offending.merge_cells("F5:G5")
    offending.append(["", "", "", "", "", "Number convicted or subject to a final warning or reprimand during the year4",
                      "Percentage convicted or subject to a final warning or reprimand during the year"])
    offending.append([])
    for row in (["ENGLAND", "47,200", "", "29,880", "", "1,840", 6.2], [],
                ["WEST MIDLANDS", "6,280", "", "3,820", "", 180, 4.8],
                ["Dudley", 565, "", 315, "", 5, 1.9],
                ["Darlington", 140, "", 95, "", "x", "x"],
                ["INNER LONDON", "3,020", "", "2,110", "", 130, 6.1],
                ["Isles of Scilly", 0, "", 0, "", 0, "."], [],
                ["All numbers relating to national or regional totals have been rounded to the nearest 10, "
                 "all Local Authority numbers have been rounded to the nearest 5."]):
        offending.append(row)

    ks4 = book.create_sheet("LA3")
    ks4.append(["Table LA3: Eligibility and performance of children who have been looked after continuously "
                "for at least 12 months1 at Key Stage 4"])
    ks4.append(["Years: 2012-20132"])
    ks4.append(["Coverage: England, All schools"])
    ks4.append([])
    ks4.append(["", 2012, "", "", "", "", "", "", "20132"])
    ks4.merge_cells("B5:G5")
    ks4.merge_cells("I5:N5")
    group = ["Percentage with UPN3", "Number eligible to sit GCSEs4", "", "Percentage achieving:", "", ""]
    ks4.append(["", *group, "", *group])
    ks4.merge_cells("E6:G6")
    ks4.merge_cells("L6:N6")
    measures = ["", "", "", "5+ GCSEs A*-C or equivalent5",
                "5+ GCSEs A*-C or equivalent including English & mathematics GCSEs5", "A*-C GCSEs in English & mathematics5"]
    ks4.append(["", *measures, "", *measures])
    ks4.append([])
    ks4.append(["ENGLAND", "90-99", "4,850", "", 37.2, 15.0, 15.4, "", "90-99", "4,870", "", 36.6, 15.3, 16.1])
    ks4.append(["Dudley", "100", 35, "", 55.6, 27.8, 27.8, "", "100", 45, "", 37.8, 15.6, 17.8])
    ks4.append(["Rutland", "<90", "x", "", "x", 0.0, 0.0, "", ".", 0, "", ".", ".", "."])

    if with_ks4_2016:
        ks4_2016(book.create_sheet("LA3a"))
    book.save(path)
    return path


def ks4_2016(sheet) -> None:
    """SFR41/2016's LA3a (2016_LA/sheet4_ks41.csv in the same repository): new and old
    codes before the name, and only measures the catalogue does not hold (A*-C in English
    and maths, the English Baccalaureate)."""
    sheet.append(["Back to index"])
    sheet.append(["Table LA3a: Key stage 4 eligibility and performance of children who have been looked after "
                  "continuously for at least twelve months1"])
    sheet.append(["Years: 2012 - 20162"])
    sheet.append([])
    sheet.append(["", "", "", "20166"])
    sheet.append(["LA Code", "", "", "Number at the end of Key Stage 4", "Percentage of pupils:"])
    sheet.append(["", "", "", "", "Achieving A*-C in both English and Mathematics GCSEs",
                  "Entering the English Baccalaureate"])
    sheet.append(["", "", "ENGLAND", "4,890", 17.5, 8.2])
    sheet.append(["E08000027", 332, "Dudley", 40, 17.5, "x"])


def test_offending_table_of_names_only_with_its_year_in_the_title(tmp_path):
    kind, frame, problems = read(outcome_tables(tmp_path / "SFR50_2013_LATablesA.xlsx"))
    assert kind == "dfe_la_table" and not problems, [str(p) for p in problems]
    convicted = frame[frame["indicator_id"] == "cla_convicted"].set_index("area_code")
    assert set(convicted["period"]) == {"31 Mar 2013"}
    assert tuple(convicted.loc[DUDLEY, ["numerator", "denominator", "value"]]) == (5, 315, 1.9)
    assert convicted.loc["E06000005", "status"] == "x"  # Darlington
    assert convicted.loc["E06000053", "status"] == "."  # Isles of Scilly: not applicable
    assert convicted.loc["E13000001", "numerator"] == 130  # Inner London, a subregion
    assert (convicted.loc[DUDLEY, "count_rounding"], convicted.loc[ENGLAND, "count_rounding"]) == (5, 10)
    assert set(frame["source"]) == {"DfE/cla_outcomes_la_tables/2013"}  # the SFR number and year in the file name


def test_gcse_table_with_years_merged_above_its_measures(tmp_path):
    _kind, frame, _problems = read(outcome_tables(tmp_path / "SFR50_2013_LATablesA.xlsx"))
    gcse = frame[frame["indicator_id"] == "cla_gcse_5ac_english_maths"].set_index(["area_code", "period"])
    # 2012 is the academic year 2011/12; '20132' is 2013 with footnote 2.
    assert tuple(gcse.loc[(DUDLEY, "2011/12"), ["denominator", "value"]]) == (35, 27.8)
    assert tuple(gcse.loc[(DUDLEY, "2012/13"), ["denominator", "value"]]) == (45, 15.6)
    assert gcse.loc[("E06000017", "2011/12"), "status"] == "x"  # Rutland
    assert "cla_gcse_english_maths_grade_4" not in set(frame["indicator_id"])  # not measured before 2017


def test_a_table_of_measures_scorecard_does_not_map_is_a_warning_beside_others(tmp_path):
    _kind, frame, problems = read(outcome_tables(tmp_path / "tables.xlsx", with_ks4_2016=True))
    (problem,) = problems
    assert problem.severity == "warning" and problem.location == "LA3a!3:7"
    assert "table LA3a (sheet LA3a) has none of the columns Scorecard maps" in problem.message
    assert len(frame)  # the other tables load


def test_only_a_table_of_unmapped_measures_is_refused_with_what_it_lacks(tmp_path):
    book = openpyxl.Workbook()
    ks4_2016(book.active)
    book.save(tmp_path / "la3a.xlsx")
    store, context_ = fresh_store(tmp_path)
    report = load_file(store, tmp_path / "la3a.xlsx", context_, user="test")
    assert report.status == "refused"
    (problem,) = report.problems
    assert "none of the columns Scorecard maps" in problem.message
    assert "'5+ a* c including english math' (cla_gcse_5ac_english_maths)" in problem.message
    store.close()


def test_a_known_table_lacking_a_needed_column_names_it(tmp_path):
    path = messy_workbook(tmp_path / "laa1.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["LAA1"]
    sheet.unmerge_cells("F5:G5")
    for cell in ("F5", "F6", "G6", "F7", "G7", "F8", "G8", "F9", "G9"):
        sheet[cell] = None  # the 'rates4' group and its columns gone
    book.save(path)
    kind, _frame, problems = read(path)
    (problem,) = problems
    assert problem.location == "LAA1!3:6"  # the header rows
    assert problem.message == "table LAA1 (sheet LAA1) has no column headed like 'rates' (the published figure of cla_rate)"


def test_only_sheets_whose_title_matches_are_parsed_whole(tmp_path, monkeypatch):
    path = messy_workbook(tmp_path / "laa1.xlsx")
    book = openpyxl.load_workbook(path)
    bulky = book.create_sheet("Data", 0)
    bulky.append(["Table XX9: Something Scorecard does not read"])
    for number in range(2000):
        bulky.append([number, "Dudley", number * 2])
    book.create_sheet("Index", 0).append(["Table LAA1:  Children looked after at 31 March, by Local Authority"])
    book.save(path)
    parsed = []
    whole = dfe_tables._sheet
    monkeypatch.setattr(dfe_tables, "_sheet", lambda source, sheet: parsed.append(sheet) or whole(source, sheet))
    kind, frame, problems = read(path)
    assert (kind, parsed, problems) == ("dfe_la_table", ["LAA1"], [])
    assert len(frame) == 6


def test_a_workbook_refused_for_external_links_names_the_sheet_tab(tmp_path):
    linked = messy_workbook(tmp_path / "source.xlsx")
    book = openpyxl.load_workbook(linked)
    book["LAA1"]["C9"] = "=[1]Sheet1!B7"  # a count that lives in another workbook
    book.save(linked)
    path = tmp_path / "linked.xlsx"
    with zipfile.ZipFile(linked) as source, zipfile.ZipFile(path, "w") as copy:
        for member in source.infolist():
            copy.writestr(member, source.read(member))
        copy.writestr("xl/externalLinks/externalLink1.xml", b"<externalLink/>")
    store, context_ = fresh_store(tmp_path)
    report = load_file(store, path, context_, user="test")
    assert report.status == "refused"
    assert report.problems[0].message.startswith("formulas in sheet 'LAA1' (first at C9) take their values "
                                                 "from other workbooks (external links)")
    store.close()


def test_a_title_split_over_two_cells_and_a_list_of_titles(tmp_path):
    path = messy_workbook(tmp_path / "laa1.xlsx")
    book = openpyxl.load_workbook(path)
    book["LAA1"]["A2"], book["LAA1"]["B2"] = "Table LAA1:", "Children looked after at 31 March, by Local Authority1,2"
    listing = book.create_sheet("Tables", 0)  # titles listed, but no sheet name says it is a contents page
    listing.append(["Table LAA1:", "Children looked after at 31 March, by Local Authority"])
    book.save(path)
    kind, frame, problems = read(path)
    assert kind == "dfe_la_table" and len(frame) == 6
    (problem,) = problems
    assert (problem.severity, problem.location) == ("warning", "Tables!A1")
    assert problem.message == "no row of table LAA1 (sheet Tables) names an area Scorecard knows"
