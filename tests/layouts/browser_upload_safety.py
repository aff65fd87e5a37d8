"""Hostile uploads through the real upload page in Chromium: a zip bomb, macro workbooks
(.xlsm, and .xlsx holding vbaProject.bin), an XML entity attack ('billion laughs') and a
file over the size limit. Each is refused quickly with a plain message; the server's memory
stays level and the database is exactly as it was."""

import os
import time
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect, sync_playwright

from scorecard import schema
from service.cli import main
from scorecard.store import Store
from tests.browser import launch, served_app, wait_until_ready
from tests.workbooks import dudley_cla_csv
from tests.loaders.test_xml_entities import SHEET, plain_workbook, rewritten, with_laughs

pytestmark = pytest.mark.browser

LIMIT_MB = 50
QUICK_SECONDS = 15  # generous on a shared 2-core machine; a parsed bomb would take far longer
MEMORY_GROWTH_MB = 150  # the bomb alone would unpack to 400 MB


def zip_bomb(folder: Path) -> Path:
    """A workbook whose sheet unpacks to 400 MB of zeros from well under 1 MB."""
    path = folder / "bomb.xlsx"
    with zipfile.ZipFile(plain_workbook(folder)) as plain, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for member in plain.infolist():
            if member.filename != SHEET:
                out.writestr(member, plain.read(member))
        with out.open(SHEET, "w", force_zip64=True) as sheet:
            block = b"0" * (1 << 20)
            for _ in range(400):
                sheet.write(block)
    return path


def with_macros(folder: Path) -> Path:
    path = folder / "figures.xlsx"
    with zipfile.ZipFile(plain_workbook(folder)) as plain, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for member in plain.infolist():
            out.writestr(member, plain.read(member))
        out.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 a macro project")
    return path


def macro_named(folder: Path) -> Path:
    path = folder / "figures.xlsm"
    path.write_bytes(plain_workbook(folder).read_bytes())
    return path


def counts(db: Path) -> tuple[int, int]:
    with Store.open(db) as store, store.engine.connect() as connection:
        return tuple(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                     for table in (schema.load, schema.observation))


def server_pid(base: str) -> int:
    """The app process served_app started for this address (a child of this process)."""
    port = base.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            environment = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if parent == os.getpid() and f"SCORECARD_PORT={port}".encode() in environment:
            return int(entry.name)
    raise AssertionError(f"no app process on port {port}")


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_hostile_uploads_are_refused_quickly_and_change_nothing(tmp_path_factory, tmp_path):
    folder = tmp_path_factory.mktemp("served")
    db = folder / "demo.duckdb"
    assert main(["demo", "--db", str(db)]) == 0
    before = counts(db)
    files = {}
    for name, make, expected in [
        ("zip bomb", zip_bomb, "(a 'zip bomb'), so it is not opened"),
        (".xlsm", macro_named, "'.xlsm' workbooks can hold macros, which Scorecard never opens"),
        ("vbaProject.bin", with_macros, "the workbook contains macros (vbaProject.bin)"),
        ("billion laughs", lambda where: rewritten(where, SHEET, with_laughs), "declares a DOCTYPE"),
    ]:
        where = tmp_path / name.replace(" ", "_").replace(".", "")
        where.mkdir()
        files[name] = (make(where), expected)
    assert zipfile.ZipFile(files["zip bomb"][0]).getinfo(SHEET).file_size == 400 << 20
    assert files["zip bomb"][0].stat().st_size < 1 << 20
    too_big = tmp_path / "huge.csv"
    with too_big.open("wb") as handle:
        handle.truncate((LIMIT_MB + 1) << 20)  # sparse: costs no disk
    good = dudley_cla_csv(tmp_path / "cla_dudley.csv")
    with served_app(db, folder) as base, sync_playwright() as playwright:
        pid = server_pid(base)
        browser = launch(playwright)
        page = browser.new_page()
        page.goto(base + "/upload")
        wait_until_ready(page)
        chooser, report = "#upload-file input[type=file]", page.locator("#upload-report")
        # A good file first, so the loaders are imported and warm before measuring memory.
        page.set_input_files(chooser, str(good))
        expect(report).to_contain_text("ready to load")
        page.get_by_role("button", name="Cancel").click()
        expect(page.locator("#upload-result")).to_contain_text("Nothing was loaded")
        settled = peak_memory_mb(pid)
        for name, (path, expected) in files.items():
            started = time.monotonic()
            page.set_input_files(chooser, str(path))
            expect(report).to_contain_text(f"{path.name} cannot be loaded", timeout=QUICK_SECONDS * 1000)
            expect(report).to_contain_text(expected)
            assert time.monotonic() - started < QUICK_SECONDS, name
            expect(page.get_by_role("button", name="Confirm and load")).to_be_disabled()
        sent = []
        page.on("request", lambda request: "_dash-update-component" in request.url and sent.append(request))
        page.set_input_files(chooser, str(too_big))
        notice = page.locator("#upload-too-big")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text(f"huge.csv is larger than {LIMIT_MB} MB")
        page.wait_for_timeout(500)
        assert sent == []  # never sent to the server at all
        grown = peak_memory_mb(pid) - settled
        assert grown < MEMORY_GROWTH_MB, f"the server's peak memory grew by {grown:.0f} MB"
        assert not list((folder / "data" / "uploads").glob("*"))  # refused files are not kept
        browser.close()
    assert counts(db) == before
