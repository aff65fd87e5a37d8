"""An Explore Education Statistics file of a dataset data/sources.yaml does not declare loads
each of its measures as a benchmark indicator, with a warning saying how to map it; a file
near a declared layout (a renamed column) is refused, naming that layout, instead."""

from pathlib import Path

import pandas as pd
import pytest

from loaders.pipeline import load_file
from scorecard import figures
from scorecard.reference import benchmark_indicators
from tests.workbooks import new_store

from tests.paths import PUBLIC
C1 = PUBLIC / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
DUDLEY = "E08000027"


def undeclared_copy(folder: Path, name: str, years: list[str] | None = None) -> Path:
    """c1 with its count columns renamed, so no declared layout is anywhere near it."""
    frame = pd.read_csv(C1, dtype=str, keep_default_na=False)
    frame = frame.rename(columns={"referral_count": "referrals", "rereferral_count": "rereferrals"})
    if years:
        frame = frame[frame["time_period"].isin(years)]
    path = folder / name
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("undeclared")
    store, context = new_store(folder)
    first = load_file(store, undeclared_copy(folder, "referrals_2013_to_2024.csv", [str(y) for y in range(2013, 2025)]),
                      context, user="test")
    second = load_file(store, undeclared_copy(folder, "referrals_2025.csv", ["2025"]), context, user="test")
    yield store, first, second
    store.close()


def test_it_loads_with_a_warning_that_says_how_to_map_it(loaded):
    _store, first, _second = loaded
    assert (first.status, first.kind) == ("loaded", "ees_other")
    (warning,) = first.warnings
    assert "not declared in data/sources.yaml" in warning.message and "benchmark indicator" in warning.message


def test_each_measure_is_a_benchmark_with_the_published_figure(loaded):
    store, _first, _second = loaded
    found = {indicator.id: indicator for indicator in benchmark_indicators(store)}
    assert "ees_other_referrals_rereferral_percent" in found  # named from the file, its years left out
    row = figures.observations(store, ["ees_other_referrals_rereferral_percent"], [DUDLEY], periods=["2024-25"]).iloc[0]
    assert row["value"] == 22.5  # as DfE printed it for Dudley, year to 31 March 2025
    assert row["source"] == "DfE/referrals/2025"


def test_two_releases_give_the_same_benchmark_indicators(loaded):
    store, first, second = loaded
    assert second.status == "loaded" and second.change.new > 0
    rows = figures.observations(store, ["ees_other_referrals_rereferral_percent"], [DUDLEY])
    assert {"2023-24", "2024-25"} <= set(rows["period"])  # one indicator across both files


def test_a_renamed_column_of_a_declared_dataset_is_refused_naming_it(tmp_path):
    frame = pd.read_csv(C1, dtype=str, keep_default_na=False).rename(columns={"rereferral_count": "rereferrals"})
    path = tmp_path / "c1_renamed.csv"
    frame.to_csv(path, index=False)
    store, context = new_store(tmp_path)
    report = load_file(store, path, context, user="test")
    assert report.status == "refused"
    assert "ees_referrals" in report.problems[0].message and "rereferral_count" in report.problems[0].message
    assert store.loads().empty
    store.close()
