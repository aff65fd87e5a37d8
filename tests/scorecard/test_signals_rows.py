"""The signals on each scorecard row (issue 12, item 7): the JSON fields of `scorecard show`,
checked against values worked out here by hand from the counts, and their disclosure control.

The formulas below are written out again on purpose (Byar's, the exact Poisson limits as
published tables give them, Wilson), not imported from scorecard.intervals."""

import json
import math
from datetime import date

import pytest

from scorecard.areas import AREAS_CSV, load_areas
from tests.paths import EXAMPLE_LOCALITIES
from scorecard.catalogue import load_catalogue
from scorecard.exceptions import ExceptionRulesError, parse
from scorecard.periods import latest_complete_quarter, parse_period
from scorecard.quarterly import quarterly_scorecard
from scorecard.reference import sync_reference
from scorecard.store import Store
from service.cli import main
from service.demo import write_demo

Z95, Z998 = 1.959963984540054, 3.090232306167813
POP = 71_124
DUDLEY, ENGLAND = "E08000027", "E92000001"

HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
          "old_la_code,la_name,new_la_code,population_type,population_estimate,children_count,rate_per_10000\n")
WM = "E12000005,West Midlands"


def byar(count: float, z: float) -> tuple[float, float]:
    lower = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    upper = (count + 1) * (1 - 1 / (9 * (count + 1)) + z / (3 * math.sqrt(count + 1))) ** 3
    return lower / POP * 10_000, upper / POP * 10_000


def wilson(x: float, n: float, z: float) -> tuple[float, float]:
    p = x / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (centre - half) / (1 + z * z / n), 100 * (centre + half) / (1 + z * z / n)


def cla_file(tmp_path, dudley: dict[int, int], england: dict[int, float], region: dict[int, float]):
    """A DfE children looked after CSV: Dudley's counts, England's and the region's rates."""
    lines = [HEADER]
    for year, count in dudley.items():
        lines.append(f"{year},Reporting year,Local authority,E92000001,England,{WM},332,Dudley,E08000027,"
                     f"Children looked after on 31 March each year,{POP},{count},{round(count / POP * 10_000)}\n")
    for year, rate in england.items():
        lines.append(f"{year},Reporting year,National,E92000001,England,,,,,,"
                     f"Children looked after on 31 March each year,12000000,{int(rate * 1200)},{rate}\n")
    for year, rate in region.items():
        lines.append(f"{year},Reporting year,Regional,E92000001,England,{WM},,,,"
                     f"Children looked after on 31 March each year,1300000,{int(rate * 130)},{rate}\n")
    path = tmp_path / "cla.csv"
    path.write_text("".join(lines))
    return path


def show(db, capsys, area=DUDLEY, period="2024-25 Q4") -> dict:
    capsys.readouterr()
    assert main(["show", "--db", str(db), "--area", area, "--period", period,
                 "--indicator", "cla_rate", "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)[0]


RISING = {2021: 450, 2022: 480, 2023: 510, 2024: 545, 2025: 575}

# (Dudley's counts, England's rate, the region's rate) -> the fields expected for 2024-25 Q4.
# cla_rate has no polarity: 'higher' and 'lower', never 'better' or 'worse'.
CASES = [
    pytest.param(RISING, 67, 82, {"vs_england": "higher", "vs_region": "similar", "recent_trend": "increasing"},
                 id="above England, like the region, rising"),
    pytest.param({2021: 600, 2022: 600, 2023: 598, 2024: 601, 2025: 575}, 95, 81,
                 {"vs_england": "lower", "vs_region": "similar", "recent_trend": "no significant change"},
                 id="below England, flat"),
    pytest.param({2022: 480, 2023: 510, 2024: 545, 2025: 575}, 81, 100,
                 {"vs_england": "similar", "vs_region": "lower", "recent_trend": None},
                 id="four years: no trend"),
]


@pytest.mark.parametrize("dudley, england, region, expected", CASES)
def test_json_fields_against_the_counts_worked_by_hand(tmp_path, capsys, dudley, england, region, expected):
    path = cla_file(tmp_path, dudley, {2025: england}, {2025: region})
    db = tmp_path / "s.duckdb"
    assert main(["load", str(path), "--db", str(db)]) == 0
    row = show(db, capsys)
    low95, high95 = byar(575, Z95)
    low998, high998 = byar(575, Z998)
    assert row["ci95_lower"] == pytest.approx(low95, rel=1e-9)
    assert row["ci95_upper"] == pytest.approx(high95, rel=1e-9)
    assert row["ci998_lower"] == pytest.approx(low998, rel=1e-9)
    assert row["ci998_upper"] == pytest.approx(high998, rel=1e-9)
    assert row["ci95_lower"] < row["value"] < row["ci95_upper"]  # 81 per 10,000 as DfE printed it
    for name, value in expected.items():
        assert row[name] == value, name
    assert row["vs_neighbours"] is None  # no statistical neighbours loaded: not compared
    assert (row["spc_variation"], row["spc_assurance"], row["spc_trial"]) == (None, None, False)  # annual
    assert row["exception"] is False  # no target, no polarity
    assert row["narrative"].startswith("Children looked after rate")
    if expected["vs_england"] != "similar":
        assert f"significantly {expected['vs_england']} than England" in row["narrative"]


def test_no_interval_where_the_publisher_rounded_the_counts(tmp_path, capsys):
    path = cla_file(tmp_path, RISING, {2021: 67, 2022: 67, 2023: 67, 2024: 67, 2025: 67}, {2025: 82})
    db = tmp_path / "r.duckdb"
    assert main(["load", str(path), "--db", str(db)]) == 0
    england = show(db, capsys, area=ENGLAND)
    assert england["numerator"] is not None and england["value"] == 67  # counts rounded to 10 by DfE
    assert [england[name] for name in ("ci95_lower", "ci95_upper", "ci998_lower", "ci998_upper")] == [None] * 4
    assert england["recent_trend"] is None  # no interval, no trend


@pytest.mark.parametrize("threshold, shown", [("5", False), ("0", True)])
def test_a_count_of_1_to_5_gives_no_interval_comparison_or_trend(tmp_path, capsys, threshold, shown):
    small = {2021: 3, 2022: 4, 2023: 2, 2024: 5, 2025: 4}
    path = cla_file(tmp_path, small, {2025: 67}, {2025: 82})
    db = tmp_path / "c.duckdb"
    assert main(["load", str(path), "--db", str(db)]) == 0
    with Store.open(db) as store:
        store.set_setting("disclosure_threshold", threshold)
    row = show(db, capsys)
    fields = ["ci95_lower", "ci95_upper", "ci998_lower", "ci998_upper", "vs_england", "vs_region", "recent_trend"]
    if not shown:
        assert row["shown"] == "[c]"
        assert all(row[name] is None for name in fields), {name: row[name] for name in fields}
        assert "[c]" in row["narrative"] and "England" not in row["narrative"]
        return
    # The control: with no threshold the very same count gives its exact Poisson interval
    # (4 children: 1.0899 to 10.2416, the published chi-square limits).
    assert row["ci95_lower"] == pytest.approx(1.089865 / POP * 10_000, rel=1e-5)
    assert row["ci95_upper"] == pytest.approx(10.24159 / POP * 10_000, rel=1e-5)
    assert row["vs_england"] == "lower" and row["recent_trend"] is not None


def test_an_earlier_small_count_breaks_the_trend_but_not_the_latest_interval(tmp_path, capsys):
    path = cla_file(tmp_path, {**RISING, 2023: 4}, {2025: 67}, {2025: 82})
    db = tmp_path / "g.duckdb"
    assert main(["load", str(path), "--db", str(db)]) == 0
    row = show(db, capsys)
    assert row["ci95_lower"] == pytest.approx(byar(575, Z95)[0], rel=1e-9)
    assert row["recent_trend"] is None


# The demo data: every row's interval and comparison worked out again by hand.

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo_card(tmp_path_factory):
    store = Store.open(tmp_path_factory.mktemp("signals") / "demo.duckdb", create=True)
    catalogue, areas = load_catalogue(), load_areas(AREAS_CSV, EXAMPLE_LOCALITIES)
    sync_reference(store, catalogue, areas)
    write_demo(store, catalogue, areas, today=TODAY)
    card = quarterly_scorecard(store, catalogue, areas, DUDLEY, latest_complete_quarter(TODAY))
    yield card, catalogue
    store.close()


def test_every_demo_percentage_has_its_wilson_interval_and_comparison(demo_card):
    card, _ = demo_card
    checked = 0
    for row in card.rows:
        if row.unit != "percent" or row.numerator is None or row.denominator is None:
            continue
        low, high = wilson(row.numerator, row.denominator, Z95)
        assert (row.ci95_lower, row.ci95_upper) == (pytest.approx(low), pytest.approx(high)), row.indicator_id
        low998, high998 = wilson(row.numerator, row.denominator, Z998)
        if row.england is not None and row.benchmark_period == row.period_label and row.polarity != "none":
            better_if_higher = row.polarity == "higher_is_better"
            if low <= row.england <= high:
                expected = "similar"
            elif row.england < low:
                expected = ("much " if row.england < low998 else "") + ("better" if better_if_higher else "worse")
            else:
                expected = ("much " if row.england > high998 else "") + ("worse" if better_if_higher else "better")
            assert row.vs_england == expected, row.indicator_id
            checked += 1
    assert checked >= 10


def test_the_exception_rule_is_met_as_the_data_declare_it(demo_card):
    card, _ = demo_card
    for row in card.rows:
        red = row.rag == "red"
        amber_worse = row.rag == "amber" and row.direction == "worsening"
        worse = row.vs_england in ("worse", "much worse") and (
            row.direction == "worsening" or (row.recent_trend or "").endswith("getting worse"))
        concern = row.spc_variation in ("concern high", "concern low")
        assert row.exception == (red or amber_worse or worse or concern), row.indicator_id
    assert any(row.exception for row in card.rows)
    assert all(isinstance(row.narrative, str) and row.narrative.endswith(".") for row in card.rows)


def test_spc_fields_only_for_quarterly_and_monthly_series(demo_card):
    card, _ = demo_card
    charted = 0
    for row in card.rows:
        kind = parse_period(row.period_label).type.value if row.period_label else None  # the series' own kind
        if row.spc_variation is not None:
            charted += 1
            assert kind in ("quarter", "month"), row.indicator_id
            assert (row.spc_variation == "none") == row.spc_trial
    assert charted >= 10


@pytest.mark.parametrize("document, problem", [
    ({"rules": [{"name": "x", "when": {"rag": "purple"}}]}, "rag cannot be 'purple'"),
    ({"rules": [{"name": "x", "when": {"colour": "red"}}]}, "'colour' is not a field"),
    ({"rules": []}, "needs 'rules:'"),
    ({"rules": [{"when": {"rag": "red"}}]}, "needs a 'name'"),
])
def test_a_bad_exception_rule_is_refused_with_where(document, problem):
    with pytest.raises(ExceptionRulesError, match=problem):
        parse(document)


def test_the_demo_gives_a_mix_of_signals(demo_card):
    card, _ = demo_card
    compared = {row.vs_england for row in card.rows}
    assert {"better", "similar"} <= compared and compared & {"worse", "much worse"}
    variation = {row.spc_variation for row in card.rows}
    # at least one special cause of each kind (issue 12: the demo a clinic can learn from)
    assert {"improvement high", "improvement low", "concern high", "concern low"} <= variation
    assert "common cause" in variation
    assert any(row.spc_trial for row in card.rows)  # a newer local measure: trial limits
