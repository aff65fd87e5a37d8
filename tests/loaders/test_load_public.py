"""Every real DfE and ONS file in ../shared/data/public loads, and the figures the store
gives back match the published ones. Each file is loaded once for the module."""


import pandas as pd
import pytest

from loaders.context import LoadContext
from loaders.pipeline import load_file
from scorecard import figures, schema
from scorecard.store import Store
from tests.workbooks import new_store as fresh_store
from tests.paths import PUBLIC

CLA = PUBLIC / "cla_number_and_rate_per_10k_children_2021_2025.csv"
POPULATION = PUBLIC / "ons_mid-year_population_estimates_2012_to_2024.csv"
CIN = PUBLIC / "b1_children_in_need_2013_to_2024.csv"
CPP = PUBLIC / "d5_cpps_at31march_by_duration_2013_to_2025.csv"
NEET = PUBLIC / "neet_not_known_16_17_la_2023.csv"
SN_2021 = PUBLIC / "statistical_neighbours_2021.csv"
SN_2025 = PUBLIC / "statistical_neighbours_2025_wide.csv"
FILES = [CLA, POPULATION, CIN, CPP, NEET, SN_2021, SN_2025]

DUDLEY, WALSALL, ENGLAND = "E08000027", "E08000030", "E92000001"


def new_store(tmp_path_factory, name: str) -> tuple[Store, LoadContext]:
    return fresh_store(tmp_path_factory.mktemp(name), "public.duckdb")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    store, context = new_store(tmp_path_factory, "csv")
    reports = {path.name: load_file(store, path, context, user="test") for path in FILES}
    yield store, context, reports
    store.close()


def observation(store, indicator_id, area_code, period) -> dict:
    rows = store.table(schema.observation, indicator_id=indicator_id, area_code=area_code, period=period)
    assert len(rows) == 1, f"{indicator_id} {area_code} {period}: {len(rows)} rows"
    return rows.iloc[0].to_dict()


def figure(store, context, indicator_id, area_code, period) -> dict:
    frame = figures.observations(store, [indicator_id], [area_code], periods=[period])
    shown = figures.with_figures(frame, figures.populations(store, [area_code]), context.catalogue)
    assert len(shown) == 1
    return shown.iloc[0].to_dict()


def test_every_file_loads_without_errors(loaded):
    _store, _context, reports = loaded
    for name, report in reports.items():
        assert report.status == "loaded", (name, [str(problem) for problem in report.problems])
        assert report.change.new > 0, name


def test_kinds_are_detected(loaded):
    kinds = {name: report.kind for name, report in loaded[2].items()}
    assert kinds == {
        CLA.name: "ees_cla", POPULATION.name: "ees_population", CIN.name: "ees_cin",
        CPP.name: "ees_cpp", NEET.name: "ees_neet", SN_2021.name: "neighbours_2021",
        SN_2025.name: "neighbours_2025",
    }


def test_dudley_cla_575_and_dfes_published_rate_81(loaded):
    store, context, _ = loaded
    row = figure(store, context, "cla_rate", DUDLEY, "31 Mar 2025")
    assert (row["numerator"], row["denominator"]) == (575, 71124)  # DfE's own population
    assert row["figure_value"] == 81 and not row["figure_computed"]


def test_england_cla_81770_and_rate_67(loaded):
    store, context, _ = loaded
    row = figure(store, context, "cla_rate", ENGLAND, "31 Mar 2025")
    assert (row["numerator"], row["figure_value"]) == (81770, 67)


def test_every_la_region_and_england_row_of_the_cla_file_loads(loaded):
    store, context, _ = loaded
    raw = pd.read_csv(CLA, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    on_31_march = raw[raw["population_type"] == "Children looked after on 31 March each year"]
    loaded_rows = store.table(schema.observation, indicator_id="cla_rate")
    assert len(loaded_rows) == len(on_31_march)
    per_year = loaded_rows.groupby("period").size()
    expected = on_31_march.groupby("time_period").size()
    assert {period[-4:]: count for period, count in per_year.items()} == expected.to_dict()
    levels = {context.areas.get(code).level for code in loaded_rows["area_code"]}
    assert {"england", "region", "la"} <= levels


def test_old_las_keep_their_own_codes(loaded):
    store, _context, _ = loaded
    # Northamptonshire (928, E10000021) until 2021; North Northamptonshire (940) after.
    old = store.table(schema.observation, indicator_id="cin_rate", area_code="E10000021")
    new = store.table(schema.observation, indicator_id="cin_rate", area_code="E06000061")
    assert "31 Mar 2013" in set(old["period"])
    assert "31 Mar 2024" in set(new["period"]) and "31 Mar 2013" not in set(new["period"])


def test_suppressed_and_unavailable_counts_keep_their_symbol(loaded):
    store, _context, _ = loaded
    # Cumbria was split in 2024: its 2025 count is z (not applicable), not zero.
    cumbria = observation(store, "cla_rate", "E10000006", "31 Mar 2025")
    assert cumbria["status"] == "z"
    assert pd.isna(cumbria["numerator"]) and pd.isna(cumbria["value"])
    city = observation(store, "cla_rate", "E09000001", "31 Mar 2025")  # City of London: c
    assert city["status"] == "c" and pd.isna(city["numerator"])


def test_dudley_cin_2215_and_published_rate_317_5(loaded):
    store, _context, _ = loaded
    row = observation(store, "cin_rate", DUDLEY, "31 Mar 2024")
    assert (row["numerator"], row["value"], row["status"]) == (2215, 317.5, "")


def test_cpp_open_two_years_or_more_maps_to_the_snapshot_indicator(loaded):
    store, _context, _ = loaded
    row = observation(store, "cpp_two_years_or_more_at_31_march", DUDLEY, "31 Mar 2024")
    assert (row["numerator"], row["denominator"], row["value"]) == (7, 228, 3.1)
    suppressed = observation(store, "cpp_two_years_or_more_at_31_march", DUDLEY, "31 Mar 2025")
    assert suppressed["status"] == "c" and pd.isna(suppressed["value"])
    assert store.table(schema.observation, indicator_id="cpp_two_years_or_more").empty
    plans = observation(store, "cpp_rate", DUDLEY, "31 Mar 2025")
    assert plans["numerator"] == 237


def test_neet_lines_up_with_lait_year(loaded):
    store, _context, _ = loaded
    row = observation(store, "neet_not_known_16_17", DUDLEY, "31 Mar 2023")
    assert (row["value"], row["denominator"]) == (7.4, 7684)
    assert observation(store, "neet_not_known_16_17", ENGLAND, "31 Mar 2023")["value"] == 5.2


def test_ons_population_every_year(loaded):
    store, _context, _ = loaded
    dudley = store.table(schema.population, area_code=DUDLEY).set_index("mid_year")
    assert dudley.loc[2024, "count"] == 71124 and dudley.loc[2023, "count"] == 70105
    assert set(dudley.index) == set(range(2012, 2025))
    assert set(dudley["age_band"]) == {"0-17"}


def test_both_neighbour_models(loaded):
    store, _context, _ = loaded
    members = store.table(schema.comparator, area_code=DUDLEY).sort_values("position")
    model_2021 = members[members["model"] == "sn_2021"]
    model_2025 = members[members["model"] == "sn_2025"]
    assert len(model_2021) == 10 and len(model_2025) == 10
    assert model_2021.iloc[0]["member_code"] == "E08000018"  # 372 Rotherham, very close
    assert model_2025.iloc[2]["member_code"] == "E06000004"  # 808 Stockton-on-Tees
    walsall = store.table(schema.comparator, area_code=WALSALL, model="sn_2021")
    assert DUDLEY in set(walsall["member_code"])


# The same layouts saved as Excel workbooks: numbers become number cells, symbols stay text.


@pytest.fixture(scope="module")
def loaded_xlsx(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xlsx")
    store, context = new_store(tmp_path_factory, "xlsx_db")
    reports = {}
    for path in (CLA, POPULATION, CIN, SN_2025):
        workbook = folder / f"{path.stem}.xlsx"
        pd.read_csv(path, encoding="utf-8-sig").to_excel(workbook, sheet_name="Data", index=False)
        reports[path.name] = load_file(store, workbook, context, user="test")
    yield store, context, reports
    store.close()


def test_xlsx_forms_load_as_the_same_kinds(loaded_xlsx):
    reports = loaded_xlsx[2]
    assert {name: (report.status, report.kind) for name, report in reports.items()} == {
        CLA.name: ("loaded", "ees_cla"), POPULATION.name: ("loaded", "ees_population"),
        CIN.name: ("loaded", "ees_cin"), SN_2025.name: ("loaded", "neighbours_2025"),
    }


def test_xlsx_gives_the_published_figures(loaded_xlsx):
    store, context, _ = loaded_xlsx
    row = figure(store, context, "cla_rate", DUDLEY, "31 Mar 2025")
    assert (row["numerator"], row["denominator"], row["figure_value"]) == (575, 71124, 81)
    assert figure(store, context, "cla_rate", ENGLAND, "31 Mar 2025")["figure_value"] == 67
    cin = observation(store, "cin_rate", DUDLEY, "31 Mar 2024")
    assert (cin["numerator"], cin["value"]) == (2215, 317.5)
    city = observation(store, "cla_rate", "E09000001", "31 Mar 2025")
    assert city["status"] == "c" and pd.isna(city["numerator"])
    assert len(store.table(schema.comparator, area_code=DUDLEY, model="sn_2025")) == 10


def test_xlsx_and_csv_loads_agree_row_for_row(loaded, loaded_xlsx):
    columns = ["indicator_id", "area_code", "period", "numerator", "denominator", "value", "status"]
    from_csv = loaded[0].table(schema.observation, indicator_id=["cla_rate", "cin_rate"])[columns]
    from_xlsx = loaded_xlsx[0].table(schema.observation, indicator_id=["cla_rate", "cin_rate"])[columns]
    key = ["indicator_id", "area_code", "period"]
    pd.testing.assert_frame_equal(
        from_csv.sort_values(key).reset_index(drop=True), from_xlsx.sort_values(key).reset_index(drop=True)
    )


def test_la_code_list_is_checked_against_the_area_directory(tmp_path_factory):
    store, context = new_store(tmp_path_factory, "codes")
    report = load_file(store, PUBLIC / "la_code_list.xlsx", context, user="test")
    # A check of the area directory: no figures, so no load is recorded.
    assert (report.status, report.kind, report.change) == ("checked", "la_code_list", None)
    assert store.loads().empty
    # Every LA is known; only LAIT's discontinued England number 1000 is not.
    (warning,) = report.problems
    assert warning.location == "Sheet1!A172" and "'England (discontinued)'" in warning.message
    store.close()


def test_releases_with_renamed_or_dropped_columns(tmp_path_factory):
    """An older CLA release called the population 'population_count'; a CIN release can
    come without its rate columns. Both still load, counts and all."""
    folder = tmp_path_factory.mktemp("releases")
    store, context = new_store(tmp_path_factory, "releases_db")
    cla = pd.read_csv(CLA, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    cla.rename(columns={"population_estimate": "population_count"}).to_csv(folder / "cla_old.csv", index=False)
    cin = pd.read_csv(CIN, dtype=str, keep_default_na=False)
    cin.drop(columns=[column for column in cin.columns if column.endswith("_rate")]).to_csv(
        folder / "cin_no_rates.csv", index=False
    )
    for name, kind in (("cla_old.csv", "ees_cla"), ("cin_no_rates.csv", "ees_cin")):
        report = load_file(store, folder / name, context, user="test")
        assert (report.status, report.kind) == ("loaded", kind), [str(p) for p in report.problems]
    cla_row = observation(store, "cla_rate", DUDLEY, "31 Mar 2025")
    assert (cla_row["numerator"], cla_row["denominator"], cla_row["value"]) == (575, 71124, 81)
    cin_row = observation(store, "cin_rate", DUDLEY, "31 Mar 2024")
    assert cin_row["numerator"] == 2215 and pd.isna(cin_row["value"])
    store.close()
