"""`scorecard serve`: the app under gunicorn, never in debug mode.

DuckDB lets one process write a file, so it gets one worker with threads; PostgreSQL
gets a worker per core. /healthz answers whether the database can be read. With no users,
no one would need to sign in, so serving on a network address is refused unless the
setting `open_without_sign_in` says so."""

import ipaddress
import os
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from scorecard import settings
from scorecard.settings import child_environment, value
from scorecard.store import Store, database_url
from service import housekeeping, uploads
from service.errors import NotAllowed

REPO = Path(__file__).resolve().parents[1]  # app.py is here, in a checkout and once installed


def gunicorn_command(url: str, host: str, port: int, cores: int | None = None) -> list[str]:
    cores = cores or os.cpu_count() or 1
    # Pages are CPU-bound Python: a worker per core, each with threads, shares its caches most.
    workers = 1 if url.startswith("duckdb") else cores
    return [
        sys.executable, "-m", "gunicorn", "app:server",
        "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(value("threads")),
        "--chdir", str(REPO), "--timeout", "120", "--access-logfile", "-",
        # No control socket: gunicorn's shared default path collides when two servers run.
        "--no-control-socket",
    ]


def check_port(host: str, port: int) -> None:
    """NotAllowed, in one plain line naming the setting, when the port is taken."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind((host, port))
        except OSError as error:
            raise NotAllowed(
                f"Port {port} on {host} is in use ({error.strerror}), perhaps by another Scorecard: stop "
                f"that, or choose another port with --port or the setting port (SCORECARD_PORT={port + 1})."
            ) from None


class ServeRefused(ValueError):
    """A server that would be open to the network with no one signing in."""


def is_loopback_host(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_open(host: str, user_count: int) -> None:
    """ServeRefused for a network address when there are no users, unless the setting allows it."""
    if user_count or is_loopback_host(host) or settings.value("open_without_sign_in"):
        return
    raise ServeRefused(
        f"No users have been added, so anyone who can reach {host} could read and change the data without "
        "signing in. Add one first ('scorecard users add NAME --role admin'), serve on 127.0.0.1, or set "
        "SCORECARD_OPEN_WITHOUT_SIGN_IN=on if something in front of Scorecard signs people in.")


def without_password(url: str) -> str:
    """The database URL fit to print: any password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    netloc = f"{user}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def serve(db: str | None, host: str, port: int) -> int:
    url = database_url(db)
    check_port(host, port)
    with Store.open(url) as store:
        check_open(host, store.user_count())
    housekeeping.remove_stale_uploads(uploads.folder())
    warm = value("warm_start")
    env = child_environment(database=url, warm_start=True if warm is None else warm, debug=False)
    command = gunicorn_command(url, host, port)
    print(f"Serving Scorecard on http://{host}:{port} from {without_password(url)} "
          f"({command[command.index('--workers') + 1]} worker(s)).", flush=True)
    os.execvpe(command[0], command, env)  # replaces this process, so signals reach gunicorn


def healthz(service) -> tuple[dict, int]:
    """200 when the database answers, 503 when it does not: for load balancers and monitors."""
    try:
        service.store.schema_version()
    except Exception:  # any database fault means not healthy; the detail stays in the log
        return {"status": "unavailable"}, 503
    return {"status": "ok"}, 200
