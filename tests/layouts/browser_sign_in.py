"""Sign-in and sign-out in real Chromium: the forms' tokens round-trip through a real browser,
a deep link comes back with its whole query string, a signed-out session cannot be replayed,
and a database with no users says on every page that sign-in is off. Screenshots of both."""

import pytest
from playwright.sync_api import expect

from scorecard.store import Store
from service import users
from service.cli import main
from tests.browser import ARTEFACTS, served_app, wait_until_ready

pytestmark = pytest.mark.browser
PASSWORD = "a long enough password"
SIZES = [(1280, 720), (1920, 1080)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sign-in")
    db = folder / "demo.duckdb"
    assert main(["demo", "--db", str(db)]) == 0
    return folder, db


def test_no_users_every_page_says_sign_in_is_off(demo, browser):
    folder, db = demo
    with served_app(db, folder, {"SCORECARD_SESSION_KEY_FILE": str(folder / "key")}) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(base + "/scorecard")
        wait_until_ready(page)
        expect(page.locator(".banner-sign-in")).to_contain_text("Sign-in is off because no users have been added")
        ARTEFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / "sign-in-off-1280x720.png"))
        page.close()


def test_sign_in_deep_link_and_sign_out_in_chromium(demo, browser):
    folder, db = demo
    with Store.open(db) as store:
        users.add_user(store, "anna", "analyst", PASSWORD, by="test")
    env = {"SCORECARD_SESSION_KEY_FILE": str(folder / "key"), "SCORECARD_HTTPS": "off"}
    with served_app(db, folder, env) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        page = context.new_page()
        deep = "/scorecard?area=E08000027-DUD&outcome=stay_safe"
        page.goto(base + deep)
        expect(page.locator("h1")).to_have_text("Sign in")
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=str(ARTEFACTS / f"sign-in-{width}x{height}.png"))
        page.fill("#username", "anna")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(base + deep)
        wait_until_ready(page)
        expect(page.locator(".account-name")).to_have_text("Signed in as anna (analyst)")
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=str(ARTEFACTS / f"signed-in-{width}x{height}.png"))
        kept = context.cookies()
        page.click("#sign-out")
        page.wait_for_url(base + "/signin")
        replayed = browser.new_context()
        replayed.add_cookies(kept)
        again = replayed.new_page()
        again.goto(base + "/scorecard")
        expect(again.locator("h1")).to_have_text("Sign in")  # the old cookie's session has ended
        replayed.close()
        context.close()
