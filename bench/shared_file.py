"""What letting go of the DuckDB file after each request costs the app (so the command line
can use it while the app serves; scorecard/store.py, _SharedFile): the same requests through
the real app (Flask's test client, so no network in the figures), the file let go after each
request as served, against the file kept open across requests as before. Median and p95 of
each, in rounds taking turns, on the demo database.

    .venv/bin/python bench/shared_file.py [--requests 100]
"""

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PATHS = {
    "scorecard (cached)": "/api/v1/scorecard?area=E08000027",
    "indicator series": "/api/v1/indicators/cla_rate/series?area=E08000027",
    "loads": "/api/v1/loads",
    "healthz": "/healthz",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "demo.duckdb"
        from service.cli import main as scorecard

        assert scorecard(["demo", "--db", str(db)]) == 0
        os.environ.update(SCORECARD_DB=str(db), SCORECARD_SIGN_IN="off", SCORECARD_WARM="off")
        import app
        from service.shared import shared

        client, store = app.server.test_client(), shared().store
        for path in PATHS.values():  # warm the caches
            assert client.get(path).status_code == 200
        timings = {(name, mode): [] for name in PATHS for mode in ("let go", "kept open")}
        for _ in range(args.requests // 10):
            for mode in ("let go", "kept open"):
                held = store.in_use() if mode == "kept open" else contextlib.nullcontext()
                with held:
                    for name, path in PATHS.items():
                        for _ in range(10):
                            started = time.perf_counter()
                            assert client.get(path).status_code == 200
                            timings[(name, mode)].append((time.perf_counter() - started) * 1000)
        print(f"{'request':<22}{'let go: p50':>12}{'p95':>8}{'kept open: p50':>16}{'p95':>8}{'cost p50':>10}")
        for name in PATHS:
            let_go, kept = timings[(name, "let go")], timings[(name, "kept open")]
            p95 = lambda values: statistics.quantiles(values, n=20, method="inclusive")[-1]  # noqa: E731
            print(f"{name:<22}{statistics.median(let_go):>10.1f}ms{p95(let_go):>6.1f}ms"
                  f"{statistics.median(kept):>14.1f}ms{p95(kept):>6.1f}ms"
                  f"{statistics.median(let_go) - statistics.median(kept):>8.1f}ms")
        store.close()


if __name__ == "__main__":
    main()
