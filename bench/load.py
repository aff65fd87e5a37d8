"""Fifty people using the served app at once, against DuckDB and against PostgreSQL, on loopback.

    .venv/bin/python bench/load.py [--users 50] [--seconds 120] [--think 1-3] [--backend both|duckdb|postgresql]

For each backend: writes the demo data (PostgreSQL in a throwaway server from Debian's
package), adds a user, runs `scorecard serve` (gunicorn: one worker for DuckDB, a worker per
core for PostgreSQL), and has each simulated user sign in (its own session, checked against
the database at every request, as in production), open the outcome scorecard (the page, its
layout, its callbacks' list and the scorecard callback) and then change area, quarter and
outcome area in a loop: the page's own callback request, replayed with the new choices.
Between actions a user reads the screen for a random time within --think seconds, as
locust's `wait_time = between(1, 3)` does; `--think 0` hammers the server with no pause, a
stress test rather than 50 people. Prints, per backend, requests per second, median, 95th
and 99th percentile latency and errors (any answer but 200 counts, a redirect to sign-in too).
Goal (issue 14): p95 under 500 ms and no errors on both; with no pause, no errors.
"""

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPErrorProcessor

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from scorecard.store import Store  # noqa: E402
from service import users  # noqa: E402
from service.cli import main as cli  # noqa: E402
from scorecard.periods import latest_complete_quarter  # noqa: E402
from tests.browser import free_port, launch  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402

USER, PASSWORD = "bench", "a long enough password for the bench"
AREAS = ["E08000027", "E08000027-BRH", "E08000027-DUD", "E08000028", "E08000031"]
OUTCOMES = ["", "be_healthy", "stay_safe", "enjoy_and_achieve", "positive_contribution", "economic_wellbeing"]


def wait_until_up(base: str, process) -> None:
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=3)
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("scorecard serve stopped")
            time.sleep(0.5)
    raise TimeoutError(base)


class NoRedirects(HTTPErrorProcessor):
    """A redirect (to sign-in, when a session fails) is an error here, not something to follow."""

    def http_response(self, request, response):
        if response.status != 200:
            raise urllib.error.HTTPError(request.full_url, response.status, response.reason, response.headers, response)
        return response

    https_response = http_response


OPENER = urllib.request.build_opener(NoRedirects)


def signed_in_cookie(base: str) -> str:
    """Sign in as a browser does (the form, its token, the session cookie): the cookie to send."""
    with urllib.request.urlopen(base + "/signin", timeout=30) as answer:
        cookie = answer.headers["Set-Cookie"].split(";", 1)[0]
        token = re.search(r'name="csrf" value="([^"]+)"', answer.read().decode()).group(1)
    form = urlencode({"username": USER, "password": PASSWORD, "csrf": token}).encode()
    sent = urllib.request.Request(base + "/signin", data=form, headers={"Cookie": cookie})
    try:
        OPENER.open(sent, timeout=30)
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise RuntimeError(f"sign-in failed: {answer.code}") from None
        return answer.headers["Set-Cookie"].split(";", 1)[0]
    raise RuntimeError("sign-in did not redirect")


def page_request(base: str) -> dict:
    """The request the browser sends to draw /scorecard, captured once."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        page.goto(base + "/signin?next=/scorecard")
        page.fill("#username", USER)
        page.fill("#password", PASSWORD)
        with page.expect_request(lambda r: "_dash-update-component" in r.url and "_pages_content" in (r.post_data or "")) as info:
            page.click("button[type=submit]")
        address = urlsplit(info.value.url)
        body = json.loads(info.value.post_data)
        browser.close()
    return {"path": f"{address.path}?{address.query}" if address.query else address.path, "body": body}


def with_choices(body: dict, search: str) -> bytes:
    """The same callback with another query string, as a changed picker gives."""
    changed = json.loads(json.dumps(body))
    for item in changed["inputs"] + changed.get("state", []):
        if isinstance(item, dict) and item.get("property") == "search":
            item["value"] = search
    return json.dumps(changed).encode()


def timed(sent, timings: list, errors: list) -> None:
    started = time.perf_counter()
    try:
        with OPENER.open(sent, timeout=30) as answer:
            answer.read()
        timings.append((time.perf_counter() - started) * 1000)
    except Exception as problem:  # every failure counts as an error in the report
        errors.append(repr(problem))


def user(base: str, cookie: str, request: dict, quarters: list[str], think: tuple[float, float], stop: float,
         timings: list, errors: list) -> None:
    chooser = random.Random()
    time.sleep(chooser.uniform(0, think[1]))  # people do not all arrive in the same instant
    for path in ("/scorecard", "/_dash-layout", "/_dash-dependencies"):  # opening the page
        timed(urllib.request.Request(base + path, headers={"Cookie": cookie}), timings, errors)
    while time.time() < stop:
        search = "?" + urlencode({"area": chooser.choice(AREAS), "period": chooser.choice(quarters),
                                  "outcome": chooser.choice(OUTCOMES)})
        sent = urllib.request.Request(base + request["path"], data=with_choices(request["body"], search),
                                      headers={"Content-Type": "application/json", "Cookie": cookie}, method="POST")
        timed(sent, timings, errors)
        time.sleep(chooser.uniform(*think))


def run(backend: str, args, think: tuple[float, float], folder: Path) -> bool:
    """One backend's run, printed; whether it met the goal."""
    postgres = PostgresServer() if backend == "postgresql" else None
    process = None
    try:
        url = postgres.new_database() if postgres else str(folder / "bench.duckdb")
        assert cli(["demo", "--db", url]) == 0
        with Store.open(url) as store:
            users.add_user(store, USER, "analyst", PASSWORD, by="bench")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = tempfile.TemporaryFile()  # the server's output, shown if it fails to start
        process = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--db", url, "--port", str(port)],
                                   stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, "SCORECARD_HTTPS": "off",
                                        "SCORECARD_SESSION_KEY_FILE": str(folder / f"{backend}.key")})
        try:
            wait_until_up(base, process)
        except (RuntimeError, TimeoutError):
            log.seek(0)
            sys.stderr.write(log.read().decode(errors="replace")[-4000:])
            raise
        request = page_request(base)
        quarters, quarter = [], latest_complete_quarter(date.today())
        for _ in range(8):  # the two years of quarters a clinic looks back over
            quarters.append(quarter.label)
            quarter = quarter.previous()
        cookies = [signed_in_cookie(base) for _ in range(args.users)]  # each person signs in once
        timings, errors, threads = [], [], []
        stop = time.time() + args.seconds
        started = time.time()
        for cookie in cookies:
            thread = threading.Thread(target=user, args=(base, cookie, request, quarters, think, stop, timings, errors))
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join()
        elapsed = time.time() - started
        cuts = statistics.quantiles(timings, n=100, method="inclusive")
        pause = "no pause" if think == (0.0, 0.0) else f"{think[0]:g} to {think[1]:g} s"
        workers = "1 worker" if backend == "duckdb" else f"{os.cpu_count()} workers"
        print(f"{args.users} users for {args.seconds} s against {'DuckDB' if backend == 'duckdb' else 'PostgreSQL'} "
              f"through gunicorn ({workers}), signed in, reading for {pause} between actions:")
        print(f"  {len(timings) / elapsed:.1f} requests per second, {len(timings):,} requests")
        print(f"  median {statistics.median(timings):.0f} ms, p95 {cuts[94]:.0f} ms, p99 {cuts[98]:.0f} ms")
        print(f"  errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""), flush=True)
        if errors:  # what the server said about them
            log.seek(0)
            said = log.read().decode(errors="replace")
            sys.stderr.write(said[said.find("Traceback"):][:4000] if "Traceback" in said else said[-2000:])
        return not errors and (think == (0.0, 0.0) or cuts[94] < 500)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        if postgres is not None:
            postgres.stop()


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--users", type=int, default=50)
    options.add_argument("--seconds", type=int, default=120)
    options.add_argument("--think", default="1-3", help="seconds a user reads between actions: 'LOW-HIGH' or 0")
    options.add_argument("--backend", choices=["both", "duckdb", "postgresql"], default="both")
    args = options.parse_args()
    low, _, high = args.think.partition("-")
    think = (float(low), float(high or low))
    backends = ["duckdb", "postgresql"] if args.backend == "both" else [args.backend]
    with tempfile.TemporaryDirectory() as folder:
        met = [run(backend, args, think, Path(folder)) for backend in backends]
    goal = "no errors" if think == (0.0, 0.0) else "p95 under 500 ms and no errors"
    print(f"Goal ({goal}): {'met' if all(met) else 'NOT met'} on {', '.join(backends)}.")


if __name__ == "__main__":
    main()
