"""The quarterly scorecard assembled from the demo data, checked against the metrics rules
worked out independently from the stored observations."""

import statistics
from datetime import date

import pytest
import sqlalchemy as sa

from scorecard import disclosure, metrics, schema
from scorecard.areas import AREAS_CSV, load_areas
from tests.paths import EXAMPLE_LOCALITIES
from scorecard.catalogue import load_catalogue
from service.demo import write_demo
from scorecard.model import Polarity
from scorecard.periods import latest_complete_quarter, parse_period
from scorecard.quarterly import quarterly_scorecard
from scorecard.reference import sync_reference
from scorecard.store import Store

TODAY = date(2026, 11, 22)
QUARTER = latest_complete_quarter(TODAY)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = Store.open(tmp_path_factory.mktemp("quarterly") / "demo.duckdb", create=True)
    catalogue, areas = load_catalogue(), load_areas(AREAS_CSV, EXAMPLE_LOCALITIES)
    sync_reference(store, catalogue, areas)
    write_demo(store, catalogue, areas, today=TODAY)
    yield store, catalogue, areas
    store.close()


@pytest.fixture(scope="module")
def dudley(demo):
    store, catalogue, areas = demo
    return quarterly_scorecard(store, catalogue, areas, "E08000027", QUARTER)


def stored(store, indicator_id, area_code, period):
    table = schema.observation
    rows = store.frame(sa.select(table).where(
        table.c.indicator_id == indicator_id, table.c.area_code == area_code, table.c.period == period,
    ))
    return rows.iloc[0] if len(rows) else None


def test_every_indicator_of_the_framework_has_a_row_in_outcome_order(dudley, demo):
    _, catalogue, _ = demo
    framework = catalogue.frameworks["ecm"]
    order = [outcome.id for outcome in framework.outcome_areas]
    seen = [row.outcome_area for row in dudley.rows]
    assert seen == sorted(seen, key=order.index)
    assert {row.indicator_id for row in dudley.rows} == {
        indicator.id for indicator in catalogue if indicator.outcome_area("ecm")
    }
    assert dudley.is_demo


def test_no_figure_is_later_than_the_quarter(dudley):
    for row in dudley.rows:
        if row.period_label:
            assert parse_period(row.period_label).end <= QUARTER.end, row.indicator_id


def test_rag_agrees_with_the_rule_applied_by_hand(dudley):
    judged = [row for row in dudley.rows if row.target is not None and row.value is not None]
    assert len(judged) > 20
    for row in judged:
        gap = row.value - row.target if row.polarity == "higher_is_better" else row.target - row.value
        allowed = row.tolerance if row.tolerance_type == "absolute" else abs(row.target) * row.tolerance / 100
        if row.polarity == "none":
            expected = "no judgement"
        elif gap >= 0:
            expected = "green"
        elif -gap <= allowed + 1e-9:
            expected = "amber"
        else:
            expected = "red"
        assert row.rag == expected, row.indicator_id
    assert {row.rag for row in dudley.rows} == {"green", "amber", "red", "no judgement"}


def test_neighbour_mean_and_rank_recomputed_from_stored_figures(dudley, demo):
    store, catalogue, areas = demo
    row = next(r for r in dudley.rows if r.indicator_id == "mmr_two_doses_age_5")
    table = schema.observation
    everyone = store.frame(sa.select(table.c.area_code, table.c.value).where(
        table.c.indicator_id == row.indicator_id, table.c.period == row.benchmark_period,
        table.c.status == "",
    )).set_index("area_code")["value"]
    shield = disclosure.shield(store, catalogue, areas)  # a figure withheld from view is not compared
    everyone = everyone[[not shield.hides(row.indicator_id, code, row.benchmark_period) for code in everyone.index]]
    neighbours = store.table(schema.comparator, area_code="E08000027")["member_code"]
    values = [everyone[code] for code in neighbours if code in everyone.index]
    assert len(values) >= 8
    assert row.sn_mean == metrics.round_half_away(statistics.fmean(values), row.decimals)
    las = {area.code for area in areas.las(current=True)}
    la_values = everyone[everyone.index.isin(las)]
    own = la_values["E08000027"]
    assert row.rank == 1 + int((la_values > own).sum())  # higher is better
    assert row.rank_of == len(la_values)
    assert row.england == everyone["E92000001"]
    assert row.region == everyone["E12000005"]


def test_no_polarity_indicator_has_no_quartile_and_no_judgement(dudley):
    cla = next(row for row in dudley.rows if row.indicator_id == "cla_rate")
    assert cla.polarity == Polarity.NONE
    assert cla.quartile is None
    assert cla.rag == "no judgement"
    assert cla.direction in {"higher", "lower", "no change"}


def test_a_township_is_compared_but_not_ranked_among_las(demo):
    store, catalogue, areas = demo
    township = quarterly_scorecard(store, catalogue, areas, "E08000027-BRH", QUARTER)
    assert all(row.rank is None and row.quartile is None for row in township.rows)
    assert any(row.value is not None for row in township.rows)
    assert any(row.england is not None for row in township.rows)


def test_suppressed_figures_show_their_symbol_and_are_not_judged(demo):
    store, catalogue, areas = demo
    table = schema.observation
    suppressed = store.frame(sa.select(table.c.area_code, table.c.period_end).where(
        table.c.status != "", table.c.area_code.like("E08000027%"), table.c.period_end <= QUARTER.end,
    ))
    assert len(suppressed), "the demo data should include suppressed figures"
    seen = []
    for area_code in suppressed["area_code"].unique():
        card = quarterly_scorecard(store, catalogue, areas, area_code, QUARTER)
        seen += [row for row in card.rows if row.status not in ("", "x", "none")]
    for row in seen:
        assert row.value is None
        assert row.shown == f"[{row.status}]"
        assert row.rag == "no judgement"


def test_an_empty_quarter_gives_rows_without_figures(demo):
    store, catalogue, areas = demo
    card = quarterly_scorecard(store, catalogue, areas, "E08000027", parse_period("2001-02 Q1"))
    assert card.rows
    assert all(row.value is None and row.shown == "–" and row.status == "none" for row in card.rows)
