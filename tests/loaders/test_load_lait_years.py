"""LAIT year labels carrying notes: real LAIT rows with their notes written other ways
('2018 (Revised)', '2025 (Provisional)', '2019 [r]') read as the same years; a note the
reader does not know still reads when the year before it is plain, with a warning."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from loaders.context import LoadContext
from loaders.pipeline import read_file
from loaders.problems import Severity
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from tests.paths import PUBLIC

LAIT = PUBLIC / "lait_long.parquet"
DICTIONARY = PUBLIC / "lait_data_dictionary.csv"
# Measures whose labels carry each of LAIT's notes: (Rev) and (Final), (OT), (prov).
MEASURES = ("A3A", "LACFinance", "KS1P_all")
RELABELLED = {
    "2018 (Rev)": "2018 (Revised)", "2019 (Rev)": "2019 [r]", "2020 (Final)": "2020 (final)",
    "2017-18 (OT)": "2017-18 (Outturn)", "2025 (prov)": "2025 (Provisional)",
    "2021 (Final)": "2021 (Amended)",  # a note Scorecard does not know
}


@pytest.fixture(scope="module")
def context():
    return LoadContext(load_catalogue(), load_areas(), "E08000027")


@pytest.fixture(scope="module")
def rows():
    frame = pd.read_parquet(LAIT)
    return frame[frame["Short Desc"].isin(MEASURES)].reset_index(drop=True)


def read(rows: pd.DataFrame, folder: Path, context):
    folder.mkdir(exist_ok=True)
    shutil.copy(DICTIONARY, folder / DICTIONARY.name)  # LAIT's dictionary sits beside its data
    rows.to_parquet(folder / "lait.parquet")
    kind, batch, problems, _rows = read_file(folder / "lait.parquet", context)
    assert kind == "lait"
    return batch.tables["observation"], problems


def test_relabelled_years_read_as_the_same_figures(rows, tmp_path, context):
    assert set(RELABELLED) <= set(rows["Years"])
    original, original_problems = read(rows, tmp_path / "original", context)
    assert original_problems == []
    relabelled = rows.assign(Years=rows["Years"].replace(RELABELLED))
    found, problems = read(relabelled, tmp_path / "relabelled", context)
    pd.testing.assert_frame_equal(found.astype(str), original.astype(str))
    assert len(found) == len(rows)  # no row dropped
    (warning,) = problems
    assert warning.severity == Severity.WARNING and warning.location == "column Years"
    amended = int((relabelled["Years"] == "2021 (Amended)").sum())
    assert warning.message == (f"{amended:,} rows have a note on their year that Scorecard does not know "
                               "('2021 (Amended)'); they are read as the year before the note")


def test_a_note_on_something_not_a_year_is_left_out(rows, tmp_path, context):
    relabelled = rows.assign(Years=rows["Years"].replace({"2021 (Final)": "All years (Amended)"}))
    found, problems = read(relabelled, tmp_path / "not_a_year", context)
    dropped = int((relabelled["Years"] == "All years (Amended)").sum())
    assert len(found) == len(rows) - dropped
    (warning,) = problems
    assert warning.message.startswith(f"{dropped:,} rows have a year Scorecard cannot read ('All years (Amended)')")
