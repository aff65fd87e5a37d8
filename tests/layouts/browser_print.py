"""Printing any page from the browser, in real headless Chromium on the demo data: A4 landscape,
no navigation, pickers or banners (a one-line demonstration note), tables that break between
rows with their headings on every page, notes printed as their words, period labels no larger
than the figures. Each PDF's pages go to test-artefacts/ as PNGs (pdftoppm) to be looked at."""

import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from service import deck
from service.application import Service
from service.cli import main
from tests.browser import ARTEFACTS, served_app, wait_until_ready

pytestmark = pytest.mark.browser

PAGES = {
    "overview": "/",
    "scorecard": "/scorecard",
    "exceptions": "/exceptions",
    "indicator": "/indicator?indicator=cla_rate",
    "indicators": "/indicators",
    "upload": "/upload",
    "loads": "/loads",
    "audit": "/audit",
    "reconcile": "/reconcile",
    "projector": "/projector",
}
A4_LANDSCAPE = (842, 595)  # points
NEVER_PRINTED = [".site-header", "nav", ".controls", ".picker", "select", "input", ".dash-input-container", ".banner-sign-in",
                 "#projector-on", ".button", ".button-secondary", ".deck-nav", "textarea"]

# In print media: what of the never-printed shows, and how tall the demonstration note is.
INSPECT = """(hidden) => ({
  shown: hidden.filter(selector => [...document.querySelectorAll(selector)].some(e => e.getClientRects().length
      && getComputedStyle(e).visibility !== 'hidden')),
  note: (() => { const n = document.querySelector('.banner-demo, .deck-watermark');
                 return n ? [n.getBoundingClientRect().height, parseFloat(getComputedStyle(n).lineHeight)
                             || parseFloat(getComputedStyle(n).fontSize) * 1.2] : null; })(),
  labels: [...document.querySelectorAll('.table td')].filter(c => c.querySelector('.figure') && c.querySelector('.period'))
      .map(c => [parseFloat(getComputedStyle(c.querySelector('.figure')).fontSize),
                 parseFloat(getComputedStyle(c.querySelector('.period')).fontSize)]),
})"""


def flat(text: str) -> str:
    """A PDF page's words as a reader takes them: ligatures (ﬁ) as letters, one space between words."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo app, and from its database before the app holds the file: the scorecard and its deck."""
    folder = tmp_path_factory.mktemp("print")
    db = folder / "demo.duckdb"
    assert main(["demo", "--db", str(db)]) == 0
    with Service.open(str(db)) as service:
        card = service.chosen({})
        planned = deck.plan(card, service.outcome_choices("ecm"))
    with served_app(db, folder) as base:
        yield base, card, planned


@pytest.fixture(scope="module")
def printed(demo, browser, tmp_path_factory):
    """Every page printed once: name -> (what the print view showed, the text of each PDF page)."""
    base = demo[0]
    folder = tmp_path_factory.mktemp("pdfs")
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-GB")
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    found = {}
    ARTEFACTS.mkdir(exist_ok=True)
    for name, address in PAGES.items():
        page.goto(base + address)
        wait_until_ready(page)
        if name == "indicator":
            page.wait_for_selector(".js-plotly-plot .main-svg")
        page.emulate_media(media="print")
        seen = page.evaluate(INSPECT, NEVER_PRINTED)
        pdf = folder / f"{name}.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        page.emulate_media(media="screen")
        reader = PdfReader(pdf)
        sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
        texts = [flat(p.extract_text()) for p in reader.pages]
        for old in ARTEFACTS.glob(f"print-{name}-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTEFACTS / f"print-{name}")], check=True)
        found[name] = (seen, sizes, texts)
    context.close()
    assert errors == []
    return found


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_prints_on_a4_landscape_without_navigation_pickers_or_banners(printed, name):
    seen, sizes, texts = printed[name]
    assert sizes == {A4_LANDSCAPE}
    assert seen["shown"] == [], f"{name} prints {seen['shown']}"
    height, line = seen["note"]  # the demonstration note, one line
    assert height <= line * 1.5, f"{name}: the demonstration note is {height:.0f} px tall"
    everything = "\n".join(texts)
    assert "Demonstration data" in everything
    assert "Sign-in is switched off" not in everything and "Skip to main content" not in everything
    assert all(figure >= label for figure, label in seen["labels"]), f"{name}: a period label is larger than its figure"
    assert len(list(ARTEFACTS.glob(f"print-{name}-*.png"))) == len(texts)


def test_the_scorecard_prints_on_few_pages_with_headings_repeated_and_notes_as_words(printed, demo):
    _, card, _ = demo
    _, _, texts = printed["scorecard"]
    assert len(texts) <= 4  # it was 7
    on_first = [row for row in card.rows if row.short_title in texts[0]]
    assert len(on_first) >= 15  # it was 5
    for number, text in enumerate(texts, start=1):
        if any(row.short_title in text for row in card.rows):
            assert "Indicator Latest Previous" in text, f"page {number} has rows but no headings"
    everything = " ".join(texts)
    assert [row.short_title for row in card.rows if row.short_title not in everything] == []
    noted = [row for row in card.rows if row.commentary]
    assert noted
    for number, row in enumerate(noted, start=1):
        assert f"Note {number}" in everything
        assert " ".join(row.commentary.split())[:60] in everything


def test_the_exceptions_print_two_to_a_row_with_their_commentary(printed, demo):
    _, card, _ = demo
    _, _, texts = printed["exceptions"]
    assert len(texts) <= 5  # it was 8
    everything = " ".join(texts)
    for row in card.rows:
        if row.exception:
            assert row.short_title in everything
            if row.commentary:
                assert " ".join(row.commentary.split())[:60] in everything


def test_the_board_deck_prints_a_slide_to_a_page(printed, demo):
    _, _, planned = demo
    _, _, texts = printed["projector"]
    assert len(texts) == len(planned.slides)
    for text, slide in zip(texts, planned.slides):
        assert slide.title in text


def test_charts_printed_from_a_wide_window_are_scaled_to_the_page(demo, browser):
    """Plotly draws at the window's width; from 1920 px that is wider than A4, so the chart is scaled."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(demo[0] + "/indicator?indicator=cla_rate")
        wait_until_ready(page)
        page.wait_for_selector(".js-plotly-plot .main-svg")
        zoom = "() => [...document.querySelectorAll('.js-plotly-plot')].map(c => parseFloat(getComputedStyle(c).zoom))"
        assert set(page.evaluate(zoom)) == {1}
        page.emulate_media(media="print")  # the page hears of it at its next frame
        page.wait_for_function(f"() => ({zoom})().every(factor => factor < 1)", timeout=5_000)
        scaled = page.evaluate(zoom)
        assert scaled and all(0.3 < factor < 0.8 for factor in scaled), scaled
    finally:
        context.close()
