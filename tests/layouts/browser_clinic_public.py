"""The clinic on real data only (issue 16): with the public DfE files loaded for Dudley and no
demo, nothing has a target, so the Overview and Exceptions say how many indicators have none
and never "no exceptions". A target set with `scorecard targets set` while the app runs (on
PostgreSQL, so the command line and the server share the database) makes its indicator
judged, and on Exceptions when it is off target. Exceptions are compact at 1920x1080."""

import re
import subprocess
import sys

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from service import judgements
from service.application import Service
from service.cli import main
from tests.browser import ARTEFACTS, REPO, served_app, wait_until_ready
from tests.paths import PUBLIC

pytestmark = pytest.mark.browser

FILES = [PUBLIC / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
         PUBLIC / "d3_cpps_subsequent_plan_2013_to_2025.csv",
         PUBLIC / "cla_number_and_rate_per_10k_children_2021_2025.csv",
         PUBLIC / "statistical_neighbours_2021.csv"]
DUDLEY = "E08000027"
JUDGED = "re_referrals_12_months"  # Dudley 22.5% in 2024-25; lower is better
TITLE = "Re-referrals within 12 months"


@pytest.fixture(scope="module")
def real(postgres_server, tmp_path_factory):
    folder = tmp_path_factory.mktemp("clinic-public")
    url = postgres_server.new_database()
    assert main(["load", *map(str, FILES), "--db", url]) == 0
    with served_app(url, folder, {"SCORECARD_SIGN_IN": "off"}) as base:
        yield base, url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-GB")
    opened = context.new_page()
    yield opened
    context.close()


def visit(page, url):
    page.goto(url)
    wait_until_ready(page)


def no_target_count(url: str) -> int:
    """How many of Dudley's indicators have a figure and a polarity but no target, worked out
    by the service itself (not by the page under test)."""
    with Service.open(url) as service:
        card = service.scorecard(DUDLEY, service.checked_quarter(None))
        return len(judgements.gaps(card).no_target)


def no_target_words(count: int) -> re.Pattern:
    return re.compile(rf"\b{count} indicators? with a figure (has|have) no target")


def test_overview_and_exceptions_count_the_missing_targets(real, page):
    base, url = real
    missing = no_target_count(url)
    assert missing >= 2  # re-referrals and repeat plans at least
    visit(page, base + f"/?area={DUDLEY}")
    expect(page.locator("#judgement-gaps")).to_contain_text(no_target_words(missing))
    expect(page.locator("#set-targets-link")).to_have_attribute("href", re.compile(r"^/targets"))
    visit(page, base + f"/exceptions?area={DUDLEY}")
    expect(page.locator("#judgement-gaps")).to_contain_text(no_target_words(missing))
    assert "There are no exceptions" not in page.inner_text("#main")
    assert "no exceptions" not in page.inner_text("#main").lower()


def test_a_target_set_from_the_command_line_is_judged_and_shown_on_exceptions(real, page):
    base, url = real
    before = no_target_count(url)
    visit(page, base + f"/exceptions?area={DUDLEY}")
    assert "Red against target" not in " ".join(page.locator("section.exception", has_text=TITLE).all_inner_texts())
    done = subprocess.run([sys.executable, "-m", "service.cli", "targets", "set", JUDGED, "15", "--year", "2024-25",
                           "--area", DUDLEY, "--tolerance", "2", "--agreed-by", "Clinic", "--db", url],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "-> 15, tolerance 2 (absolute), agreed by Clinic" in done.stdout
    visit(page, base + f"/exceptions?area={DUDLEY}")
    section = page.locator("section.exception", has_text=TITLE)
    expect(section).to_have_count(1)
    expect(section).to_contain_text("Red against target")
    expect(section).to_contain_text("target 15")
    expect(page.locator("#judgement-gaps")).to_contain_text(no_target_words(before - 1))
    assert no_target_count(url) == before - 1
    # The clinic writes a note and two actions on it, then marks one done.
    section.locator("summary", has_text="commentary").click()
    section.locator("textarea").fill("Re-referrals rose after the front door changed; a deep dive is booked.")
    section.get_by_role("button", name="Save commentary").click()
    expect(section.locator(".clinic-commentary .note-status")).to_contain_text("Saved by")
    section.locator("summary", has_text="Add an action").click()
    for what, owner, due in (("Deep dive on re-referrals", "Head of MASH", "2025-01-31"),
                             ("Reissue threshold guidance", "Partnership manager", "2099-03-31")):
        section.locator("input[type=text]").first.fill(what)
        section.locator("input[type=text]").nth(1).fill(owner)
        section.locator("input[type=date]").fill(due)
        section.get_by_role("button", name="Add action").click()
        expect(section.locator(".actions")).to_contain_text(what)
    visit(page, base + f"/exceptions?area={DUDLEY}")
    section = page.locator("section.exception", has_text=TITLE)
    expect(section.locator("blockquote")).to_contain_text("a deep dive is booked")
    expect(section.locator("blockquote footer")).to_contain_text("local analyst")
    assert section.inner_text().count("a deep dive is booked") == 1
    expect(section.locator("textarea")).to_be_hidden()  # shown once: not again in an open edit box
    expect(page.locator("#overdue-actions")).to_contain_text("Deep dive on re-referrals")
    expect(section.locator(".action-overdue")).to_have_count(1)
    section.get_by_role("button", name="Mark done: Reissue threshold guidance").click()
    expect(section.get_by_role("button", name="Mark done: Reissue threshold guidance")).to_have_text("Done")
    visit(page, base + f"/exceptions?area={DUDLEY}")
    expect(page.locator("section.exception", has_text=TITLE).locator(".action-done")).to_have_count(1)
    ARTEFACTS.mkdir(exist_ok=True)
    for width, height in ((1920, 1080), (1280, 720)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(ARTEFACTS / f"clinic-exceptions-real-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1920, "height": 1080})
    for box in page.locator("section.exception").all():
        assert box.bounding_box()["height"] <= 200, (box.bounding_box(), box.inner_text()[:80])


def test_targets_page_lists_what_is_missing_and_is_accessible(real, page):
    base, _url = real
    visit(page, base + f"/targets?area={DUDLEY}")
    expect(page.locator("#main")).to_contain_text("Set a target")
    expect(page.locator("#targets-tables")).to_contain_text("No target for")
    found = Axe().run(page)
    assert found.violations_count == 0, found.generate_report()
    page.fill("#target-indicator", "cpp_second_or_subsequent")
    page.fill("#target-year", "2024-25")
    page.fill("#target-value", "20")
    page.fill("#target-tolerance", "5%")
    page.fill("#target-agreed", "Clinic")
    page.get_by_role("button", name="Save target").click()
    expect(page.locator("#target-status")).to_contain_text("Saved cpp_second_or_subsequent, 2024-25: none -> 20")
    row = page.locator("#targets-tables tr", has_text="Repeat child protection plans")
    expect(row).to_contain_text("5 (percent)")
    expect(row).to_contain_text("Clinic")
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "clinic-targets-real-1920.png"), full_page=True)
