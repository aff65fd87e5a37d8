"""A Fingertips export saved from the website rather than the API: the real export for
hospital admissions for injuries (aged 0 to 14), rewritten in the test with the website's
column names, a byte-order mark and 'no data' cells holding the page's HTML. It loads to
the same figures as the API's file."""

from pathlib import Path

import pandas as pd
import pytest

from loaders.context import LoadContext
from loaders.pipeline import load_file, read_file
from loaders.problems import errors
from scorecard import schema
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.reference import sync_reference
from scorecard.store import Store
from tests.paths import PUBLIC

FINGERTIPS = PUBLIC / "fingertips_hospital_admissions_injury_0_14.csv"
DUDLEY = "E08000027"
NO_DATA = '<div class="no-data">-</div>'
# How the website names the API's columns (spaces dropped, confidence limits written otherwise).
WEBSITE = {
    "Indicator ID": "IndicatorID", "Indicator Name": "IndicatorName", "Parent Code": "ParentCode",
    "Parent Name": "ParentName", "Area Code": "AreaCode", "Area Name": "AreaName", "Area Type": "AreaType",
    "Category Type": "CategoryType", "Time period": "Timeperiod", "Lower CI 95.0 limit": "LowerCI95.0limit",
    "Upper CI 95.0 limit": "Upper CI 95 limit", "Lower CI 99.8 limit": "Lower CI 99.8% limit",
    "Upper CI 99.8 limit": "UpperCI99.8limit", "Value note": "ValueNote", "Recent Trend": "RecentTrend",
}


@pytest.fixture(scope="module")
def raw():
    return pd.read_csv(FINGERTIPS, dtype=str, keep_default_na=False)


def dudley_2023_24(frame) -> int:
    return frame.index[(frame["Area Code"] == DUDLEY) & (frame["Time period"] == "2023/24")
                       & (frame["Sex"] == "Persons") & (frame["Category Type"] == "")][0]


def website_export(raw: pd.DataFrame, path: Path, change=None) -> Path:
    frame = raw.copy()
    for column in ("Value", "Count", "Denominator", "Lower CI 95.0 limit", "Upper CI 95.0 limit"):
        frame.loc[frame[column] == "", column] = NO_DATA  # the page's 'no data' cell
    row = dudley_2023_24(frame)
    frame.loc[row, "Value"] = f'<span class="value">{frame.loc[row, "Value"]}</span>'
    if change:
        change(frame)
    frame.rename(columns=WEBSITE).to_csv(path, index=False, encoding="utf-8-sig")  # with a byte-order mark
    return path


@pytest.fixture(scope="module")
def loaded(raw, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fingertips_website")
    context = LoadContext(load_catalogue(), load_areas(), DUDLEY)
    stores = {}
    for name, path in (("api", FINGERTIPS), ("website", website_export(raw, folder / "export.csv"))):
        store = Store.open(folder / f"{name}.duckdb", create=True)
        sync_reference(store, context.catalogue, context.areas)
        stores[name] = (store, load_file(store, path, context, user="test"))
    yield stores, context
    for store, _report in stores.values():
        store.close()


def test_loads_as_fingertips_with_the_files_own_column_names(loaded, raw):
    stores, _ = loaded
    report = stores["website"][1]
    assert (report.status, report.kind) == ("loaded", "fingertips")
    (warning,) = report.problems  # England repeated as every area's parent, as in the API's file
    assert warning.severity == "warning" and warning.location.endswith(", column AreaCode")
    assert raw["Value"].eq("").sum() > 400  # the no-data cells the test put HTML in


def test_the_same_figures_as_the_api_export(loaded):
    stores, _ = loaded
    columns = ["indicator_id", "area_code", "period", "breakdown", "source", "numerator", "denominator",
               "value", "status"]
    api, website = (stores[name][0].table(schema.observation)[columns].sort_values(columns[:4])
                    .reset_index(drop=True) for name in ("api", "website"))
    pd.testing.assert_frame_equal(api, website)
    dudley = website[(website["area_code"] == DUDLEY) & (website["period"] == "2023-24")
                     & (website["breakdown"] == "all")].iloc[0]
    assert (dudley["numerator"], dudley["denominator"], dudley["value"]) == (335, 58197, 57.5631)


def test_no_data_cells_are_not_available_never_zero(loaded):
    store = loaded[0]["website"][0]
    slough = store.table(schema.observation, area_code="E06000039", period="2022-23", breakdown="sex male")
    assert slough.iloc[0]["status"] == "x" and pd.isna(slough.iloc[0]["value"])
    assert pd.isna(slough.iloc[0]["numerator"])


def test_a_missing_column_is_refused_at_the_header(raw, tmp_path, loaded):
    path = website_export(raw, tmp_path / "export.csv", lambda frame: frame.pop("Count"))
    _kind, _batch, problems, _rows = read_file(path, loaded[1])
    (problem,) = errors(problems)
    assert (problem.file, problem.location) == ("export.csv", "line 1")
    assert problem.message == "the header has no column 'Count'"


def test_a_bad_number_is_refused_at_its_cell(raw, tmp_path, loaded):
    def damage(frame):
        frame.loc[dudley_2023_24(frame), "Denominator"] = "58.197.0"

    _kind, _batch, problems, _rows = read_file(website_export(raw, tmp_path / "export.csv", damage), loaded[1])
    (problem,) = errors(problems)
    assert problem.location == f"line {dudley_2023_24(raw) + 2}, column Denominator"
    assert problem.message == "'58.197.0' is not a number or a known symbol"
