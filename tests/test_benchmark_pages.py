"""Benchmark indicators loaded from LAIT on the Indicators page and the indicator page,
without a browser: listed, found by search, shown with their figures; the scorecard's own
catalogue is unchanged and an unknown id is still refused."""

import os
from pathlib import Path

import pandas as pd
import pytest

from scorecard import schema
from service.cli import main
from scorecard.store import Store
from tests.test_pages import texts

PUBLIC = Path(__file__).resolve().parents[2] / "shared" / "data" / "public"


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
    os.environ["SCORECARD_DB"] = str(db)
    from service.shared import shared

    shared.cache_clear()
    import app as app_module

    yield app_module
    shared().store.close()
    shared.cache_clear()
    del os.environ["SCORECARD_DB"]


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


# In the service, where the pages get them ---------------------------------------------------

def test_service_search_and_check_take_benchmarks(app):
    from service.shared import shared
    from service.errors import NotAllowed

    service = shared()
    assert [i.id for i in service.search_indicators("road traffic")] == ["lait_rta"]
    assert "lait_rta" in [i.id for i in service.search_indicators("RTA")]
    assert [i.id for i in service.benchmark_indicators()] == ["lait_rta"]
    assert service.checked_indicator("lait_rta").lait_code == "RTA"
    assert service.checked_indicator("cla_rate") is service.catalogue.indicators["cla_rate"]
    everything = service.search_indicators("")
    assert [i.id for i in everything[:len(service.catalogue.indicators)]] == list(service.catalogue.indicators)
    assert everything[-1].id == "lait_rta"  # after the catalogue
    for unknown in ("lait_nothing", "", None):
        with pytest.raises(NotAllowed):
            service.checked_indicator(unknown)


def test_commentary_goes_on_scorecard_indicators_only(app):
    from service.shared import shared
    from scorecard import schema
    from service.errors import NotAllowed

    service = shared()
    before = len(service.store.table(schema.commentary))
    with pytest.raises(NotAllowed, match="benchmark indicator"):
        service.add_commentary("lait_rta", service.home, "2024-25 Q4", "Forged note", "analyst")
    assert len(service.store.table(schema.commentary)) == before


def test_the_catalogue_with_benchmarks_is_built_once_per_data_version(app):
    from service.shared import shared

    service = shared()
    first = service.catalogue_with_benchmarks()
    assert service.catalogue_with_benchmarks() is first
    service.add_commentary("cla_rate", "E08000027", "2024-25 Q4", "A note changes the data version.", "test")
    assert service.catalogue_with_benchmarks() is not first


def test_a_benchmark_loaded_through_the_service_is_found_at_once(tmp_path):
    """The same Service, before and after a load: no restart is needed to see a new benchmark."""
    from scorecard.areas import load_areas
    from scorecard.catalogue import load_catalogue
    from service.application import Service
    from service.errors import NotAllowed

    raw = pd.read_parquet(PUBLIC / "lait_long.parquet")
    raw[raw["Short Desc"] == "LAC"].to_csv(tmp_path / "lait.csv", index=False)
    (tmp_path / "lait_data_dictionary.csv").write_bytes((PUBLIC / "lait_data_dictionary.csv").read_bytes())
    assert main(["load", str(tmp_path / "lait.csv"), "--db", str(tmp_path / "db.duckdb")]) == 0
    with Store.open(tmp_path / "db.duckdb") as store:
        service = Service(store, load_catalogue(), load_areas())
        assert service.search_indicators("road traffic") == [] and service.benchmark_indicators() == []
        with pytest.raises(NotAllowed):
            service.checked_indicator("lait_rta")
        later = tmp_path / "later"
        later.mkdir()
        raw[raw["Short Desc"] == "RTA"].to_csv(later / "lait.csv", index=False)
        (later / "lait_data_dictionary.csv").write_bytes((PUBLIC / "lait_data_dictionary.csv").read_bytes())
        result = service.upload(later / "lait.csv", None, dry_run=False, user="test", file_name="lait.csv")
        assert result.status == "loaded"
        assert [i.id for i in service.search_indicators("road traffic")] == ["lait_rta"]
        indicator = service.checked_indicator("lait_rta")
        detail = service.indicator_detail(indicator, "E08000027", service.checked_quarter("2024-25 Q4"))
        assert "13.64" in [point.shown for point in detail.points]
