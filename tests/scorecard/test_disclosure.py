"""Counts of 1 to 5 children, and figures worked out from them, never leave as numbers."""

import json

import numpy as np
import pandas as pd
import pytest

from service.cli import main
from scorecard.disclosure import Rules, protect
from scorecard.store import Store

CLA = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,la_name,new_la_code,population_type,population_estimate,children_count,rate_per_10000\n"


def frame(counts, indicator="cla_rate"):
    return pd.DataFrame({
        "indicator_id": indicator, "numerator": counts, "value": [10.0] * len(counts),
        "figure_value": [10.0] * len(counts), "figure_status": [""] * len(counts),
    })


@pytest.mark.parametrize("count, suppressed", [(0, False), (1, True), (5, True), (6, False), (np.nan, False)])
def test_counts_of_one_to_five_are_suppressed(count, suppressed):
    result = protect(frame([count]), Rules())
    assert (result["figure_status"].iloc[0] == "c") is suppressed
    assert pd.isna(result["figure_value"].iloc[0]) is suppressed
    if suppressed:
        assert pd.isna(result["numerator"].iloc[0])


def test_threshold_is_a_setting_and_an_indicator_can_be_exempt():
    assert protect(frame([7]), Rules(threshold=10))["figure_status"].iloc[0] == "c"
    assert protect(frame([3]), Rules(not_disclosive=frozenset({"cla_rate"})))["figure_status"].iloc[0] == ""


def test_a_count_indicator_is_judged_on_its_own_figure():
    counted = frame([np.nan], indicator="early_help").assign(figure_value=[4.0])
    assert protect(counted, Rules(), {"early_help"})["figure_status"].iloc[0] == "c"


def test_a_small_count_leaves_the_server_as_c(tmp_path, capsys):
    small = tmp_path / "cla_small.csv"
    small.write_text(CLA + "2025,Reporting year,Local authority,E92000001,England,E12000005,West Midlands,332,Dudley,"
                           "E08000027,Children looked after on 31 March each year,71124,4,1\n")
    db = tmp_path / "small.duckdb"
    assert main(["load", str(small), "--db", str(db)]) == 0
    assert main(["setup", "--home", "Dudley", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["show", "--db", str(db), "--period", "2024-25 Q4", "--indicator", "cla_rate", "--format", "json"]) == 0
    row = json.loads(capsys.readouterr().out)[0]
    assert (row["value"], row["numerator"], row["shown"], row["status"]) == (None, None, "[c]", "c")
    with Store.open(db) as store:
        store.set_setting("disclosure_threshold", "3")
    assert main(["show", "--db", str(db), "--period", "2024-25 Q4", "--indicator", "cla_rate", "--format", "json"]) == 0
    row = json.loads(capsys.readouterr().out)[0]
    assert (row["numerator"], row["value"]) == (4, 1)  # 4 / 71,124 x 10,000 = 0.56, shown as 1
