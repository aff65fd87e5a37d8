"""Figures as the scorecard shows them: the publisher's figure of record, chosen among
sources by precedence, or a rate worked out from a count and the population for the right
mid-year, age band and sex where no publisher gives one (DESIGN.md, "Metrics: the rules").

Expected values are worked out by hand in the tables; the populations are a small frame
built here, with decoys of the wrong year, age band and sex that must not be picked.
"""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from scorecard import metrics
from scorecard.catalogue import load_catalogue
from scorecard.figures import (
    FIGURE_COLUMNS, mid_years, of_record, rounded_ratio, with_figures,
)

DUDLEY, WALSALL, STOCKTON, ENGLAND = "E08000027", "E08000030", "E06000004", "E92000001"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


# ---------------------------------------------------------------- mid-year rule, vectorised

@pytest.mark.parametrize(
    "period_end, mid_year",
    [
        (date(2025, 3, 31), 2024),  # 31 March Y uses mid-(Y-1)
        (date(2024, 6, 29), 2023),
        (date(2024, 6, 30), 2024),  # the estimate's own date
        (date(2024, 7, 1), 2024),
        (date(2024, 12, 31), 2024),  # calendar year 2024 uses mid-2024
        (date(2025, 1, 1), 2024),
        (date(2024, 2, 29), 2023),
    ],
)
def test_mid_years_rule(period_end, mid_year):
    assert mid_years(pd.Series([period_end])).tolist() == [mid_year]
    assert metrics.mid_year_for(period_end) == mid_year  # the one-figure version agrees


# ---------------------------------------------------------------- rounding, vectorised

@pytest.mark.parametrize(
    "value, decimals, expected",
    [(80.85, 1, 80.9), (80.849, 1, 80.8), (-2.5, 0, -3.0), (2.5, 0, 3.0), (0.125, 2, 0.13),
     (1.005, 2, 1.01), (80.0, 0, 80.0), (-0.05, 1, -0.1), (np.nan, 1, np.nan)],
)
def test_round_half_away_array(value, decimals, expected):
    got = metrics.round_half_away_array(np.array([value]), decimals)[0]
    assert got == expected or (np.isnan(expected) and np.isnan(got))


RATIO_CASES = [
    # numerator, denominator, multiplier, decimals -> expected by hand
    (575, 71_124, 10_000, 0, 81.0),  # 80.845 -> 81 (Dudley CLA 2025)
    (23, 80, 100, 1, 28.8),  # 28.75 exactly; floats give 28.749999999999996
    (1, 20_000, 10_000, 0, 1.0),  # 0.5 exactly
    # England-sized: 390,434 x 100,000 = 3,127 x 12,483,901 + 6,241,573, and 6,241,573 is
    # just under half of 12,483,901 (6,241,950.5): 312.7499970 -> 312.7, not 312.8.
    (390_434, 12_483_901, 10_000, 1, 312.7),
    # 426,638 x 100,000 = 3,417 x 12,483,921 + 6,241,943, just under half (6,241,960.5):
    # 341.74999986 -> 341.7. A float nudge towards the half would make it 341.8.
    (426_638, 12_483_921, 10_000, 1, 341.7),
    # 400,064 / 12,800,000 x 10,000 = 312.55 exactly -> 312.6 (floats: 312.54999999999995)
    (400_064, 12_800_000, 10_000, 1, 312.6),
    (2.5, 10, 100, 0, 25.0),  # not whole counts: the float route, 25.0
    (5, 0, 100, 1, np.nan),  # no denominator: missing, never infinity
    (np.nan, 300, 100, 1, np.nan),
]


@pytest.mark.parametrize("numerator, denominator, multiplier, decimals, expected", RATIO_CASES)
def test_rounded_ratio(numerator, denominator, multiplier, decimals, expected):
    got = rounded_ratio(np.array([numerator]), np.array([denominator]), multiplier, decimals)[0]
    assert got == expected or (np.isnan(expected) and np.isnan(got))


def test_rounded_ratio_agrees_with_metrics_rate_on_many_counts():
    # A cross-check, not the source of truth: the hand-worked tables above are.
    rng = np.random.default_rng(2026)
    numerators = rng.integers(0, 500_000, 5_000).astype(float)
    populations = rng.integers(1, 13_000_000, 5_000).astype(float)
    halves = np.array([23, 29, 1, 400_064], float), np.array([80, 400, 20_000, 12_800_000], float)
    numerators, populations = np.concatenate([numerators, halves[0]]), np.concatenate([populations, halves[1]])
    vectorised = rounded_ratio(numerators, populations, 10_000, 1)
    one_by_one = [metrics.rate(metrics.Figure(n), p, 10_000, 1).value for n, p in zip(numerators, populations)]
    assert vectorised.tolist() == one_by_one


# ---------------------------------------------------------------- with_figures

POPULATION = pd.DataFrame(
    [
        # area, mid-year, age band, sex, count, vintage
        (DUDLEY, 2024, "0-17", "persons", 71_124, "mid-2024"),  # wanted for 31 March 2025
        (DUDLEY, 2023, "0-17", "persons", 70_500, "mid-2023"),  # decoy: a year too early
        (DUDLEY, 2025, "0-17", "persons", 71_900, "mid-2025"),  # decoy: a year too late
        (DUDLEY, 2024, "0-17", "female", 34_700, "mid-2024"),  # decoy: wrong sex
        (DUDLEY, 2024, "10-17", "persons", 27_900, "mid-2024"),  # decoy: wrong age band
        (DUDLEY, 2023, "15-17", "female", 5_400, "mid-2023"),  # under-18 conceptions 2023
        (DUDLEY, 2023, "15-17", "persons", 11_000, "mid-2023"),  # decoy: persons, not female
        (DUDLEY, 2023, "15-17", "male", 5_600, "mid-2023"),  # decoy: male
        (WALSALL, 2022, "10-17", "persons", 27_000, "mid-2022"),  # decoy: older still
        (WALSALL, 2023, "10-17", "persons", 27_500, "mid-2023"),  # latest loaded for 2024
        (WALSALL, 2023, "0-17", "persons", 69_761, "mid-2023"),
        (ENGLAND, 2024, "0-17", "persons", 12_483_921, "mid-2024"),
    ],
    columns=["area_code", "mid_year", "age_band", "sex", "count", "vintage"],
)

# case, indicator, area, period end, numerator, denominator, value (as loaded), status
# -> figure value, figure status, population used, its mid-year
FIGURE_CASES = [
    # a count and no published rate: 575 / 71,124 x 10,000 = 80.845 -> 81, with mid-2024
    # for 31 March 2025
    ("cla_dudley_2025", "cla_rate", DUDLEY, date(2025, 3, 31), 575, None, None, "",
     81.0, "", 71_124, 2024),
    # the publisher's rate is the figure of record, even where the count and today's
    # population would give another (99 here): it is never worked out again
    ("cla_published_rate_kept", "cla_rate", DUDLEY, date(2025, 3, 31), 575, None, 99.0, "",
     99.0, "", None, None),
    # the file gives its own population (DfE's) and no rate: that population is used, not
    # ONS's (none is loaded for Stockton)
    ("cla_own_population", "cla_rate", STOCKTON, date(2025, 3, 31), 575, 71_124, None, "",
     81.0, "", 71_124, 2024),
    # 26 / 5,400 x 1,000 = 4.8148 -> 4.8, females 15-17 at mid-2023 for calendar year 2023
    ("conceptions_2023", "under18_conception_rate", DUDLEY, date(2023, 12, 31), 26, None, None, "",
     4.8, "", 5_400, 2023),
    # mid-2024 is not loaded for Walsall 10-17: the latest earlier one, mid-2023, is used:
    # 52 / 27,500 x 100,000 = 189.09 -> 189
    ("fte_fallback", "fte_youth_justice_rate", WALSALL, date(2024, 12, 31), 52, None, None, "",
     189.0, "", 27_500, 2023),
    # 2,215 / 69,761 x 10,000 = 317.51 -> 317.5 (1 dp), mid-2023 for 31 March 2024
    ("cin_walsall_2024", "cin_rate", WALSALL, date(2024, 3, 31), 2215, None, None, "",
     317.5, "", 69_761, 2023),
    # England-sized, rounded exactly from the counts: 426,638 x 100,000 = 3,417 x 12,483,921
    # + 6,241,943, just under half of 12,483,921: 341.7 (a float nudge would give 341.8)
    ("cin_england_2025", "cin_rate", ENGLAND, date(2025, 3, 31), 426_638, None, None, "",
     341.7, "", 12_483_921, 2024),
    # a real zero count is a zero rate
    ("cla_zero", "cla_rate", DUDLEY, date(2025, 3, 31), 0, None, None, "",
     0.0, "", 71_124, 2024),
    # no population at all (none loaded for Stockton): the published rate, rounded, is kept
    ("cla_stockton_published", "cla_rate", STOCKTON, date(2025, 3, 31), 83_630, None, 67.0, "",
     67.0, "", None, None),
    # no population and no published rate: missing, never zero
    ("cla_no_population", "cla_rate", STOCKTON, date(2025, 3, 31), 83_630, None, None, "",
     None, "x", None, None),
    # 31 March 2020 wants mid-2019; only mid-2023 to mid-2025 are loaded, and a later
    # population is never used for an earlier figure: missing
    ("cla_too_early", "cla_rate", DUDLEY, date(2020, 3, 31), 400, None, None, "",
     None, "x", None, None),
    # a suppressed count gives a suppressed rate with its symbol
    ("cla_suppressed", "cla_rate", DUDLEY, date(2025, 3, 31), None, None, None, "c",
     None, "c", None, None),
    ("cla_suppressed_with_rate", "cla_rate", DUDLEY, date(2025, 3, 31), None, None, 80.0, "c",
     None, "c", None, None),
    # percentages: 23 / 80 = 28.75% exactly -> 28.8 (floats would make it 28.7)
    ("neet_computed", "neet_not_known_16_17", DUDLEY, date(2025, 3, 31), 23, 80, None, "",
     28.8, "", None, None),
    # a published percentage is kept, rounded half away: 5.55 -> 5.6
    ("neet_published", "neet_not_known_16_17", DUDLEY, date(2024, 3, 31), 23, 80, 5.55, "",
     5.6, "", None, None),
    # a zero denominator and no published value: missing
    ("neet_zero_denominator", "neet_not_known_16_17", DUDLEY, date(2023, 3, 31), 0, 0, None, "",
     None, "x", None, None),
    ("neet_low", "neet_not_known_16_17", WALSALL, date(2025, 3, 31), None, None, None, "low",
     None, "low", None, None),
]


@pytest.fixture(scope="module")
def figures(catalogue):
    rows = []
    for case in FIGURE_CASES:
        name, indicator, area, end, numerator, denominator, value, status = case[:8]
        rows.append({
            "indicator_id": indicator, "area_code": area, "period": name, "breakdown": "all",
            "period_type": "financial_year", "period_start": end, "period_end": end,
            "numerator": numerator, "denominator": denominator, "value": value, "status": status,
            "load_id": 1,
        })
    frame = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    for column in ("numerator", "denominator", "value"):
        frame[column] = frame[column].astype("float64")
    return with_figures(frame, POPULATION, catalogue).set_index("period")


@pytest.mark.parametrize(
    "name, value, status, population, mid_year",
    [(case[0], *case[8:]) for case in FIGURE_CASES],
)
def test_with_figures(figures, name, value, status, population, mid_year):
    row = figures.loc[name]
    assert row["figure_status"] == status
    if value is None:
        assert np.isnan(row["figure_value"])  # missing, not zero
    else:
        assert row["figure_value"] == value
    if population is None:
        assert pd.isna(row["population_used"]) and pd.isna(row["population_year"])
    else:
        assert (row["population_used"], row["population_year"]) == (population, mid_year)
        given = "given in the file" if name.endswith("own_population") else f"mid-{mid_year}"
        assert row["population_vintage"] == given


def test_with_figures_keeps_every_row_once(figures):
    assert sorted(figures.index) == sorted(case[0] for case in FIGURE_CASES)


def test_with_figures_on_no_rows(catalogue):
    empty = pd.DataFrame(columns=FIGURE_COLUMNS)
    assert with_figures(empty, POPULATION, catalogue).empty


# ---------------------------------------------------------------- of_record

SOURCES = pd.DataFrame(
    [
        ("DfE/cin/2024", "DfE", "cin", "2024", "official", "CIN 2024"),
        ("DfE/cin/2025", "DfE", "cin", "2025", "official", "CIN 2025"),
        ("DfE/lait/2025", "DfE", "lait", "2025", "compilation", "LAIT"),
        ("local/template", "local", "template", "", "local", "Template"),
    ],
    columns=["id", "publisher", "dataset", "release", "kind", "title"],
)

# case, source, numerator, value, status -> the chosen value, status, count and alternatives
RECORD_CASES = [
    # a newer release without the rate column never turns the older release's rate into nothing
    ("newer_release_lacks_rate", [("DfE/cin/2024", 2215, 317.5, ""), ("DfE/cin/2025", 2215, None, "")],
     317.5, "", 2215, 1),
    # a count-only release never replaces LAIT's published rate with a recomputed one
    ("count_only_beside_lait", [("DfE/cin/2025", 380, None, ""), ("DfE/lait/2025", None, 32.7, "")],
     32.7, "", 380, 1),
    # two releases that both publish: the newer one
    ("newer_release_wins", [("DfE/cin/2024", 2200, 315.0, ""), ("DfE/cin/2025", 2215, 317.5, "")],
     317.5, "", 2215, 1),
    # the newer release suppressed the figure: suppressed, never the older number
    ("newer_release_suppressed", [("DfE/cin/2024", 4, 0.6, ""), ("DfE/cin/2025", None, None, "c")],
     None, "c", None, 1),
    # the official figure beats the council's own for the same period
    ("official_beats_local", [("local/template", 2210, 317.0, ""), ("DfE/cin/2025", 2215, 317.5, "")],
     317.5, "", 2215, 1),
    # a lesser source's count never stands beside the preferred source's rate
    ("local_count_not_beside_lait", [("local/template", 2210, None, ""), ("DfE/lait/2025", None, 317.5, "")],
     317.5, "", None, 1),
    # one source only: as loaded
    ("one_source", [("local/template", 2210, 317.0, "")], 317.0, "", 2210, 0),
]


def _record_rows(order: int) -> pd.DataFrame:
    rows = []
    for name, given, *_ in RECORD_CASES:
        for source, numerator, value, status in (given if order == 0 else list(reversed(given))):
            rows.append({
                "indicator_id": "cin_rate", "area_code": DUDLEY, "period": name, "breakdown": "all",
                "period_type": "financial_year", "period_start": date(2024, 3, 31),
                "period_end": date(2024, 3, 31), "numerator": numerator, "denominator": None,
                "value": value, "status": status, "load_id": 1, "source": source,
                "count_rounding": None,
            })
    frame = pd.DataFrame(rows)
    for column in ("numerator", "denominator", "value"):
        frame[column] = frame[column].astype("float64")
    return frame


@pytest.mark.parametrize("order", [0, 1])
@pytest.mark.parametrize("name, value, status, numerator, alternatives", [(c[0], *c[2:]) for c in RECORD_CASES])
def test_of_record(order, name, value, status, numerator, alternatives):
    chosen = of_record(_record_rows(order), SOURCES).set_index("period")
    assert sorted(chosen.index) == sorted(case[0] for case in RECORD_CASES)  # one row a figure
    row = chosen.loc[name]
    assert row["status"] == status
    assert (pd.isna(row["value"]) if value is None else row["value"] == value)
    assert (pd.isna(row["numerator"]) if numerator is None else row["numerator"] == numerator)
    assert row["alternatives"] == alternatives


def test_of_record_does_not_depend_on_the_order_of_rows():
    first = of_record(_record_rows(0), SOURCES).sort_values("period").reset_index(drop=True)
    second = of_record(_record_rows(1), SOURCES).sort_values("period").reset_index(drop=True)
    pd.testing.assert_frame_equal(first.drop(columns="source"), second.drop(columns="source"))
