"""Install and run anywhere: the built wheel, installed into a fresh virtual environment outside
the repository, gives a working `scorecard` (demo, show, serve with /healthz), reading its
catalogue and reference data from the package and writing its database to the user's data
folder, never into the package.

Offline and quick: the wheel is built without build isolation (this environment's
setuptools), and the fresh environment sees this environment's installed packages through a
.pth file, so pip resolves the wheel's dependencies against them with --no-index and
downloads nothing."""

import json
import os
import subprocess
import sys
import sysconfig
import urllib.request
import zipfile
from pathlib import Path

from tests.browser import free_port
from tests.paths import REPO
from tests.service.test_serve import wait_for

SOURCES = ["pyproject.toml", "README.md", "app.py", "scorecard", "loaders", "service", "layouts", "data", "assets"]
PACKAGES = ["scorecard", "loaders", "service", "layouts"]


def run(command: list, **options) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False, **options)
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done


def copy_sources(into: Path) -> None:
    """The repository's tracked source, as pip would see it (no databases, uploads or caches)."""
    tracked = run(["git", "ls-files", "--cached", "--others", "--exclude-standard", *SOURCES], cwd=REPO).stdout
    for name in tracked.split():
        if (REPO / name).is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            (into / name).write_bytes((REPO / name).read_bytes())


def test_the_wheel_installs_into_a_fresh_environment_and_runs_demo_show_and_serve(tmp_path):
    source, wheels = tmp_path / "source", tmp_path / "wheels"
    copy_sources(source)
    quiet = {**os.environ, "PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
         "-w", str(wheels), str(source)], env=quiet)
    (wheel,) = wheels.glob("scorecard-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    modules = {str(path.relative_to(REPO)) for package in PACKAGES for path in (REPO / package).rglob("*.py")}
    assert modules - inside == set(), "modules left out of the wheel"
    assert {"app.py", "scorecard/data/indicators.yaml", "scorecard/data/sources.yaml", "scorecard/data/areas.csv",
            "scorecard/data/exceptions.yaml", "layouts/assets/scorecard.css"} <= inside
    assert not [name for name in inside if name.endswith((".duckdb", ".wal")) or "uploads/" in name]

    fresh = tmp_path / "fresh"
    run([sys.executable, "-m", "venv", "--without-pip", str(fresh)])
    site = Path(run([fresh / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
                    ).stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run([sys.executable, "-m", "pip", "--python", str(fresh / "bin" / "python"), "install", "--no-index", "-q",
         str(wheel)], env=quiet)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SCORECARD_", "PYTHON"))}
    env.update(XDG_DATA_HOME=str(tmp_path / "user-data"), SCORECARD_WARM="off")
    scorecard = str(fresh / "bin" / "scorecard")
    where = run([fresh / "bin" / "python", "-c", "import scorecard.catalogue as c; print(c.DEFAULT_CATALOGUE_PATH)"],
                cwd=elsewhere, env=env).stdout.strip()
    assert where == str(site / "scorecard" / "data" / "indicators.yaml")

    said = run([scorecard, "demo"], cwd=elsewhere, env=env).stdout
    database = tmp_path / "user-data" / "scorecard" / "scorecard.duckdb"
    assert str(database) in said and database.is_file()
    assert not list(site.rglob("*.duckdb")) and not list(elsewhere.iterdir())
    shown = run([scorecard, "show"], cwd=elsewhere, env=env).stdout
    assert "DEMONSTRATION DATA" in shown and "Dudley (E08000027)" in shown

    port = free_port()
    server = subprocess.Popen([scorecard, "serve", "--port", str(port)], cwd=elsewhere, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_for(base + "/healthz", server) == 200
        with urllib.request.urlopen(base + "/assets/scorecard.css", timeout=10) as css:
            assert css.status == 200 and b"{" in css.read()
        assert wait_for(base + "/scorecard", server) == 200
        with urllib.request.urlopen(base + "/api/v1/scorecard?area=E08000027", timeout=60) as answer:
            rows = json.load(answer)  # the installed app works a scorecard out from the packaged catalogue
        assert len(rows) > 20 and {row["indicator_id"] for row in rows} >= {"cla_rate"}
    finally:
        server.terminate()
        server.wait(timeout=20)
