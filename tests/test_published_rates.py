"""Rates Scorecard computes from counts and ONS populations, against the published ones,
for every LA, region and England in the DfE files (issue 2, "Must show")."""

from pathlib import Path

import pandas as pd
import pytest

from scorecard import figures
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.cli import main
from scorecard.reconcile import REVISED_POPULATION, ROUNDED_COUNT, reconcile
from scorecard.store import Store

PUBLIC = Path(__file__).resolve().parents[2] / "shared" / "data" / "public"
FILES = [
    "cla_number_and_rate_per_10k_children_2021_2025.csv",
    "b1_children_in_need_2013_to_2024.csv",
    "d5_cpps_at31march_by_duration_2013_to_2025.csv",
    "ons_mid-year_population_estimates_2012_to_2024.csv",
]
REPORT = Path(__file__).resolve().parents[1] / "test-artefacts" / "published_rates.txt"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("published") / "scorecard.duckdb"
    assert main(["load", *(str(PUBLIC / name) for name in FILES), "--db", str(db)]) == 0
    opened = Store.open(db)
    yield opened
    opened.close()


def computed_rates(store, indicator_id: str) -> pd.DataFrame:
    valued = figures.with_figures(
        figures.observations(store, [indicator_id]), figures.populations(store), load_catalogue()
    )
    valued = valued[valued["figure_computed"]]
    return valued.rename(columns={"value": "published", "figure_value": "computed"})


def lait_published(short_desc: str) -> pd.DataFrame:
    """The LA rates LAIT prints, keyed by new LA code and '31 Mar YYYY'."""
    lait = pd.read_parquet(PUBLIC / "lait_long.parquet")
    rows = lait[(lait["Short Desc"] == short_desc) & lait["LA Number"].notna()]
    areas = load_areas()
    codes = {number: areas.resolve(str(int(number))) for number in rows["LA Number"].unique()}
    return pd.DataFrame({
        "area_code": [codes[number].code if codes[number] else None for number in rows["LA Number"]],
        "period": "31 Mar " + rows["Years"].astype(str).str[:4],
        "published": pd.to_numeric(rows["Values"], errors="coerce").round(1),
    }).dropna()


def write_report(text: str) -> None:
    REPORT.parent.mkdir(exist_ok=True)
    with REPORT.open("a") as report:
        report.write(text + "\n")
    print(text)


@pytest.mark.parametrize("indicator_id", ["cla_rate", "cin_rate"])
def test_every_computed_rate_matches_or_has_a_known_reason(store, indicator_id):
    result = reconcile(computed_rates(store, indicator_id))
    write_report(result.summary(indicator_id))
    assert result.compared > 750  # five or more years of every LA, region and England
    assert result.unexplained.empty, result.unexplained.to_string()
    assert result.matched / result.compared > 0.8


def test_cla_differences_are_only_rounded_regional_counts(store):
    result = reconcile(computed_rates(store, "cla_rate"))
    assert result.matched / result.compared > 0.99
    assert set(result.differences["reason"]) <= {ROUNDED_COUNT}
    assert not result.differences["area_code"].str.startswith(("E06", "E07", "E08", "E09", "E10")).any()


def test_cin_2024_differs_because_populations_were_revised(store):
    result = reconcile(computed_rates(store, "cin_rate"))
    dudley = result.differences[
        (result.differences["area_code"] == "E08000027") & (result.differences["period"] == "31 Mar 2024")
    ]
    assert dudley["published"].tolist() == [317.5]
    assert dudley["reason"].tolist() == [REVISED_POPULATION]
    # 2,215 children in need over the 70,105 children ONS now estimates for mid-2023.
    assert dudley["computed"].tolist() == [316.0]


def test_cpp_rates_from_counts_match_lait(store):
    mine = computed_rates(store, "cpp_rate").drop(columns="published")
    merged = mine.merge(lait_published("CPP_rate"), on=["area_code", "period"])
    result = reconcile(merged)
    write_report(result.summary("cpp_rate against LAIT CPP_rate"))
    assert result.compared > 1000
    assert result.unexplained.empty, result.unexplained.to_string()
    assert result.matched / result.compared > 0.8


def test_unexplained_difference_is_reported():
    frame = pd.DataFrame({
        "area_code": ["E08000027"], "period": ["31 Mar 2025"], "numerator": [575.0],
        "population_used": [71124.0], "multiplier": [10000], "decimals": [0],
        "published": [95.0], "computed": [81.0],
    })
    result = reconcile(frame)
    assert (result.compared, result.matched) == (1, 0)
    assert len(result.unexplained) == 1
