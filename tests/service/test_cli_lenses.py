"""`scorecard show` as a table carries every lens in words and shapes, and the legend that
explains each (issue 12, item 5), as the Scorecard page does."""

import json

import pytest

from service.cli import main


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("lenses") / "demo.duckdb"
    assert main(["demo", "--db", str(db)]) == 0
    return db


def test_table_shows_each_lens_with_a_shape_and_the_legend(demo_db, capsys):
    capsys.readouterr()
    assert main(["show", "--db", str(demo_db), "--format", "json"]) == 0
    rows = {row["short_title"]: row for row in json.loads(capsys.readouterr().out)}
    assert main(["show", "--db", str(demo_db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if line.startswith("Indicator"))
    for column in ("vs England", "vs neighbours", "Recent trend", "Variation and assurance", "Exception"):
        assert column in header
    words = {"red": "■ Red", "amber": "▲ Amber", "green": "● Green", "similar": "= Similar", "worse": "− Worse",
             "much worse": "−− Much worse", "no significant change": "→ No significant change",
             "common cause": "~ Common cause", "concern high": "H↑ Concern (high)"}
    checked = 0
    for title, row in rows.items():
        line = next(line for line in lines if line.startswith(title + "  "))
        for value in (row["rag"], row["vs_england"], row["recent_trend"], row["spc_variation"]):
            if value in words:
                assert words[value] in line, (title, value)
                checked += 1
        assert line.rstrip().endswith("Yes") == row["exception"], title
        if row["spc_trial"]:
            assert "Trial limits: no icon" in line
    assert checked > len(rows)  # most rows carry several lenses
    legend = [line for line in lines if line.startswith("- ")]
    assert any("95% confidence interval" in line for line in legend)
    assert any(line.startswith("- Exceptions, listed on the Exceptions page") for line in legend)
