"""Housekeeping: uploads never confirmed and files of failed loads go after `upload_hours`."""

import os
import time
from pathlib import Path

from service import housekeeping, uploads


def aged(path: Path, hours: float) -> Path:
    path.write_bytes(b"figures")
    then = time.time() - hours * 3600
    os.utime(path, (then, then))
    return path


def test_files_older_than_the_setting_are_removed_and_newer_ones_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("SCORECARD_UPLOAD_HOURS", "24")
    old = aged(tmp_path / "0123456789abcdef0123456789abcdef.csv", 25)  # checked a day ago, never confirmed
    recent = aged(tmp_path / "fedcba9876543210fedcba9876543210.xlsx", 2)  # someone is deciding now
    assert housekeeping.remove_stale_uploads(tmp_path) == [old]
    assert not old.exists() and recent.exists()
    monkeypatch.setenv("SCORECARD_UPLOAD_HOURS", "1")
    assert housekeeping.remove_stale_uploads(tmp_path) == [recent]
    assert housekeeping.remove_stale_uploads(tmp_path / "none") == []


def test_every_new_upload_clears_what_earlier_ones_left(tmp_path, monkeypatch):
    """A load killed part-way leaves its file: the next upload removes it once it is old enough."""
    monkeypatch.setenv("SCORECARD_UPLOADS", str(tmp_path / "uploads"))
    uploads.folder().mkdir(parents=True)
    left = aged(uploads.folder() / "0123456789abcdef0123456789abcdef.csv", 30)
    kept = uploads.keep("data:text/csv;base64,QUJD", "new.csv")
    assert kept.exists() and not left.exists()
