"""Housekeeping: files in data/uploads that no one will use again are deleted after the setting
`upload_hours`: uploads checked but never confirmed or cancelled, and the files of loads that
failed or were killed part-way. It runs as `scorecard serve` starts and with every upload."""

import time
from pathlib import Path

from scorecard import settings


def remove_stale_uploads(folder: Path, hours: float | None = None) -> list[Path]:
    """Delete files in `folder` last changed more than `hours` ago; the files deleted."""
    hours = settings.value("upload_hours") if hours is None else hours
    if not folder.is_dir():
        return []
    cutoff = time.time() - hours * 3600
    removed = []
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:  # another worker got there first
            continue
    return removed
