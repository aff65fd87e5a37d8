"""Time the API's scorecard (/api/v1/scorecard, JSON, with a viewer's token) against the
scorecard page's callback, on one served app (app.py, as tests/browser.py serves it), the
home LA's latest complete quarter, the same number of requests each (median and p95).

    .venv/bin/python bench/api.py [--requests 200] [--lait]

Goal (issue 15): the API's p50 and p95 within twice the callback's. Both are round trips on
localhost after one request each to warm up, so both read the same cached scorecard; the
callback's request is the one Chromium sent, replayed (bench/app.py's method).
"""

import argparse
import statistics
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright

from bench.app import build_database, captured, replay
from scorecard.periods import latest_complete_quarter
from scorecard.store import Store
from service import tokens, users
from tests.browser import launch, served_app


def figures(timings: list[float]) -> tuple[float, float]:
    return statistics.median(timings), statistics.quantiles(timings, n=20, method="inclusive")[-1]


def api_times(base: str, path: str, token: str, times: int) -> list[float]:
    timings = []
    for _ in range(times):
        sent = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
        started = time.perf_counter()
        with urllib.request.urlopen(sent, timeout=30) as answer:
            answer.read()
            assert answer.status == 200
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--requests", type=int, default=200)
    options.add_argument("--lait", action="store_true", help="load LAIT's national data too (slower to build)")
    arguments = options.parse_args()
    quarter = latest_complete_quarter(date.today()).label
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        db = folder / "bench.duckdb"
        build_database(db, arguments.lait)
        with Store.open(db) as store:
            users.add_user(store, "bench", "viewer", "a long enough password", by="bench")
            token = tokens.new_token(store, "bench", by="bench")
        with served_app(db, folder) as base:
            with sync_playwright() as playwright:
                browser = launch(playwright)
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                callback = captured(page, "_pages_content", lambda: page.goto(f"{base}/scorecard?period={quarter}"))
                page.wait_for_selector("table.scorecard tbody tr td", timeout=30_000)
                browser.close()
            path = "/api/v1/scorecard?quarter=" + urllib.request.quote(quarter)
            replay(base, callback, 1), api_times(base, path, token, 1)  # both read the cached scorecard
            callback_p50, callback_p95 = figures(replay(base, callback, arguments.requests))
            api_p50, api_p95 = figures(api_times(base, path, token, arguments.requests))
    print(f"scorecard callback, {arguments.requests} requests ({quarter}): p50 {callback_p50:6.1f} ms, "
          f"p95 {callback_p95:6.1f} ms")
    print(f"API /api/v1/scorecard (JSON), {arguments.requests} requests: p50 {api_p50:6.1f} ms, "
          f"p95 {api_p95:6.1f} ms")
    within = api_p50 <= 2 * callback_p50 and api_p95 <= 2 * callback_p95
    print(f"API / callback: p50 {api_p50 / callback_p50:.2f}x, p95 {api_p95 / callback_p95:.2f}x "
          f"(goal: within 2x) - {'met' if within else 'NOT met'}")


if __name__ == "__main__":
    main()
