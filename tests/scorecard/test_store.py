"""The store on DuckDB and on a real PostgreSQL server: schema, versioned writes, preview,
revert, and identical results from both."""

from datetime import date, datetime

import pandas as pd
import pytest
import sqlalchemy as sa

from scorecard import schema
from scorecard.store import Batch, RevertError, Store

pytestmark = pytest.mark.postgres


def observations(*rows) -> pd.DataFrame:
    """(indicator, area, period label, period end, value, status) rows as an observation frame."""
    return pd.DataFrame([
        {"indicator_id": indicator, "area_code": area, "period": period, "breakdown": "all",
         "period_type": "financial_year", "period_start": date(end.year - 1, 4, 1), "period_end": end,
         "numerator": None, "denominator": None, "value": value, "status": status}
        for indicator, area, period, end, value, status in rows
    ])


def load_row(name: str) -> dict:
    return {"file_name": name, "sha256": name, "kind": "test", "user_name": "tester",
            "loaded_at": datetime(2026, 11, 23, 9, 0), "rows_read": 0, "rows_new": 0, "rows_revised": 0,
            "rows_unchanged": 0, "warnings": 0, "status": "loaded"}


MARCH_24, MARCH_25 = date(2024, 3, 31), date(2025, 3, 31)
FIRST = observations(
    ("cla_rate", "E08000027", "31 Mar 2024", MARCH_24, 82.0, ""),
    ("cla_rate", "E08000027", "31 Mar 2025", MARCH_25, 81.0, ""),
    ("cla_rate", "E09000001", "31 Mar 2025", MARCH_25, None, "c"),
)
SECOND = observations(
    ("cla_rate", "E08000027", "31 Mar 2025", MARCH_25, 80.0, ""),  # revised
    ("cla_rate", "E08000027", "31 Mar 2024", MARCH_24, 82.0, ""),  # unchanged
    ("cla_rate", "E92000001", "31 Mar 2025", MARCH_25, 67.0, ""),  # new
)


def current(store: Store) -> list[tuple]:
    frame = store.table(schema.observation).sort_values(["area_code", "period"])
    return [(r.area_code, r.period, None if pd.isna(r.value) else r.value, r.status, r.load_id)
            for r in frame.itertuples()]


def test_schema_creation_is_idempotent_and_versioned(store):
    store.create_schema()
    store.create_schema()
    assert store.schema_version() == schema.SCHEMA_VERSION
    with store.engine.connect() as connection:
        versions = connection.execute(sa.select(sa.func.count()).select_from(schema.schema_version)).scalar()
    assert versions == 1


def test_a_newer_schema_is_refused(store):
    with store.engine.begin() as connection:
        connection.execute(schema.schema_version.insert().values(version=schema.SCHEMA_VERSION + 1,
                                                                 applied_at=datetime.now()))
    with pytest.raises(RuntimeError, match="newer than this Scorecard"):
        store.create_schema()


def test_a_duplicate_observation_is_impossible(store):
    store.apply(Batch({"observation": FIRST}), load_row("first"))
    duplicate = FIRST.iloc[:1].assign(load_id=1).to_dict("records")
    with pytest.raises(sa.exc.IntegrityError):
        with store.engine.begin() as connection:
            connection.execute(schema.observation.insert(), duplicate)


def test_a_batch_repeating_a_key_loads_nothing_even_into_an_empty_table(store):
    # An empty table takes the batch without comparing: the key still refuses the repeat.
    repeated = pd.concat([FIRST, FIRST.iloc[:1]], ignore_index=True)
    with pytest.raises(sa.exc.IntegrityError):
        store.apply(Batch({"observation": repeated}), load_row("repeated"))
    assert current(store) == [] and store.loads().empty


def test_a_large_batch_on_duckdb_keeps_its_key_and_the_connection_settings(tmp_path):
    # Large batches new to the table are inserted in parallel: the key is still enforced,
    # the failed load leaves nothing, and the connection is put back as it was either way.
    from scorecard import store as store_module

    size = store_module.PARALLEL_INSERT_ROWS + 1
    rows = pd.DataFrame({
        "indicator_id": "cla_rate", "area_code": [f"A{number:07d}" for number in range(size)],
        "period": "31 Mar 2025", "breakdown": "all", "period_type": "financial_year",
        "period_start": date(2024, 4, 1), "period_end": MARCH_25, "numerator": None, "denominator": None,
        "value": 1.0, "status": "",
    })
    with Store.open(tmp_path / "large.duckdb", create=True) as store:
        def insertion_order() -> bool:
            with store.engine.connect() as connection:
                return connection.execute(sa.text("SELECT current_setting('preserve_insertion_order')")).scalar()

        repeated = pd.concat([rows, rows.iloc[[size // 2]]], ignore_index=True)
        with pytest.raises(sa.exc.IntegrityError):
            store.apply(Batch({"observation": repeated}), load_row("repeated"))
        assert store.table(schema.observation).empty and store.loads().empty
        assert insertion_order() is True
        _, change = store.apply(Batch({"observation": rows}), load_row("large"))
        assert change.new == size and len(store.table(schema.observation)) == size
        assert insertion_order() is True
        _, again = store.apply(Batch({"observation": rows.assign(value=2.0)}), load_row("revised"))
        assert (again.new, again.revised, again.unchanged) == (0, size, 0)


def test_text_held_as_categories_loads_as_text(store):
    # Loaders may hand over key columns as pandas categories (LAIT does): the same rows result.
    as_categories = FIRST.astype({name: "category" for name in ["indicator_id", "area_code", "period", "status"]})
    preview = store.preview(Batch({"observation": as_categories}))
    assert (preview.new, preview.revised, preview.unchanged) == (3, 0, 0)
    load_id, _ = store.apply(Batch({"observation": as_categories}), load_row("categories"))
    assert ("E09000001", "31 Mar 2025", None, "c", load_id) in current(store)
    _, again = store.apply(Batch({"observation": FIRST}), load_row("text"))
    assert (again.new, again.revised, again.unchanged) == (0, 0, 3)


def test_the_period_index_is_kept_where_it_is_used(store):
    # PostgreSQL reads observation_by_period; DuckDB's plans never do, so it is not made there.
    if store.is_duckdb:
        with store.engine.connect() as connection:
            indexes = set(connection.execute(sa.text("SELECT index_name FROM duckdb_indexes()")).scalars())
        assert "observation_by_period" not in indexes
    else:
        indexes = {index["name"] for index in sa.inspect(store.engine).get_indexes("observation")}
        assert "observation_by_period" in indexes


def test_versioned_writes_preview_and_revert(store):
    first_id, change = store.apply(Batch({"observation": FIRST}), load_row("first"))
    assert (change.new, change.revised, change.unchanged) == (3, 0, 0)
    before = current(store)
    assert ("E09000001", "31 Mar 2025", None, "c", first_id) in before  # a symbol is never a zero

    preview = store.preview(Batch({"observation": SECOND}))
    assert (preview.new, preview.revised, preview.unchanged) == (1, 1, 1)
    revised = preview.revisions.iloc[0]
    assert (revised["old_value"], revised["new_value"]) == (81.0, 80.0)
    assert current(store) == before  # preview wrote nothing

    second_id, change = store.apply(Batch({"observation": SECOND}), load_row("second"))
    assert (change.new, change.revised, change.unchanged) == (1, 1, 1)
    after = current(store)
    assert ("E08000027", "31 Mar 2025", 80.0, "", second_id) in after
    history = store.table(schema.observation_revision)
    assert history[["value", "load_id", "superseded_by_load"]].values.tolist() == [[81.0, first_id, second_id]]
    loads = store.loads().set_index("id")
    assert loads.loc[second_id, "rows_revised"] == 1

    with pytest.raises(RevertError, match="revised figures it wrote"):
        store.revert(first_id)
    store.revert(second_id)
    assert current(store) == before
    assert store.table(schema.observation_revision).empty
    assert store.loads().set_index("id").loc[second_id, "status"] == "reverted"
    with pytest.raises(RevertError, match="already reverted"):
        store.revert(second_id)


def test_a_failure_inside_a_load_leaves_nothing_behind(store, monkeypatch):
    store.apply(Batch({"observation": FIRST}), load_row("first"))
    before, loads_before = current(store), len(store.loads())

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_write_versioned", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        store.apply(Batch({"observation": SECOND}), load_row("second"))
    assert current(store) == before
    assert len(store.loads()) == loads_before


def test_commentary_versions_are_kept(store):
    first = store.add_commentary("cla_rate", "E08000027", "2024-25 Q4", "First thoughts", "amy")
    second = store.add_commentary("cla_rate", "E08000027", "2024-25 Q4", "Better thoughts", "ben")
    notes = store.table(schema.commentary).sort_values("id")
    assert notes["text"].tolist() == ["First thoughts", "Better thoughts"]
    assert notes.set_index("id").loc[second, "supersedes"] == first


def test_both_backends_give_the_same_scorecard(postgres_server, tmp_path):
    from scorecard.areas import load_areas
    from scorecard.catalogue import load_catalogue
    from service.demo import write_demo
    from scorecard.periods import parse_period
    from scorecard.quarterly import quarterly_scorecard
    from scorecard.reference import sync_reference

    catalogue, areas = load_catalogue(), load_areas()
    frames = []
    for url in (str(tmp_path / "demo.duckdb"), postgres_server.new_database()):
        with Store.open(url, create=True) as opened:
            sync_reference(opened, catalogue, areas)
            write_demo(opened, catalogue, areas, today=date(2026, 11, 22))
            card = quarterly_scorecard(opened, catalogue, areas, "E08000027", parse_period("2026-27 Q2"))
            frames.append(card.frame())
    pd.testing.assert_frame_equal(frames[0], frames[1])
    assert frames[0]["value"].notna().sum() > 40
