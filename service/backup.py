"""Backup and restore for either backend: one zip of Parquet files, one per table, with a
manifest. A backup taken from DuckDB restores into PostgreSQL and the other way round.

A backup holds nothing that lets anyone in: no sessions, no sign-in attempts, and no cookie
key (an older Scorecard kept one in the `setting` table; it is left out). A restore never
removes an audit entry: the log keeps its entries, gains the backup's entries it lacks, and
records the restore. Who may sign in is decided now, not by the backup: a database with users
keeps them as they are (a user removed since the backup stays removed) and the restore says
which of the backup's users it left out; into a database with no users, the backup's users
come back and the restore names them."""

import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd

from scorecard.schema import SCHEMA_VERSION
from scorecard.store import Store

MANIFEST = "manifest.json"
NOT_BACKED_UP = {"user_session", "sign_in_attempt"}  # live sign-in state, never copied
SECRET_SETTINGS = {"session_secret"}  # where an older Scorecard kept its cookie key
USER_TABLES = frozenset({"app_user", "api_token"})


class BackupError(ValueError):
    """A file that is not a Scorecard backup, or one from a newer Scorecard."""


def backup(store: Store, path: Path) -> dict:
    """Write every table to `path`; returns the manifest (row counts per table)."""
    counts = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, frame in store.every_table().items():
            if name in NOT_BACKED_UP:
                continue
            frame = _without_secrets(name, frame)
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
        frames = {name: _without_secrets(name, pd.read_parquet(io.BytesIO(archive.read(f"{name}.parquet"))))
                  for name in manifest["tables"] if name not in NOT_BACKED_UP}
    now = {user["username"]: user["role"] for user in store.users()}
    backed_up = frames.get("app_user")
    then = dict(zip(backed_up["username"], backed_up["role"])) if backed_up is not None else {}
    if now:
        keep, note = USER_TABLES | NOT_BACKED_UP, _kept_users(now, then)
    else:
        keep, note = frozenset(NOT_BACKED_UP), _restored_users(then)
    store.replace_everything(frames, by, str(path), f"backup taken {manifest['taken_at']}. {note}", keep=keep)
    return {**manifest, "users": note}


def _without_secrets(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    if name == "setting" and "key" in frame:
        return frame[~frame["key"].isin(SECRET_SETTINGS)].reset_index(drop=True)
    return frame


def _kept_users(now: dict, then: dict) -> str:
    note = f"Users kept as they are now ({len(now)}): the backup's users were not restored."
    gone = sorted(set(then) - set(now))
    if gone:
        note += (f" Not users now, so left out: {', '.join(gone)}. Add them again with 'scorecard users add' "
                 "if they should have access.")
    changed = sorted(name for name in set(then) & set(now) if then[name] != now[name])
    if changed:
        note += " Roles kept as now: " + ", ".join(f"{name} ({now[name]}, was {then[name]})" for name in changed) + "."
    return note


def _restored_users(then: dict) -> str:
    if not then:
        return "No users in the backup: sign-in stays off until one is added."
    return ("Users restored from the backup, who can sign in now: "
            + ", ".join(f"{name} ({role})" for name, role in sorted(then.items())) + ".")
