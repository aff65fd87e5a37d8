"""The upload preview and the Loads page in real Chromium (issue 16): a filled template's
figures named by title and area, shown before and after as the scorecard shows them (the
rate, not only the count), new figures listed, every side effect stated, nothing cleared unless
the file asks; and the Loads page with warnings in full and its Revert buttons inside 1280 px."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from loaders.context import LoadContext
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from service.cli import main
from tests.browser import ARTEFACTS, served_app, wait_until_ready
from tests.workbooks import DUDLEY, council_workbook, filled_template

pytestmark = pytest.mark.browser
QUARTER = "2026-27 Q3"  # the demo's figures end at 2026-27 Q2: its 31 December counts are new


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("preview")
    db = folder / "demo.duckdb"
    assert main(["demo", "--db", str(db)]) == 0
    context = LoadContext(load_catalogue(), load_areas(), DUDLEY)
    files = {
        # The council's own count for a figure the demo also gives: its later files revise this one.
        "base.xlsx": {("obesity_reception", DUDLEY): {"Numerator": 411, "Denominator": 3870}},
        # A value and a target only: the stored count, denominator and tolerance must stay.
        "typed.xlsx": {("obesity_reception", DUDLEY): {"Value": "10.9"},
                       ("mmr_two_doses_age_5", DUDLEY): {"Target": "95"},
                       ("cla_rate", DUDLEY): {"Numerator": 590}},
        # A symbol replaces a figure whole: what that clears is said before anything is loaded.
        "symbol.xlsx": {("obesity_reception", DUDLEY): {"Symbol": "c"}},
    }
    for name, fills in files.items():
        filled_template(folder / name, context, fills, quarter=QUARTER)
    council_workbook(folder / "council.xlsx")  # its RAG column is a warning
    assert main(["load", str(folder / "base.xlsx"), "--db", str(db)]) == 0
    with served_app(db, folder) as base:
        yield base, folder


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-GB")
    opened = context.new_page()
    yield opened
    context.close()


def visit(page, url):
    page.goto(url)
    wait_until_ready(page)


def check(page, base, path):
    visit(page, base + "/upload")
    page.set_input_files("#upload-file input[type=file]", str(path))
    expect(page.locator("#upload-report")).to_contain_text("ready to load", timeout=30_000)
    return page.locator("#upload-report")


def figure_row(page, title: str):
    return page.locator("#upload-figures tbody tr").filter(has_text=title)


def test_preview_names_figures_shows_them_before_and_after_and_states_side_effects(served, page):
    base, folder = served
    report = check(page, base, folder / "symbol.xlsx")
    effects = page.locator(".upload-effects")
    expect(effects).to_contain_text("Obesity in Reception, Dudley, 2025/26: the count 411 would be cleared")
    expect(effects).to_contain_text("Obesity in Reception, Dudley, 2025/26: the denominator 3,870 "
                                    "would be cleared")
    expect(effects).to_contain_text("the figure 10.6 would be replaced by the symbol [c]")
    expect(figure_row(page, "Obesity in Reception").locator("td")).to_have_text(
        ["Dudley", "2025/26", "Revised", "10.6", "[c]", "411", "–", "3,870", "–"])
    page.screenshot(path=str(ARTEFACTS / "upload-preview-side-effects-1280.png"), full_page=True)
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator("#upload-result")).to_contain_text("Nothing was loaded")

    report = check(page, base, folder / "typed.xlsx")
    text = report.inner_text()
    assert not re.search(r"\bnan\b", text, re.IGNORECASE) and "->" not in text and "None ->" not in text
    for raw in ("indicator_id", "area_code", "period_type", "obesity_reception", "E08000027"):
        assert raw not in text, raw  # titles and names, never ids
    expect(page.locator("#upload-effects + p")).to_contain_text("None: no stored count")
    # A revised figure: the published figure changes, the count and denominator it had stay.
    expect(figure_row(page, "Obesity in Reception").locator("td")).to_have_text(
        ["Dudley", "2025/26", "Revised", "10.6", "10.9", "411", "411", "3,870", "3,870"])
    # A new figure is listed by its title and date, with the rate it would show, not only its count.
    new = figure_row(page, "Children looked after rate").locator("td")
    expect(new.nth(1)).to_have_text("31 December 2026")
    expect(new.nth(2)).to_have_text("New")
    expect(new.nth(3)).to_have_text("–")
    expect(new.nth(4)).to_have_text(re.compile(r"^\d+$"))  # the rate per 10,000 worked out from 590
    expect(new.nth(6)).to_have_text("590")
    # A typed target keeps the tolerance it had.
    expect(page.locator("#upload-targets tbody tr").filter(has_text="MMR").locator("td")).to_have_text(
        ["Dudley", "2026-27", "Revised", "94.1", "95.0", "3.0", "3.0"])
    page.screenshot(path=str(ARTEFACTS / "upload-preview-1280.png"), full_page=True)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=str(ARTEFACTS / "upload-preview-1920.png"), full_page=True)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.get_by_role("button", name="Confirm and load").click()
    expect(page.locator("#upload-result")).to_contain_text("Loaded typed.xlsx as load", timeout=30_000)
    visit(page, base + f"/indicator?indicator=obesity_reception&period={QUARTER}")
    first = page.locator("table.table tbody tr").first
    expect(first.locator("th")).to_have_text("2025/26")
    expect(first.locator("td").nth(0)).to_have_text("10.9")
    expect(first.locator("td").nth(1)).to_have_text("411")  # the count was not wiped
    expect(first.locator("td").nth(2)).to_have_text("3,870")


def test_loads_page_shows_warnings_in_full_and_fits_1280(served, page):
    base, folder = served
    visit(page, base + "/upload")
    page.set_input_files("#upload-file input[type=file]", str(folder / "council.xlsx"))
    expect(page.locator("#upload-warnings")).to_contain_text("Warnings")
    expect(page.locator("#upload-report")).to_contain_text("the RAG column is not loaded")
    page.get_by_role("button", name="Confirm and load").click()
    expect(page.locator("#upload-result")).to_contain_text("Loaded council.xlsx", timeout=30_000)
    visit(page, base + "/loads")
    row = page.locator("table.loads-table tbody tr").filter(has_text="council.xlsx")
    expect(row).to_contain_text("the RAG column is not loaded: Scorecard judges RAG itself from the target")
    buttons = page.get_by_role("button", name=re.compile(r"Revert load \d+"))
    assert buttons.count() >= 2
    for index in range(buttons.count()):
        box = buttons.nth(index).bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1280, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=str(ARTEFACTS / "loads-1280.png"), full_page=True)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=str(ARTEFACTS / "loads-1920.png"), full_page=True)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
