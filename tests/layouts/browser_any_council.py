"""A council other than the example one, in real headless Chromium: Walsall set up with its
wards and baskets; the pages open on Walsall, the Basket picker cuts the scorecard and puts
the basket in the URL, accessibly (axe-core)."""

import shutil
from urllib.parse import parse_qs, urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from service.cli import main
from tests.browser import ARTEFACTS, served_app, wait_until_ready
from tests.paths import REPO
from tests.service.test_any_council import ONS_LOOKUP

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("walsall")
    lookup = folder / "wards.csv"
    lookup.write_text(ONS_LOOKUP, encoding="utf-8")
    db = folder / "scorecard.duckdb"
    assert main(["setup", "--home", "E08000030", "--localities", str(lookup), "--db", str(db)]) == 0
    assert main(["demo", "--db", str(db)]) == 0
    shutil.copy(REPO / "data" / "examples" / "baskets.yaml", folder / "baskets.yaml")
    with served_app(db, folder) as base:
        yield base


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_walsall_pages_and_the_basket_picker(app_url, browser, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="en-GB")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(app_url + "/scorecard")
    wait_until_ready(page)
    expect(page.locator("#pick-area option:checked")).to_have_text("Walsall")
    expect(page.locator(".banner-demo")).to_contain_text("not real figures for Walsall")
    whole = page.locator("table.scorecard tbody tr").count()
    page.select_option("#pick-basket", "corporate_basket")
    page.click("#show-button")
    wait_until_ready(page)
    assert parse_qs(urlparse(page.url).query)["basket"] == ["corporate_basket"]
    expect(page.locator("#basket-note")).to_contain_text("Basket: Corporate basket.")
    expect(page.locator("#basket-note")).to_contain_text("Owned by Director of Children's Services; 5 indicators.")
    assert 0 < page.locator("table.scorecard tbody tr").count() < whole
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"walsall-basket-{size[0]}x{size[1]}.png"), full_page=False)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.click("a.nav-link:has-text('Exceptions')")  # the basket goes with the navigation
    wait_until_ready(page)
    assert parse_qs(urlparse(page.url).query).get("basket") == ["corporate_basket"]
    expect(page.locator("#basket-note")).to_contain_text("Corporate basket")
    assert errors == []
    context.close()
