"""Backup and restore give back identical content, on each backend and across them."""


import pandas as pd
import pytest
import sqlalchemy as sa

from scorecard import schema
from service.cli import main
from scorecard.store import Store

pytestmark = pytest.mark.postgres


def content(url: str) -> dict[str, pd.DataFrame]:
    with Store.open(url) as store:
        frames = {}
        for table in schema.metadata.sorted_tables:
            keys = [column.name for column in table.columns]
            frame = store.frame(sa.select(table)).sort_values(keys[:6]).reset_index(drop=True)
            frames[table.name] = frame.astype(object).where(frame.notna(), None)
        return frames


@pytest.mark.parametrize("source, target", [("duckdb", "duckdb"), ("postgresql", "postgresql"), ("duckdb", "postgresql")])
def test_restore_gives_identical_content(source, target, tmp_path, postgres_server, capsys):
    def url(kind, name):
        return str(tmp_path / f"{name}.duckdb") if kind == "duckdb" else postgres_server.new_database()

    original, restored = url(source, "original"), url(target, "restored")
    assert main(["demo", "--db", original]) == 0
    with Store.open(original) as store:
        store.add_commentary("cla_rate", "E08000027", "2026-27 Q2", "Note with 'quotes' and =formula", "amy")
    backup_file = tmp_path / "scorecard-backup.zip"
    assert main(["backup", backup_file.as_posix(), "--db", original]) == 0
    assert main(["restore", backup_file.as_posix(), "--db", restored]) == 0
    before, after = content(original), content(restored)
    assert before["observation"].shape[0] > 30000
    for name in before:
        if name == "audit":  # the restore itself is recorded on top of the restored log
            assert after[name].iloc[-1]["action"] == "restore"
            after[name] = after[name].iloc[:-1]
        pd.testing.assert_frame_equal(before[name], after[name], check_dtype=False, obj=name)
    # New ids follow the restored ones.
    with Store.open(restored) as store:
        newest = store.add_commentary("cla_rate", "E08000027", "2026-27 Q2", "After restore", "ben")
        assert newest > int(before["commentary"]["id"].max())


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, capsys):
    bogus = tmp_path / "bogus.zip"
    bogus.write_bytes(b"not a zip")
    assert main(["restore", str(bogus), "--db", str(tmp_path / "x.duckdb")]) == 2
    assert "not a Scorecard backup" in capsys.readouterr().err


def audit_trail(store: Store) -> list[tuple]:
    return [(e["id"], e["who"], e["action"], e["subject"]) for e in store.audit_entries()]


@pytest.mark.parametrize("backend", ["duckdb", "postgresql"])
def test_restore_keeps_the_audit_trail_and_appends_itself(backend, tmp_path, postgres_server, capsys):
    """Work after the backup is audited; restoring the backup removes none of those entries."""
    from service import backup, users

    db = str(tmp_path / "db.duckdb") if backend == "duckdb" else postgres_server.new_database()
    with Store.open(db, create=True) as store:
        store.add_commentary("cla_rate", "E08000027", "2026-27 Q1", "written before the backup", "amy")
        users.add_user(store, "ada", "admin", "a long enough password", by="test")
        users.add_user(store, "tempanalyst", "analyst", "a long enough password", by="ada")
        backup.backup(store, tmp_path / "backup.zip")
        store.add_commentary("cla_rate", "E08000027", "2026-27 Q2", "written after the backup", "tempanalyst")
        users.remove_user(store, "tempanalyst", by="ada")
        before = audit_trail(store)
    assert main(["restore", str(tmp_path / "backup.zip"), "--db", db]) == 0
    said = capsys.readouterr().out
    with Store.open(db) as store:
        after = audit_trail(store)
        assert after[:len(before)] == before  # every entry kept, with its id
        assert len(after) == len(before) + 1 and after[-1][2] == "restore"
        assert "left out: tempanalyst" in store.audit_entries()[-1]["after_value"]
        # The commentary itself goes back to the backup's; its audit entry stays.
        assert "written after the backup" not in str(store.commentary_history("cla_rate", "E08000027"))
        assert any(entry[2] == "commentary" for entry in after)
        # A removed user is not brought back by the backup's user table, and the restore says so.
        assert users.get_user(store, "tempanalyst") is None
        assert users.authenticate(store, "tempanalyst", "a long enough password") is None
        assert users.get_user(store, "ada")["role"] == "admin"
    assert "left out: tempanalyst" in said


def test_restore_into_an_empty_database_brings_the_log_and_names_the_users(tmp_path, capsys):
    from service import backup, users

    original, fresh = str(tmp_path / "original.duckdb"), str(tmp_path / "fresh.duckdb")
    with Store.open(original, create=True) as store:
        store.add_commentary("cla_rate", "E08000027", "2026-27 Q1", "a note", "amy")
        users.add_user(store, "ada", "admin", "a long enough password", by="test")
        backup.backup(store, tmp_path / "backup.zip")
        logged = audit_trail(store)
    capsys.readouterr()
    assert main(["restore", str(tmp_path / "backup.zip"), "--db", fresh]) == 0
    assert "Users restored from the backup, who can sign in now: ada (admin)" in capsys.readouterr().out
    with Store.open(fresh) as store:
        assert audit_trail(store)[:-1] == logged and audit_trail(store)[-1][2] == "restore"
        assert users.authenticate(store, "ada", "a long enough password") is not None


def test_a_backup_holds_no_sessions_attempts_or_cookie_key(tmp_path):
    import zipfile

    from service import backup, sessions, users

    db = str(tmp_path / "db.duckdb")
    with Store.open(db, create=True) as store:
        users.add_user(store, "ada", "admin", "a long enough password", by="test")
        sessions.start(store, "ada")
        store.take_attempt({"user:ada": 5}, since=pd.Timestamp("2000-01-01").to_pydatetime())
        store.set_setting("session_secret", "an older Scorecard's cookie key")
        backup.backup(store, tmp_path / "backup.zip")
    with zipfile.ZipFile(tmp_path / "backup.zip") as archive:
        names = archive.namelist()
        everything = b"".join(archive.read(name) for name in names)
    assert "user_session.parquet" not in names and "sign_in_attempt.parquet" not in names
    assert b"an older Scorecard's cookie key" not in everything
