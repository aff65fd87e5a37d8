"""The published truth (issue 10, "Must show"): every figure a publisher gave is shown as it
printed it; Scorecard's own checks against the counts are reconciled, every difference with
its reason; and the files loaded in two different orders give the same scorecards.

Every public file in ../shared/data/public is loaded through the real command line. The
counts per reason are written to test-artefacts/published_rates.txt.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scorecard import figures, metrics
from scorecard.catalogue import load_catalogue
from scorecard.reference import benchmark_indicators
from service.cli import main
from scorecard.reconcile import REVISED_POPULATION, ROUNDED_COUNT, checks, reconcile
from scorecard.store import Store
from tests.paths import ARTEFACTS, PUBLIC

FILES = sorted(path for path in PUBLIC.iterdir() if path.suffix in (".csv", ".xlsx", ".parquet", ".ods"))
REPORT = ARTEFACTS / "published_rates.txt"
DUDLEY = "E08000027"


def load_all(db: Path, files: list[Path]) -> None:
    # Files that are refused are reported by their own tests; the rest must load.
    main(["load", *(str(path) for path in files), "--db", str(db)])


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("published") / "scorecard.duckdb"
    load_all(db, FILES)
    opened = Store.open(db)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def shown(store):
    rows = store.observations(None, breakdown=None)
    record = figures.of_record(rows, store.sources())
    population = figures.populations(store)
    # Benchmark indicators shown with their own decimals, as the pages show them.
    catalogue = load_catalogue().with_extra(benchmark_indicators(store))
    return rows, figures.with_figures(record, population, catalogue), population


def write_report(text: str) -> None:
    REPORT.parent.mkdir(exist_ok=True)
    with REPORT.open("a") as report:
        report.write(text + "\n")
    print(text)


def printed(chosen: pd.DataFrame, lait_codes: dict[str, str]) -> np.ndarray:
    """Each figure as its publisher printed it: a CSV's or workbook's text exactly; LAIT's
    (stored with float artefacts, 9.3699999999999992) at the catalogue indicator's decimals
    (the original publisher's, which test_catalogue_decimals_follow_the_publishers checks
    against LAIT's own), else at the decimals LAIT's dictionary gives (dps), else exactly up
    to 2 decimals (a few benchmark measures with no dps carry 3 to 6: they are shown at 2);
    Fingertips' (to 7 places) at the one decimal it shows."""
    dictionary = pd.read_csv(PUBLIC / "lait_data_dictionary.csv", dtype=str, keep_default_na=False)
    dps = {row.Measure_short: int(row.dps) for row in dictionary.itertuples() if row.dps.isdigit()}
    catalogue = {indicator.id: indicator.decimals for indicator in load_catalogue()}
    lait = chosen["source"].str.startswith("DfE/lait/").to_numpy()
    places = np.full(len(chosen), -1)
    for position, indicator_id in enumerate(chosen["indicator_id"]):
        if lait[position]:
            places[position] = catalogue.get(indicator_id, dps.get(lait_codes.get(indicator_id), 2))
    places[chosen["source"].str.startswith("OHID/fingertips").to_numpy()] = 1
    value = chosen["printed"].to_numpy()
    rounded = metrics.round_half_away_array(value, np.maximum(places, 0))
    return np.where(places >= 0, rounded, value)


def test_every_published_figure_of_record_is_shown_as_published(store, shown):
    rows, record, _population = shown
    benchmarks = benchmark_indicators(store)
    published = rows[rows["value"].notna() & (rows["status"] == "")]
    key = [*figures.KEY, "source"]
    chosen = record.merge(published[key + ["value"]].rename(columns={"value": "printed"}), on=key)
    codes = {indicator.id: indicator.lait_code for indicator in load_catalogue().with_extra(benchmarks)
             if indicator.lait_code}
    exact = np.isclose(chosen["figure_value"].to_numpy(), printed(chosen, codes), rtol=0, atol=1e-9)
    write_report(
        f"{len(published):,} figures published in the files; {len(chosen):,} are figures of record, "
        f"{int(exact.sum()):,} of them shown exactly as published; {len(published) - len(chosen):,} "
        "are alternatives a newer release or preferred source replaces"
    )
    assert len(chosen) > 100_000  # LAIT alone gives more
    assert exact.all(), chosen.loc[~exact, [*key, "printed", "figure_value"]].head(20).to_string()
    assert not chosen["figure_computed"].any()


# Where LAIT's display differs from the original publisher's, the publisher's is kept.
PUBLISHER_DECIMALS = {"hospital_admissions_injury_0_14": "OHID's Fingertips shows 1 decimal; LAIT 2"}


def test_catalogue_decimals_follow_the_publishers():
    dictionary = pd.read_csv(PUBLIC / "lait_data_dictionary.csv", dtype=str, keep_default_na=False)
    dps = {row.Measure_short: int(row.dps) for row in dictionary.itertuples() if row.dps.isdigit()}
    differ = {indicator.id for indicator in load_catalogue()
              if indicator.lait_code in dps and dps[indicator.lait_code] != indicator.decimals}
    assert differ == set(PUBLISHER_DECIMALS)


def test_dudley_figures_as_dfe_published_them(shown):
    _rows, record, _population = shown
    dudley = record[(record["area_code"] == DUDLEY) & (record["breakdown"] == "all")].set_index(["indicator_id", "period"])
    assert dudley.loc[("cla_rate", "31 Mar 2025"), "figure_value"] == 81
    assert dudley.loc[("cin_rate", "31 Mar 2024"), "figure_value"] == 317.5
    # d5 gives only the count: the rate shown is the one LAIT prints, never one worked out.
    lait = pd.read_parquet(PUBLIC / "lait_long.parquet", columns=["Short Desc", "Years", "LA Number", "Values"])
    printed = lait[(lait["Short Desc"] == "CPP_rate") & (lait["Years"].astype(str) == "2024")
                   & (lait["LA Number"].astype(str).str.startswith("332"))]["Values"]
    cpp = dudley.loc[("cpp_rate", "31 Mar 2024")]
    assert cpp["figure_value"] == round(float(printed.iloc[0]), 1) and not cpp["figure_computed"]
    assert "lait" in cpp["source"] and cpp["numerator"] == 228  # d5's count beside it


def checked(rows, population, indicator_id: str):
    return reconcile(checks(rows[rows["indicator_id"] == indicator_id], population, load_catalogue()))


@pytest.mark.parametrize("indicator_id", ["cla_rate", "cin_rate"])
def test_every_check_against_the_count_matches_or_has_a_known_reason(shown, indicator_id):
    rows, _record, population = shown
    result = checked(rows, population, indicator_id)
    write_report(result.summary(f"{indicator_id} worked out again from its count"))
    assert result.compared > 750  # five or more years of every LA, region and England
    assert result.unexplained.empty, result.unexplained.to_string()


def test_cin_2024_differs_because_populations_were_revised(shown):
    rows, _record, population = shown
    result = checked(rows, population, "cin_rate")
    differences = result.differences
    dudley = differences[(differences["area_code"] == DUDLEY) & (differences["period"] == "31 Mar 2024")]
    assert dudley["published"].tolist() == [317.5]
    assert dudley["reason"].tolist() == [REVISED_POPULATION]
    # 2,215 children in need over the 70,105 children ONS now estimates for mid-2023.
    assert dudley["computed"].tolist() == [316.0]


def test_reconcile_explains_every_difference_in_the_public_files(store, capsys):
    capsys.readouterr()
    assert main(["reconcile", "--db", store.url.removeprefix("duckdb:///"), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    write_report("scorecard reconcile on the public files: " + json.dumps(result["reasons"], indent=1))
    assert result["compared"] > 10_000 and result["reasons"]
    assert "unexplained" not in result["reasons"], [
        row for row in result["differences"] if row["reason"] == "unexplained"
    ][:10]


def test_unexplained_difference_is_reported():
    frame = pd.DataFrame({
        "area_code": ["E08000027"], "period": ["31 Mar 2025"], "numerator": [575.0],
        "population_used": [71124.0], "multiplier": [10000], "decimals": [0],
        "published": [95.0], "computed": [81.0],
    })
    result = reconcile(frame)
    assert (result.compared, result.matched) == (1, 0)
    assert len(result.unexplained) == 1


def test_rounded_count_is_the_reason_when_the_publisher_says_it_rounded():
    # 580 rounded to 5 could be 578 to 582: 81.3 to 81.8 per 10,000 of 71,124, and 81.5 is inside.
    frame = pd.DataFrame({
        "area_code": ["E08000027"], "period": ["31 Mar 2015"], "numerator": [580.0],
        "population_used": [71124.0], "multiplier": [10000], "decimals": [1],
        "published": [81.5], "computed": [81.6], "count_rounding": [5],
    })
    assert reconcile(frame).differences["reason"].tolist() == [ROUNDED_COUNT]


AREAS = ["E08000027", "E92000001", "E12000005", "E09000001", "E06000004"]
QUARTERS = ["2022-23 Q4", "2023-24 Q4", "2024-25 Q2", "2024-25 Q4"]


def test_two_orders_of_loading_give_identical_scorecards(store, tmp_path_factory, capsys):
    reversed_db = tmp_path_factory.mktemp("reversed") / "scorecard.duckdb"
    load_all(reversed_db, list(reversed(FILES)))
    forward_db = store.url.removeprefix("duckdb:///")
    compared = 0
    for area in AREAS:
        for quarter in QUARTERS:
            outputs = []
            for db in (forward_db, reversed_db):
                capsys.readouterr()
                assert main(["show", "--db", str(db), "--area", area, "--period", quarter, "--format", "json"]) == 0
                rows = json.loads(capsys.readouterr().out)
                # Load ids number loads in the order they happened; everything else must agree.
                outputs.append([{k: v for k, v in row.items() if k != "load_id"} for row in rows])
            assert outputs[0] == outputs[1], (area, quarter)
            compared += sum(row["value"] is not None for row in outputs[0])
    assert compared > 100


def test_the_reconciliation_page_lists_dudleys_differences_with_reasons(store):
    from scorecard.areas import load_areas
    from service.application import Service
    from service.errors import NotAllowed

    service = Service(store, load_catalogue(), load_areas())
    reasons, compared, agree, differences = service.reconciliation(None, "E08000027")
    assert compared > agree > 0 and reasons and "unexplained" not in reasons
    assert all(row["area_code"] == "E08000027" and row["reason"] for row in differences)
    # CIN at 31 March 2024: DfE's 317.5 against 316.0 from the count and today's population.
    # LAIT, compiled later, prints 316.0 too: DfE's release stays the figure of record.
    cin = {row["check"]: row for row in differences if row["indicator_id"] == "cin_rate" and row["period"] == "31 Mar 2024"}
    checked_again = cin["worked out again"]
    assert (checked_again["published"], checked_again["computed"], checked_again["reason"]) == (317.5, 316.0, REVISED_POPULATION)
    lait = next(row for check, row in cin.items() if check.startswith("against DfE/b1"))
    assert "lait" in lait["source"] and (lait["published"], lait["computed"]) == (317.5, 316.0)
    # Figures worked out from 1 to 5 children are never listed with their values.
    for row in differences:
        assert row["suppressed"] or not (row["numerator"] is not None and 1 <= row["numerator"] <= 5)
        if row["suppressed"]:
            assert row["published"] is None and row["computed"] is None and row["numerator"] is None
    with pytest.raises(NotAllowed):
        service.reconciliation("no_such_indicator", "E08000027")
