"""`scorecard settings` and `scorecard settings set`, and the settings the command line reads:
the list with value, type, origin and help; a change kept in the database, audited, and seen
by what reads it; plain one-line refusals; the template saying when there is no database."""

import json

import pytest

from scorecard.store import Store
from service.cli import main


@pytest.fixture
def db(tmp_path, monkeypatch):
    for variable in ("SCORECARD_DB", "SCORECARD_PORT", "SCORECARD_SECRET_KEY"):
        monkeypatch.delenv(variable, raising=False)
    path = tmp_path / "scorecard.duckdb"
    assert main(["demo", "--db", str(path)]) == 0
    return str(path)


@pytest.fixture
def empty_db(tmp_path):
    path = tmp_path / "scorecard.duckdb"
    Store.open(path, create=True).close()
    return str(path)


def listed(db, capsys, *extra) -> dict:
    capsys.readouterr()
    assert main(["settings", "--db", db, "--format", "json", *extra]) == 0
    return {row["name"]: row for row in json.loads(capsys.readouterr().out)}


def test_settings_lists_each_with_its_value_type_origin_and_help(db, capsys, monkeypatch):
    monkeypatch.setenv("SCORECARD_PORT", "8123")
    monkeypatch.setenv("SCORECARD_SECRET_KEY", "do-not-print-me")
    rows = listed(db, capsys)
    assert rows["port"] | {"help": ""} == {"name": "port", "value": "8123", "type": "port", "help": "",
                                           "from": "environment (SCORECARD_PORT)", "environment_variable":
                                           "SCORECARD_PORT", "in_database": False, "written_by": None}
    assert rows["database"]["value"] == f"duckdb:///{db}" and rows["database"]["from"] == "command line (--db)"
    assert rows["demo_data"]["value"] == "on" and rows["demo_data"]["from"] == "database"
    assert rows["disclosure_threshold"]["value"] == "5" and rows["disclosure_threshold"]["from"] == "default"
    assert rows["secret_key"]["value"] == "(set)"
    assert all(row["help"] for row in rows.values())
    assert main(["settings", "--db", db]) == 0
    table = capsys.readouterr().out
    assert "do-not-print-me" not in table and "port = 8123\n    port; from environment (SCORECARD_PORT)" in table


def test_set_changes_a_setting_kept_in_the_database_audited_and_show_follows_it(db, capsys):
    assert main(["show", "--db", db, "--format", "json"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert main(["settings", "set", "disclosure_threshold", "100000", "--db", db]) == 0
    assert capsys.readouterr().out == "disclosure_threshold is now 100000.\n"
    assert listed(db, capsys)["disclosure_threshold"] | {"help": ""} == {
        "name": "disclosure_threshold", "value": "100000", "type": "whole number", "from": "database", "help": "",
        "environment_variable": None, "in_database": True, "written_by": None}
    assert main(["show", "--db", db, "--format", "json"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert sum(row["status"] == "c" for row in after) > sum(row["status"] == "c" for row in before)  # what reads the setting sees the change
    assert main(["audit", "--db", db, "--format", "csv"]) == 0
    assert ",setting,disclosure_threshold,,100000" in capsys.readouterr().out.replace("\r", "")


@pytest.mark.parametrize(("name", "value", "said"), [
    ("port", "9000", ("port is not kept in the database: set the environment variable SCORECARD_PORT instead "
                      "(for example SCORECARD_PORT=9000).")),
    ("demo_data", "off", "demo_data is written by 'scorecard demo', not set by hand."),
    ("disclosure_threshhold", "3", ("There is no setting called 'disclosure_threshhold'. Did you mean "
                                    "disclosure_threshold?")),
    ("disclosure_threshold", "five", "disclosure_threshold cannot be 'five': give a whole number."),
    ("not_disclosive", "cla_rate,made_up", ("not_disclosive: made_up is not an indicator in the catalogue; "
                                            "'scorecard indicators' lists them.")),
])
def test_set_refuses_in_one_plain_line(empty_db, capsys, name, value, said):
    assert main(["settings", "set", name, value, "--db", empty_db]) == 2
    assert capsys.readouterr().err == f"scorecard settings: {said}\n"


def test_the_template_says_when_there_is_no_database(tmp_path, capsys):
    missing = tmp_path / "none.duckdb"
    template = ["template", "--period", "2025-26 Q2", "-o", str(tmp_path / "t.xlsx"), "--db", str(missing)]
    assert main(template) == 2  # no database, so no home area: the area must be given
    assert "give --area" in capsys.readouterr().err
    assert main([*template, "--area", "Walsall"]) == 0
    err = capsys.readouterr().err
    assert err == (f"scorecard template: there is no database at {missing}, so the earlier figures are left empty. "
                   "Give --db, or load figures first.\n")
    assert not missing.exists()
