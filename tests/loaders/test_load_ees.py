"""DfE Explore Education Statistics files read through data/sources.yaml: each dataset's
figures as published (checked against SOURCES.md), other measures as benchmark indicators,
each load naming its source, and refusals that say what a file lacks."""

from pathlib import Path

import pandas as pd
import pytest

from loaders import ees
from loaders.pipeline import load_file
from loaders.sources import parse_sources
from scorecard import schema
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from tests.workbooks import new_store
from tests.paths import PUBLIC

CLA_2023 = PUBLIC / "cla_number_and_rate_per_10k_children_2019_2023.csv"
REFERRALS = PUBLIC / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
SUBSEQUENT = PUBLIC / "d3_cpps_subsequent_plan_2013_to_2025.csv"
LEAVERS = PUBLIC / "la_care_leavers_activity_2024.csv"
KS4 = PUBLIC / "ks4_outcomes_cin_cla_la.csv"
NEET = PUBLIC / "neet_not_known_16_17_la_2023.csv"
FILES = {
    CLA_2023: "ees_cla", REFERRALS: "ees_referrals", SUBSEQUENT: "ees_cpp_subsequent",
    LEAVERS: "ees_care_leavers", KS4: "ees_ks4_social_care", NEET: "ees_neet",
}
DUDLEY, ENGLAND = "E08000027", "E92000001"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    store, context = new_store(tmp_path_factory.mktemp("ees"))
    reports = {path.name: load_file(store, path, context, user="test") for path in FILES}
    yield store, reports
    store.close()


def observation(store, indicator_id, area_code, period) -> dict:
    rows = store.table(schema.observation, indicator_id=indicator_id, area_code=area_code, period=period)
    assert len(rows) == 1, f"{indicator_id} {area_code} {period}: {len(rows)} rows"
    return rows.iloc[0].to_dict()


def figures(row: dict) -> tuple:
    return row["numerator"], row["denominator"], row["value"]


def test_each_file_loads_as_its_dataset(loaded):
    _store, reports = loaded
    for path, kind in FILES.items():
        report = reports[path.name]
        assert (report.status, report.kind) == ("loaded", kind), [str(problem) for problem in report.problems]
        assert not report.problems, [str(problem) for problem in report.problems]


def test_the_2023_cla_release_with_its_old_column_names(loaded):
    store, _ = loaded
    dudley = observation(store, "cla_rate", DUDLEY, "31 Mar 2023")
    assert figures(dudley) == (588, 69084, 85)
    england = observation(store, "cla_rate", ENGLAND, "31 Mar 2023")
    assert (england["numerator"], england["value"]) == (83840, 71)
    # DfE rounds national and regional counts to the nearest 10; an LA's are exact.
    assert england["count_rounding"] == 10 and pd.isna(dudley["count_rounding"])
    assert dudley["source"] == "DfE/cla_number_and_rate_per_10k_children/2023"


def test_re_referrals_within_12_months(loaded):
    store, _ = loaded
    assert figures(observation(store, "re_referrals_12_months", DUDLEY, "2024-25")) == (767, 3412, 22.5)
    assert observation(store, "re_referrals_12_months", ENGLAND, "2024-25")["value"] == 22.6


def test_second_or_subsequent_child_protection_plans(loaded):
    store, _ = loaded
    assert figures(observation(store, "cpp_second_or_subsequent", DUDLEY, "2024-25")) == (88, 319, 27.6)


def test_care_leavers_in_education_employment_or_training(loaded):
    """The EET total over the Total row of those aged 19 to 21; the published 45% is the value."""
    store, _ = loaded
    assert figures(observation(store, "care_leavers_eet", DUDLEY, "2023-24")) == (98, 217, 45)


def test_looked_after_children_gcse_english_and_maths_by_academic_year(loaded):
    store, _ = loaded
    row = observation(store, "cla_gcse_english_maths_grade_4", DUDLEY, "2021/22")
    assert figures(row) == (11, 42, 26.2) and row["period_type"] == "academic_year"
    # The children in need and child protection groups are benchmarks, not this indicator.
    every = store.table(schema.observation, indicator_id="cla_gcse_english_maths_grade_4", area_code=DUDLEY)
    assert len(every) == 6


def test_neet_file_gives_both_catalogue_indicators(loaded):
    store, _ = loaded
    assert observation(store, "neet_not_known_16_17", DUDLEY, "31 Mar 2023")["value"] == 7.4
    assert observation(store, "neet_16_17", DUDLEY, "31 Mar 2023")["value"] == 2.8


def test_each_load_names_its_source(loaded):
    store, _ = loaded
    sources = store.table(schema.source).set_index("dataset")
    assert sources.loc["c1_children_in_need_referrals_and_rereferrals", "id"] == (
        "DfE/c1_children_in_need_referrals_and_rereferrals/2025")
    assert sources.loc["ks4_outcomes_cin_cla_la", "release"] == "2022"  # 2021/22 ends in 2022
    assert set(sources["kind"]) == {"official"} and set(sources["publisher"]) == {"DfE"}
    referrals = store.table(schema.observation, indicator_id="re_referrals_12_months")
    assert set(referrals["source"]) == {"DfE/c1_children_in_need_referrals_and_rereferrals/2025"}


def test_measures_no_indicator_takes_are_benchmarks(loaded):
    store, _ = loaded
    benchmarks = store.table(schema.indicator, is_benchmark=True).set_index("id")
    no_action = benchmarks.loc["ees_referrals_no_further_action_percent"]
    assert (no_action["unit"], no_action["decimals"]) == ("percent", 1)
    assert no_action["period_type"] == "financial_year"
    assert "Referrals to children's social care" in no_action["source"]
    assert observation(store, "ees_referrals_no_further_action_count", DUDLEY, "2024-25")["value"] == 34
    # What re_referrals_12_months took is not loaded twice.
    assert not any(name.startswith(("ees_referrals_referral_count", "ees_referrals_rereferral_count",
                                    "ees_referrals_rereferral_percent")) for name in benchmarks.index)
    # Care leavers: one per measure, age and activity, except the rows care_leavers_eet took.
    taken = "ees_care_leavers_number_aged_19_to_21_total_in_education_employment_or_training"
    assert taken not in benchmarks.index
    assert "ees_care_leavers_percentage_aged_19_to_21_total" not in benchmarks.index
    older = "ees_care_leavers_number_aged_17_to_18_total_in_education_employment_or_training"
    title = "Number (Aged 17 to 18; Total in education, employment or training)"
    assert benchmarks.loc[older, "title"] == title
    assert observation(store, older, DUDLEY, "2023-24")["value"] == 47
    # A progress 8 score below zero is a figure, not a mistake.
    progress = "ees_ks4_social_care_avg_p8score_cla_12_months_at_31_march"
    assert observation(store, progress, DUDLEY, "2021/22")["value"] == -0.76
    # Starters and leavers of the CLA file are flows; its population is not a figure of its own.
    assert benchmarks.loc["ees_cla_number_children_starting_to_be_looked_after_each_year",
                          "measure_type"] == "flow"
    assert not any("population" in name for name in benchmarks.index if name.startswith("ees_cla_"))


def test_benchmarks_are_found_by_search(loaded):
    from service.application import Service

    store, _ = loaded
    service = Service(store, load_catalogue(), load_areas())
    found = [indicator.id for indicator in service.search_indicators("no further action")]
    assert "ees_referrals_no_further_action_percent" in found


def test_the_metadata_file_gives_labels_units_and_decimals(tmp_path):
    data = tmp_path / "referrals.csv"
    data.write_bytes(REFERRALS.read_bytes())
    pd.DataFrame(
        {
            "col_name": ["category", "referral_count", "no_further_action_count", "no_further_action_percent"],
            "col_type": ["Filter", "Indicator", "Indicator", "Indicator"],
            "label": ["Category", "Referrals", "Referrals with no further action",
                      "Referrals with no further action (%)"],
            "indicator_unit": ["", "", "", "%"],
            "indicator_dp": ["", "0", "0", "2"],
        }
    ).to_csv(tmp_path / "referrals.meta.csv", index=False)
    store, context = new_store(tmp_path)
    report = load_file(store, data, context, user="test")
    assert report.status == "loaded", [str(problem) for problem in report.problems]
    benchmarks = store.table(schema.indicator, is_benchmark=True).set_index("id")
    # Only the measures the metadata names; referral_count is re_referrals_12_months' denominator.
    assert set(benchmarks.index) == {
        "ees_referrals_no_further_action_count", "ees_referrals_no_further_action_percent"
    }
    percent = benchmarks.loc["ees_referrals_no_further_action_percent"]
    assert (percent["title"], percent["unit"], percent["decimals"]) == (
        "Referrals with no further action (%)", "percent", 2)
    store.close()


def test_blank_cells_are_no_data_and_symbols_are_kept(tmp_path):
    raw = pd.read_csv(REFERRALS, dtype=str, keep_default_na=False)
    dudley = (raw["new_la_code"] == DUDLEY) & (raw["time_period"] == "2025")
    raw.loc[dudley, "no_further_action_count"] = ""
    raw.loc[dudley, "not_in_need_count"] = "c"
    raw.to_csv(tmp_path / "c1.csv", index=False)
    store, context = new_store(tmp_path)
    report = load_file(store, tmp_path / "c1.csv", context, user="test")
    assert report.status == "loaded" and not report.problems, [str(problem) for problem in report.problems]
    assert store.table(schema.observation, indicator_id="ees_referrals_no_further_action_count",
                       area_code=DUDLEY, period="2024-25").empty
    suppressed = observation(store, "ees_referrals_not_in_need_count", DUDLEY, "2024-25")
    assert suppressed["status"] == "c" and pd.isna(suppressed["value"])
    store.close()


def test_a_respelled_filter_value_is_not_taken_for_the_dataset(tmp_path):
    raw = pd.read_csv(CLA_2023, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw["population_count"] = raw["population_count"].str.replace("at 31 March", "as at 31 March")
    raw.to_csv(tmp_path / "cla.csv", index=False)
    store, context = new_store(tmp_path)
    report = load_file(store, tmp_path / "cla.csv", context, user="test")
    assert report.status == "refused"
    (problem,) = report.problems
    assert "ees_cla (cla_number_and_rate_per_10k_children, 2023 release) has every column, but " \
           "population_count has no row 'Children looked after at 31 March each year'" in problem.message
    assert "data/sources.yaml" in problem.action
    store.close()


def test_an_unknown_ees_file_is_told_the_closest_layouts(tmp_path):
    raw = pd.read_csv(SUBSEQUENT, dtype=str, keep_default_na=False)
    raw.rename(columns={"CPP_start": "plans_started"}).to_csv(tmp_path / "d3_new.csv", index=False)
    store, context = new_store(tmp_path)
    report = load_file(store, tmp_path / "d3_new.csv", context, user="test")
    (problem,) = report.problems
    assert report.status == "refused" and "does not recognise this file's layout" in problem.message
    assert "ees_cpp_subsequent (d3_cpps_subsequent_plan, 2013 to 2025 release) has 4 of its 5 columns, " \
           "lacking CPP_start" in problem.message
    assert "add a layout for it to data/sources.yaml" in problem.action
    store.close()


@pytest.mark.parametrize("kind, file, lacking", [
    ("ees_cla", REFERRALS, "population_type, children_count"),
    ("ees_population", CLA_2023, "age_group"),
    ("lait", REFERRALS, "Short Desc, Years, LA Number, Values"),
    ("la_code_list", REFERRALS, "LA Number, LA Name"),
    ("ees_referrals", PUBLIC / "lait_long.parquet", None),
])
def test_as_a_kind_of_another_shape_names_what_is_missing(tmp_path, kind, file, lacking):
    store, context = new_store(tmp_path)
    report = load_file(store, file, context, kind=kind, user="test")
    (problem,) = report.problems
    assert report.status == "refused"
    if lacking:
        assert f"read as {kind}, the file lacks the column" in problem.message and lacking in problem.message
    else:
        assert problem.message == f"a parquet file cannot be read as {kind}"
    store.close()


def test_as_council_on_a_csv_is_refused_plainly(tmp_path):
    store, context = new_store(tmp_path)
    report = load_file(store, REFERRALS, context, kind="council", user="test")
    assert report.status == "refused" and "an Excel workbook" in report.problems[0].message
    store.close()


def test_a_new_release_is_a_change_to_sources_yaml(tmp_path, monkeypatch):
    """A release that renames the count columns loads once sources.yaml names them."""
    raw = pd.read_csv(SUBSEQUENT, dtype=str, keep_default_na=False)
    renamed = raw.rename(columns={"CPP_start": "plans_started", "CPP_subsequent": "plans_repeat"})
    renamed.to_csv(tmp_path / "d3_2026.csv", index=False)
    text = Path(ees.sources().path).read_text(encoding="utf-8").replace(
        "      - name: 2013 to 2025 release\n        columns: [CPP_start, CPP_subsequent]\n",
        "      - name: 2013 to 2025 release\n        columns: [CPP_start, CPP_subsequent]\n"
        "      - name: 2026 release\n        columns: [plans_started, plans_repeat]\n",
    ).replace("numerator: [CPP_subsequent]", "numerator: [CPP_subsequent, plans_repeat]").replace(
        "denominator: [CPP_start]", "denominator: [CPP_start, plans_started]")
    edited = parse_sources(text, load_catalogue())
    monkeypatch.setattr(ees, "sources", lambda: edited)
    store, context = new_store(tmp_path)
    report = load_file(store, tmp_path / "d3_2026.csv", context, user="test")
    assert (report.status, report.kind) == ("loaded", "ees_cpp_subsequent"), [str(p) for p in report.problems]
    assert figures(observation(store, "cpp_second_or_subsequent", DUDLEY, "2024-25")) == (88, 319, 27.6)
    store.close()


def test_ons_populations_name_ons_as_their_source(tmp_path):
    store, context = new_store(tmp_path)
    report = load_file(store, PUBLIC / "ons_mid-year_population_estimates_2012_to_2024.csv", context, user="test")
    assert (report.status, report.kind) == ("loaded", "ees_population")
    (source,) = store.table(schema.source).to_dict("records")
    assert (source["publisher"], source["dataset"], source["release"], source["kind"]) == (
        "ONS", "ons_mid_year_population_estimates", "2024", "official")
    assert set(store.table(schema.population, area_code=DUDLEY)["source"]) == {source["id"]}
    store.close()
