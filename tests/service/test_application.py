"""The service the pages and the command line call, on the demo data: choices and checks, the
cached scorecard, the counts, movers, exceptions, detail and commentary the pages show."""

from datetime import date

import pytest

from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.periods import latest_complete_quarter, parse_period
from scorecard.reference import sync_reference
from scorecard.store import Store
from service.application import Service
from service.demo import write_demo
from service.errors import NotAllowed
from tests.workbooks import dudley_cla_csv

QUARTER = latest_complete_quarter(date.today())


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    path = tmp_path_factory.mktemp("service") / "demo.duckdb"
    store = Store.open(path, create=True)
    catalogue, areas = load_catalogue(), load_areas()
    sync_reference(store, catalogue, areas)
    write_demo(store, catalogue, areas)
    yield Service(store, catalogue, areas)
    store.close()


def test_overview_counts_add_up_to_the_scorecard(service):
    card = service.scorecard(service.home, QUARTER)
    tiles = service.overview(card)
    assert [tile.id for tile in tiles] == [o for o, _ in service.outcome_choices("ecm")]
    assert sum(sum(tile.counts.values()) for tile in tiles) == len(card.rows)
    assert sum(tile.counts["red"] for tile in tiles) == sum(row.rag == "red" for row in card.rows)


def test_movers_are_the_biggest_judged_changes_first(service):
    card = service.scorecard(service.home, QUARTER)
    movers = service.movers(card, how_many=5)
    assert len(movers) == 5
    judged = [m for m in movers if m.row.direction in ("improving", "worsening")]
    assert movers[: len(judged)] == judged
    sizes = [abs(m.change) for m in judged]
    assert sizes == sorted(sizes, reverse=True)
    for mover in movers:
        assert mover.change == pytest.approx(
            (mover.row.value - mover.row.previous_value) / abs(mover.row.previous_value))


def test_exceptions_are_the_rows_meeting_the_declared_rule(service):
    card = service.scorecard(service.home, QUARTER)
    found = service.exceptions(card)
    assert found, "the demo data has exceptions"

    def meets(r):  # data/exceptions.yaml, written out again
        worse = r.vs_england in ("worse", "much worse") and (
            r.direction == "worsening" or (r.recent_trend or "").endswith("getting worse"))
        return (r.rag == "red" or (r.rag == "amber" and r.direction == "worsening") or worse
                or r.spc_variation in ("concern high", "concern low"))

    expected = [r for r in card.rows if meets(r)]
    assert [r.indicator_id for r in found] == [r.indicator_id for r in expected]
    assert all(r.exception_reasons and r.narrative for r in found)
    assert service.exception_rules()[0] == "Red against target"


def test_commentary_edit_shows_at_once_and_keeps_earlier_versions(service):
    before = service.scorecard(service.home, QUARTER)
    service.add_commentary("cla_rate", service.home, QUARTER.label, "First note.", "analyst one")
    service.add_commentary("cla_rate", service.home, QUARTER.label, "Second note.", "analyst two")
    after = service.scorecard(service.home, QUARTER)
    assert after is not before  # the cache key moved on
    row = next(r for r in after.rows if r.indicator_id == "cla_rate")
    assert (row.commentary, row.commentary_author) == ("Second note.", "analyst two")
    detail = service.indicator_detail(service.checked_indicator("cla_rate"), service.home, QUARTER)
    texts_kept = [note["text"] for note in detail.commentary_history]
    assert texts_kept[:2] == ["Second note.", "First note."]


@pytest.mark.parametrize("text", ["", "   ", "x" * 4001])
def test_empty_or_overlong_commentary_is_refused(service, text):
    with pytest.raises(NotAllowed):
        service.add_commentary("cla_rate", service.home, QUARTER.label, text, "analyst")


def test_scorecard_is_cached_until_the_data_changes(service, tmp_path):
    first = service.scorecard(service.home, QUARTER)
    assert service.scorecard(service.home, QUARTER) is first
    upload = dudley_cla_csv(tmp_path / "cla_dudley.csv", year=2016)
    report = service.upload(upload, service.home, dry_run=False, user="analyst", file_name=upload.name)
    assert report.status == "loaded", report.problems
    assert service.scorecard(service.home, QUARTER) is not first
    service.revert(report.load_id)


def test_indicator_detail_series_has_target_band_and_comparators(service):
    detail = service.indicator_detail(service.checked_indicator("breastfeeding_6_8_weeks"), service.home, QUARTER)
    assert detail.points
    assert [p.period_end for p in detail.points] == sorted(p.period_end for p in detail.points)
    targeted = [p for p in detail.points if p.target is not None]
    assert targeted
    for point in targeted:
        assert point.tolerance_low <= point.target <= point.tolerance_high
    assert any(p.england is not None for p in detail.points)
    assert all(p.load_id is not None for p in detail.points if p.value is not None)


def test_catalogue_search_by_words_and_ni_code(service):
    assert [i.id for i in service.search_indicators("NI 62")] == ["placement_stability_three_moves"]
    assert service.search_indicators("no such words anywhere") == []
    assert len(service.search_indicators("")) == len(service.catalogue.indicators)


@pytest.mark.parametrize("bad", ["Q5 2025", "2025", "31 March 2025"])
def test_only_financial_quarters_are_accepted_from_the_url(service, bad):
    with pytest.raises(NotAllowed):
        service.checked_quarter(bad)


def test_quarter_choices_start_at_the_latest_complete_quarter(service):
    choices = service.quarter_choices(date(2026, 2, 1))
    assert choices[0] == "2025-26 Q3"
    assert parse_period(choices[1]).end < parse_period(choices[0]).end


def test_warming_works_out_the_home_scorecard_before_anyone_asks(service, monkeypatch):
    from service import application

    worked_out = []
    real = application.quarterly_scorecard
    monkeypatch.setattr(application, "quarterly_scorecard", lambda *a, **k: worked_out.append(a[3]) or real(*a, **k))
    service = Service(service.store, service.catalogue, service.areas)  # as a server starts: nothing cached
    service.warm()
    assert worked_out == [service.home]
    card = service.scorecard(service.home, latest_complete_quarter(date.today()))
    assert worked_out == [service.home]  # the page's request found it ready
    assert card.rows
