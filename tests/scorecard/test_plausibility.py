"""Figures far out of line with their peers: a load warning naming them, and a marker in
the scorecard row where they are compared (issue 10, point 7)."""

import json

import pandas as pd
import pytest

from service.cli import main
from scorecard.plausibility import out_of_line
from tests.paths import PUBLIC

CLA = PUBLIC / "cla_number_and_rate_per_10k_children_2021_2025.csv"
LEVELS = {"E92000001": "england", **{f"E1200000{n}": "region" for n in range(1, 10)}, "E08000027": "la"}
REGIONS = {f"E1200000{n}": value for n, value in enumerate([141, 120, 98, 160, 133, 110, 125, 150, 101], start=1)}


@pytest.mark.parametrize(
    "values, flagged",
    [
        ({"E92000001": 1258, **REGIONS}, {"E92000001"}),  # a count beside rates: 9 times the highest
        ({"E92000001": 130, **REGIONS}, set()),  # in line
        ({"E92000001": 9, **REGIONS}, {"E92000001"}),  # under a tenth of the lowest
        ({"E92000001": 40, **REGIONS}, set()),  # low, but not another unit
        ({"E92000001": 130, **REGIONS, "E12000001": 1700}, {"E12000001"}),  # one region ten times the rest
        ({"E92000001": 130, **REGIONS, "E12000001": 500}, set()),  # regions differ more among themselves
        ({"E92000001": 1258, "E12000001": 141, "E12000002": 120}, set()),  # too few peers to judge
        ({"E92000001": 130, **REGIONS, "E08000027": 5000}, set()),  # LAs vary widely: not judged
        ({"E92000001": 0.5, **REGIONS, "E12000001": -0.2}, set()),  # centred on zero: no ratios
    ],
)
def test_out_of_line(values, flagged):
    assert set(judged(values)["area_code"]) == flagged


def judged(values: dict) -> pd.DataFrame:
    frame = pd.DataFrame({"indicator_id": "x", "area_code": list(values), "value": list(values.values())})
    return out_of_line(frame, LEVELS, ["indicator_id"])


def test_the_message_says_how_far_out():
    (why,) = judged({"E92000001": 1258, **REGIONS})["why"]
    assert why == "1,258 is 8 times the highest region's (160)"
    (why,) = judged({"E92000001": 9, **REGIONS})["why"]
    assert why == "9 is under a tenth of the lowest region's (98)"


def test_each_comparison_is_judged_on_its_own():
    frame = pd.concat([
        pd.DataFrame({"indicator_id": indicator, "period": period, "area_code": list(values), "value": list(values.values())})
        for indicator, period, values in [
            ("fte", "2024", {"E92000001": 1258, **REGIONS}), ("fte", "2023", {"E92000001": 130, **REGIONS}),
            ("cla", "2024", {"E92000001": 130, **REGIONS}),
        ]
    ])
    found = out_of_line(frame, LEVELS, ["indicator_id", "period"])
    assert found[["indicator_id", "period", "area_code"]].values.tolist() == [["fte", "2024", "E92000001"]]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plausible")
    cla = pd.read_csv(CLA, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    england = (cla["geographic_level"] == "National") & (cla["time_period"] == "2025") & (
        cla["population_type"] == "Children looked after on 31 March each year")
    cla.loc[england, "rate_per_10000"] = "670"  # a slipped decimal point: ten times its regions'
    path = folder / "cla_slipped.csv"
    cla.to_csv(path, index=False)
    return folder / "scorecard.duckdb", path


def test_the_load_warns_and_names_the_figure(loaded, capsys):
    db, path = loaded
    assert main(["load", str(path), "--db", str(db)]) == 0
    err = capsys.readouterr().err
    assert "cla_rate, England, 31 Mar 2025" in err and "far out of line with its peers" in err
    assert "(warning)" in err


def test_the_scorecard_row_carries_a_marker(loaded, capsys):
    db, _path = loaded
    capsys.readouterr()
    assert main(["show", "--db", str(db), "--area", "E08000027", "--period", "2024-25 Q4", "--format", "json"]) == 0
    cla = next(row for row in json.loads(capsys.readouterr().out) if row["indicator_id"] == "cla_rate")
    assert cla["england"] == 670
    assert len(cla["out_of_line"]) == 1 and cla["out_of_line"][0].startswith("England: 670 is")
    capsys.readouterr()
    assert main(["show", "--db", str(db), "--area", "E08000027", "--period", "2023-24 Q4", "--format", "json"]) == 0
    earlier = next(row for row in json.loads(capsys.readouterr().out) if row["indicator_id"] == "cla_rate")
    assert earlier["out_of_line"] == []  # the 2024 figures are in line
