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
