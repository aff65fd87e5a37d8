"""Time the web app as the board would meet it: headless Chromium from navigation to a filled
outcome scorecard, and the server time of the scorecard callback (median and 95th percentile)
next to a trivial callback (the catalogue search) timed in the same run.

    .venv/bin/python bench/app.py [--requests 60] [--no-lait] [--visits 5]

Goals (issue 4): the scorecard callback p95 at most 100 ms; the page filled within 2 s.
Goal (issue 16): every page within 2x a trivial Dash page's time to network idle (Playwright's
"networkidle": no request for 500 ms), the trivial page (bench/trivial_app.py) timed in the
same run, visit for visit between the pages, on the demo data with LAIT loaded.
The server works out the home LA's latest scorecard as it starts (SCORECARD_WARM=off to see
the first visit without that head start).
Server time is the round trip of the callback's own POST on localhost, replayed from what
the browser sent, so it includes Dash's JSON work but no network.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from urllib.parse import urlsplit
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from service.cli import main as cli  # noqa: E402
from scorecard.periods import latest_complete_quarter  # noqa: E402
from tests.browser import free_port, launch, served_app, wait_until_ready  # noqa: E402

LAIT = REPO.parent / "shared" / "data" / "public" / "lait_long.parquet"


def build_database(db: Path, with_lait: bool) -> None:
    assert cli(["demo", "--db", str(db)]) == 0, "the demo data could not be written"
    if not with_lait:
        print("LAIT national data: not loaded (--no-lait)")
        return
    from loaders.pipeline import known_kinds

    if not any(kind.startswith("lait") for kind in known_kinds()):
        print("LAIT national data: NOT loaded - loaders.pipeline has no reader for lait_long.parquet yet; "
              "timed on the demo data alone")
        return
    started = time.perf_counter()
    assert cli(["load", str(LAIT), "--db", str(db)]) == 0, "lait_long.parquet could not be loaded"
    print(f"LAIT national data loaded in {time.perf_counter() - started:.1f} s")


def percentiles(timings: list[float]) -> str:
    p95 = statistics.quantiles(timings, n=20, method="inclusive")[-1]
    return f"median {statistics.median(timings):6.1f} ms, p95 {p95:6.1f} ms"


def replay(base: str, request: dict, times: int) -> list[float]:
    """POST the captured callback request again and again; milliseconds per round trip."""
    timings = []
    for _ in range(times):
        sent = urllib.request.Request(base + request["path"], data=request["body"].encode(),
                                      headers={"Content-Type": "application/json"}, method="POST")
        started = time.perf_counter()
        with urllib.request.urlopen(sent, timeout=30) as answer:
            answer.read()
            assert answer.status == 200
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def captured(page, marker: str, action) -> dict:
    """The body of the callback request whose payload mentions `marker`, sent during `action`."""
    with page.expect_request(lambda r: "/_dash-update-component" in r.url and marker in (r.post_data or "")) as info:
        action()
    address = urlsplit(info.value.url)
    return {"path": f"{address.path}?{address.query}", "body": info.value.post_data}


# Every page, as a visitor opens it from the navigation or a scorecard row.
PAGES = {
    "overview": "/",
    "scorecard": "/scorecard",
    "exceptions": "/exceptions",
    "indicator (quarterly: MMR)": "/indicator?indicator=mmr_two_doses_age_5",
    "indicator (yearly counts: children looked after)": "/indicator?indicator=cla_rate",
    "indicator (academic years: obesity)": "/indicator?indicator=obesity_reception",
    "indicators": "/indicators",
    "reconciliation": "/reconcile",
    "upload": "/upload",
    "loads": "/loads",
    "audit log": "/audit",
}


def to_network_idle(page, url: str) -> float:
    page.goto("about:blank")
    started = time.perf_counter()
    page.goto(url, wait_until="networkidle", timeout=60_000)
    return (time.perf_counter() - started) * 1000


def pages_against_trivial(browser, base: str, visits: int) -> bool:
    """Each page's median time to network idle against the trivial page's, measured in turn."""
    port = free_port()
    trivial = subprocess.Popen([sys.executable, str(REPO / "bench" / "trivial_app.py"), str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        trivial_url = f"http://127.0.0.1:{port}/"
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(trivial_url, timeout=2)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        for url in [trivial_url, *(base + path for path in PAGES.values())]:
            to_network_idle(page, url)  # first visits: the browser's cache filled, the server warm
        yardstick, times = [], {name: [] for name in PAGES}
        for _ in range(visits):
            for name, path in PAGES.items():
                yardstick.append(to_network_idle(page, trivial_url))
                times[name].append(to_network_idle(page, base + path))
        trivial_median = statistics.median(yardstick)
        print(f"trivial Dash page to network idle: median {trivial_median:.0f} ms over {len(yardstick)} visits")
        within = True
        for name, found in times.items():
            ratio = statistics.median(found) / trivial_median
            within &= ratio <= 2
            print(f"  {name:50s} median {statistics.median(found):6.0f} ms  {ratio:4.2f}x "
                  f"{'(within 2x)' if ratio <= 2 else '(OVER 2x)'}")
        page.close()
        return within
    finally:
        trivial.terminate()
        trivial.wait(timeout=10)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--requests", type=int, default=60)
    options.add_argument("--no-lait", action="store_true")
    options.add_argument("--visits", type=int, default=5, help="visits per page for the network-idle times")
    arguments = options.parse_args()
    quarter = latest_complete_quarter(date.today()).label
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        build_database(folder / "bench.duckdb", not arguments.no_lait)
        with served_app(folder / "bench.duckdb", folder) as base, sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            url = f"{base}/scorecard?period={quarter}"

            filled = []
            for attempt in range(6):  # the first is the first visit since the server started
                page.goto("about:blank")
                started = time.perf_counter()
                if attempt == 0:
                    scorecard_request = captured(page, "_pages_content", lambda: page.goto(url))
                else:
                    page.goto(url)
                page.wait_for_selector("table.scorecard tbody tr td", timeout=30_000)
                filled.append((time.perf_counter() - started) * 1000)
            print(f"navigation to a filled outcome scorecard ({quarter}): first visit after start {filled[0]:.0f} ms, "
                  f"then median {statistics.median(filled[1:]):.0f} ms, worst {max(filled[1:]):.0f} ms "
                  f"(goal: within 2,000 ms)")

            page.goto(base + "/indicators")
            wait_until_ready(page)
            search_request = captured(page, "catalogue-search", lambda: (
                page.locator("#catalogue-search").fill("NEET"), page.keyboard.press("Enter")))
            pages_against_trivial(browser, base, arguments.visits)
            browser.close()

        # A fresh server: the first call finds at most what it worked out as it started.
        with served_app(folder / "bench.duckdb", folder) as base:
            cold = replay(base, scorecard_request, 1)[0]
            scorecard_times = replay(base, scorecard_request, arguments.requests)
            trivial_times = replay(base, search_request, arguments.requests)
        assert json.loads(scorecard_request["body"])["inputs"][0]["value"] == "/scorecard"
        print(f"scorecard callback, first request right after a start (the server may still be working "
              f"out the home scorecard it starts with): {cold:.0f} ms")
        print(f"scorecard callback, {arguments.requests} requests: {percentiles(scorecard_times)} (goal: p95 <= 100 ms)")
        print(f"trivial callback (catalogue search), {arguments.requests} requests: {percentiles(trivial_times)}")


if __name__ == "__main__":
    main()
