"""The `scorecard` command, run as a user would, on real DfE and ONS files."""

import json
import subprocess
import sys

import pytest

from service.cli import main
from tests.paths import PUBLIC

CLA = PUBLIC / "cla_number_and_rate_per_10k_children_2021_2025.csv"
POPULATION = PUBLIC / "ons_mid-year_population_estimates_2012_to_2024.csv"


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "real.duckdb"
    assert main(["load", str(CLA), str(POPULATION), "--db", str(db)]) == 0
    assert main(["setup", "--home", "332", "--db", str(db)]) == 0  # Dudley is the home area
    return db


def show_json(capsys, db, *options) -> list[dict]:
    capsys.readouterr()
    assert main(["show", "--db", str(db), *options, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cla_rate_is_dfes_published_figure_with_its_count_and_population(real_db, capsys):
    rows = show_json(capsys, real_db, "--area", "E08000027", "--period", "2024-25 Q4")
    cla = next(row for row in rows if row["indicator_id"] == "cla_rate")
    # The file's own population (DfE's, mid-2024) is the denominator beside the figure.
    assert (cla["value"], cla["numerator"], cla["denominator"]) == (81, 575, 71124)
    assert cla["computed"] is False and cla["source"].startswith("DfE/")
    assert cla["england"] == 67
    assert cla["rag"] == "no judgement"
    assert cla["period_label"] == "31 Mar 2025"
    required = ["indicator_id", "title", "outcome_area", "period_label", "value", "numerator",
                "denominator", "status", "target", "rag", "direction", "england", "region",
                "sn_mean", "rank", "quartile"]
    assert all(name in cla for name in required)


def test_figure_available_at_the_quarter_end_is_the_one_shown(real_db, capsys):
    rows = show_json(capsys, real_db, "--area", "Dudley", "--period", "2024-25 Q3")
    cla = next(row for row in rows if row["indicator_id"] == "cla_rate")
    assert cla["period_label"] == "31 Mar 2024"
    assert cla["value"] == 82


def test_suppressed_figure_keeps_its_symbol(real_db, capsys):
    rows = show_json(capsys, real_db, "--area", "E09000001", "--period", "2024-25 Q4")
    cla = next(row for row in rows if row["indicator_id"] == "cla_rate")
    assert cla["value"] is None
    assert cla["status"] == "c"
    assert cla["shown"] == "[c]"


def test_one_outcome_area_and_csv(real_db, capsys):
    capsys.readouterr()
    assert main(["show", "--db", str(real_db), "--period", "2024-25 Q4", "--outcome", "Stay safe",
                 "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("indicator_id,")
    assert len(lines) > 5
    assert all(",stay_safe," in line for line in lines[1:])


def test_one_indicator(real_db, capsys):
    rows = show_json(capsys, real_db, "--period", "2024-25 Q4", "--indicator", "cla_rate")
    assert [row["indicator_id"] for row in rows] == ["cla_rate"]


def test_table_format_names_the_area_and_quarter(real_db, capsys):
    capsys.readouterr()
    assert main(["show", "--db", str(real_db), "--period", "2024-25 Q4"]) == 0
    out = capsys.readouterr().out
    assert "Dudley (E08000027), quarter 2024-25 Q4" in out
    assert "Children looked after rate" in out


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["show", "--period", "2024-25 Q5"], "'2024-25 Q5' is not a period"),
        (["show", "--period", "2024-25"], "not a quarter"),
        (["show", "--area", "Narnia"], "Unknown area 'Narnia'"),
        (["show", "--outcome", "be_wealthy"], "no outcome area 'be_wealthy'"),
        (["show", "--framework", "nope"], "no outcome framework 'nope'"),
        (["show", "--indicator", "cla_rates"], "cla_rate"),
    ],
)
def test_clear_errors(real_db, capsys, arguments, message):
    capsys.readouterr()
    assert main([*arguments, "--db", str(real_db)]) == 2
    error = capsys.readouterr().err
    assert message in error
    assert "Traceback" not in error


def test_missing_database_is_explained(tmp_path, capsys):
    assert main(["show", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "There is no database at" in capsys.readouterr().err
    assert not (tmp_path / "none.duckdb").exists()


def test_loading_the_same_file_again_changes_nothing(real_db, capsys):
    capsys.readouterr()
    assert main(["load", str(CLA), "--db", str(real_db)]) == 0
    assert "already loaded as load 1" in capsys.readouterr().out


def test_dry_run_writes_nothing(tmp_path, capsys):
    db = tmp_path / "dry.duckdb"
    assert main(["load", str(CLA), "--db", str(db), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would write 4,175 new" in out  # cla_rate and benchmark measures
    assert "Side effects: none" in out and "Figures as the scorecard would show them" in out
    assert "New: Children looked after rate, " in out and " nan" not in out  # named as pages name it
    assert main(["loads", "--db", str(db)]) == 0
    assert "No loads yet." in capsys.readouterr().out


def test_bad_file_is_refused_with_file_and_location(tmp_path, capsys):
    bad = tmp_path / "cla_bad.csv"
    lines = CLA.read_text(encoding="utf-8-sig").splitlines()
    looked_after = next(n for n, line in enumerate(lines) if "on 31 March" in line)
    row = lines[looked_after].split(",")
    row[lines[0].split(",").index("children_count")] = "twelve"
    bad.write_text("\n".join([lines[0], ",".join(row), *lines[looked_after + 1:looked_after + 4]]) + "\n")
    db = tmp_path / "bad.duckdb"
    assert main(["load", str(bad), "--db", str(db)]) == 1
    captured = capsys.readouterr()
    assert "cla_bad.csv: line 2, column children_count" in captured.err
    assert "twelve" in captured.err
    assert "refused, nothing loaded" in captured.out


def test_loads_and_revert(tmp_path, capsys):
    db = tmp_path / "revert.duckdb"
    assert main(["load", str(CLA), "--db", str(db)]) == 0
    assert main(["loads", "--db", str(db), "--format", "json"]) == 0
    capsys.readouterr()
    assert main(["revert", "1", "--db", str(db)]) == 0
    assert "Load 1 reverted" in capsys.readouterr().out
    assert main(["show", "--db", str(db), "--period", "2024-25 Q4", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert next(row for row in rows if row["indicator_id"] == "cla_rate")["value"] is None


def test_indicators_lists_fixed_ids_with_ni_codes(capsys):
    assert main(["indicators", "--format", "json"]) == 0
    listed = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    fixed = {"cin_rate", "cpp_rate", "cla_rate", "neet_not_known_16_17",
             "under18_conception_rate", "fte_youth_justice_rate"}
    assert fixed <= set(listed)
    assert listed["cla_rate"]["decimals"] == 0
    assert listed["under18_conception_rate"]["multiplier"] == 1000
    assert any(row["ni_code"] for row in listed.values())


def test_demo_then_show_from_the_installed_command(tmp_path):
    db = tmp_path / "demo.duckdb"
    run = [sys.executable, "-m", "service.cli"]
    built = subprocess.run([*run, "demo", "--db", str(db)], capture_output=True, text=True, check=True)
    assert "invented" in built.stdout
    again = subprocess.run([*run, "demo", "--if-missing", "--db", str(db)], capture_output=True, text=True)
    assert again.returncode == 0 and "already exists" in again.stdout
    shown = subprocess.run([*run, "show", "--db", str(db), "--format", "json"], capture_output=True, text=True)
    rows = json.loads(shown.stdout)
    assert {row["rag"] for row in rows} >= {"green", "amber", "red", "no judgement"}
    assert all(row["demonstration_data"] for row in rows)


def test_a_fault_inside_scorecard_is_one_plain_line(tmp_path, capsys, monkeypatch):
    from loaders import pipeline

    def broken(*args, **kwargs):
        raise TypeError("Invalid value '[]' for dtype 'float64'")

    monkeypatch.setattr(pipeline, "load_file", broken)
    monkeypatch.delenv("SCORECARD_DEBUG", raising=False)
    source = tmp_path / "any.csv"
    source.write_text("a,b\n1,2\n")
    code = main(["load", str(source), "--db", str(tmp_path / "x.duckdb")])
    said = capsys.readouterr().err
    assert code == 3
    assert "Traceback" not in said and said.count("\n") == 1
    assert "something went wrong inside Scorecard (TypeError" in said and "SCORECARD_DEBUG=1" in said
    monkeypatch.setenv("SCORECARD_DEBUG", "1")
    with pytest.raises(TypeError):
        main(["load", str(source), "--db", str(tmp_path / "x.duckdb")])


def test_output_piped_into_head_ends_quietly(tmp_path):
    """`scorecard show | head -1`: the reader closes the pipe early; that is no fault."""
    db = tmp_path / "demo.duckdb"
    assert main(["demo", "--db", str(db)]) == 0
    command = [sys.executable, "-m", "service.cli", "show", "--db", str(db), "--format", "json"]
    producer = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = producer.stdout.readline()
    producer.stdout.close()  # as head does after its line; the rest (75 KB) outruns the pipe's buffer
    assert producer.wait(timeout=120) == 0
    assert first.startswith(b"[")
    assert producer.stderr.read() == b""
