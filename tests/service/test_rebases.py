"""SPC rebases (issue 12, item 4): recorded, dated, reasoned and audited by an analyst, never
automatic; the limits start again from the rebase on the scorecard row and on the chart."""

from datetime import date

import pytest

from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.periods import parse_period
from scorecard.reference import sync_reference
from service import rebases
from service.application import Service
from service.cli import main
from service.demo import write_demo
from service.detail import indicator_detail
from service.errors import NotAllowed

INDICATOR, DUDLEY, QUARTER = "re_referrals_12_months", "E08000027", "2026-27 Q2"


@pytest.fixture
def service(store):
    catalogue, areas = load_catalogue(), load_areas()
    sync_reference(store, catalogue, areas)
    write_demo(store, catalogue, areas, today=date(2026, 11, 1))
    return Service(store, catalogue, areas)


def _row(service):
    card = service.scorecard(DUDLEY, parse_period(QUARTER))
    return next(row for row in card.rows if row.indicator_id == INDICATOR)


def test_rebase_is_recorded_audited_and_starts_new_limits(service):
    before = _row(service)
    assert before.spc_trial is False and before.spc_variation is not None  # 13+ quarters: full limits
    chart = indicator_detail(service, service.checked_indicator(INDICATOR), DUDLEY, parse_period(QUARTER)).spc
    assert chart.rebases == [] and len(set(chart.mean)) == 1  # one segment, one average

    rebases.add(service, INDICATOR, "2025-26 Q1", "New front door from April 2025", area=None, by="ana")

    [recorded] = service.store.spc_rebases(INDICATOR, DUDLEY)
    assert (recorded["period"], recorded["reason"], recorded["set_by"]) == ("2025-26 Q1", "New front door from April 2025", "ana")
    assert recorded["set_at"].date() == date.today()
    entry = service.store.audit_entries()[-1]
    assert (entry["who"], entry["action"], entry["after_value"]) == ("ana", "spc rebase", "New front door from April 2025")
    after = _row(service)  # the cached scorecard is not reused: a rebase changes the data version
    assert after.spc_trial is True and after.spc_variation == "none"  # 6 quarters since: trial limits, no icon
    chart = indicator_detail(service, service.checked_indicator(INDICATOR), DUDLEY, parse_period(QUARTER)).spc
    start = chart.periods.index("2025-26 Q1")
    assert chart.rebases == [("2025-26 Q1", "New front door from April 2025")]
    assert len(set(chart.mean[:start])) == 1 and len(set(chart.mean[start:])) == 1
    assert chart.mean[start] != chart.mean[0]
    assert "start again from 2025-26 Q1: New front door from April 2025" in chart.summary

    rebases.remove(service, INDICATOR, "2025-26 Q1", area=None, by="ana")
    assert service.store.spc_rebases() == []
    assert service.store.audit_entries()[-1]["before_value"] == "New front door from April 2025"
    assert _row(service).spc_trial is False


@pytest.mark.parametrize("period, reason, problem", [
    ("2025-26", "why", "quarterly and monthly"),
    ("not a period", "why", "is not a period"),
    ("2025-26 Q1", "  ", "Say why"),
])
def test_what_cannot_be_a_rebase_is_refused_in_plain_words(service, period, reason, problem):
    with pytest.raises(NotAllowed, match=problem):
        rebases.add(service, INDICATOR, period, reason, area=None, by="ana")
    assert service.store.spc_rebases() == []


def test_command_line_records_lists_and_refuses_twice(service, capsys):
    db = service.store.url
    service.close()
    assert main(["spc", "rebase", INDICATOR, "--from", "2025-26 Q1", "--reason", "New service", "--db", db]) == 0
    assert main(["spc", "rebase", INDICATOR, "--from", "2025-26 Q1", "--reason", "Again", "--db", db]) == 2
    assert "already rebased from 2025-26 Q1" in capsys.readouterr().err
    assert main(["spc", "rebases", "--db", db]) == 0
    listed = capsys.readouterr().out
    assert "New service" in listed and "Again" not in listed
