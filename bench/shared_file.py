"""What letting go of the DuckDB file between requests costs the app (so the command line can
use it while the app serves; scorecard/store.py, _SharedFile): the same requests through the
real app (Flask's test client, so no network in the figures) with the file kept open across
requests as before, in a burst (each request straight after the last, within the linger, as a
page's callbacks come), and after an idle moment (each request opens the file again). Median
and p95 of each, in rounds taking turns, on the demo database.

    .venv/bin/python bench/shared_file.py [--requests 50]
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
    "loads": "/api/v1/loads",
    "healthz": "/healthz",
}
MODES = ("kept open", "burst", "after idle")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
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
        timings = {(name, mode): [] for name in PATHS for mode in MODES}
        pause = store._shared.LINGER + 0.05
        for _ in range(max(1, args.requests // 10)):
            for mode in MODES:
                with store.in_use() if mode == "kept open" else contextlib.nullcontext():
                    for name, path in PATHS.items():
                        for _ in range(10):
                            if mode == "after idle":
                                time.sleep(pause)  # the file has been let go
                            started = time.perf_counter()
                            assert client.get(path).status_code == 200
                            timings[(name, mode)].append((time.perf_counter() - started) * 1000)
        print(f"{'request':<20}" + "".join(f"{mode + ': p50':>18}{'p95':>8}" for mode in MODES))
        for name in PATHS:
            line = f"{name:<20}"
            for mode in MODES:
                values = timings[(name, mode)]
                p95 = statistics.quantiles(values, n=20, method="inclusive")[-1]
                line += f"{statistics.median(values):>16.1f}ms{p95:>6.1f}ms"
            print(line)
        store.close()


if __name__ == "__main__":
    main()
