"""Counts of 1 to 5 children never leave the server, in real Chromium.

A database with a few small counts (loaded through the template, as an analyst would) is
served twice: with the disclosure threshold switched off, where the counts and the rates
worked out from them must show (so this test can see them), and with the default threshold,
where every callback response must carry [c] instead and none of those figures."""

import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from scorecard import schema
from scorecard.catalogue import load_catalogue
from service.cli import main
from scorecard.store import Store
from tests.browser import served_app, wait_until_ready

pytestmark = pytest.mark.browser

DUDLEY = "E08000027"
QUARTER = "2025-26 Q4"
# quarter -> indicator -> (numerator, denominator, value, target). 3 of 7, 4 of 7 and 5 of 11
# give rates (42.9%, 57.1%, 45.5%) that nothing else on these pages can show by chance.
FIGURES = {
    "2025-26 Q3": {"mmr_two_doses_age_5": (4, 7, None, 95), "cpp_reviewed_in_time": (250, 400, None, None)},
    "2025-26 Q4": {"mmr_two_doses_age_5": (3, 7, None, 95), "cla_reviewed_in_time": (5, 11, None, 90),
                   "caf_started": (None, None, 4, None), "cpp_reviewed_in_time": (300, 400, None, 80)},
}
SMALL = ["mmr_two_doses_age_5", "cla_reviewed_in_time", "caf_started"]
# The rates from small counts as the pages write them (rounded to 1 decimal, in the tables,
# the chart data and the sparkline titles).
RATES = {"57.1": "4 of 7", "42.9": "3 of 7", "45.5": "5 of 11"}


def fill_template(path: Path, figures: dict) -> None:
    book = openpyxl.load_workbook(path)
    rows = list(book["Data"].iter_rows())
    header_row = next(i for i, row in enumerate(rows) if any(cell.value == "indicator_id" for cell in row))
    column = {cell.value: position for position, cell in enumerate(rows[header_row]) if cell.value}
    filled = set()
    for row in rows[header_row + 1:]:
        indicator = row[column["indicator_id"]].value
        if indicator in figures and row[column["area_code"]].value == DUDLEY:
            for name, value in zip(("Numerator", "Denominator", "Value", "Target"), figures[indicator]):
                if value is not None:
                    row[column[name]].value = value
            filled.add(indicator)
    assert filled == set(figures)
    book.save(path)


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    db = folder / "small.duckdb"
    assert main(["setup", "--home", DUDLEY, "--db", str(db)]) == 0
    for quarter, figures in FIGURES.items():
        workbook = folder / f"{quarter.replace(' ', '_')}.xlsx"
        assert main(["template", "--period", quarter, "-o", str(workbook), "--db", str(db)]) == 0
        fill_template(workbook, figures)
        assert main(["load", str(workbook), "--db", str(db)]) == 0
    return db


def addresses() -> list[str]:
    """Scorecard, overview, exceptions, each small figure's indicator page and its outcome area,
    and projector mode (the board deck: every slide is in the page)."""
    catalogue = load_catalogue()
    paths = ["/", "/scorecard", "/exceptions"] + [f"/indicator?indicator={name}" for name in SMALL]
    paths += [f"/scorecard?outcome={catalogue.indicators[name].outcome_area('ecm')}" for name in SMALL]
    paths += ["/projector"]
    found = [path + ("&" if "?" in path else "?") + f"period={QUARTER}" for path in paths]
    return list(dict.fromkeys(found))  # without repeats, in order


def callback_responses(browser, base: str) -> dict[str, list[str]]:
    """Every _dash-update-component response body, by the address that caused it."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-GB")
    page = context.new_page()
    bodies: list[str] = []
    page.on("response", lambda response: "_dash-update-component" in response.url and bodies.append(response.text()))
    found = {}
    try:
        for address in addresses():
            bodies.clear()
            page.goto(base + address)
            wait_until_ready(page)
            page.wait_for_load_state("networkidle")
            assert bodies, f"{address}: no callback responses were seen"
            found[address] = list(bodies)
    finally:
        context.close()
    return found


def figure_cells(bodies: list[str]) -> list[tuple[str, str]]:
    """(figure, count) from every row of an indicator page's table of figures."""
    cells = []

    def walk(node):
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            props = node.get("props", {})
            if node.get("type") == "Table" and "every figure" in json.dumps(props.get("children", ""))[:400]:
                for body in props["children"]:
                    if body.get("type") == "Tbody":
                        for row in body["props"]["children"]:
                            values = [cell["props"].get("children") for cell in row["props"]["children"]]
                            cells.append((values[1], values[2]))
            for value in node.values():
                walk(value)

    for body in bodies:
        walk(json.loads(body))
    return cells


def chart_values(bodies: list[str]) -> list:
    """Every value on the area's own line in the trend charts."""
    values = []

    def walk(node):
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            if node.get("type") == "Graph":
                for trace in node["props"]["figure"]["data"]:
                    name = trace.get("name") or ""
                    if name == "Dudley" or name.startswith("Dudley, "):  # a line per kind of period
                        values.extend(trace.get("y", []))
            for value in node.values():
                walk(value)

    for body in bodies:
        walk(json.loads(body))
    return values


def test_small_counts_are_in_the_database(small_db):
    """The premise: the true small counts are stored, so the pages have something to hide."""
    with Store.open(small_db) as store:
        rows = store.frame(sa.select(schema.observation).where(schema.observation.c.indicator_id.in_(SMALL)))
    counts = sorted(rows["numerator"].fillna(rows["value"]).astype(int))
    assert counts == [3, 4, 4, 5]
    assert all(1 <= count <= 5 for count in counts)


def test_small_counts_show_when_the_threshold_is_off(small_db, browser, tmp_path):
    """The control: with no threshold every small count and rate reaches the browser, so the
    checks in the next test would see one if it leaked."""
    open_db = tmp_path / "open.duckdb"
    shutil.copy(small_db, open_db)
    with Store.open(open_db) as store:
        store.set_setting("disclosure_threshold", "0")
    with served_app(open_db, tmp_path) as base:
        seen = callback_responses(browser, base)
    everything = "\n".join(body for bodies in seen.values() for body in bodies)
    for rate in RATES:
        assert rate in everything, f"{rate} ({RATES[rate]}) not shown even with the threshold off"
    small = [(figure, count) for bodies in seen.values() for figure, count in figure_cells(bodies)]
    assert {"3", "4", "5"} <= {count for _, count in small} | {figure for figure, _ in small}
    assert {4.0} <= {value for bodies in seen.values() for value in chart_values(bodies)}


def test_no_count_of_one_to_five_leaves_the_server(small_db, browser, tmp_path):
    with served_app(small_db, tmp_path) as base:
        seen = callback_responses(browser, base)
    for address, bodies in seen.items():
        text = "\n".join(bodies)
        for rate in RATES:
            assert rate not in text, f"{address}: {rate} ({RATES[rate]} children) left the server"
        for figure, count in figure_cells(bodies):
            assert count not in {"1", "2", "3", "4", "5"} and figure not in {"1", "2", "3", "4", "5"}, address
        assert not [value for value in chart_values(bodies) if value is not None and 1 <= value <= 5], address
    shown = {address: "[c]" in "\n".join(bodies) for address, bodies in seen.items()}
    for address, has_symbol in shown.items():
        if address.startswith(("/scorecard", "/indicator", "/projector")):
            assert has_symbol, f"{address}: no [c] where the small figures are"
    assert "75.0" in "\n".join(seen[f"/scorecard?period={QUARTER}"])  # figures from large counts still show


def downloaded(browser, base: str, button: str) -> str:
    """The scorecard download as text (an Excel file read back cell by cell)."""
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{base}/scorecard?period={QUARTER}")
        wait_until_ready(page)
        with page.expect_download() as info:
            page.get_by_role("button", name=button).click()
        path = info.value.path()
        if button.endswith("Excel"):
            sheet = openpyxl.load_workbook(io.BytesIO(Path(path).read_bytes())).active  # saved with no extension
            return "\n".join(",".join("" if v is None else str(v) for v in row) for row in sheet.iter_rows(values_only=True))
        return Path(path).read_text()
    finally:
        context.close()


@pytest.mark.parametrize("button", ["Download as CSV", "Download as Excel"])
def test_downloads_carry_no_small_count(small_db, browser, tmp_path, button):
    open_db = tmp_path / "open.duckdb"
    shutil.copy(small_db, open_db)
    with Store.open(open_db) as store:
        store.set_setting("disclosure_threshold", "0")
    (tmp_path / "open").mkdir()
    with served_app(open_db, tmp_path / "open") as base:
        control = downloaded(browser, base, button)
    assert "42.9" in control and "45.5" in control  # the control: with no threshold they are there
    with served_app(small_db, tmp_path) as base:
        protected = downloaded(browser, base, button)
    for rate in RATES:
        assert rate not in protected, f"{rate} ({RATES[rate]} children) is in the download"
    assert "[c]" in protected and "75" in protected
