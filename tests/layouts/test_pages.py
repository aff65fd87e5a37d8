"""The pages without a browser: the app builds, the navigation comes from the page registry,
and every page lays out from the demo data as component trees. The service behind them is
tested in tests/service; the browser tests are in browser_pages.py."""

from datetime import date

import pytest

from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.periods import latest_complete_quarter
from scorecard.reference import sync_reference
from scorecard.store import Store
from service.demo import write_demo
from service.errors import NotAllowed
from service.shared import shared
from tests.layouts.trees import app_on, texts

QUARTER = latest_complete_quarter(date.today())
PAGE_PATHS = {"/", "/scorecard", "/exceptions", "/indicator", "/upload", "/loads", "/indicators", "/reconcile"}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("pages") / "demo.duckdb"
    store = Store.open(path, create=True)
    catalogue, areas = load_catalogue(), load_areas()
    sync_reference(store, catalogue, areas)
    write_demo(store, catalogue, areas)
    store.close()
    return path


@pytest.fixture(scope="module")
def app(db):
    """The real app on the demo database (SCORECARD_DB, as in production)."""
    yield from app_on(db)


def test_app_exposes_server_and_registers_every_page(app):
    import dash

    assert app.server is app.app.server
    assert {page["path"] for page in dash.page_registry.values()} >= PAGE_PATHS
    assert '<html lang="en-GB">' in app.app.index_string


@pytest.mark.parametrize("module", ["overview", "scorecard", "exceptions", "indicators", "loads", "upload"])
def test_every_page_lays_out_with_the_demo_banner(app, module):
    import dash

    page = next(p for p in dash.page_registry.values() if p["module"] == f"layouts.{module}")
    shown = texts(page["layout"](period=QUARTER.label))
    assert "Demonstration data" in shown
    assert "Traceback" not in shown


def test_scorecard_page_shows_rag_as_word_and_shape(app):
    from layouts import scorecard

    shown = texts(scorecard.layout(period=QUARTER.label))
    for word, shape in [("Red", "■"), ("Amber", "▲"), ("Green", "●"), ("No judgement", "○")]:
        assert f"{shape} {word}" in shown.replace("  ", " ")


def test_scorecard_rows_show_every_lens_in_words_with_a_legend(app):
    from layouts import scorecard

    tree = scorecard.layout(period=QUARTER.label)
    shown = texts(tree).replace("  ", " ")
    for heading in ("Quartile and rank", "Recent trend", "Variation and assurance"):
        assert heading in shown
    card = shared().scorecard(shared().home, QUARTER)
    words = {"similar": "= Similar", "worse": "− Worse", "much worse": "−− Much worse",
             "no significant change": "→ No significant change", "common cause": "~ Common cause"}
    seen = {row.vs_england for row in card.rows} | {row.recent_trend for row in card.rows} | {
        row.spc_variation for row in card.rows}
    for value, text in words.items():
        if value in seen:
            assert text in shown, text
    assert "rank " in shown and "Not compared" in shown
    legend = texts(scorecard.legend())
    for sentence in ("95% confidence interval", "Recent trend:", "Making Data Count", "trial ones",
                     "Exceptions, listed on the Exceptions page", "Red against target"):
        assert sentence in legend, sentence


def test_exceptions_page_says_the_rule_why_and_the_sentence(app):
    from layouts import exceptions

    shown = texts(exceptions.layout(period=QUARTER.label))
    for rule in shared().exception_rules():
        assert rule in shown
    card = shared().scorecard(shared().home, QUARTER)
    found = shared().exceptions(card)
    assert found
    for row in found:
        assert row.narrative in shown and "; ".join(row.exception_reasons) in shown


def test_indicator_page_has_an_spc_chart_with_its_words(app):
    from layouts import indicator

    tree = indicator.layout(indicator="re_referrals_12_months", period=QUARTER.label)
    shown = texts(tree)
    assert "Statistical process control" in shown and "process limits" in shown
    detail = shared().indicator_detail(shared().checked_indicator("re_referrals_12_months"), shared().home, QUARTER)
    figure = indicator.spc_figure(detail.spc)
    names = {trace.get("name") for trace in figure["data"]}
    assert {"Process limits", "2 sigma", "Average"} <= names
    special = [trace for trace in figure["data"] if (trace.get("name") or "").startswith("Special cause")]
    assert len({trace["marker"]["symbol"] for trace in special}) == len(special)  # a shape each, not colour alone
    annual = texts(indicator.layout(indicator="obesity_reception", period=QUARTER.label))
    assert "Statistical process control" not in annual


def test_page_for_a_quarter_with_no_figures_says_so(app):
    from layouts import exceptions, overview

    assert "There are no figures for Dudley, 2005-06 Q1" in texts(overview.layout(period="2005-06 Q1"))
    # No figure means nothing judged: never "no exceptions" (issue 16).
    shown = texts(exceptions.layout(period="2005-06 Q1"))
    assert "There are no figures for Dudley up to 2005-06 Q1" in shown and "no exceptions" not in shown


def test_unknown_area_in_the_url_is_refused_plainly(app):
    from layouts import scorecard

    shown = texts(scorecard.layout(area="'; drop table load; --"))
    assert "is not an area Scorecard knows" in shown


def test_indicator_page_shows_counts_symbols_and_loads(app):
    from layouts import indicator

    shown = texts(indicator.layout(indicator="cla_rate", period=QUARTER.label))
    # The title names the newest figure's own date: the demo's newest is a quarter's end.
    newest = shared().indicator_detail(shared().checked_indicator("cla_rate"), shared().home, QUARTER).newest
    day = f"{newest.period_end.day} {newest.period_end:%B}"
    assert f"Children looked after at {day} per 10,000 children aged under 18" in shown
    assert f"Newest figure: {newest.shown} for {day} {newest.period_end.year}" in shown
    assert "71,124" in shown  # Dudley's children at mid-2024, the denominator for 31 March 2025
    assert "Population base" in shown and "Load" in shown
    assert "Localities" in shown  # Dudley's townships


@pytest.mark.parametrize("button", ["download-csv", "download-xlsx"])
def test_scorecard_download_matches_the_page_and_keeps_symbols(app, button):
    import io

    from dash._callback_context import context_value
    from dash._utils import AttributeDict
    from openpyxl import load_workbook

    from layouts import scorecard

    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": f"{button}.n_clicks", "value": 1}]))
    state = {"period": QUARTER.label, "outcome": "stay_safe"}
    sent = scorecard.download(1, 1, state)
    if button == "download-xlsx":
        assert sent["filename"].endswith(".xlsx") and sent["base64"]
        import base64
        sheet = load_workbook(io.BytesIO(base64.b64decode(sent["content"]))).active
        lines = [list(row) for row in sheet.iter_rows(values_only=True)]
    else:
        assert sent["filename"].endswith(".csv")
        import csv
        lines = list(csv.reader(io.StringIO(sent["content"])))
    header, rows = lines[0], lines[1:]
    card = shared().scorecard(shared().home, QUARTER, "ecm", "stay_safe")
    assert len(rows) == len(card.rows) > 0
    latest = header.index("Latest")
    for line, row in zip(rows, card.rows):
        assert line[header.index("Indicator")] == row.title
        assert line[header.index("RAG")] == row.rag.capitalize()
        expected = row.value if row.value is not None else row.shown
        assert str(line[latest]) in {str(expected), f"{expected:g}" if isinstance(expected, float) else expected}
    assert header[-1] == "Demonstration data"


def test_scorecard_download_refuses_an_area_not_on_the_list(app):
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    from layouts import scorecard

    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": "download-csv.n_clicks", "value": 1}]))
    with pytest.raises(NotAllowed):
        scorecard.download(1, 0, {"area": "../../etc/passwd", "period": QUARTER.label})


EVERY_PAGE_LISTED = [
    ("/", "Overview"), ("/scorecard", "Outcome scorecard"), ("/exceptions", "Exceptions"),
    ("/packs", "Board packs"), ("/indicators", "Indicators"), ("/reconcile", "Reconciliation"), ("/targets", "Targets"),
    ("/upload", "Upload"), ("/loads", "Loads"),
    ("/audit", "Audit log"),
]


def test_the_navigation_is_the_page_registry_in_its_declared_order(app):
    from layouts._parts import nav_links

    assert nav_links() == EVERY_PAGE_LISTED  # sign-in off: the one local user is an admin


def test_a_page_registered_later_is_listed_and_admin_pages_only_for_admins(app, monkeypatch):
    import dash

    from layouts import _parts

    extra = {**dash.page_registry["layouts.loads"], "module": "layouts.extra", "path": "/extra", "name": "Extra",
             "order": 5.5}
    monkeypatch.setitem(dash.page_registry, "layouts.extra", extra)
    listed = _parts.nav_links()
    assert listed.index(("/extra", "Extra")) == listed.index(("/upload", "Upload")) + 1
    monkeypatch.setattr(_parts, "is_admin", lambda: False)
    assert ("/audit", "Audit log") not in _parts.nav_links()
    assert "/indicator" not in [path for path, _ in _parts.nav_links()]  # registered with nav=False


def test_reconciliation_where_every_figure_agrees_says_so(app):
    from layouts import reconcile

    _reasons, compared, agree, _differences = shared().reconciliation(None, "E08000027")
    assert compared == agree > 0  # the demo's one source per figure: every check agrees
    shown = texts(reconcile.layout())
    assert f"All {compared:,} figures compared agree." in shown and "Reason" not in shown
