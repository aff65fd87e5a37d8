"""The Board pack page in real headless Chromium, at 1280x720 and 1920x1080: an analyst (sign-in
off, the local default) makes a pack, signs it off, downloads the PDF the page kept and sees what
changed; axe finds no violations and the console is empty. Screenshots go to test-artefacts/."""

from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from scorecard.periods import latest_complete_quarter
from service.cli import main
from tests.browser import ARTEFACTS, served_app, wait_until_ready

pytestmark = pytest.mark.browser
QUARTER = latest_complete_quarter(date.today()).label


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("packs-page")
    db = folder / "demo.duckdb"
    assert main(["demo", "--db", str(db)]) == 0
    # One pack signed off before, so "What changed" has a pack to compare with.
    assert main(["pack", "--db", str(db), "--period", QUARTER, "--by", "anna", "-o", str(folder / "first.pdf"),
                 "--format", "pdf"]) == 0
    assert main(["pack", "--db", str(db), "--sign-off", "1", "--by", "ada"]) == 0
    with served_app(db, folder) as base:
        yield base, folder


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_an_analyst_makes_signs_off_downloads_and_compares_a_pack(browser, app_url, width, height):
    base, folder = app_url
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB", accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/packs?period={QUARTER.replace(' ', '+')}")
    wait_until_ready(page)
    expect(page.locator("#make-pack")).to_contain_text(f"Dudley, {QUARTER}, all outcome areas")
    before = page.locator("#packs-table tbody tr").count()
    page.fill("#pack-presenter", "Pat Presenter")
    page.click("#make-pack")
    expect(page.locator("#pack-status")).to_contain_text("made and kept", timeout=60_000)
    assert page.locator("#packs-table tbody tr").count() == before + 1
    newest = page.locator("#packs-table tbody tr").first
    pack_id = newest.locator("th").inner_text()
    page.on("dialog", lambda dialog: dialog.accept())
    newest.get_by_role("button", name=f"Sign off pack {pack_id}").click()
    expect(page.locator("#pack-status")).to_contain_text(f"Pack {pack_id} signed off", timeout=20_000)
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name=f"Download pack {pack_id} as PDF").click()
    saved = folder / f"page-{width}.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF") and download.value.suggested_filename.endswith(".pdf")
    page.get_by_role("button", name=f"What changed in pack {pack_id} since the board last saw").click()
    expect(page.locator("#pack-changes")).to_contain_text("Against pack", timeout=20_000)
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"page-packs-{width}x{height}.png"), full_page=True)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert errors == []
    context.close()
