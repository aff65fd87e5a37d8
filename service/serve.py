"""`scorecard serve`: the app under gunicorn, never in debug mode.

DuckDB lets one process write a file, so it gets one worker with threads; PostgreSQL
gets a worker per core. /healthz answers whether the database can be read."""

import os
import sys
from pathlib import Path

from scorecard.store import database_url

REPO = Path(__file__).resolve().parents[1]
THREADS = 8


def gunicorn_command(url: str, host: str, port: int, cores: int | None = None) -> list[str]:
    cores = cores or os.cpu_count() or 1
    # Pages are CPU-bound Python: a worker per core, each with threads, shares its caches most.
    workers = 1 if url.startswith("duckdb") else cores
    return [
        sys.executable, "-m", "gunicorn", "app:server",
        "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(THREADS),
        "--chdir", str(REPO), "--timeout", "120", "--access-logfile", "-",
        # No control socket: gunicorn's shared default path collides when two servers run.
        "--no-control-socket",
    ]


def serve(db: str | None, host: str, port: int) -> int:
    url = database_url(db)
    env = {**os.environ, "SCORECARD_DB": url, "SCORECARD_WARM": os.environ.get("SCORECARD_WARM", "on")}
    env.pop("SCORECARD_DEBUG", None)
    command = gunicorn_command(url, host, port)
    print(f"Serving Scorecard on http://{host}:{port} from {url} ({command[command.index('--workers') + 1]} worker(s)).")
    os.execvpe(command[0], command, env)  # replaces this process, so signals reach gunicorn


def healthz(service) -> tuple[dict, int]:
    """200 when the database answers, 503 when it does not: for load balancers and monitors."""
    try:
        service.store.schema_version()
    except Exception:  # any database fault means not healthy; the detail stays in the log
        return {"status": "unavailable"}, 503
    return {"status": "ok"}, 200
