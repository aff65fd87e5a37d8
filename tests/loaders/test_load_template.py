"""Scorecard's own template: what it writes, and loading it back once an analyst has filled it in."""


import openpyxl
import pandas as pd
import pytest

from loaders.pipeline import load_file
from loaders.template import MARKER_SHEET
from scorecard import schema
from service import cli
from tests.workbooks import DUDLEY, cell, column_of, filled_template, fresh_store, template_rows
from tests.paths import PUBLIC

BRIERLEY_HILL = "E08000027-BRH"
CLA_DUDLEY = ("cla_rate", DUDLEY)


@pytest.fixture
def setup(tmp_path):
    store, context = fresh_store(tmp_path)
    yield store, context, tmp_path
    store.close()


def test_one_row_per_indicator_and_locality(setup):
    store, context, tmp_path = setup
    rows = filled_template(tmp_path / "t.xlsx", context, {})
    indicators = [i for i in context.catalogue if not i.is_benchmark]
    localities = context.areas.localities(DUDLEY)
    with_localities = sum(i.has_localities for i in indicators)
    assert len(localities) == 5  # the townships in data/localities.csv
    assert len(rows) == len(indicators) + with_localities * len(localities)
    assert ("cla_rate", BRIERLEY_HILL) in rows and ("cla_sdq_score", BRIERLEY_HILL) not in rows


def test_workbook_is_protected_with_dropdowns_and_hidden_ids(setup):
    store, context, tmp_path = setup
    path = tmp_path / "t.xlsx"
    rows = filled_template(path, context, {})
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:2] == ["Instructions", "Data"]
    assert book[MARKER_SHEET].sheet_state == "veryHidden"
    sheet = book["Data"]
    assert sheet.protection.sheet
    row = rows[("cla_rate", DUDLEY)]
    assert sheet[f"A{row}"].protection.locked and sheet[f"E{row}"].protection.locked
    for header in ("Numerator", "Denominator", "Value", "Symbol", "Target", "Comment"):
        assert not sheet[f"{column_of(header)}{row}"].protection.locked, header
    for header in ("indicator_id", "area_code", "period_label"):
        assert sheet.column_dimensions[column_of(header)].hidden
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    symbol = next(v for ref, v in validations.items() if ref.startswith(column_of("Symbol")))
    assert symbol.type == "list" and '"c,x,z,u,low,k,b,:,..,.,-,N/A"' == symbol.formula1
    percent = next(v for v in validations.values() if v.operator == "between")
    assert (percent.type, percent.formula1, percent.formula2) == ("decimal", "0", "100")
    assert f"{column_of('Value')}{rows[('neet_16_17', DUDLEY)]}" in str(percent.sqref)
    assert f"{column_of('Value')}{row}" not in str(percent.sqref)  # a rate is not a percentage
    instructions = " ".join(str(c.value) for c in book["Instructions"]["A"] if c.value)
    assert "Dudley, 2025-26 Q3" in instructions and "c = suppressed" in instructions


def test_periods_asked_for(setup):
    store, context, tmp_path = setup
    path = tmp_path / "t.xlsx"
    rows = filled_template(path, context, {})
    sheet = openpyxl.load_workbook(path)["Data"]
    period = {key: sheet[f"C{row}"].value for key, row in rows.items()}
    assert period[("cla_rate", DUDLEY)] == "31 Dec 2025"  # a count at the quarter's end
    assert period[("caf_started", DUDLEY)] == "2025-26 Q3"
    assert period[("gcse_english_maths_grade_4", DUDLEY)] == "2024/25"  # the latest school year


def test_filled_template_loads_figures_symbols_targets_and_comments(setup):
    store, context, tmp_path = setup
    path = tmp_path / "Scorecard Q3.xlsx"
    filled_template(path, context, {
        ("cla_rate", DUDLEY): {"Numerator": 580, "Denominator": "71,124", "Value": "81.5", "Target": 80,
                               "Comment": "Numbers steady after a rise in Q2"},
        ("cla_rate", BRIERLEY_HILL): {"Symbol": "c"},
        ("neet_16_17", DUDLEY): {"Value": "4.2%"},
        ("caf_started", DUDLEY): {"Value": " 412 "},
    })
    report = load_file(store, path, context, user="analyst")
    assert (report.kind, report.status, report.problems) == ("template", "loaded", [])
    observations = store.table(schema.observation).set_index(["indicator_id", "area_code"])
    cla = observations.loc[("cla_rate", DUDLEY)]
    assert (cla["period"], cla["numerator"], cla["denominator"], cla["value"]) == ("31 Dec 2025", 580, 71124, 81.5)
    suppressed = observations.loc[("cla_rate", BRIERLEY_HILL)]
    assert suppressed["status"] == "c" and pd.isna(suppressed["value"]) and pd.isna(suppressed["numerator"])
    assert observations.loc[("neet_16_17", DUDLEY), "value"] == 4.2
    assert observations.loc[("caf_started", DUDLEY), "value"] == 412
    assert len(observations) == 4  # empty rows load nothing
    (target,) = store.table(schema.target).to_dict("records")
    assert (target["indicator_id"], target["period"], target["value"]) == ("cla_rate", "2025-26", 80)
    (note,) = store.table(schema.commentary).to_dict("records")
    assert (note["period"], note["text"]) == ("2025-26 Q3", "Numbers steady after a rise in Q2")


def test_reading_back_uses_hidden_ids_not_titles(setup):
    store, context, tmp_path = setup
    path = tmp_path / "t.xlsx"

    def retitle(sheet, rows):
        sheet[f"A{rows[('cla_rate', DUDLEY)]}"] = "Our own name for it"
    filled_template(path, context, {("cla_rate", DUDLEY): {"Value": 81}}, edit=retitle)
    report = load_file(store, path, context, user="analyst")
    assert report.status == "loaded"
    assert store.table(schema.observation)["indicator_id"].tolist() == ["cla_rate"]


def test_earlier_value_is_shown_from_the_store(setup):
    store, context, tmp_path = setup
    first = tmp_path / "q2.xlsx"
    filled_template(first, context, {("cla_rate", DUDLEY): {"Value": 79}}, quarter="2025-26 Q2")
    assert load_file(store, first, context, user="analyst").status == "loaded"
    second = tmp_path / "q3.xlsx"
    rows = filled_template(second, context, {}, store=store)
    sheet = openpyxl.load_workbook(second)["Data"]
    row = rows[("cla_rate", DUDLEY)]
    assert (sheet[f"E{row}"].value, sheet[f"F{row}"].value) == ("30 Sep 2025", "79")
    assert sheet[f"F{rows[('cin_rate', DUDLEY)]}"].value is None


def test_cli_template_subcommand(tmp_path, capsys):
    path = tmp_path / "out.xlsx"
    code = cli.main(["template", "--db", str(tmp_path / "none.duckdb"), "--period", "2024-25 Q4",
                     "--area", "332", "-o", str(path)])
    assert code == 0 and "Dudley, 2024-25 Q4" in capsys.readouterr().out
    rows = template_rows(path)
    sheet = openpyxl.load_workbook(path)["Data"]
    assert sheet[f"C{rows[('cla_rate', DUDLEY)]}"].value == "31 Mar 2025"
    assert cli.main(["template", "--period", "2024-25", "-o", str(path)]) == 2
    assert "not a quarter" in capsys.readouterr().err


def test_template_cell_names_match_problems(setup):
    store, context, tmp_path = setup
    path = tmp_path / "t.xlsx"
    filled_template(path, context, {("cla_rate", DUDLEY): {"Value": "eighty"}})
    report = load_file(store, path, context, user="analyst")
    (problem,) = report.problems
    assert problem.location == cell(path, ("cla_rate", DUDLEY), "Value") == f"Data!I{template_rows(path)[('cla_rate', DUDLEY)]}"


def test_earlier_value_is_the_figure_the_scorecard_shows(setup):
    # A count loaded alone shows as its rate: Dudley CLA 575 on 31 March 2025 over the ONS
    # mid-2024 population of 71,124 aged 0-17 is 80.85, published as 81.
    store, context, tmp_path = setup
    ons = PUBLIC / "ons_mid-year_population_estimates_2012_to_2024.csv"
    assert load_file(store, ons, context, user="analyst").status == "loaded"
    q4 = tmp_path / "q4.xlsx"
    filled_template(q4, context, {CLA_DUDLEY: {"Numerator": 575}}, quarter="2024-25 Q4")
    assert load_file(store, q4, context, user="analyst").status == "loaded"
    rows = filled_template(tmp_path / "q1.xlsx", context, {}, quarter="2025-26 Q1", store=store)
    sheet = openpyxl.load_workbook(tmp_path / "q1.xlsx")["Data"]
    row = rows[CLA_DUDLEY]
    assert (sheet[f"E{row}"].value, sheet[f"F{row}"].value) == ("31 Mar 2025", "81")
