"""Every page in real headless Chromium, with the demo data and with real DfE and ONS files:
rendering, URL state, commentary, uploads, revert, plain errors, accessibility
(axe-core) and a clean console. One browser and one server per database for the module."""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from service.cli import main
from tests.service.test_cli import CLA, POPULATION
from tests.browser import ARTEFACTS, served_app, wait_until_ready
from tests.workbooks import dudley_cla_csv

pytestmark = pytest.mark.browser

PAGES = {
    "overview": "/",
    "scorecard": "/scorecard",
    "exceptions": "/exceptions",
    "indicator": "/indicator?indicator=cla_rate",
    "upload": "/upload",
    "loads": "/loads",
    "indicators": "/indicators",
    "audit": "/audit",
    "targets": "/targets",
}
QUARTER = "2025-26 Q4"
EES_HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
              "old_la_code,la_name,new_la_code,population_type,population_estimate,children_count,rate_per_10000")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    assert main(["demo", "--db", str(folder / "demo.duckdb")]) == 0
    with served_app(folder / "demo.duckdb", folder) as base:
        yield base


@pytest.fixture(scope="module")
def real_url(tmp_path_factory):
    """Only published files: DfE children looked after and ONS mid-year populations."""
    folder = tmp_path_factory.mktemp("real")
    assert main(["load", str(CLA), str(POPULATION), "--db", str(folder / "real.duckdb")]) == 0
    with served_app(folder / "real.duckdb", folder) as base:
        yield base


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-GB")
    opened = context.new_page()
    opened.console_errors = []
    opened.on("console", lambda message: message.type == "error" and opened.console_errors.append(message.text))
    opened.on("pageerror", lambda error: opened.console_errors.append(str(error)))
    yield opened
    context.close()


def visit(page, url):
    page.goto(url)
    wait_until_ready(page)


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders_accessibly_without_console_errors(app_url, page, name, view="standard"):
    """Projector mode, the board deck, has its own tests: tests/layouts/browser_projector.py."""
    path = PAGES[name]
    visit(page, app_url + path)
    assert page.locator("html").get_attribute("lang") == "en-GB"
    assert "Traceback" not in page.content()
    expect(page.locator(".banner-demo")).to_contain_text("Demonstration data")
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"page-{name}-{view}.png"), full_page=True)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.console_errors == []


def test_scorecard_shows_rag_as_word_and_shape(app_url, page):
    visit(page, app_url + f"/scorecard?period={QUARTER}")
    table = page.locator("table.scorecard")
    expect(table).to_contain_text("Children looked after rate")
    for word, shape in [("Red", "■"), ("Amber", "▲"), ("Green", "●"), ("No judgement", "○")]:
        badge = page.locator(f".rag:has-text('{word}')").first
        expect(badge).to_contain_text(shape)
    # Grouped by outcome area, in the framework's order.
    groups = page.locator("th.group").all_inner_texts()
    assert groups[:2] == ["Be healthy", "Stay safe"]


def test_scorecard_shows_every_lens_in_words_with_its_legend(app_url, page):
    visit(page, app_url + f"/scorecard?period={QUARTER}")
    table = page.locator("table.scorecard")
    for heading in ("Quartile and rank", "Recent trend", "Variation and assurance"):
        expect(table.locator("thead")).to_contain_text(heading)
    for kind in ("significance", "trend", "variation", "assurance"):
        badge = table.locator(f".signal-{kind}").first
        expect(badge).to_be_visible()
        assert badge.locator(".signal-shape").inner_text().strip()  # a shape beside the word
    page.locator(".legend summary").click()
    for sentence in ("95% confidence interval", "Recent trend:", "Making Data Count", "Exceptions, listed"):
        expect(page.locator(".legend")).to_contain_text(sentence)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.console_errors == []


def test_indicator_page_draws_the_spc_chart_with_its_words(app_url, page):
    visit(page, app_url + f"/indicator?indicator=re_referrals_12_months&period={QUARTER}")
    expect(page.locator("#spc")).to_contain_text("Statistical process control")
    expect(page.locator("#spc-summary")).to_contain_text("process limits")
    expect(page.locator("#spc-chart .main-svg").first).to_be_visible()
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "page-indicator-spc.png"), full_page=True)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.console_errors == []


def test_pickers_put_state_in_the_url_and_back_works(app_url, page):
    visit(page, app_url + f"/scorecard?period={QUARTER}")
    page.select_option("#pick-area", "E08000027-BRH")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"area=E08000027-BRH"))
    wait_until_ready(page)
    expect(page.locator(".lede").first).to_contain_text("Brierley Hill")
    query = parse_qs(urlparse(page.url).query)
    assert query["period"] == [QUARTER]
    page.go_back()
    page.wait_for_url(lambda url: "E08000027-BRH" not in url)
    wait_until_ready(page)
    expect(page.locator(".lede").first).to_contain_text("Dudley,")
    # A copied link opens the same view.
    visit(page, app_url + f"/scorecard?area=E08000027-BRH&period={QUARTER}&outcome=stay_safe")
    expect(page.locator("th.group")).to_have_text(["Stay safe"])


def test_filter_shows_only_red(app_url, page):
    visit(page, app_url + f"/scorecard?period={QUARTER}")
    page.select_option("#pick-rag", "red")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"rag=red"))
    wait_until_ready(page)
    expect(page.locator("tr.row-amber")).to_have_count(0)
    assert page.locator("tr.row-red").count() > 0


def test_commentary_saved_and_shown_with_author(app_url, page):
    visit(page, app_url + f"/exceptions?period={QUARTER}")
    first = page.locator("section.exception").first
    title = first.locator("h2").inner_text()
    first.locator("summary", has_text="commentary").click()  # the editor is folded away: the note shows once
    first.locator("textarea").fill("Checked at clinic: recovery plan agreed.")
    first.get_by_role("button", name="Save commentary").click()
    expect(first.locator(".clinic-commentary .note-status")).to_contain_text("Saved by")
    visit(page, app_url + f"/exceptions?period={QUARTER}")
    again = page.locator("section.exception", has_text=title).first
    expect(again.locator("blockquote")).to_contain_text("recovery plan agreed")


def test_upload_good_file_then_revert(app_url, page, tmp_path):
    good = dudley_cla_csv(tmp_path / "cla_dudley.csv")
    visit(page, app_url + "/upload")
    page.set_input_files("#upload-file input[type=file]", str(good))
    expect(page.locator("#upload-report")).to_contain_text("ready to load")
    expect(page.locator("#upload-report")).to_contain_text("1 new row")
    expect(page.locator("#upload-figures")).to_contain_text("Children looked after rate")  # named, not counted only
    page.get_by_role("button", name="Confirm and load").click()
    expect(page.locator("#upload-result")).to_contain_text("Loaded cla_dudley.csv as load")
    visit(page, app_url + "/loads")
    expect(page.locator("table")).to_contain_text("cla_dudley.csv")
    button = page.get_by_role("button", name=re.compile(r"Revert load \d+")).first
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    button.click()
    expect(page.locator("#revert-status")).to_contain_text("reverted")
    assert "cla_dudley.csv" in asked[0]
    expect(page.locator("table")).to_contain_text("Reverted")


def held_callbacks(page) -> list:
    """Hold every callback request until the test lets it go, as a slow load would."""
    held = []
    page.route(re.compile(r"/_dash-update-component"), lambda route: held.append(route))  # it has a query string
    return held


def release(page, held) -> None:
    """Let the one request the page is waiting on go to the server."""
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1, "expected one callback request to be waiting"
    held.pop().continue_()


def test_upload_shows_progress_while_checking_and_loading(app_url, page, tmp_path):
    good = dudley_cla_csv(tmp_path / "cla_progress.csv", year=2018, children="590", rate="84")
    visit(page, app_url + "/upload")
    checking, loading = page.locator("#upload-checking"), page.locator("#upload-loading")
    expect(checking.locator("progress")).to_be_hidden()
    held = held_callbacks(page)
    page.set_input_files("#upload-file input[type=file]", str(good))
    # While the check runs: an indeterminate bar named by plain words, in a live region.
    bar = page.get_by_role("progressbar", name="Checking cla_progress.csv… large workbooks can take a minute.")
    expect(bar).to_be_visible()
    assert bar.get_attribute("value") is None
    assert checking.get_attribute("role") == "status"
    expect(page.get_by_role("button", name="Confirm and load")).to_be_disabled()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    release(page, held)
    expect(page.locator("#upload-report")).to_contain_text("ready to load")
    expect(checking.locator("progress")).to_be_hidden()
    expect(checking).not_to_contain_text("Checking", use_inner_text=True)
    confirm = page.get_by_role("button", name="Confirm and load")
    expect(confirm).to_be_enabled()
    # While the load runs: its own words, and neither button can be pressed.
    confirm.click()
    bar = page.get_by_role("progressbar", name="Loading cla_progress.csv… do not close this page.")
    expect(bar).to_be_visible()
    expect(confirm).to_be_disabled()
    expect(page.get_by_role("button", name="Cancel")).to_be_disabled()
    expect(page.locator("#upload-result")).to_be_empty()
    release(page, held)
    expect(page.locator("#upload-result")).to_contain_text("Loaded cla_progress.csv as load")
    expect(loading.locator("progress")).to_be_hidden()
    expect(loading).not_to_contain_text("Loading", use_inner_text=True)
    assert page.console_errors == []


def test_upload_bad_file_names_the_place(app_url, page, tmp_path):
    bad = dudley_cla_csv(tmp_path / "cla_bad.csv", children="twelve")
    visit(page, app_url + "/upload")
    page.set_input_files("#upload-file input[type=file]", str(bad))
    report = page.locator("#upload-report")
    expect(report).to_contain_text("cannot be loaded")
    expect(report).to_contain_text("line 2, column children_count")
    expect(page.get_by_role("button", name="Confirm and load")).to_be_disabled()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "CLA"
    sheet.append(EES_HEADER.split(","))
    sheet.append([2019, "Reporting year", "Local authority", "E92000001", "England", "E12000005", "West Midlands",
                  "332", "Dudley", "E08000027", "Children looked after on 31 March each year", 70000, "twelve", 86])
    workbook.save(tmp_path / "cla_bad.xlsx")
    page.set_input_files("#upload-file input[type=file]", str(tmp_path / "cla_bad.xlsx"))
    expect(report).to_contain_text("cla_bad.xlsx cannot be loaded")
    expect(report).to_contain_text("CLA!M2: 'twelve' is not a number")
    macro = tmp_path / "scorecard.xlsm"
    macro.write_bytes(b"PK\x03\x04 not really")
    page.set_input_files("#upload-file input[type=file]", str(macro))
    expect(report).to_contain_text("scorecard.xlsm cannot be loaded")
    expect(report).to_contain_text("'.xlsm' workbooks can hold macros, which Scorecard never opens")


def test_audit_log_lists_loads_and_downloads_as_csv(app_url, page):
    visit(page, app_url + "/audit")
    expect(page.locator("table.audit-table")).to_contain_text("Load")
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Download the whole log (CSV)").click()
    download = downloading.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text()
    assert text.splitlines()[0] == "id,happened_at,who,action,subject,before_value,after_value"
    assert len(text.splitlines()) - 1 == page.locator("table.audit-table tbody tr").count()


def test_unknown_area_in_the_url_says_so_plainly(app_url, page):
    visit(page, app_url + "/scorecard?area=Narnia")
    expect(page.locator("#main .error-summary")).to_contain_text("not an area Scorecard knows")


def test_catalogue_search(app_url, page):
    visit(page, app_url + "/indicators")
    page.locator("#catalogue-search").fill("NI 62")
    page.keyboard.press("Enter")
    expect(page.locator("#catalogue dt")).to_have_count(1)


def test_callback_error_shows_a_plain_message_not_a_traceback(app_url, page, tmp_path):
    upload = tmp_path / "cla.csv"
    upload.write_text("time_period,geographic_level\n2019,National\n")
    visit(page, app_url + "/upload?area=Narnia")
    page.set_input_files("#upload-file input[type=file]", str(upload))
    banner = page.locator("#error-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("'Narnia' is not an area Scorecard knows")
    assert "Traceback" not in page.content()
    assert page.console_errors == []


# With real published files only ----------------------------------------------------------------

@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders_with_real_files(real_url, page, name):
    path = PAGES[name] + ("&" if "?" in PAGES[name] else "?") + "period=2024-25 Q4"
    visit(page, real_url + path)
    assert "Traceback" not in page.content()
    expect(page.locator(".banner-demo")).to_have_count(0)
    expect(page.locator("h1").first).not_to_be_empty()
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"real-{name}-standard.png"), full_page=True)
    assert page.console_errors == []


def test_real_scorecard_shows_the_published_cla_rate(real_url, page):
    visit(page, real_url + "/scorecard?area=E08000027&period=2024-25 Q4&outcome=stay_safe")
    row = page.locator("table.scorecard tr", has_text="Children looked after rate")
    cells = row.locator("td")
    # Published: Dudley 81 per 10,000 on 31 March 2025 (575 of 71,124); England 67.
    expect(cells.nth(0)).to_have_text("8131 March 2025 (under a month old)")
    # England's figure, then where Dudley's 95% interval (75 to 88) puts it: higher, no polarity.
    expect(cells.nth(6)).to_have_text(re.compile(r"^67↑Higher compared with England\s*$"))
    expect(row).to_contain_text("No judgement")


def test_real_indicator_shows_count_population_and_load(real_url, page):
    visit(page, real_url + "/indicator?indicator=cla_rate&area=E08000027&period=2024-25 Q4")
    first = page.locator("table.table tbody tr").first
    expect(first.locator("th")).to_have_text("31 March 2025")
    expect(first.locator("td").nth(0)).to_have_text("81")
    expect(first.locator("td").nth(1)).to_have_text("575")
    expect(first.locator("td").nth(2)).to_have_text("71,124")
    expect(first.locator("td").nth(7)).to_have_text(re.compile(r"^\d+$"))  # the load it came from


def test_real_suppressed_figure_shows_its_symbol_and_legend(real_url, page):
    visit(page, real_url + "/indicator?indicator=cla_rate&area=E09000001&period=2024-25 Q4")
    expect(page.locator("table.table tbody tr").first.locator("td").nth(0)).to_have_text("[c]")
    expect(page.locator("div.legend")).to_contain_text("[c]")
