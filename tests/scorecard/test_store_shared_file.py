"""The DuckDB file is held only while it is used (scorecard/store.py, _SharedFile): free for
another process after a query outside any block, held through an in_use() block and briefly
after it (so a page's burst of requests shares one opening), free at once when the store
closes; a process that finds it held waits for it."""

import subprocess
import sys
import time

from scorecard.store import Store

TRY_OPEN = "import duckdb, sys; duckdb.connect(sys.argv[1]).close()"


def another_process_can_open(path) -> bool:
    done = subprocess.run([sys.executable, "-c", TRY_OPEN, str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0 or "lock" in done.stderr, done.stderr
    return done.returncode == 0


def test_the_file_is_held_only_while_it_is_in_use(tmp_path, monkeypatch):
    path = tmp_path / "scorecard.duckdb"
    store = Store.open(path, create=True)
    try:
        time.sleep(store._shared.LINGER + 0.2)  # past the linger of opening's own block
        assert store.schema_version() is not None
        assert another_process_can_open(path)  # after a query outside any block
        with store.in_use():
            store.schema_version()
            assert not another_process_can_open(path)
        assert store._shared.anchor is not None  # still open for the linger
        time.sleep(store._shared.LINGER + 0.2)
        assert another_process_can_open(path)
        with store.in_use():
            store.schema_version()
    finally:
        store.close()
    assert another_process_can_open(path)  # at once on close


def test_a_store_waits_for_the_file_another_process_holds(tmp_path):
    path = tmp_path / "scorecard.duckdb"
    Store.open(path, create=True).close()
    hold = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True); time.sleep(1.5)"
    holder = subprocess.Popen([sys.executable, "-c", hold, str(path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "open"
    started = time.monotonic()
    with Store.open(path) as store:
        assert store.schema_version() is not None
    assert time.monotonic() - started > 0.5  # it waited, then opened the file
    holder.wait(timeout=10)
