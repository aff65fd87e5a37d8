"""The real OHID Fingertips export for hospital admissions for injuries, aged 0 to 14."""


import pandas as pd
import pytest

from loaders.context import LoadContext
from loaders.pipeline import load_file
from scorecard import figures, schema
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.reference import sync_reference
from scorecard.store import Store
from tests.paths import PUBLIC

FINGERTIPS = PUBLIC / "fingertips_hospital_admissions_injury_0_14.csv"
DUDLEY = "E08000027"
INDICATOR = "hospital_admissions_injury_0_14"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    catalogue, areas = load_catalogue(), load_areas()
    store = Store.open(tmp_path_factory.mktemp("fingertips") / "f.duckdb", create=True)
    sync_reference(store, catalogue, areas)
    context = LoadContext(catalogue, areas, DUDLEY)
    report = load_file(store, FINGERTIPS, context, user="test")
    yield store, context, report
    store.close()


def one(store, area_code, period, breakdown="all"):
    rows = store.table(schema.observation, indicator_id=INDICATOR, area_code=area_code, period=period,
                       breakdown=breakdown)
    assert len(rows) == 1
    return rows.iloc[0]


def test_loads_into_the_catalogue_indicator(loaded):
    _store, _context, report = loaded
    assert (report.status, report.kind) == ("loaded", "fingertips")
    (warning,) = report.problems  # England repeated as every area's parent
    assert warning.severity == "warning" and "repeat" in warning.message


def test_dudley_2023_24_as_published(loaded):
    store, context, _ = loaded
    row = one(store, DUDLEY, "2023-24")
    assert (row["numerator"], row["denominator"], row["value"]) == (335, 58197, 57.5631)
    shown = figures.with_figures(
        figures.observations(store, [INDICATOR], [DUDLEY], periods=["2023-24"]),
        figures.populations(store, [DUDLEY]), context.catalogue,
    )
    assert shown.iloc[0]["figure_value"] == 57.6  # 1 decimal place, as Fingertips shows it
    assert one(store, DUDLEY, "2023-24", "sex female")["numerator"] == 160


def test_values_not_presented_are_not_available_not_zero(loaded):
    store, _context, _ = loaded
    slough = one(store, "E06000039", "2022-23", "sex male")  # Frimley Health sent no HES data
    assert slough["status"] == "x" and pd.isna(slough["value"])


def test_every_area_and_year(loaded):
    store, _context, _ = loaded
    raw = pd.read_csv(FINGERTIPS, dtype=str, keep_default_na=False)
    persons = raw[(raw["Sex"] == "Persons") & (raw["Category Type"] == "")]
    loaded_rows = store.table(schema.observation, indicator_id=INDICATOR, breakdown="all")
    assert len(loaded_rows) == len(persons.drop_duplicates(["Area Code", "Time period"]))
    assert loaded_rows["area_code"].nunique() == raw["Area Code"].nunique()
