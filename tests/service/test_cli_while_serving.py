"""The command line while `scorecard serve` runs on the embedded DuckDB default: DuckDB lets one
process open a file at a time, so the app holds it only while a request uses it and each side
waits briefly for the other (scorecard/store.py, _SharedFile). A load made from the command
line shows in the app at once; show, loads, template, backup and settings work too; a process
that keeps the file longer than the setting database_wait is named in one plain line."""

import json
import subprocess
import sys
import urllib.request
import zipfile

import duckdb
import pytest

from scorecard.store import Store
from service.cli import main
from tests.browser import free_port
from tests.service.test_serve import wait_for
from tests.workbooks import dudley_cla_csv

SERIES = "/api/v1/indicators/cla_rate/series?area=E08000027&quarter=2026-27%20Q1"


def read_json(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def serving(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serving")
    db = folder / "scorecard.duckdb"
    assert main(["demo", "--db", str(db)]) == 0
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--db", str(db), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(base + "/healthz", process) == 200
        yield {"db": db, "base": base, "folder": folder}
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_load_from_the_command_line_shows_in_the_app_while_it_serves(serving, capsys):
    base, db = serving["base"], str(serving["db"])
    figures = {row["period"]: row["value"] for row in read_json(base + SERIES)}
    assert figures["31 Mar 2026"] != 123  # the demo's own figure first

    csv = dudley_cla_csv(serving["folder"] / "cla_2026.csv", year=2026, children="880", rate="123")
    assert main(["load", str(csv), "--db", db]) == 0
    assert "loaded as load 2" in capsys.readouterr().out

    figures = {row["period"]: row["value"] for row in read_json(base + SERIES)}
    assert figures["31 Mar 2026"] == 123  # the app sees the load at once, without a restart
    assert [load["id"] for load in read_json(base + "/api/v1/loads")][:1] == [2]


def test_show_loads_template_backup_and_settings_work_while_it_serves(serving, capsys):
    db, folder = str(serving["db"]), serving["folder"]
    read_json(serving["base"] + "/api/v1/scorecard?area=E08000027")  # the app has just used the file
    assert main(["show", "--db", db, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)
    assert main(["loads", "--db", db]) == 0
    assert main(["template", "--period", "2026-27 Q1", "-o", str(folder / "q1.xlsx"), "--db", db]) == 0
    assert "no database" not in capsys.readouterr().err.lower()
    assert main(["backup", str(folder / "backup.zip"), "--db", db]) == 0
    assert zipfile.is_zipfile(folder / "backup.zip")
    assert main(["settings", "set", "disclosure_threshold", "6", "--db", db]) == 0
    assert "disclosure_threshold is now 6." in capsys.readouterr().out
    assert main(["settings", "--db", db, "--format", "json"]) == 0
    listed = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert listed["disclosure_threshold"]["value"] == "6" and listed["disclosure_threshold"]["from"] == "database"
    assert read_json(serving["base"] + "/healthz") == {"status": "ok"}  # and the app still answers


def test_a_file_kept_too_long_by_another_process_is_named_in_one_plain_line(tmp_path, monkeypatch, capsys):
    db = tmp_path / "scorecard.duckdb"
    Store.open(db, create=True).close()
    monkeypatch.setenv("SCORECARD_DB_WAIT", "1")
    keep_open = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True); time.sleep(30)"
    keeper = subprocess.Popen([sys.executable, "-c", keep_open, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert keeper.stdout.readline().strip() == "open"
        assert main(["loads", "--db", str(db)]) == 2
        said = capsys.readouterr().err.strip()
        assert said.startswith(f"scorecard loads: The database {db} is in use by process {keeper.pid} (")
        assert said.endswith("and was not let go within 1 s. Try again when that finishes, or set SCORECARD_DB_WAIT "
                             "to wait longer.") and "\n" not in said
    finally:
        keeper.kill()
        keeper.wait()
    assert main(["loads", "--db", str(db)]) == 0  # let go, it is free again
    duckdb.connect(str(db)).close()
