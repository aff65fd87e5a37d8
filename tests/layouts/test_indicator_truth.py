"""Issue 16 on the demo data: the trend chart tells the truth (one line per kind of period,
targets over the quarters they judge, fixed comparator colours, units, markers on figures only,
words for those who cannot see it), figures' ages and the out-of-date mark, the dash for no
figure loaded, one period label convention, and "By locality" only where townships have figures."""

from datetime import date

import pytest

from layouts import _colours as colours
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.freshness import age_of, months_between
from scorecard.periods import latest_complete_quarter, parse_period, shown_label
from scorecard.reference import sync_reference
from scorecard.store import Store
from service import ages
from service.demo import write_demo
from service.shared import shared
from tests.layouts.trees import app_on, texts

QUARTER = latest_complete_quarter(date.today())


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    path = tmp_path_factory.mktemp("truth") / "demo.duckdb"
    store = Store.open(path, create=True)
    catalogue, areas = load_catalogue(), load_areas()
    sync_reference(store, catalogue, areas)
    write_demo(store, catalogue, areas)
    store.close()
    yield from app_on(path)


def detail_of(indicator_id: str, quarter=QUARTER):
    service = shared()
    return service.indicator_detail(service.checked_indicator(indicator_id), service.home, quarter)


def traces(indicator_id: str) -> list[dict]:
    from layouts import indicator

    return indicator.trend_figure(detail_of(indicator_id))["data"]


def test_quarterly_and_yearly_figures_are_never_one_line(app):
    detail = detail_of("mmr_two_doses_age_5")  # quarterly figures and financial years, both
    kinds = {point.period_type for point in detail.points}
    assert {"quarter", "financial_year"} <= kinds
    area = [trace for trace in traces("mmr_two_doses_age_5") if trace["name"].startswith("Dudley, ")]
    assert {trace["name"] for trace in area} == {"Dudley, quarterly", "Dudley, financial years"}
    for trace in area:
        kind = "quarter" if trace["name"].endswith("quarterly") else "financial_year"
        ends = {point.period_end.isoformat() for point in detail.points if point.period_type == kind}
        assert set(trace["x"]) == ends  # each line holds the figures of its own kind only
    assert area[0]["name"] == "Dudley, quarterly"  # the latest figure's kind is the main line


def test_targets_cover_the_quarters_they_judge_without_markers(app):
    detail = detail_of("mmr_two_doses_age_5")
    drawn = {trace["name"]: trace for trace in traces("mmr_two_doses_age_5") if trace["name"] in ("Target", "Tolerance")}
    assert drawn["Target"]["mode"] == "lines" and drawn["Tolerance"]["mode"] == "lines"  # no stray dots
    quarters = [point for point in detail.points if point.period_type == "quarter" and point.target is not None]
    assert quarters, "the demo's quarterly figures have yearly targets"
    for point in quarters:
        span = next(s for s in detail.targets if s.start <= point.period_end <= s.end)
        assert span.target == point.target  # the line over the quarter is the target the quarter is judged by


def test_each_comparator_keeps_its_colour_and_the_axis_names_its_unit(app):
    seen = {}
    for indicator_id in ("mmr_two_doses_age_5", "obesity_reception", "cla_rate"):
        for trace in traces(indicator_id):
            for attribute, name in (("england", "England"), ("region", "Region"), ("sn_mean", "Statistical neighbours")):
                if trace["name"].startswith(name):
                    seen.setdefault(name, set()).add(trace["line"]["color"])
                    assert trace["line"]["color"] == colours.COMPARATORS[attribute][0]
    assert set(seen) == {"England", "Region", "Statistical neighbours"}
    assert all(len(found) == 1 for found in seen.values())
    from layouts import indicator

    assert indicator.trend_figure(detail_of("cla_rate"))["layout"]["yaxis"]["title"]["text"].startswith("Rate per 10,000")
    assert indicator.trend_figure(detail_of("obesity_reception"))["layout"]["yaxis"]["title"]["text"] == "Percentage (%)"


def test_the_chart_is_said_in_words(app):
    from layouts import indicator

    detail = detail_of("obesity_reception")
    known = [point for point in detail.points if point.value is not None]
    said = detail.summary
    assert f"from {known[0].period_shown} to {known[-1].period_shown}" in said
    assert f"from {known[0].shown} to {known[-1].shown}" in said
    assert ("rose" in said) == (known[-1].value > known[0].value)
    page = texts(indicator.layout(indicator="obesity_reception", period=QUARTER.label))
    assert said in page


def test_age_and_out_of_date_by_update_cycle():
    assert months_between(date(2025, 3, 31), date(2026, 6, 30)) == 15
    assert not age_of(date(2025, 3, 31), "financial_year", date(2026, 6, 30)).out_of_date  # 15 months: due
    assert age_of(date(2025, 3, 31), "financial_year", date(2026, 9, 30)).out_of_date  # 18 months
    assert not age_of(date(2026, 3, 31), "quarter", date(2026, 9, 30)).out_of_date  # 6 months
    assert age_of(date(2025, 12, 31), "quarter", date(2026, 9, 30)).out_of_date  # 9 months
    assert age_of(date(2025, 12, 31), "quarter", date(2026, 9, 30)).words == "9 months old"


def test_scorecard_counts_figures_out_of_date_and_marks_none_loaded(app):
    from layouts import scorecard

    later = parse_period("2029-30 Q2")  # three years after the demo's newest figures
    card = shared().scorecard(shared().home, later)
    counted = ages.of(card)
    assert counted.out_of_date == sum(row.period_label is not None for row in card.rows) > 0
    page = texts(scorecard.layout(period=later.label))
    assert f"{counted.out_of_date} of {counted.out_of_date} figures are out of date" in page
    assert "Out of date" in page and "Newest figure: " in page
    empty = shared().scorecard(shared().home, parse_period("2001-02 Q1"))
    assert all(row.shown == "–" and row.status == "none" for row in empty.rows)
    shown = texts(scorecard.layout(period="2001-02 Q1"))
    assert "–" in shown and "no figure loaded" in shown and "[x]" not in shown.replace("[x] not available", "")


def test_period_labels_follow_one_convention():
    assert [shown_label(label) for label in ("31 Mar 2025", "Sep 2026", "2024-25", "2024-25 Q2", "2024/25")] == \
        ["31 March 2025", "September 2026", "2024-25", "2024-25 Q2", "2024/25"]


def test_by_locality_only_where_townships_have_figures(tmp_path):
    from loaders.context import LoadContext
    from loaders.pipeline import load_file
    from service.application import Service
    from tests.workbooks import DUDLEY, filled_template, fresh_store

    store, context = fresh_store(tmp_path)
    service = Service(store, context.catalogue, context.areas)
    assert service.with_localities(DUDLEY) == set()  # real files carry no township figures: no link
    township = context.areas.localities(DUDLEY)[0].code
    filled_template(tmp_path / "t.xlsx", LoadContext(context.catalogue, context.areas, DUDLEY),
                    {("cla_rate", township): {"Numerator": 120}, ("cla_rate", DUDLEY): {"Numerator": 580}})
    assert load_file(store, tmp_path / "t.xlsx", context, user="analyst").status == "loaded"
    assert service.with_localities(DUDLEY) == {"cla_rate"}
    assert service.with_localities(township) == {"cla_rate"}  # a township's page links its siblings
    assert service.with_localities("E08000025") == set()  # Birmingham has no townships listed
    store.close()
