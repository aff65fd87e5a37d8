"""`scorecard serve` under gunicorn, with /healthz, on DuckDB and on PostgreSQL."""

import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from service.cli import main
from service.serve import gunicorn_command
from tests.browser import free_port


def test_duckdb_gets_one_worker_and_postgresql_one_per_core():
    duck = gunicorn_command("duckdb:////tmp/x.duckdb", "127.0.0.1", 8050, cores=4)
    pg = gunicorn_command("postgresql+psycopg://u@h/db", "127.0.0.1", 8050, cores=4)
    assert duck[duck.index("--workers") + 1] == "1"
    assert pg[pg.index("--workers") + 1] == "4"
    assert pg[pg.index("--threads") + 1] == duck[duck.index("--threads") + 1] == "8"
    assert "--reload" not in duck and "app:server" in duck


def wait_for(url: str, process, seconds: float = 60) -> int:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stdout.read())
            time.sleep(0.3)
    raise TimeoutError(url)


@pytest.mark.parametrize("backend", ["duckdb", "postgresql"])
def test_serve_answers_healthz_and_pages(backend, tmp_path, request):
    if backend == "duckdb":
        db = str(tmp_path / "demo.duckdb")
    else:
        db = request.getfixturevalue("postgres_server").new_database()
    assert main(["demo", "--db", db]) == 0
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--db", db, "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_for(base + "/healthz", process) == 200
        with urllib.request.urlopen(base + "/healthz") as response:
            assert b'"ok"' in response.read()
        assert wait_for(base + "/scorecard", process) == 200
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_explains_a_missing_database(tmp_path, capsys):
    assert main(["serve", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "There is no database" in capsys.readouterr().err
