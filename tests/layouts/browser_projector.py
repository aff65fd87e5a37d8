"""Projector mode, the board deck, in real headless Chromium on the demo data: every slide at
1280x720 and 1920x1080 fits the screen with text readable from the back of the room, passes axe
and leaves the console empty; keys and controls move between slides without asking the server
and leave; pages offer projector mode only where it makes sense and none is a trap."""

from urllib.parse import urlparse

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from service import deck
from service.application import Service
from service.cli import main
from tests.browser import ARTEFACTS, served_app, wait_until_ready

pytestmark = pytest.mark.browser

SIZES = [(1920, 1080), (1280, 720)]
SMALLEST_AT_1920 = 28  # px: no figure smaller, and proportionally smaller screens in step
OFFERED = {  # page -> the first words of the slide the deck opens at
    "/": "Dudley: children and young people's plan",
    "/scorecard?outcome=stay_safe": "Stay safe (1 of 3)",
    "/exceptions": "Exceptions: what is off track and why (1 of",
    "/indicator?indicator=cla_rate": "Stay safe (1 of 3)",
}
NOT_OFFERED = ["/upload", "/loads", "/indicators", "/audit", "/reconcile"]

# Everything a slide shows, measured in the page: what shows, where it ends, how small its text is.
MEASURE = """() => {
  const shown = [...document.querySelectorAll('#deck .slide')].filter(s => !s.hidden);
  const slide = shown[0];
  const frame = document.querySelector('.deck-slides').getBoundingClientRect();
  let overflow = 0, smallest = 1e9, smallestText = '';
  for (const element of slide.querySelectorAll('*')) {
    if (element.closest('.visually-hidden')) continue;
    const box = element.getBoundingClientRect();
    if (box.width <= 1) continue;
    overflow = Math.max(overflow, box.bottom - frame.bottom, box.right - frame.right, frame.left - box.left);
    const own = [...element.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const size = parseFloat(getComputedStyle(element).fontSize);
    if (own && size < smallest) { smallest = size; smallestText = element.textContent.trim().slice(0, 40); }
  }
  return {
    visible: shown.length, slug: slide.dataset.slug, title: slide.querySelector('h1').textContent,
    documentHeight: document.documentElement.scrollHeight, documentWidth: document.documentElement.scrollWidth,
    overflow, smallest, smallestText,
    latest: [...slide.querySelectorAll('tbody tr')].map(r => r.children[1] ? r.children[1].querySelector('.figure')?.textContent : null),
    rags: [...slide.querySelectorAll('.rag')].map(r => r.textContent),
    position: document.getElementById('deck-position').textContent,
  };
}"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo database, the deck's plan worked out from it before the app holds the file, and the app."""
    folder = tmp_path_factory.mktemp("projector")
    db = folder / "demo.duckdb"
    assert main(["demo", "--db", str(db)]) == 0
    with Service.open(str(db)) as service:
        card = service.chosen({})
        planned = deck.plan(card, service.outcome_choices("ecm"))
    with served_app(db, folder) as base:
        yield base, planned


@pytest.fixture
def page_at(browser):
    opened = []

    def make(width: int, height: int):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        opened.append(context)
        return page

    yield make
    for context in opened:
        context.close()


def axe_on(page) -> AxeResults:
    """axe-core on the page as it is now; put into the page once, as slides change without a reload."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(Axe().axe_script)
    return AxeResults(page.evaluate("axe.run({resultTypes: ['violations']})"))


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_slide_fits_the_screen_reads_from_the_back_and_passes_axe(demo, page_at, width, height):
    base, planned = demo
    page = page_at(width, height)
    page.goto(base + "/projector")
    wait_until_ready(page)
    ARTEFACTS.mkdir(exist_ok=True)
    smallest_allowed = SMALLEST_AT_1920 * width / 1920 - 0.5
    for number, slide in enumerate(planned.slides, start=1):
        if number > 1:
            page.keyboard.press("ArrowRight")
            page.wait_for_url(lambda url: f"slide={number}" in url)
        found = page.evaluate(MEASURE)
        where = f"slide {number} ({slide.title}) at {width}x{height}"
        page.screenshot(path=str(ARTEFACTS / f"projector-{width}x{height}-{number:02d}-{slide.slug}.png"))
        assert found["visible"] == 1, where
        assert (found["slug"], found["title"]) == (slide.slug, slide.title), where  # the plan's order
        assert found["position"] == f"Slide {number} of {len(planned.slides)}", where
        assert found["documentHeight"] <= height and found["documentWidth"] <= width, where
        assert found["overflow"] <= 0.5, f"{where}: runs {found['overflow']:.0f} px past the slide"
        assert found["smallest"] >= smallest_allowed, f"{where}: '{found['smallestText']}' at {found['smallest']} px"
        if slide.kind in (deck.DETAIL, deck.SUMMARY):  # each figure as the scorecard row shows it ([c] for 1 to 5)
            shown = [row.shown for row in slide.rows]
            assert found["latest"] == shown, where
        for badge in found["rags"]:  # RAG as a word and a shape, never colour alone
            assert any(shape in badge for shape in "■▲●○") and any(word in badge for word in
                                                                    ("Red", "Amber", "Green", "No judgement")), where
        results = axe_on(page)
        assert results.violations_count == 0, f"{where}: {results.generate_report()}"
    assert page.console_errors == []


def test_no_banner_takes_a_slide_and_demonstration_data_is_a_watermark(demo, page_at):
    base, _ = demo
    page = page_at(1280, 720)
    page.goto(base + "/projector?slide=19")
    wait_until_ready(page)
    expect(page.locator(".banner")).to_have_count(0)  # neither the demonstration banner nor the sign-in notice
    expect(page.locator(".deck-watermark")).to_have_text("Demonstration data")
    expect(page.locator("#deck caption")).to_have_count(0)  # the heading is not said again as a caption
    expect(page.locator(".site-header")).to_have_count(0)
    box = page.locator(".deck-watermark").bounding_box()
    assert box["y"] + box["height"] <= 720 and box["height"] < 30


def test_keys_and_controls_move_between_slides_without_asking_the_server_and_leave(demo, page_at):
    base, planned = demo
    total = len(planned.slides)
    page = page_at(1280, 720)
    page.goto(base + "/projector?from=%2Fscorecard&slide=1")
    wait_until_ready(page)
    asked = []
    page.on("request", lambda request: "_dash" in request.url and asked.append(request.url))
    moves = [("ArrowRight", 2), ("Space", 3), ("PageDown", 4), ("ArrowDown", 5), ("ArrowLeft", 4), ("ArrowUp", 3),
             ("PageUp", 2), ("Shift+Space", 1), ("ArrowLeft", 1), ("End", total), ("ArrowRight", total), ("Home", 1)]
    for key, expected in moves:
        page.keyboard.press(key)
        page.wait_for_url(lambda url: f"slide={expected}" in url)
        expect(page.locator(".slide:not([hidden]) h1")).to_have_text(planned.slides[expected - 1].title)
    page.click("#deck-next")
    page.wait_for_url(lambda url: "slide=2" in url)
    page.click("#deck-next")
    page.click("#deck-previous")
    page.wait_for_url(lambda url: "slide=2" in url)
    expect(page.locator("#deck-position")).to_have_text(f"Slide 2 of {total}")
    expect(page.locator("#deck-announce")).to_have_text(f"Slide 2 of {total}: {planned.slides[1].title}")
    assert asked == []  # every move was made in the browser
    page.reload()
    wait_until_ready(page)
    expect(page.locator(".slide:not([hidden]) h1")).to_have_text(planned.slides[1].title)
    page.keyboard.press("Escape")
    page.wait_for_url(lambda url: urlparse(url).path == "/scorecard")
    expect(page.locator(".site-header")).to_have_count(1)
    assert page.console_errors == []


@pytest.mark.parametrize("address", list(OFFERED))
def test_pages_that_offer_projector_mode_open_at_their_slide_and_take_you_back(demo, page_at, address):
    base, _ = demo
    page = page_at(1920, 1080)
    page.goto(base + address)
    wait_until_ready(page)
    page.click("#projector-on")
    page.wait_for_selector("#deck")
    expect(page.locator(".slide:not([hidden]) h1")).to_contain_text(OFFERED[address])
    page.click("#deck-leave")
    page.wait_for_url(lambda url: urlparse(url).path == urlparse(address).path)
    wait_until_ready(page)
    expect(page.locator("#projector-on")).to_have_count(1)
    assert page.console_errors == []


@pytest.mark.parametrize("address", NOT_OFFERED)
def test_desk_pages_do_not_offer_projector_mode_and_an_old_projector_address_is_no_trap(demo, page_at, address):
    base, _ = demo
    page = page_at(1280, 720)
    page.goto(base + address)
    wait_until_ready(page)
    expect(page.locator("#projector-on")).to_have_count(0)
    page.goto(base + address + "?view=projector")  # a bookmark from before: it reaches the deck
    page.wait_for_selector("#deck .slide:not([hidden])")
    page.keyboard.press("Escape")
    page.wait_for_url(lambda url: urlparse(url).path == "/scorecard")
    wait_until_ready(page)
    expect(page.locator(".site-header")).to_have_count(1)
    assert page.console_errors == []


def test_the_cover_says_what_when_and_who_presents(demo, page_at):
    base, planned = demo
    page = page_at(1920, 1080)
    page.goto(base + "/projector?presenter=Jo%20Bloggs")
    wait_until_ready(page)
    cover = page.locator("#slide-1")
    expect(cover.locator("h1")).to_have_text(planned.slides[0].title)
    expect(cover).to_contain_text("Presented by Jo Bloggs")
    expect(cover).to_contain_text("Figures as at ")
    for summary in planned.summaries:  # every outcome area's counts, at a glance
        row = cover.locator("tbody tr", has_text=summary.title)
        assert row.locator("td").all_inner_texts() == [str(summary.counts[word]) for word in
                                                         ("red", "amber", "green", "no judgement")]
    page.keyboard.press("ArrowRight")
    page.wait_for_url(lambda url: "slide=2" in url and "presenter=Jo" in url)  # the presenter stays
