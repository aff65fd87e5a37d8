"""Backup and restore for either backend: one zip of Parquet files, one per table, with a
manifest. A backup taken from DuckDB restores into PostgreSQL and the other way round."""

import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from scorecard import audit, schema
from scorecard.store import Store

MANIFEST = "manifest.json"


class BackupError(ValueError):
    """A file that is not a Scorecard backup, or one from a newer Scorecard."""


def _sequences() -> list[tuple[sa.Sequence, sa.Table, str]]:
    found = []
    for table in schema.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.default, sa.Sequence):
                found.append((column.default, table, column.name))
    return found


def backup(store: Store, path: Path) -> dict:
    """Write every table to `path`; returns the manifest (row counts per table)."""
    counts = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in schema.metadata.sorted_tables:
            frame = store.frame(sa.select(table))
            buffer = io.BytesIO()
            frame.to_parquet(buffer, index=False)
            archive.writestr(f"{table.name}.parquet", buffer.getvalue())
            counts[table.name] = len(frame)
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
    if manifest["schema_version"] > schema.SCHEMA_VERSION:
        raise BackupError(f"{path} comes from a newer Scorecard (schema {manifest['schema_version']}). Upgrade first.")
    store.create_schema()
    with archive, store.engine.begin() as connection:
        for table in reversed(schema.metadata.sorted_tables):
            connection.execute(table.delete())
        for table in schema.metadata.sorted_tables:
            frame = pd.read_parquet(io.BytesIO(archive.read(f"{table.name}.parquet")))
            if len(frame):
                records = frame.astype(object).where(frame.notna(), None).to_dict("records")
                connection.execute(table.insert(), records)
        for sequence, table, column in _sequences():
            highest = connection.execute(sa.select(sa.func.max(table.c[column]))).scalar() or 0
            _move_sequence_past(connection, sequence, highest)
        audit.record(connection, by, "restore", str(path), None, f"backup taken {manifest['taken_at']}")
    return manifest


def _move_sequence_past(connection, sequence: sa.Sequence, highest: int) -> None:
    """So new loads and commentary get ids after the restored ones."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text(f"SELECT setval('{sequence.name}', {max(highest, 1)}, {highest > 0})"))
        return
    # DuckDB has no setval: draw the numbers in one query instead.
    drawn = connection.execute(sa.select(sequence.next_value())).scalar()
    if drawn < highest:
        connection.execute(sa.text(f"SELECT max(nextval('{sequence.name}')) FROM range({highest - drawn})"))
