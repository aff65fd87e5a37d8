"""The council scorecard layout: a realistic workbook built here, loaded through the pipeline."""

import openpyxl
import pytest

from loaders.pipeline import load_file
from scorecard import schema
from service import cli
from scorecard.store import Store
from tests.workbooks import DUDLEY, council_workbook, fresh_store

WALSALL = "E08000030"


@pytest.fixture
def loaded(tmp_path):
    store, context = fresh_store(tmp_path)
    path = council_workbook(tmp_path / "Scorecard Q3 2010-11.xlsx")
    report = load_file(store, path, context, user="analyst")
    yield store, report
    store.close()


def value(store, indicator_id, period, area=DUDLEY):
    rows = store.table(schema.observation, indicator_id=indicator_id, period=period, area_code=area)
    assert len(rows) == 1, f"{indicator_id} {period}: {len(rows)} rows"
    return rows.iloc[0]


def test_detected_and_loaded_with_only_the_rag_warning(loaded):
    _store, report = loaded
    assert (report.kind, report.status) == ("council", "loaded")
    (warning,) = report.problems
    assert warning.severity == "warning" and warning.location == "Scorecard!I5"
    assert "RAG column is not loaded" in warning.message


def test_quarterly_local_figures_of_annual_indicators(loaded):
    store, _ = loaded
    # The CLA rate is a count on a date: each quarter's figure is kept at the quarter's end.
    assert value(store, "cla_rate", "31 Mar 2010")["value"] == 77
    assert value(store, "cla_rate", "30 Jun 2010")["value"] == 80
    assert value(store, "cla_rate", "30 Sep 2010")["value"] == 82  # typed ' 82 '
    assert value(store, "cla_rate", "31 Dec 2010")["value"] == 85  # the 'Dec-10' column
    # Youth justice each quarter, as a flow in the quarter; '1,281' typed as text.
    assert value(store, "fte_youth_justice_rate", "2009-10")["value"] == 1281
    assert value(store, "fte_youth_justice_rate", "2010-11 Q2")["value"] == 288
    assert value(store, "fte_youth_justice_rate", "Dec 2010")["value"] == 270
    # NEET monthly: a snapshot at the month's end.
    assert value(store, "neet_16_18", "31 Dec 2010")["value"] == 6.4


def test_rows_matched_by_ni_code_alias_and_title(loaded):
    store, _ = loaded
    ids = set(store.table(schema.observation)["indicator_id"])
    assert ids == {
        "cla_rate", "placement_stability_three_moves", "cpp_two_years_or_more", "under18_conception_rate",
        "gcse_5ac_english_maths", "fte_youth_justice_rate", "neet_16_18",
    }
    # '2009/10' is an academic year for a GCSE indicator, a financial year elsewhere.
    assert value(store, "gcse_5ac_english_maths", "2009/10")["value"] == 48.9
    assert value(store, "placement_stability_three_moves", "31 Mar 2010")["value"] == 11.2  # '11.2%'


def test_symbols_are_statuses_never_zero(loaded):
    store, _ = loaded
    suppressed = value(store, "cpp_two_years_or_more", "2010-11 Q1")
    assert suppressed["status"] == "c" and suppressed["value"] is None
    assert value(store, "cpp_two_years_or_more", "2010-11 Q2")["status"] == "x"  # '[x]'


def test_targets_and_comments(loaded):
    store, _ = loaded
    targets = store.table(schema.target).set_index("indicator_id")
    assert targets.loc["cla_rate"].empty if "cla_rate" in targets.index else True
    assert targets.loc["placement_stability_three_moves", "value"] == 10
    assert set(targets["period"]) == {"2010-11"}  # 'Target 2010/11'
    assert targets.loc["fte_youth_justice_rate", "value"] == 1200
    notes = store.table(schema.commentary).set_index("indicator_id")
    assert notes.loc["neet_16_18", "text"] == "Seasonal rise expected in Q3"
    assert set(notes["period"]) == {"2010-11 Q3"}  # the quarter of the latest column
    assert "cla_rate" in notes.index  # a comment on a row with no target


def test_section_rows_titles_and_notes_are_not_indicators(loaded):
    _store, report = loaded
    assert not [problem for problem in report.problems if "not an indicator" in problem.message]


def test_area_comes_from_the_context(tmp_path):
    store, context = fresh_store(tmp_path)
    path = council_workbook(tmp_path / "walsall.xlsx")
    report = load_file(store, path, context.__class__(context.catalogue, context.areas, WALSALL), user="a")
    assert report.status == "loaded"
    assert set(store.table(schema.observation)["area_code"]) == {WALSALL}
    store.close()


def test_unknown_row_refuses_the_file_with_a_suggestion(tmp_path):
    store, context = fresh_store(tmp_path)
    rows = [["STAYING SAFE"], ["", "Childrens in need rate", "", "300", "", "", "", "", "", ""],
            ["", "CLA rate", "", "70", "", "", "", "", "", ""]]
    report = load_file(store, council_workbook(tmp_path / "bad.xlsx", rows), context, user="a")
    assert report.status == "refused"
    (problem,) = [p for p in report.problems if p.severity == "error"]
    assert problem.location == "Scorecard!B7"
    assert "'Childrens in need rate' is not an indicator in the catalogue" in problem.message
    assert "did you mean 'Children in need rate" in problem.message
    assert store.table(schema.observation).empty
    store.close()


def test_as_council_overrides_detection(tmp_path):
    store, context = fresh_store(tmp_path)
    report = load_file(store, council_workbook(tmp_path / "c.xlsx"), context, kind="council", dry_run=True)
    assert (report.kind, report.status) == ("council", "dry run")
    assert report.change.new > 20
    store.close()


def test_monthly_neet_with_excel_percentages(tmp_path):
    store, context = fresh_store(tmp_path)
    path = council_workbook(tmp_path / "neet monthly.xlsx", [
        ["ECONOMIC WELLBEING"],
        ["", "NEET 16-18", "Low", 0.071, 0.068, 0.064, "6.1%", "", "", ""],
    ], periods=["Apr-10", "May-10", "Jun-10", "Jul-10"])
    book = openpyxl.load_workbook(path)
    for column in "DEF":  # typed as percentages in Excel: stored as fractions, shown as 7.1%
        book["Scorecard"][f"{column}7"].number_format = "0.0%"
    book.save(path)
    report = load_file(store, path, context, user="analyst")
    assert report.status == "loaded", [str(p) for p in report.problems]
    rows = store.table(schema.observation).sort_values("period_end")
    assert rows["period"].tolist() == ["30 Apr 2010", "31 May 2010", "30 Jun 2010", "31 Jul 2010"]
    assert rows["value"].tolist() == [7.1, 6.8, 6.4, 6.1]
    store.close()


def test_cli_load_with_area(tmp_path, capsys):
    path = council_workbook(tmp_path / "Walsall scorecard.xlsx")
    database = tmp_path / "cli.duckdb"
    assert cli.main(["load", "--db", str(database), "--area", "Walsall", str(path)]) == 0
    assert "loaded as load 1 (council)" in capsys.readouterr().out
    with Store.open(database) as store:
        assert set(store.table(schema.observation)["area_code"]) == {WALSALL}


def test_polarity_that_disagrees_with_the_catalogue_is_a_warning(tmp_path):
    store, context = fresh_store(tmp_path)
    rows = [["", "5 A*-C including English and maths", "Low", "48.9", "", "", "", "", "", ""]]
    report = load_file(store, council_workbook(tmp_path / "p.xlsx", rows), context, user="analyst")
    assert report.status == "loaded"
    (warning,) = [p for p in report.problems if p.location == "Scorecard!C6"]
    assert warning.severity == "warning"
    assert warning.message == ("the workbook says lower is better for 5 GCSEs A* to C with English and maths; "
                               "the catalogue says higher is better")
    store.close()
