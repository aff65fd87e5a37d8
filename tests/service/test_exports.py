"""Downloads carry no formulas, and numbers stay numbers."""

import csv
import io

import pytest
from openpyxl import load_workbook

from service.cli import main
from service.exports import csv_text, safe_cell, xlsx_bytes

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


def test_scorecard_rows_keep_symbols_and_numbers():
    from scorecard.areas import load_areas
    from scorecard.periods import parse_period
    from scorecard.quarterly import Scorecard, ScorecardRow
    from service.exports import scorecard_rows

    common = dict(outcome_area="stay_safe", outcome_area_title="Stay safe", polarity="lower_is_better",
                  unit="rate", decimals=0)
    suppressed = ScorecardRow("cpp_rate", "CPP rate", "CPP", **common, value=None, shown="[c]", status="c",
                              previous_value=None, previous_shown="[c]")
    known = ScorecardRow("cla_rate", "=CLA rate", "CLA", **common, value=81.0, shown="81", status="",
                         previous_value=-2.0, previous_shown="-2", rank=3, rank_of=151, rag="red")
    card = Scorecard(load_areas().get("E08000027"), parse_period("2024-25 Q4"), "ecm", [suppressed, known])
    header, rows = scorecard_rows(card)
    latest, previous = header.index("Latest"), header.index("Previous")
    assert rows[0][latest] == "[c]" and rows[0][previous] == "[c]"
    assert rows[1][latest] == 81.0 and rows[1][previous] == -2.0
    assert rows[1][header.index("Rank among LAs")] == "3 of 151"
    assert "Demonstration data" not in header
    text = csv_text(header, rows)
    assert "'=CLA rate" in text and ",[c]," in text and ",-2.0," in text
