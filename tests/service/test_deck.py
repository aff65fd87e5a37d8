"""The board deck's plan: order, naming of red and amber, splitting that fits a slide."""

from datetime import date

from scorecard.areas import Area
from scorecard.periods import parse_period
from scorecard.quarterly import Scorecard, ScorecardRow
from service import deck

OUTCOMES = [("safe", "Stay safe"), ("healthy", "Be healthy")]


def _row(number: int, outcome: str, rag: str, exception: bool = False) -> ScorecardRow:
    return ScorecardRow(f"i{number}", f"Indicator {number}", f"Ind {number}", outcome, None, "low", "%", 1,
                        rag=rag, exception=exception)


def _card(rows) -> Scorecard:
    area = Area(code="E08000027", name="Dudley", level="la")
    return Scorecard(area, parse_period("2026-27 Q2"), "ecm", rows, is_demo=True)


def test_order_is_cover_summaries_exceptions_then_detail():
    rows = [_row(1, "safe", "red", exception=True), _row(2, "healthy", "green"), _row(3, "healthy", "amber")]
    planned = deck.plan(_card(rows), OUTCOMES, data_as_at=date(2026, 9, 30))
    assert [slide.kind for slide in planned.slides] == ["cover", "summary", "summary", "exceptions", "detail", "detail"]
    assert [slide.outcome_id for slide in planned.slides if slide.kind == "detail"] == ["safe", "healthy"]
    assert planned.cover.area_name == "Dudley" and planned.cover.quarter == "2026-27 Q2"


def test_summary_names_red_and_amber_not_green():
    rows = [_row(1, "healthy", "green"), _row(2, "healthy", "amber"), _row(3, "healthy", "red")]
    healthy = deck.plan(_card(rows), OUTCOMES).summaries[1]
    assert [row.indicator_id for row in healthy.red] == ["i3"]
    assert [row.indicator_id for row in healthy.amber] == ["i2"]
    assert healthy.counts["green"] == 1 and healthy.off_track


def test_long_outcome_runs_over_even_slides_titled_part_of_parts():
    rows = [_row(number, "safe", "green") for number in range(deck.DETAIL_ROWS_PER_SLIDE + 2)]
    details = [slide for slide in deck.plan(_card(rows), OUTCOMES).slides if slide.kind == "detail"]
    assert [slide.title for slide in details] == ["Stay safe (1 of 2)", "Stay safe (2 of 2)"]
    assert sorted(len(slide.rows) for slide in details) == [4, 4]
    assert [row for slide in details for row in slide.rows] == rows  # every row once, in order
    assert len({slide.slug for slide in details}) == 2


def test_data_as_at_is_the_newest_period_end_among_the_figures_shown():
    rows = [_row(1, "safe", "green"), _row(2, "safe", "green"), _row(3, "healthy", "red")]
    rows[0].period_label, rows[0].value = "2026-27 Q1", 1.0
    rows[1].period_label, rows[1].value = "30 Sep 2026", 2.0
    rows[2].period_label, rows[2].value = "2026-27 Q2", None  # no figure: it says nothing of how recent they are
    assert deck.data_as_at(_card(rows)) == date(2026, 9, 30)
    rows[1].value = None
    assert deck.data_as_at(_card(rows)) == date(2026, 6, 30)
    assert deck.data_as_at(_card([])) is None
