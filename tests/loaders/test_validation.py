"""One test per validation rule: a small bad workbook built here, the message, the cell, and the
database exactly as it was before (errors stop the whole file; warnings do not)."""

import pandas as pd
import pytest

from loaders.pipeline import load_file
from scorecard import schema
from tests.workbooks import (
    DUDLEY, cell, column_of, contents, council_workbook, filled_template, fresh_store, template_rows,
)

CLA = ("cla_rate", DUDLEY)
NEET = ("neet_16_17", DUDLEY)
GCSE = ("gcse_english_maths_grade_4", DUDLEY)


@pytest.fixture
def loaded(tmp_path):
    """A store already holding one good load, so 'unchanged' means something."""
    store, context = fresh_store(tmp_path)
    earlier = tmp_path / "q2.xlsx"
    filled_template(earlier, context, {CLA: {"Value": 79, "Comment": "Q2 note"}, NEET: {"Value": 4.0}},
                    quarter="2025-26 Q2")
    assert load_file(store, earlier, context, user="analyst").status == "loaded"
    yield store, context, tmp_path
    store.close()


def refused(loaded, fills, edit=None, name="Scorecard Q3.xlsx"):
    """Load a bad template; check it was refused and the database is unchanged; return its errors."""
    store, context, tmp_path = loaded
    path = tmp_path / name
    filled_template(path, context, fills, edit=edit)
    before = contents(store)
    report = load_file(store, path, context, user="analyst")
    assert report.status == "refused"
    assert contents(store) == before
    return path, [problem for problem in report.problems if problem.severity == "error"]


def test_numbers_stored_as_text_are_read(loaded):
    store, context, tmp_path = loaded
    path = tmp_path / "text.xlsx"
    filled_template(path, context, {("caf_started", DUDLEY): {"Value": "1,281"}, NEET: {"Value": "8.5%"},
                                    CLA: {"Value": " 42 "}})
    assert load_file(store, path, context, user="analyst").status == "loaded"
    values = store.table(schema.observation, load_id=2).set_index("indicator_id")["value"]
    assert values.to_dict() == {"caf_started": 1281, "neet_16_17": 8.5, "cla_rate": 42}


@pytest.mark.parametrize("text", ["8..5", "twelve"])
def test_text_that_is_not_a_number(loaded, text):
    path, (problem,) = refused(loaded, {CLA: {"Value": text}})
    assert problem.message == f"'{text}' is not a number"
    assert problem.location == cell(path, CLA, "Value")
    assert str(problem).startswith(f"Scorecard Q3.xlsx: {cell(path, CLA, 'Value')}: '{text}' is not a number.")


@pytest.mark.parametrize("error", ["#DIV/0!", "#VALUE!"])
def test_excel_errors(loaded, error):
    path, (problem,) = refused(loaded, {CLA: {"Numerator": error}})
    assert problem.message == f"'{error}' is an Excel error, not a figure"
    assert problem.location == cell(path, CLA, "Numerator")


def test_formula_without_a_saved_result(loaded):
    def formula(sheet, rows):
        row = rows[CLA]
        sheet[f"{column_of('Value')}{row}"] = f"={column_of('Numerator')}{row}/{column_of('Denominator')}{row}*10000"
    path, (problem,) = refused(loaded, {CLA: {"Numerator": 575, "Denominator": 71124}}, edit=formula)
    assert problem.message == "the cell has a formula but no saved result"
    assert problem.location == cell(path, CLA, "Value")


def test_percentage_over_100(loaded):
    path, (problem,) = refused(loaded, {NEET: {"Value": 104}})
    assert problem.message == "104% is over 100% for 16-17 NEET"
    assert problem.location == cell(path, NEET, "Value")


def test_negative_count(loaded):
    path, (problem,) = refused(loaded, {CLA: {"Numerator": -3, "Denominator": 71124}})
    assert problem.message == "-3 is a negative count"
    assert problem.location == cell(path, CLA, "Numerator")


def test_numerator_above_denominator(loaded):
    path, (problem,) = refused(loaded, {NEET: {"Numerator": 600, "Denominator": 500}})
    assert problem.message == "the numerator 600 is more than the denominator 500"
    assert problem.location == cell(path, NEET, "Numerator")


def test_unknown_indicator(loaded):
    def rename(sheet, rows):
        sheet[f"{column_of('indicator_id')}{rows[CLA]}"] = "lac_rate_local"
    path, (problem,) = refused(loaded, {CLA: {"Value": 80}}, edit=rename)
    assert problem.message == "'lac_rate_local' is not an indicator in the catalogue"
    assert problem.location == f"Data!{column_of('indicator_id')}{template_rows(path)[('lac_rate_local', DUDLEY)]}"


def test_unknown_area(loaded):
    def move(sheet, rows):
        sheet[f"{column_of('area_code')}{rows[CLA]}"] = "E08999999"
    path, (problem,) = refused(loaded, {CLA: {"Value": 80}}, edit=move)
    assert problem.message.startswith("'E08999999' is not an area Scorecard knows")
    assert problem.location == f"Data!{column_of('area_code')}{template_rows(path)[('cla_rate', 'E08999999')]}"


@pytest.mark.parametrize("given, code", [("335", "E08000030"), ("Walsall", "E08000030"), ("E08000030", "E08000030"),
                                         ("940", "E06000061"), ("North Northamptonshire", "E06000061")])
def test_areas_by_old_code_new_code_or_name(loaded, given, code):
    store, context, tmp_path = loaded
    path = tmp_path / "area.xlsx"

    def move(sheet, rows):
        sheet[f"{column_of('area_code')}{rows[CLA]}"] = given
    filled_template(path, context, {CLA: {"Value": 80}}, edit=move)
    assert load_file(store, path, context, user="analyst").status == "loaded"
    assert store.table(schema.observation, load_id=2)["area_code"].tolist() == [code]


def test_abolished_la_after_its_reorganisation(loaded):
    def move(sheet, rows):
        sheet[f"{column_of('area_code')}{rows[CLA]}"] = "928"
    path, (problem,) = refused(loaded, {CLA: {"Value": 80}}, edit=move)
    assert problem.message == "Northamptonshire was abolished on 1 April 2021, before 31 Dec 2025"
    assert "North Northamptonshire (940) and West Northamptonshire (941)" in problem.action
    assert problem.location == f"Data!A{template_rows(path)[('cla_rate', '928')]}"


def test_duplicate_rows(loaded):
    where = {}

    def duplicate(sheet, rows):
        row, last = rows[CLA], sheet.max_row + 1
        for column in range(1, sheet.max_column + 1):
            sheet.cell(row=last, column=column, value=sheet.cell(row=row, column=column).value)
        sheet[f"{column_of('Value')}{last}"] = 81
        where.update(first=row, copy=last)
    _path, (problem,) = refused(loaded, {CLA: {"Value": 80}}, edit=duplicate)
    assert problem.message == (f"a second row for Children looked after rate, {DUDLEY}, 31 Dec 2025 "
                               f"(the first is Data!A{where['first']})")
    assert problem.location == f"Data!A{where['copy']}"


def test_a_period_the_indicator_cannot_have(loaded):
    def quarterly(sheet, rows):
        sheet[f"{column_of('period_label')}{rows[GCSE]}"] = "2025-26 Q3"
    path, (problem,) = refused(loaded, {GCSE: {"Value": 61.5}}, edit=quarterly)
    assert problem.message == ("'2025-26 Q3' is a quarter, but GCSE English and maths grade 4+ "
                               "is measured only by academic year")
    assert problem.location == cell(path, GCSE, "period_label")


def test_a_day_for_a_count_over_a_period(tmp_path):
    store, context = fresh_store(tmp_path)
    rows = [["", "Initial assessments within 7 working days", "", "71.2", "", "", "", "", "", ""]]
    path = council_workbook(tmp_path / "days.xlsx", rows, periods=["31/03/2010", "Q1 2010/11", "Q2 2010/11", "Q3 2010/11"])
    before = contents(store)
    report = load_file(store, path, context, user="analyst")
    (problem,) = [p for p in report.problems if p.severity == "error"]
    assert problem.message == "'31 Mar 2010' is a single day, but Initial assessments in 7 days counts events over a period"
    assert (problem.location, report.status, contents(store) == before) == ("Scorecard!D6", "refused", True)
    store.close()


def test_value_far_outside_history_is_a_warning_and_loads(loaded):
    store, context, tmp_path = loaded
    history = council_workbook(tmp_path / "history.xlsx", [["", "CLA rate", "", "77", "80", "82", "85", "", "", ""]])
    assert load_file(store, history, context, user="analyst").status == "loaded"
    path = tmp_path / "typo.xlsx"
    filled_template(path, context, {CLA: {"Value": 810}})
    report = load_file(store, path, context, user="analyst")
    (problem,) = report.problems
    assert problem.severity == "warning" and report.status == "loaded"
    assert problem.message == f"810 is far outside Children looked after rate's earlier values for {DUDLEY} (77 to 85)"
    assert problem.location == cell(path, CLA, "Value")
    assert store.table(schema.observation, period="31 Dec 2025")["value"].tolist() == [810]


def test_a_value_within_history_has_no_warning(loaded):
    store, context, tmp_path = loaded
    history = council_workbook(tmp_path / "history.xlsx", [["", "CLA rate", "", "77", "80", "82", "85", "", "", ""]])
    load_file(store, history, context, user="analyst")
    path = tmp_path / "fine.xlsx"
    filled_template(path, context, {CLA: {"Value": 88}})
    assert load_file(store, path, context, user="analyst").problems == []


SYMBOLS = {"c": "c", "x": "x", "z": "z", "u": "u", "low": "low", "k": "k", "b": "b", ":": ":", "..": "..",
           ".": ".", "-": "-", "N/A": "n/a", "n/a": "n/a", "[c]": "c", "[low]": "low"}


def test_symbols_load_as_status_never_zero(loaded):
    store, context, tmp_path = loaded
    path = tmp_path / "symbols.xlsx"
    indicators = [i.id for i in context.catalogue if i.unit.value == "rate" or i.unit.value == "number"]
    indicators += [i.id for i in context.catalogue if i.id not in indicators]
    # Each symbol typed in the Value column of one row and chosen in the Symbol column of another.
    typed_in = {(indicator, DUDLEY): {column: typed} for (indicator, (typed, column)) in zip(
        indicators, [(typed, column) for typed in SYMBOLS for column in ("Value", "Symbol")])}
    filled_template(path, context, typed_in)
    report = load_file(store, path, context, user="analyst")
    assert report.status == "loaded", [str(p) for p in report.problems]
    rows = store.table(schema.observation, load_id=report.load_id).set_index("indicator_id")
    assert len(rows) == 2 * len(SYMBOLS)
    for (indicator, _area), typed in typed_in.items():
        assert rows.at[indicator, "status"] == SYMBOLS[next(iter(typed.values()))], indicator
    assert rows["value"].isna().all() and not (rows["value"] == 0).any()


def test_every_problem_is_collected_and_one_error_stops_the_whole_file(loaded):
    path, problems = refused(loaded, {CLA: {"Value": "twelve"}, NEET: {"Value": 104},
                                      ("caf_started", DUDLEY): {"Value": 300}})
    assert {p.location for p in problems} == {cell(path, CLA, "Value"), cell(path, NEET, "Value")}
    store = loaded[0]
    assert store.table(schema.observation, indicator_id="caf_started").empty  # the good row is not loaded


def test_unknown_symbol_in_the_symbol_column(loaded):
    path, (problem,) = refused(loaded, {CLA: {"Symbol": "supp"}})
    assert problem.message == "'supp' is not a symbol Scorecard knows"
    assert problem.location == cell(path, CLA, "Symbol")


def test_bad_target(loaded):
    path, (problem,) = refused(loaded, {CLA: {"Value": 80, "Target": "tbc"}})
    assert problem.message == "the target 'tbc' is not a number"
    assert problem.location == cell(path, CLA, "Target")


def test_refused_file_does_not_touch_commentary(loaded):
    store = loaded[0]
    refused(loaded, {CLA: {"Value": "twelve", "Comment": "should not appear"}})
    assert store.table(schema.commentary)["text"].tolist() == ["Q2 note"]
    assert isinstance(store.table(schema.load), pd.DataFrame) and len(store.loads()) == 1


def test_council_layout_formula_and_excel_error(tmp_path):
    store, context = fresh_store(tmp_path)
    rows = [["STAYING SAFE"], ["", "CLA rate", "", "77", "=D7*1.05", "#DIV/0!", "85", "", "", ""]]
    path = council_workbook(tmp_path / "council.xlsx", rows)
    before = contents(store)
    report = load_file(store, path, context, user="analyst")
    problems = {p.location: p.message for p in report.problems if p.severity == "error"}
    assert problems == {
        "Scorecard!E7": "the cell has a formula but no saved result",
        "Scorecard!F7": "'#DIV/0!' is an Excel error, not a figure",
    }
    assert report.status == "refused" and contents(store) == before
    store.close()
