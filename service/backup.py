"""Backup and restore for either backend: one zip of Parquet files, one per table, with a
manifest. A backup taken from DuckDB restores into PostgreSQL and the other way round."""

import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd

from scorecard.schema import SCHEMA_VERSION
from scorecard.store import Store

MANIFEST = "manifest.json"


class BackupError(ValueError):
    """A file that is not a Scorecard backup, or one from a newer Scorecard."""


def backup(store: Store, path: Path) -> dict:
    """Write every table to `path`; returns the manifest (row counts per table)."""
    counts = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, frame in store.every_table().items():
            buffer = io.BytesIO()
            frame.to_parquet(buffer, index=False)
            archive.writestr(f"{name}.parquet", buffer.getvalue())
            counts[name] = len(frame)
        manifest = {"schema_version": store.schema_version(), "taken_at": datetime.now().isoformat(timespec="seconds"),
                    "tables": counts}
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
    return manifest


def restore(store: Store, path: Path, by: str = "command line") -> dict:
    """Replace everything in the store with the backup's content, in one transaction."""
    try:
        archive = zipfile.ZipFile(path)
        manifest = json.loads(archive.read(MANIFEST))
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as bad:
        raise BackupError(f"{path}: not a Scorecard backup ({bad}). Use a file made by 'scorecard backup'.") from bad
    if manifest["schema_version"] > SCHEMA_VERSION:
        raise BackupError(f"{path} comes from a newer Scorecard (schema {manifest['schema_version']}). Upgrade first.")
    with archive:
        frames = {name: pd.read_parquet(io.BytesIO(archive.read(f"{name}.parquet"))) for name in manifest["tables"]}
    store.replace_everything(frames, by, str(path), f"backup taken {manifest['taken_at']}")
    return manifest
