"""The audit log on DuckDB and PostgreSQL: every load, revert and commentary change recorded
with who, when, before and after; nothing rewritten; a failed change leaves no entry; the
download cannot carry formulas."""

import csv
import io

import pandas as pd
import pytest
import sqlalchemy as sa

from scorecard.store import Batch
from service import audit
from tests.scorecard.test_store import FIRST, SECOND, load_row

pytestmark = pytest.mark.postgres


def test_loads_and_reverts_are_recorded_with_who_and_what(store):
    first, _ = store.apply(Batch(tables={"observation": FIRST}), load_row("first.xlsx"))
    second, _ = store.apply(Batch(tables={"observation": SECOND}), dict(load_row("second.xlsx"), user_name="ben"))
    before_revert = audit.entries(store)
    store.revert(second, by="carol")
    log = audit.entries(store)
    assert [(e["action"], e["who"]) for e in log] == [("load", "tester"), ("load", "ben"), ("revert", "carol")]
    assert log[0]["subject"] == f"load {first}: first.xlsx"
    assert log[1]["after_value"] == "1 new, 1 revised, 1 unchanged"
    assert (log[2]["before_value"], log[2]["after_value"]) == ("loaded", "reverted")
    assert log[:2] == before_revert  # earlier entries are never rewritten
    assert all(e["happened_at"] is not None for e in log)


def test_a_failed_load_leaves_no_entry(store, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_write_versioned", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        store.apply(Batch(tables={"observation": FIRST}), load_row("first.xlsx"))
    assert audit.entries(store) == []


def test_commentary_edits_keep_before_and_after(store):
    store.add_commentary("cla_rate", "E08000027", "2025-26 Q3", "Rising since June.", "amy")
    store.add_commentary("cla_rate", "E08000027", "2025-26 Q3", "Rising since July.", "ben")
    log = audit.entries(store)
    assert [(e["who"], e["before_value"], e["after_value"]) for e in log] == [
        ("amy", None, "Rising since June."), ("ben", "Rising since June.", "Rising since July.")]
    assert log[1]["subject"] == "cla_rate E08000027 2025-26 Q3"


def test_an_entry_rolls_back_with_its_change(store):
    repeated = pd.concat([FIRST, FIRST.iloc[:1]], ignore_index=True)  # the key twice: the load fails
    with pytest.raises(sa.exc.IntegrityError):
        store.apply(Batch({"observation": repeated}), load_row("repeated"))
    assert audit.entries(store) == []


def test_the_download_is_formula_safe(store):
    store.apply(Batch(tables={"observation": FIRST}), load_row("=HYPERLINK(\"http://x\").xlsx"))
    rows = list(csv.reader(io.StringIO(audit.download_csv(store))))
    assert rows[0] == audit.COLUMNS
    subject = rows[1][audit.COLUMNS.index("subject")]
    assert subject.startswith("load ")  # the file name is inside, not at the start
    store.add_commentary("cla_rate", "E08000027", "2025-26 Q3", "=1+1", "@amy")
    rows = list(csv.reader(io.StringIO(audit.download_csv(store))))
    assert rows[2][audit.COLUMNS.index("who")] == "'@amy"
    assert rows[2][audit.COLUMNS.index("after_value")] == "'=1+1"
    with store.engine.connect() as connection:
        stored = connection.execute(sa.select(sa.func.count()).select_from(sa.table("audit"))).scalar()
    assert stored == 2


def test_latest_entries_come_newest_first_with_the_total(store):
    for number in range(5):
        store.add_commentary("cla_rate", "E08000027", "2025-26 Q3", f"Note {number}.", "amy")
    shown, total = audit.latest(store, 3)
    assert total == 5
    assert [entry["after_value"] for entry in shown] == ["Note 4.", "Note 3.", "Note 2."]
    assert shown == list(reversed(audit.entries(store)))[:3]
