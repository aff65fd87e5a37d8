"""Counts of 1 to 5 children, and figures worked out from them, never leave as numbers."""

import json

import numpy as np
import pandas as pd
import pytest

from scorecard.disclosure import Rules, protect
from scorecard.store import Store
from service.cli import main

CLA = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,la_name,new_la_code,population_type,population_estimate,children_count,rate_per_10000\n"


def frame(counts, indicator="cla_rate"):
    return pd.DataFrame({
        "indicator_id": indicator, "numerator": counts, "value": [10.0] * len(counts),
        "figure_value": [10.0] * len(counts), "figure_status": [""] * len(counts),
    })


@pytest.mark.parametrize("count, suppressed", [(0, False), (1, True), (5, True), (6, False), (np.nan, False)])
def test_counts_of_one_to_five_are_suppressed(count, suppressed):
    result = protect(frame([count]), Rules())
    assert (result["figure_status"].iloc[0] == "c") is suppressed
    assert pd.isna(result["figure_value"].iloc[0]) is suppressed
    if suppressed:
        assert pd.isna(result["numerator"].iloc[0])


def test_threshold_is_a_setting_and_an_indicator_can_be_exempt():
    assert protect(frame([7]), Rules(threshold=10))["figure_status"].iloc[0] == "c"
    assert protect(frame([3]), Rules(not_disclosive=frozenset({"cla_rate"})))["figure_status"].iloc[0] == ""


def test_a_count_indicator_is_judged_on_its_own_figure():
    counted = frame([np.nan], indicator="early_help").assign(figure_value=[4.0])
    assert protect(counted, Rules(), {"early_help"})["figure_status"].iloc[0] == "c"


def test_a_small_count_leaves_the_server_as_c(tmp_path, capsys):
    small = tmp_path / "cla_small.csv"
    small.write_text(CLA + "2025,Reporting year,Local authority,E92000001,England,E12000005,West Midlands,332,Dudley,"
                           "E08000027,Children looked after on 31 March each year,71124,4,1\n")
    db = tmp_path / "small.duckdb"
    assert main(["load", str(small), "--db", str(db)]) == 0
    assert main(["setup", "--home", "Dudley", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["show", "--db", str(db), "--period", "2024-25 Q4", "--indicator", "cla_rate", "--format", "json"]) == 0
    row = json.loads(capsys.readouterr().out)[0]
    assert (row["value"], row["numerator"], row["shown"], row["status"]) == (None, None, "[c]", "c")
    with Store.open(db) as store:
        store.set_setting("disclosure_threshold", "3")
    assert main(["show", "--db", str(db), "--period", "2024-25 Q4", "--indicator", "cla_rate", "--format", "json"]) == 0
    row = json.loads(capsys.readouterr().out)[0]
    assert (row["numerator"], row["value"]) == (4, 1)  # 4 / 71,124 x 10,000 = 0.56, shown as 1


# Secondary suppression: nothing shown beside a [c] gives it back ------------------------------

LA, TOWNS = "E08000027", ["E08000027-BRH", "E08000027-DUD", "E08000027-HAL", "E08000027-SED", "E08000027-STO"]
PARENTS = {town: LA for town in TOWNS}


def cells(rows):
    """(area, period, count, denominator, hidden) -> the cells secondary() reads; a period
    'YYYY-YY' is a financial year and 'YYYY-YY Qn' one of its quarters."""
    from scorecard.periods import financial_quarter, financial_year

    records = []
    for area, period, count, denominator, hidden in rows:
        year = int(period[:4])
        span = financial_quarter(year, int(period[-1])) if " Q" in period else financial_year(year)
        records.append({"indicator_id": "flow", "area_code": area, "period": period, "period_type": span.type.value,
                        "period_start": span.start, "period_end": span.end, "count": count,
                        "denominator": denominator, "rounded": False, "hidden": hidden, "missing": False})
    return pd.DataFrame(records)


def withheld(rows, percents=(), flows=("flow",), cumulative=(), rules=None):
    from scorecard.disclosure import secondary

    found = secondary(cells(rows), rules or Rules(), PARENTS, set(flows), set(cumulative), set(percents))
    return sorted((area, period) for _, area, period in found)


def test_the_issues_example_withholds_the_next_smallest_township():
    """58 first-time entrants; 16, 20, 8, [c] and 9: Sedgley was 58 - 53 = 5. With Halesowen's
    8 withheld too, 13 is left for two townships: either could be anything from 1 to 12."""
    rows = [(LA, "2022-23", 58, None, False), *[(town, "2022-23", count, None, count is None)
                                                for town, count in zip(TOWNS, [16, 20, 8, None, 9])]]
    assert withheld(rows, flows=()) == [(TOWNS[2], "2022-23")]


def test_small_counts_that_together_are_small_withhold_a_third():
    """3 and 2 withheld leave 5 for the two: both small. The next smallest (7) goes too."""
    rows = [(LA, "2022-23", 40, None, False), *[(town, "2022-23", count, None, count <= 5)
                                                for town, count in zip(TOWNS, [3, 2, 7, 8, 20])]]
    assert withheld(rows, flows=()) == [(TOWNS[2], "2022-23")]


def test_a_withheld_total_never_has_every_part_shown():
    rows = [(LA, "2022-23", None, None, True), *[(town, "2022-23", count, None, False)
                                                 for town, count in zip(TOWNS, [10, 12, 9, 14, 11])]]
    assert withheld(rows, flows=()) == [(TOWNS[2], "2022-23")]


def test_a_quarter_is_not_given_back_by_its_year():
    rows = [(LA, "2024-25", 40, None, False), (LA, "2024-25 Q1", 10, None, False), (LA, "2024-25 Q2", 12, None, False),
            (LA, "2024-25 Q3", 3, None, True), (LA, "2024-25 Q4", 15, None, False)]
    assert withheld(rows) == [(LA, "2024-25 Q1")]
    assert withheld(rows, flows=()) == []  # snapshots do not add up over a year


def test_a_percentages_complement_is_protected_against_the_total_too():
    """A township with 61 of 63 in suitable accommodation (2 not) is withheld. Alone, it comes
    back from the LA's figures minus the others', count and complement alike; the next smallest
    count (Dudley township's 30 of 40) goes too, leaving 61 + 30 and 2 + 10 for two townships."""

    def rows(counts, denominators):
        found = [(LA, "2024-25", sum(counts), sum(denominators), False)]
        return found + [(town, "2024-25", c, d, 1 <= d - c <= 5) for town, c, d in zip(TOWNS, counts, denominators)]

    assert withheld(rows([48, 30, 40, 61, 45], [55, 40, 48, 63, 52]), percents=("flow",), flows=()) == [
        (TOWNS[1], "2024-25")]
    # Two complements of 5 withheld leave 10 for two (up to 9 each): nothing more goes
    assert withheld(rows([50, 30, 40, 58, 45], [55, 40, 48, 63, 52]), percents=("flow",), flows=()) == []
    # ... but two of 3 and 2 leave 5: the smallest other complement (Stourbridge's 7) goes too
    assert withheld(rows([52, 30, 40, 61, 45], [55, 40, 48, 63, 52]), percents=("flow",), flows=()) == [
        (TOWNS[4], "2024-25")]


def test_a_year_to_date_quarter_never_differs_by_a_small_count_from_the_one_before():
    rows = [(LA, "2024-25 Q1", 20, None, False), (LA, "2024-25 Q2", 24, None, False),
            (LA, "2024-25 Q3", 30, None, False), (LA, "2024-25 Q4", 41, None, False), (LA, "2024-25", 41, None, False)]
    assert withheld(rows, flows=(), cumulative=("flow",)) == [(LA, "2024-25 Q2")]


def test_threshold_zero_withholds_nothing():
    rows = [(LA, "2022-23", 58, None, False), *[(town, "2022-23", count, None, count is None)
                                                for town, count in zip(TOWNS, [16, 20, 8, None, 9])]]
    assert withheld(rows, flows=(), rules=Rules(threshold=0)) == []


def test_a_complement_of_one_to_five_is_primary():
    percent = frame([58, 40]).assign(denominator=[63, 90])
    result = protect(percent, Rules(), percent_indicators={"cla_rate"}, hide_denominator={"cla_rate"})
    assert list(result["figure_status"]) == ["c", ""]
    assert pd.isna(result["denominator"].iloc[0]) and result["denominator"].iloc[1] == 90


def test_the_demo_is_withheld_the_same_on_both_backends(store):
    """On DuckDB and PostgreSQL alike: Sedgley's [c] first-time entrants take Halesowen's
    with them every year, and nothing in Dudley's family is left alone to be worked out."""
    from scorecard.areas import AREAS_CSV, load_areas
    from scorecard.catalogue import load_catalogue
    from scorecard.disclosure import build
    from service.demo import write_demo
    from tests.paths import EXAMPLE_LOCALITIES

    catalogue, areas = load_catalogue(), load_areas(AREAS_CSV, EXAMPLE_LOCALITIES)
    write_demo(store, catalogue, areas)
    shield = build(store, catalogue, areas)
    entrants = sorted(key for key in shield.withheld if key[0] == "fte_youth_justice_rate" and key[1].startswith(LA))
    assert [key[1] for key in entrants] == [TOWNS[2]] * 4  # Halesowen, with Sedgley's [c], in each of 4 years
    assert len(shield.withheld) > 100  # LAs against their regions too
    assert build(store, catalogue, areas, Rules(threshold=0)).withheld == frozenset()
    # The same decision whatever asks for it: the scorecard of Halesowen shows [c]
    from datetime import date

    from scorecard.periods import latest_complete_quarter
    from scorecard.quarterly import quarterly_scorecard

    card = quarterly_scorecard(store, catalogue, areas, TOWNS[2], latest_complete_quarter(date.today()),
                               only={"fte_youth_justice_rate"}, lenses=False)
    (row,) = card.rows
    assert (row.shown, row.numerator, row.previous_shown) == ("[c]", None, "[c]")


def test_a_figure_not_available_is_not_given_back_when_its_count_is_small():
    """A township not available ('x') whose count the others leave as 3 is protected like a
    [c]: the next smallest goes too. One leaving 30 is only not available: nothing goes."""
    def rows(total):
        found = cells([(LA, "2022-23", total, None, False), *[(town, "2022-23", count, None, False)
                                                             for town, count in zip(TOWNS, [16, 20, 8, None, 9])]])
        found.loc[found["count"].isna(), "missing"] = True
        return found

    from scorecard.disclosure import secondary

    assert secondary(rows(56), Rules(), PARENTS, set(), set(), set()) == {("flow", TOWNS[2], "2022-23")}
    assert secondary(rows(83), Rules(), PARENTS, set(), set(), set()) == set()
