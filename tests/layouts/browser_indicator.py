"""The Indicator page in real Chromium (issue 16), quarterly and yearly, at 1280 and 1920 pixels:
the chart drawn with its words beneath it, the heading naming the newest figure's own date, each
figure's age, and an old figure marked out of date. Screenshots go to test-artefacts/."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from service.cli import main
from tests.browser import ARTEFACTS, served_app, wait_until_ready

pytestmark = pytest.mark.browser
QUARTER = "2026-27 Q2"  # the demo's newest quarter


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("indicator")
    assert main(["demo", "--db", str(folder / "demo.duckdb")]) == 0
    with served_app(folder / "demo.duckdb", folder) as base:
        yield base


@pytest.mark.parametrize("name, indicator, kinds", [
    ("quarterly-mmr", "mmr_two_doses_age_5", ["Dudley, quarterly", "Dudley, financial years"]),
    ("annual-obesity", "obesity_reception", ["Dudley, academic years"]),
])
@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_indicator_page_draws_each_kind_of_figure_apart_and_says_so(app_url, browser, name, indicator, kinds,
                                                                    width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{app_url}/indicator?indicator={indicator}&period={QUARTER}")
    wait_until_ready(page)
    expect(page.locator("#trend-chart .main-svg").first).to_be_visible()
    legend = page.locator("#trend-chart .legend")
    for kind in kinds:
        expect(legend).to_contain_text(kind)
    expect(page.locator("#trend-chart")).to_contain_text("Percentage (%)")  # the axis names the unit
    expect(page.locator("#trend-summary")).to_contain_text("figures from")
    expect(page.locator("#indicator-newest")).to_contain_text("Newest figure:")
    expect(page.locator("table.table").first).to_contain_text("old")  # each figure's age
    page.screenshot(path=str(ARTEFACTS / f"indicator-{name}-{width}.png"), full_page=True)
    if width == 1280:
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    page.close()


def test_an_old_figure_is_marked_out_of_date_with_its_own_date(app_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{app_url}/indicator?indicator=cla_rate&period=2028-29 Q2")  # two years after the newest figure
    wait_until_ready(page)
    newest = page.locator("#indicator-newest")
    expect(newest).to_contain_text("Newest figure: ")
    expect(newest).to_contain_text("30 September 2026")
    expect(newest.locator(".stale")).to_contain_text("Out of date")
    expect(page.locator("h1")).to_contain_text("Children looked after at 30 September")
    page.close()
