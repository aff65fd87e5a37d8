"""The real LAIT long data (641,070 rows) and its data dictionary, loaded once for the module;
then the same layout as CSV and XLSX, cut down to a few whole measure blocks."""

import shutil

import pandas as pd
import pytest

from loaders.lait import lait_period
from loaders.pipeline import load_file
from scorecard import figures, schema
from scorecard.model import MeasureType, PeriodType
from scorecard.reference import benchmark_indicators
from tests.workbooks import new_store
from tests.paths import PUBLIC

LAIT = PUBLIC / "lait_long.parquet"
DICTIONARY = PUBLIC / "lait_data_dictionary.csv"
DUDLEY, ENGLAND, WEST_MIDLANDS = "E08000027", "E92000001", "E12000005"


@pytest.fixture(scope="module")
def raw():
    return pd.read_parquet(LAIT)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    store, context = new_store(tmp_path_factory.mktemp("lait"))
    report = load_file(store, LAIT, context, user="test")
    yield store, context, report
    store.close()


def value(store, indicator_id, area_code, period):
    rows = store.table(schema.observation, indicator_id=indicator_id, area_code=area_code, period=period)
    assert len(rows) == 1, (indicator_id, area_code, period, len(rows))
    return rows.iloc[0]


def test_loads_every_row_with_a_year(loaded, raw):
    _store, _context, report = loaded
    assert report.status == "loaded" and report.kind == "lait"
    assert report.rows_read == len(raw)
    with_a_year = int((raw["Years"] != "0").sum())
    assert report.change.new == with_a_year
    # One warning for the rows without a year; the others name figures out of line with their peers.
    (warning,) = [warning for warning in report.warnings if "out of line" not in warning.message]
    assert "'0'" in warning.message and f"{len(raw) - with_a_year}" in warning.message
    # LAIT's own England figure for first-time entrants is a count beside its regions' rates.
    assert any(warning.location.startswith("fte_youth_justice_rate, England")
               for warning in report.warnings if "out of line" in warning.message)


def test_every_measure_and_area(loaded, raw):
    store, context, _ = loaded
    loaded_rows = store.frame(
        schema.observation.select().with_only_columns(
            schema.observation.c.indicator_id, schema.observation.c.area_code
        ).distinct()
    )
    assert loaded_rows["indicator_id"].nunique() == raw["Short Desc"].nunique()
    assert loaded_rows["area_code"].nunique() == raw["LA and Regions"].nunique()
    levels = {context.areas.get(code).level for code in loaded_rows["area_code"]}
    assert {"england", "region", "la"} <= levels


def test_catalogue_measures_map_to_their_indicators(loaded):
    store, _context, _ = loaded
    assert value(store, "cla_rate", DUDLEY, "31 Mar 2025")["value"] == 81
    assert value(store, "cla_rate", ENGLAND, "31 Mar 2025")["value"] == 67  # pseudo code 970
    assert value(store, "cla_rate", WEST_MIDLANDS, "31 Mar 2025")["value"] > 0  # pseudo code 984
    assert value(store, "neet_not_known_16_17", DUDLEY, "31 Mar 2023")["value"] == 7.4
    assert value(store, "ks2_rwm_expected_standard", DUDLEY, "2024/25")["value"] == 61
    assert store.table(schema.observation, indicator_id="lait_lac").empty


def test_missing_values_keep_their_symbol(loaded, raw):
    store, _context, _ = loaded
    covid = value(store, "ks2_rwm_expected_standard", DUDLEY, "2019/20")  # no tests in 2020
    assert covid["status"] == "-" and pd.isna(covid["value"])
    dashes = int(((raw["Values"] == "-") & (raw["Years"] != "0")).sum())
    assert len(store.table(schema.observation, status="-")) == dashes


def test_float_artefacts_are_dropped(loaded, raw):
    store, _context, _ = loaded
    bexley = raw[(raw["Short Desc"] == "RTA") & (raw["LA and Regions"] == "Bexley") & (raw["Years"] == "2014-16")]
    assert bexley["Values"].iloc[0] == "9.3699999999999992"
    assert value(store, "lait_rta", "E09000004", "2014-16")["value"] == 9.37
    small = store.table(schema.observation, indicator_id="lait_rta")["value"].dropna()
    assert (small.round(2) == small).all()


def test_predecessor_las_keep_their_own_codes(loaded, raw):
    store, context, _ = loaded
    bournemouth = context.areas.resolve("837")
    assert bournemouth is not None and not bournemouth.current
    rows = store.table(schema.observation, area_code=bournemouth.code)
    in_file = raw[(raw["LA and Regions"] == "Bournemouth (Pre LG)") & (raw["Years"] != "0")]
    assert len(rows) == len(in_file) > 3000


def test_year_labels_with_notes(loaded):
    store, _context, _ = loaded
    outturn = store.table(schema.observation, indicator_id="lait_lacfinance", area_code=DUDLEY)
    assert {"2016-17", "2024-25"} <= set(outturn["period"])
    assert not any("(" in period for period in outturn["period"])
    provisional = store.table(schema.observation, indicator_id="lait_ks1p_all", area_code=DUDLEY)
    assert "2024/25" in set(provisional["period"])


@pytest.mark.parametrize(
    "label, period_type, measure_type, year_type, expected",
    [
        ("2025", PeriodType.FINANCIAL_YEAR, MeasureType.SNAPSHOT, "", "31 Mar 2025"),
        ("2025 (prov)", PeriodType.ACADEMIC_YEAR, MeasureType.FLOW, "", "2024/25"),
        ("2016-17 (OT)", PeriodType.FINANCIAL_YEAR, MeasureType.FLOW, "", "2016-17"),
        ("2016/17", PeriodType.ACADEMIC_YEAR, MeasureType.FLOW, "", "2016/17"),
        ("2014-16", PeriodType.CALENDAR_YEAR, MeasureType.FLOW, "", "2014-16"),
        ("2013/14-15/16", PeriodType.ACADEMIC_YEAR, MeasureType.FLOW, "", "2013/14-15/16"),
        ("2023", PeriodType.CALENDAR_YEAR, MeasureType.FLOW, "", "2023"),
        ("2024", PeriodType.MONTH, MeasureType.SNAPSHOT, "annual - january", "31 Jan 2024"),
        ("0", PeriodType.ACADEMIC_YEAR, MeasureType.FLOW, "", None),
        ("2016-18 Q2", PeriodType.ACADEMIC_YEAR, MeasureType.FLOW, "", None),
    ],
)
def test_lait_year_labels(label, period_type, measure_type, year_type, expected):
    period = lait_period(label, period_type, measure_type, year_type)
    assert (period.label if period else None) == expected


def test_benchmark_indicators_are_described_by_the_dictionary(loaded):
    store, context, _ = loaded
    rta = store.table(schema.indicator, id="lait_rta").iloc[0]
    assert rta["is_benchmark"] and rta["lait_code"] == "RTA"
    assert rta["title"] == "Children killed or seriously injured in road traffic accidents"
    assert (rta["polarity"], rta["unit"], rta["multiplier"], rta["decimals"]) == (
        "lower_is_better", "rate", 100000, 2,
    )
    assert rta["period_type"] == "calendar_year"
    assert store.table(schema.indicator, id="cla_rate").iloc[0]["is_benchmark"] == False  # noqa: E712
    extended = context.catalogue.with_extra(benchmark_indicators(store))
    assert extended.by_lait_code("RTA").id == "lait_rta"
    assert extended.by_lait_code("LAC").id == "cla_rate"
    assert len(extended) == len(context.catalogue) + store.table(schema.indicator, is_benchmark=True).shape[0]


def test_loading_it_again_changes_nothing(loaded):
    store, context, first = loaded
    again = load_file(store, LAIT, context, user="test")
    assert again.status == "already loaded" and again.load_id == first.load_id


# The same layout as CSV and XLSX: whole blocks, so 'Data item' is still only on each block's first row.


@pytest.fixture(scope="module")
def blocks(raw, tmp_path_factory):
    folder = tmp_path_factory.mktemp("lait_forms")
    shutil.copy(DICTIONARY, folder / DICTIONARY.name)
    part = raw[raw["Short Desc"].isin(["LAC", "RTA", "KS2RWM_Expected_STD", "LACFinance"])]
    assert 0 < part["Data item"].notna().sum() < len(part) / 5
    part.to_csv(folder / "lait.csv", index=False)
    part.to_excel(folder / "lait.xlsx", index=False)
    return folder, part


@pytest.mark.parametrize("name", ["lait.csv", "lait.xlsx"])
def test_csv_and_xlsx_forms(blocks, name, tmp_path):
    folder, part = blocks
    store, context = new_store(tmp_path)
    report = load_file(store, folder / name, context, user="test")
    assert (report.status, report.kind, report.rows_read) == ("loaded", "lait", len(part))
    assert not report.problems
    assert value(store, "cla_rate", DUDLEY, "31 Mar 2025")["value"] == 81
    assert value(store, "lait_rta", "E09000004", "2014-16")["value"] == 9.37
    assert value(store, "ks2_rwm_expected_standard", DUDLEY, "2019/20")["status"] == "-"
    assert store.table(schema.indicator, id="lait_rta").iloc[0]["polarity"] == "lower_is_better"
    store.close()


def test_without_a_dictionary_measures_still_load_with_a_warning(blocks, tmp_path):
    _folder, part = blocks
    alone = tmp_path / "alone" / "lait.csv"
    alone.parent.mkdir()
    part[part["Short Desc"] == "RTA"].to_csv(alone, index=False)
    store, context = new_store(tmp_path)
    report = load_file(store, alone, context, user="test")
    assert report.status == "loaded"
    assert any("lait_data_dictionary.csv" in problem.message for problem in report.warnings)
    rta = store.table(schema.indicator, id="lait_rta").iloc[0]
    assert rta["title"] == "Number of children killed and seriously injured in RTAs"  # the Data item
    assert rta["polarity"] == "none"
    store.close()


def test_dictionary_alone_adds_benchmark_indicators(tmp_path):
    store, context = new_store(tmp_path)
    report = load_file(store, DICTIONARY, context, user="test")
    assert (report.status, report.kind) == ("loaded", "lait_dictionary")
    benchmarks = store.table(schema.indicator, is_benchmark=True)
    dictionary = pd.read_csv(DICTIONARY, dtype=str, keep_default_na=False)
    outside = {code for code in dictionary["Measure_short"] if context.catalogue.by_lait_code(code) is None}
    assert set(benchmarks["lait_code"]) == outside
    store.close()


def test_lait_beside_the_dfe_release_is_an_alternative_whatever_the_order(blocks, tmp_path):
    """LAIT compiles DfE's release: loaded before or after it, DfE's own figure with its
    count is shown, LAIT's is kept beside it, and nothing is revised."""
    folder, _part = blocks
    shown = []
    for order in (["cla", "lait"], ["lait", "cla"]):
        store, context = new_store(tmp_path / "-".join(order))
        files = {"cla": PUBLIC / "cla_number_and_rate_per_10k_children_2021_2025.csv", "lait": folder / "lait.csv"}
        for name in order:
            assert load_file(store, files[name], context, user="test").status == "loaded"
        assert store.table(schema.observation_revision).empty
        frame = figures.observations(store, ["cla_rate"], None)
        record = frame[(frame["area_code"] == DUDLEY) & (frame["period"] == "31 Mar 2025")].iloc[0]
        assert (record["numerator"], record["value"], record["alternatives"]) == (575, 81, 1)
        assert record["source"].startswith("DfE/") and "lait" not in record["source"]
        shown.append(frame.sort_values(["area_code", "period"]).reset_index(drop=True).drop(columns="load_id"))
        store.close()
    pd.testing.assert_frame_equal(shown[0], shown[1])


def test_lait_over_demo_figures_is_preferred_and_borrows_no_count(blocks, tmp_path):
    """Demo counts for Dudley's CLA rate, then LAIT's rates, none of them equal: LAIT's are
    shown, the demo's kept beside them, and no demo count is carried over to LAIT's figure."""
    from service.demo import write_demo

    _folder, part = blocks
    part[part["Short Desc"].isin(["LAC", "RTA"])].to_csv(tmp_path / "lait_lac.csv", index=False)
    store, context = new_store(tmp_path)
    write_demo(store, context.catalogue, context.areas)
    before = figures.observations(store, ["cla_rate"], [DUDLEY], periods=["31 Mar 2024"]).iloc[0]
    report = load_file(store, tmp_path / "lait_lac.csv", context, user="test")
    assert report.status == "loaded", [str(problem) for problem in report.problems]
    after = figures.observations(store, ["cla_rate"], [DUDLEY], periods=["31 Mar 2024"]).iloc[0]
    assert before["numerator"] > 0 and after["value"] != before["value"]
    assert "lait" in after["source"] and after["alternatives"] == 1
    assert pd.isna(after["numerator"])  # LAIT gave no count for its different rate
    assert report.change.revised == 0 and store.table(schema.observation_revision).empty
    store.close()
