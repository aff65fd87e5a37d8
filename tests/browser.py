"""Shared pieces for the tests that drive Debian's Chromium through Playwright."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.paths import ARTEFACTS, REPO  # noqa: F401 - browser tests take ARTEFACTS from here

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served_app(db: Path, workdir: Path, extra_env: dict | None = None):
    """Run app.py as a user would, on its own port, against the given database."""
    port = free_port()
    env = {**os.environ, "SCORECARD_DB": str(db), "SCORECARD_PORT": str(port),
           "SCORECARD_DATA": str(workdir / "data"), **(extra_env or {})}  # uploads in workdir/data/uploads
    log = (workdir / "app.log").open("w")
    process = subprocess.Popen([sys.executable, str(REPO / "app.py")], cwd=workdir, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/loads", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.time() > deadline:
                    raise RuntimeError((workdir / "app.log").read_text())
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def wait_until_ready(page) -> None:
    """Dash has drawn the page: the renderer is idle and the main region exists."""
    page.wait_for_selector("#main", timeout=20_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=20_000
    )
