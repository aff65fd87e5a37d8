"""Benchmark indicators loaded from LAIT on the Indicators page and the indicator page,
without a browser: listed, found by search, shown with their figures; the scorecard's own
catalogue is unchanged and an unknown id is still refused."""


import pandas as pd
import pytest

from tests.layouts.trees import app_on

from scorecard import schema
from scorecard.store import Store
from service.cli import main
from tests.layouts.trees import texts
from tests.paths import PUBLIC



@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """A database with LAIT's road traffic accidents measure (RTA, not in the catalogue), its
    dictionary beside it, and children looked after (LAC, which is)."""
    folder = tmp_path_factory.mktemp("lait")
    raw = pd.read_parquet(PUBLIC / "lait_long.parquet")
    raw[raw["Short Desc"].isin(["RTA", "LAC"])].to_csv(folder / "lait.csv", index=False)
    (folder / "lait_data_dictionary.csv").write_bytes((PUBLIC / "lait_data_dictionary.csv").read_bytes())
    db = folder / "lait.duckdb"
    assert main(["load", str(folder / "lait.csv"), "--db", str(db)]) == 0
    with Store.open(db) as store:
        stored = store.table(schema.indicator, is_benchmark=True)
    assert list(stored["id"]) == ["lait_rta"]  # the premise: one benchmark indicator, stored by the loader
    yield from app_on(db)


RTA_TITLE = "Children killed or seriously injured in road traffic accidents"


def test_the_indicators_page_lists_benchmarks_after_the_catalogue(app):
    from layouts import indicators
    from service.shared import shared

    shown = texts(indicators.layout())
    assert RTA_TITLE in shown and "Benchmark indicators from LAIT (1 of 1)" in shown
    assert "LAIT code RTA" in shown
    assert shown.index(shared().catalogue.indicators["cla_rate"].title) < shown.index(RTA_TITLE)
    assert "lait_rta" not in shared().catalogue.indicators  # the scorecard itself is unchanged


@pytest.mark.parametrize("text, found", [("road traffic", True), ("RTA", True), ("looked after", False)])
def test_search_finds_benchmarks_too(app, text, found):
    from layouts import indicators

    assert (RTA_TITLE in texts(indicators.search(text))) is found


def test_search_with_no_match_says_so(app):
    from layouts import indicators

    assert "No indicator matches 'zebra crossings'" in texts(indicators.search("zebra crossings"))


def test_a_benchmark_has_an_indicator_page_with_its_figures(app):
    from layouts import indicator

    shown = texts(indicator.layout(indicator="lait_rta", area="E08000027", period="2024-25 Q4"))
    assert RTA_TITLE in shown and "not an indicator" not in shown
    assert "13.64" in shown  # Dudley 2020-22, as LAIT publishes it
    assert "Every figure for Dudley" in shown or "every figure for Dudley" in shown


def test_an_unknown_indicator_is_still_refused(app):
    from layouts import indicator

    assert "'lait_nothing' is not an indicator in the catalogue" in texts(indicator.layout(indicator="lait_nothing"))
