"""Downloads carry no formulas, and numbers stay numbers."""

import csv
import io

import pytest
from openpyxl import load_workbook

from scorecard.cli import main
from scorecard.exports import csv_text, safe_cell, xlsx_bytes

ATTACKS = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"]


@pytest.mark.parametrize("text", ATTACKS)
def test_risky_text_is_neutralised(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-3, -2.5, 0, 81, 1281.0, None, True])
def test_numbers_stay_numbers(value):
    assert safe_cell(value) == value


def test_plain_text_is_untouched():
    assert safe_cell("Children looked after rate") == "Children looked after rate"


def test_csv_download_has_no_formula_cells():
    text = csv_text(["title", "value"], [[attack, -3] for attack in ATTACKS])
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert all(row[0].startswith("'") for row in rows)
    assert {row[1] for row in rows} == {"-3"}


def test_xlsx_download_has_no_formulas_and_keeps_numbers(tmp_path):
    path = tmp_path / "out.xlsx"
    path.write_bytes(xlsx_bytes(["title", "value"], [[attack, -3.5] for attack in ATTACKS]))
    sheet = load_workbook(path).active
    for title, value in sheet.iter_rows(min_row=2, values_only=True):
        assert isinstance(title, str) and title.startswith("'")
        assert value == -3.5
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_show_exports_the_scorecard_as_xlsx(tmp_path, capsys):
    db = tmp_path / "demo.duckdb"
    assert main(["demo", "--db", str(db)]) == 0
    out = tmp_path / "scorecard.xlsx"
    assert main(["show", "--db", str(db), "--format", "xlsx", "-o", str(out)]) == 0
    sheet = load_workbook(out).active
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["indicator_id", "title"]
    values = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert isinstance(values["cla_rate"][header.index("value")], (int, float))  # a number, not text
    assert main(["show", "--db", str(db), "--format", "xlsx"]) == 2
    assert "-o FILE.xlsx" in capsys.readouterr().err
