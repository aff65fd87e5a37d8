"""The demonstration data: deterministic, complete for Dudley, realistic enough to demo."""

import time
from datetime import date

import pandas as pd
import pytest

from scorecard import metrics, schema
from service import demo
from scorecard.areas import AREAS_CSV, load_areas
from scorecard.catalogue import load_catalogue
from scorecard.model import Polarity, Rag
from scorecard.periods import latest_complete_quarter
from scorecard.store import Store
from tests.paths import EXAMPLE_LOCALITIES

TODAY = date(2025, 11, 15)  # latest complete quarter: 2025-26 Q2, ending 30 September 2025
HOME = "E08000027"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def areas():
    return load_areas(AREAS_CSV, EXAMPLE_LOCALITIES)  # the example council's townships


@pytest.fixture(scope="module")
def batch(catalogue, areas):
    return demo.build_demo_batch(catalogue, areas, TODAY)


@pytest.fixture(scope="module")
def observations(batch):
    return batch.tables["observation"]


def _cla_indicator(catalogue):
    matches = [
        indicator for indicator in catalogue.indicators.values()
        if indicator.is_rate and int(indicator.multiplier) == 10_000
        and "looked after" in indicator.title.lower()
    ]
    assert matches, "the catalogue has no looked after children rate per 10,000"
    return matches[0]


def _rate(observation, populations, indicator, area_code, mid_year):
    population = populations[
        (populations.area_code == area_code) & (populations.mid_year == mid_year)
        & (populations.age_band == (indicator.population_age_band or "0-17"))
        & (populations.sex == (indicator.population_sex or "persons"))
    ]
    assert len(population) == 1, f"no single population for {area_code} mid-{mid_year}"
    return observation.numerator / population["count"].iloc[0] * indicator.multiplier


def test_demo_build_is_deterministic(catalogue, areas, batch):
    again = demo.build_demo_batch(catalogue, areas, TODAY)
    assert set(again.tables) == set(batch.tables) == {
        "observation", "population", "target", "comparator"
    }
    for name, frame in batch.tables.items():
        pd.testing.assert_frame_equal(frame, again.tables[name])
    pd.testing.assert_frame_equal(batch.commentary, again.commentary)


def test_demo_build_is_fast(catalogue, areas):
    started = time.perf_counter()
    demo.build_demo_batch(catalogue, areas, date(2026, 2, 1))
    assert time.perf_counter() - started < 5


def test_demo_home_figures_reach_the_latest_complete_quarter(observations):
    latest = latest_complete_quarter(TODAY)
    home = observations[observations.area_code == HOME]
    assert home.period_end.max() == latest.end
    quarterly = home[(home.period_type == "quarter") & (home.period_end == latest.end)]
    assert len(quarterly) > 0
    # A quarter's own figure (a flow) carries the quarter's label.
    flows = quarterly[quarterly.period_start < quarterly.period_end]
    if len(flows):
        assert set(flows.period) == {latest.label}
    assert (observations.period_end <= latest.end).all()


def test_demo_has_every_catalogue_indicator_for_home_la(catalogue, observations):
    home = observations[observations.area_code == HOME]
    missing = set(catalogue.indicators) - set(home.indicator_id)
    assert not missing


def test_demo_has_every_current_la_england_and_region(catalogue, areas, observations):
    expected = {la.code for la in areas.las(current=True)} | {demo.ENGLAND, "E12000005"}
    for indicator_id in catalogue.indicators:
        present = set(observations.loc[observations.indicator_id == indicator_id, "area_code"])
        assert expected <= present, indicator_id


def test_demo_breakdown_is_all_and_keys_are_unique(observations):
    assert set(observations.breakdown) == {"all"}
    keys = ["indicator_id", "area_code", "period", "breakdown"]
    assert not observations.duplicated(keys).any()


def test_demo_suppressed_counts_have_no_numerator(observations):
    suppressed = observations[observations.status == "c"]
    assert len(suppressed) > 0
    assert suppressed.numerator.isna().all()
    assert suppressed.value.isna().all()
    assert ((observations.area_code == HOME) & (observations.status == "c")).any()
    assert (observations.status == "x").any()
    # No published (LA) or township figure shown is a count of 1 to 5 children; the home
    # LA's own quarterly management figures are not suppressed, bar the one above.
    shown = observations[(observations.status == "") & (observations.area_code != HOME)]
    assert not shown.numerator.between(1, 5).any()
    assert not shown.denominator.between(1, 5).any()


def test_demo_rates_store_counts_not_values(catalogue, observations):
    rates = [i.id for i in catalogue.indicators.values() if i.is_rate]
    assert rates
    rows = observations[observations.indicator_id.isin(rates)]
    assert rows.value.isna().all()
    assert rows.loc[rows.status == "", "numerator"].notna().all()


def test_demo_percentages_round_half_away_from_zero(catalogue, observations):
    for indicator in catalogue.indicators.values():
        if indicator.is_rate or getattr(indicator.unit, "value", indicator.unit) != "percent":
            continue
        rows = observations[(observations.indicator_id == indicator.id)
                            & (observations.status == "") & observations.denominator.gt(0)]
        expected = [
            metrics.round_half_away(100 * n / d, indicator.decimals)
            for n, d in zip(rows.numerator, rows.denominator)
        ]
        assert list(rows.value) == expected, indicator.id


def test_demo_dudley_cla_rate_at_latest_31_march(catalogue, batch, observations):
    cla = _cla_indicator(catalogue)
    rows = observations[(observations.indicator_id == cla.id) & (observations.area_code == HOME)
                        & (observations.period.str.startswith("31 Mar"))]
    latest = rows.sort_values("period_end").iloc[-1]
    assert latest.period == "31 Mar 2025"
    # A figure at 31 March 2025 uses the mid-2024 population (DESIGN.md).
    rate = _rate(latest, batch.tables["population"], cla, HOME, 2024)
    assert 60 <= rate <= 100
    assert round(rate) == 81  # 575 / 71,124 x 10,000, as published


def test_demo_england_rates_near_published_figures(catalogue, batch, observations):
    cla = _cla_indicator(catalogue)
    row = observations[(observations.indicator_id == cla.id)
                       & (observations.area_code == demo.ENGLAND)
                       & (observations.period == "31 Mar 2025")].iloc[0]
    assert 65 <= _rate(row, batch.tables["population"], cla, demo.ENGLAND, 2024) <= 75


def test_demo_populations_cover_every_base_and_add_up(catalogue, areas, batch):
    populations = batch.tables["population"]
    bases = {(i.population_age_band, i.population_sex or "persons")
             for i in catalogue.indicators.values() if i.is_rate}
    present = set(zip(populations.age_band, populations.sex))
    assert bases <= present
    assert set(populations.status) == {""}
    children = populations[(populations.age_band == "0-17") & (populations.sex == "persons")
                           & (populations.mid_year == 2024)].set_index("area_code")["count"]
    assert children[HOME] == 71_124
    assert 12.0e6 <= children[demo.ENGLAND] <= 12.4e6
    townships = [t.code for t in areas.localities(HOME)]
    assert children[townships].sum() == children[HOME]


def test_demo_every_township_has_figures(catalogue, areas, observations):
    townships = [t.code for t in areas.localities(HOME)]
    assert len(townships) == 5
    local = [i for i in catalogue.indicators.values() if i.has_localities]
    assert local, "no catalogue indicator has localities"
    for township in townships:
        rows = observations[observations.area_code == township]
        assert set(rows.indicator_id) == {i.id for i in local}, township
        assert (rows.status == "").any(), township


def test_demo_township_counts_add_up_to_the_borough(catalogue, areas, observations):
    cla = _cla_indicator(catalogue)
    if not cla.has_localities:
        pytest.skip("the looked after children rate has no locality figures")
    townships = [t.code for t in areas.localities(HOME)]
    rows = observations[(observations.indicator_id == cla.id)
                        & (observations.period == "31 Mar 2025")].set_index("area_code")
    parts = rows.loc[townships]
    if (parts.status == "").all():
        assert parts.numerator.sum() == rows.loc[HOME, "numerator"]


def test_demo_targets_give_a_mix_of_judgements(catalogue, batch):
    targets = batch.tables["target"]
    polar = {i.id for i in catalogue.indicators.values()
             if getattr(i.polarity, "value", i.polarity) != Polarity.NONE}
    assert set(targets.indicator_id) <= polar
    assert set(targets.area_code) == {HOME}
    assert set(targets.tolerance_type) <= {"absolute", "percent"}
    latest = latest_complete_quarter(TODAY)
    _rows, shown = demo._targets(catalogue, batch.tables["observation"],
                                 batch.tables["population"], latest, HOME)
    results = [result for (_period, _value, _target, result) in shown.values()]
    for rag in (Rag.GREEN, Rag.AMBER, Rag.RED):
        assert results.count(rag) >= 2, rag
    planned = demo.planned_judgements(catalogue)
    assert {k: v[3] for k, v in shown.items()} == {
        k: v for k, v in planned.items() if v not in (None, Rag.NO_JUDGEMENT)
    }


def test_demo_judge_follows_the_design_rules():
    higher, lower = Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER
    assert demo.judge(70, 70, 2, "absolute", higher) == Rag.GREEN
    assert demo.judge(69, 70, 2, "absolute", higher) == Rag.AMBER
    assert demo.judge(67, 70, 2, "absolute", higher) == Rag.RED
    assert demo.judge(105, 100, 10, "percent", lower) == Rag.AMBER
    assert demo.judge(111, 100, 10, "percent", lower) == Rag.RED
    assert demo.judge(1, 100, 10, "percent", Polarity.NONE) == Rag.NO_JUDGEMENT


def test_demo_comparators_are_dudleys_statistical_neighbours(batch):
    comparator = batch.tables["comparator"]
    assert list(comparator.position) == list(range(1, 11))
    assert set(comparator.model) == {"sn_2021"}
    assert set(comparator.area_code) == {HOME}
    assert comparator.member_code.iloc[0] == "E08000018"  # Rotherham, the closest
    assert HOME not in set(comparator.member_code)


def test_demo_commentary_on_red_and_amber(catalogue, batch):
    commentary = batch.commentary
    assert 5 <= len(commentary) <= 8
    assert commentary.text.str.startswith("Demonstration commentary: ").all()
    assert set(commentary.area_code) == {HOME}
    assert set(commentary.period) == {latest_complete_quarter(TODAY).label}
    assert set(commentary.indicator_id) <= set(catalogue.indicators)


def test_write_demo_into_duckdb(tmp_path, catalogue, areas):
    store = Store.open(tmp_path / "demo.duckdb", create=True)
    try:
        load_id = demo.write_demo(store, catalogue, areas, today=TODAY)
        assert len(store.table(schema.observation)) > 10_000
        assert len(store.table(schema.target)) > 0
        assert len(store.table(schema.comparator)) == 10
        assert len(store.table(schema.population)) > 0
        assert len(store.table(schema.commentary)) >= 5
        assert store.setting("demo_data") == "true"
        loads = store.loads()
        assert list(loads.id) == [load_id]
        assert loads.kind.iloc[0] == "demo"
        assert loads.file_name.iloc[0] == "demonstration data"
        assert loads.rows_new.iloc[0] > 0
        observations = store.table(schema.observation, area_code=HOME)
        assert (observations.load_id == load_id).all()
        # Writing the same quarter's demo again adds nothing.
        assert demo.write_demo(store, catalogue, areas, today=TODAY) == load_id
        assert len(store.table(schema.commentary)) == len(store.table(schema.commentary,
                                                                      load_id=load_id))
        assert len(store.loads()) == 1
    finally:
        store.close()
