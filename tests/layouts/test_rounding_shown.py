"""One rounding wherever a number is shown: a target of 2.5 on an indicator shown with no
decimals is 3 (half away from zero) on the command line, on the scorecard page and in its
downloads. Python's f-format rounds half to even and would say 2."""

import csv
import io
from datetime import date

import pandas as pd
import pytest
from dash import html

from scorecard.periods import financial_year_containing, latest_complete_quarter
from scorecard.store import Batch, Store
from service import actions, exports
from service.cli import main
from service.shared import shared
from tests.layouts.trees import app_on, texts

QUARTER = latest_complete_quarter(date.today())
INDICATOR, SHORT_TITLE, DUDLEY = "cla_rate", "Children looked after rate", "E08000027"
TITLE = "Children looked after at 31 March per 10,000 children aged under 18"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """The demo data, and a target of 2.5 for children looked after (shown with no decimals)."""
    path = tmp_path_factory.mktemp("rounding") / "demo.duckdb"
    assert main(["demo", "--db", str(path)]) == 0
    target = pd.DataFrame([{"indicator_id": INDICATOR, "area_code": DUDLEY, "tolerance": None,
                            "period": financial_year_containing(QUARTER.end).label, "value": 2.5,
                            "tolerance_type": "absolute"}])
    with Store.open(path) as store:
        store.apply(Batch({"target": target}), {
            "file_name": "target.csv", "sha256": "", "kind": "test", "user_name": "test", "rows_read": 1,
            "loaded_at": pd.Timestamp.now(), "rows_new": 0, "rows_revised": 0, "rows_unchanged": 0,
            "warnings": 0, "status": "loaded"})
    return path


@pytest.fixture(scope="module")
def app(db):
    yield from app_on(db)


def test_the_premise_the_target_is_2_5_at_no_decimals(app):
    (row,) = [row for row in shared().chosen({"period": QUARTER.label}).rows if row.indicator_id == INDICATOR]
    assert (row.target, row.decimals) == (2.5, 0)
    assert f"{row.target:.0f}" == "2"  # what an f-string would have shown


def test_the_command_line_shows_3(db, capsys):
    assert main(["show", "--db", str(db), "--indicator", INDICATOR, "--period", QUARTER.label]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if line.startswith("Indicator"))
    row = next(line for line in lines if line.startswith(SHORT_TITLE))
    start = header.index("Target")
    assert row[start:header.index("RAG")].strip() == "3"


def _cells(tree, title: str) -> list:
    """The cells of the table row whose heading is `title`."""
    found = []

    def walk(node):
        if isinstance(node, html.Tr) and isinstance(node.children, list) and title in texts(node.children[0]):
            found.append(node.children)
        children = getattr(node, "children", None)
        for child in children if isinstance(children, (list, tuple)) else [children] if children is not None else []:
            walk(child)

    walk(tree)
    (cells,) = found
    return cells


def test_the_scorecard_page_shows_3(app):
    from layouts import scorecard

    cells = _cells(scorecard.layout(period=QUARTER.label), SHORT_TITLE)
    assert texts(cells[scorecard.COLUMNS.index("Target")]) == "3"



def test_projector_mode_shows_3(app):
    from layouts import projector

    slides = projector.layout(period=QUARTER.label).children[0].children
    details = html.Div([slide for slide in slides if "slide-detail" in slide.className])
    cells = _cells(details, SHORT_TITLE)
    assert texts(cells[projector.DETAIL_COLUMNS.index("Target")]) == "3"


@pytest.mark.parametrize("excel", [False, True])
def test_the_downloads_give_3(app, excel):
    sent = actions.scorecard_download(shared(), {"period": QUARTER.label}, excel)
    if excel:
        from openpyxl import load_workbook

        lines = [list(row) for row in load_workbook(io.BytesIO(sent.content)).active.iter_rows(values_only=True)]
    else:
        lines = list(csv.reader(io.StringIO(sent.content)))
    header = lines[0]
    (row,) = [line for line in lines[1:] if line[header.index("Indicator")] == TITLE]
    assert str(row[header.index("Target")]) in ("3", "3.0")
    _header, rows = exports.scorecard_rows(shared().chosen({"period": QUARTER.label}))
    assert 3 in [line[exports.SCORECARD_HEADER.index("Target")] for line in rows]
