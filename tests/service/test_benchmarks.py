"""Benchmark indicators loaded from LAIT, in the service the pages ask: found by search, taken
by the checks, never given commentary, and seen at once after a load."""

import pandas as pd
import pytest

from scorecard import schema
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.store import Store
from service.application import Service
from service.cli import main
from service.errors import NotAllowed
from tests.paths import PUBLIC


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """A database with LAIT's road traffic accidents measure (RTA, not in the catalogue), its
    dictionary beside it, and children looked after (LAC, which is)."""
    folder = tmp_path_factory.mktemp("lait")
    raw = pd.read_parquet(PUBLIC / "lait_long.parquet")
    raw[raw["Short Desc"].isin(["RTA", "LAC"])].to_csv(folder / "lait.csv", index=False)
    (folder / "lait_data_dictionary.csv").write_bytes((PUBLIC / "lait_data_dictionary.csv").read_bytes())
    db = folder / "lait.duckdb"
    assert main(["load", str(folder / "lait.csv"), "--db", str(db)]) == 0
    store = Store.open(db)
    yield Service(store, load_catalogue(), load_areas())
    store.close()


def test_service_search_and_check_take_benchmarks(service):
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


def test_commentary_goes_on_scorecard_indicators_only(service):
    before = len(service.store.table(schema.commentary))
    with pytest.raises(NotAllowed, match="benchmark indicator"):
        service.add_commentary("lait_rta", service.home, "2024-25 Q4", "Forged note", "analyst")
    assert len(service.store.table(schema.commentary)) == before


def test_the_catalogue_with_benchmarks_is_built_once_per_load(service):
    first = service.catalogue_with_benchmarks()
    assert service.catalogue_with_benchmarks() is first
    # A note changes no figure, so it rebuilds nothing that figures decide (issue 16, point 7).
    service.add_commentary("cla_rate", "E08000027", "2024-25 Q4", "A note changes no figure.", "test")
    assert service.catalogue_with_benchmarks() is first


def test_a_benchmark_loaded_through_the_service_is_found_at_once(tmp_path):
    """The same Service, before and after a load: no restart is needed to see a new benchmark."""
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
