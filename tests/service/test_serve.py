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


# Sign-in that holds across workers (issue 14) -----------------------------------------------------

import http.client  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import threading  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

from scorecard.store import Store  # noqa: E402
from service import users  # noqa: E402
from tests.paths import REPO  # noqa: E402

PASSWORD = "a long enough password"


class Browser:
    """Just enough of a browser for the sign-in form: one cookie, kept between requests."""

    def __init__(self, port: int):
        self.port, self.cookie = port, None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {**(headers or {}), **({"Cookie": self.cookie} if self.cookie else {})}
        try:
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            text = answer.read().decode(errors="replace")
        except (BrokenPipeError, ConnectionResetError):  # the server refused the rest of a huge body
            return 413, ""
        finally:
            connection.close()
        if answer.getheader("Set-Cookie"):
            self.cookie = answer.getheader("Set-Cookie").split(";", 1)[0]
        return answer.status, text

    def sign_in(self, name: str, password: str) -> int:
        _, page = self.request("GET", "/signin")
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        form = urlencode({"username": name, "password": password, "csrf": found.group(1) if found else ""}).encode()
        return self.request("POST", "/signin", form, {"Content-Type": "application/x-www-form-urlencoded"})[0]


def workers_of(master: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def resident_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


@pytest.fixture(scope="module")
def two_workers(postgres_server, tmp_path_factory):
    """The app under gunicorn with 2 workers on PostgreSQL, as `scorecard serve` runs it, with users."""
    url = postgres_server.new_database()
    with Store.open(url, create=True) as store:
        users.add_user(store, "vera", "viewer", PASSWORD, by="test")
    port = free_port()
    command = gunicorn_command(url, "127.0.0.1", port, cores=2)
    env = {**os.environ, "SCORECARD_DB": url, "SCORECARD_WARM": "off", "SCORECARD_HTTPS": "off",
           "SCORECARD_SESSION_KEY_FILE": str(tmp_path_factory.mktemp("key") / "session.key")}
    log = (tmp_path_factory.mktemp("log") / "gunicorn.log").open("w")  # a pipe no one reads would fill and stall it
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz", process) == 200
        deadline = time.time() + 30
        while len(workers_of(process.pid)) < 2 and time.time() < deadline:
            time.sleep(0.2)
        yield {"port": port, "url": url, "process": process}
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_30_guesses_across_2_workers_get_at_most_5_through(two_workers):
    """The limit is counted in the database: 2 workers, 8 threads each, 10 guesses at a time."""
    assert len(workers_of(two_workers["process"].pid)) == 2

    def guess(number: int) -> int:
        return Browser(two_workers["port"]).sign_in("vera", f"wrong guess {number}")

    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(guess, range(30)))
    assert set(statuses) <= {401, 429}, statuses
    assert statuses.count(401) <= 5 and statuses.count(429) >= 25, statuses
    assert Browser(two_workers["port"]).sign_in("vera", PASSWORD) == 429  # the right password waits too


def test_5_mb_usernames_do_not_grow_the_workers(two_workers):
    pids = workers_of(two_workers["process"].pid)
    browser = Browser(two_workers["port"])
    browser.sign_in("warm", "up")  # both workers have answered a sign-in before measuring
    before = resident_mb(pids)
    lock = threading.Lock()
    statuses = []

    def huge(_):
        _, page = browser.request("GET", "/signin")
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        form = urlencode({"username": "u" * (5 * 1024 * 1024), "password": "x",
                          "csrf": found.group(1) if found else ""}).encode()
        status = Browser(two_workers["port"]).request("POST", "/signin", form,
                                                       {"Content-Type": "application/x-www-form-urlencoded"})[0]
        with lock:
            statuses.append(status)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(huge, range(40)))
    time.sleep(0.5)
    grown = resident_mb(pids) - before
    assert all(status in (400, 401, 413, 429) for status in statuses), statuses
    assert grown < 20, f"the workers grew by {grown:.0f} MB"


def test_serve_refuses_a_network_address_with_no_users(tmp_path, capsys, monkeypatch):
    from service.serve import check_open

    db = str(tmp_path / "empty.duckdb")
    Store.open(db, create=True).close()
    monkeypatch.delenv("SCORECARD_OPEN_WITHOUT_SIGN_IN", raising=False)
    assert main(["serve", "--db", db, "--host", "0.0.0.0"]) == 2
    said = capsys.readouterr().err
    assert "No users have been added" in said and "0.0.0.0" in said and "scorecard users add" in said
    for host in ("127.0.0.1", "localhost", "::1"):
        check_open(host, 0)  # loopback: no refusal
    check_open("0.0.0.0", 1)  # a user exists: sign-in is on
    monkeypatch.setenv("SCORECARD_OPEN_WITHOUT_SIGN_IN", "on")
    check_open("0.0.0.0", 0)  # said explicitly


def test_no_password_is_printed(postgres_server, tmp_path):
    from service.serve import without_password

    url = postgres_server.new_database().replace("postgres@", "postgres:hunter2secret@")  # trust ignores it
    demo = subprocess.run([sys.executable, "-m", "service.cli", "demo", "--db", url], capture_output=True, text=True,
                          cwd=REPO)
    assert demo.returncode == 0, demo.stderr
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--db", url, "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO,
                               env={**os.environ, "SCORECARD_WARM": "off"})
    try:
        first = process.stdout.readline()
    finally:
        process.terminate()
        process.wait(timeout=20)
    said = demo.stdout + demo.stderr + first
    assert "Serving Scorecard" in first and "***" in first
    assert "hunter2secret" not in said
    assert without_password("postgresql+psycopg://u:p%40ss@h:5432/db") == "postgresql+psycopg://u:***@h:5432/db"


def test_sign_in_works_at_once_after_postgresql_restarts(tmp_path):
    """Pooled connections are checked before use: no raw 500 for the first sign-ins after a restart."""
    from tests.postgres import BIN, PostgresServer, _as_postgres

    server = PostgresServer()
    process = None
    try:
        url = server.new_database()
        with Store.open(url, create=True) as store:
            users.add_user(store, "vera", "viewer", PASSWORD, by="test")
        port = free_port()
        env = {**os.environ, "SCORECARD_DB": url, "SCORECARD_WARM": "off", "SCORECARD_HTTPS": "off",
               "SCORECARD_SESSION_KEY_FILE": str(tmp_path / "session.key")}
        process = subprocess.Popen(gunicorn_command(url, "127.0.0.1", port, cores=1), env=env,
                                   stdout=(tmp_path / "gunicorn.log").open("w"), stderr=subprocess.STDOUT)
        assert wait_for(f"http://127.0.0.1:{port}/healthz", process) == 200
        assert Browser(port).sign_in("vera", PASSWORD) == 302
        options = (f"-p {server.port} -k {server.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c full_page_writes=off")
        subprocess.run(_as_postgres(str(BIN / "pg_ctl"), "-D", str(server.data), "-o", options, "-m", "fast", "-w",
                                    "-l", str(server.folder / "server.log"), "restart"),
                       check=True, capture_output=True, timeout=60)
        assert [Browser(port).sign_in("vera", PASSWORD) for _ in range(3)] == [302, 302, 302]
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=20)
        server.stop()
