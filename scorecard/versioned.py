"""Writes that keep their history: a load's batch goes into the versioned tables in one
transaction, each revised row is kept with the load that replaced it, so a revert restores
exactly what was there; and the audit log, written inside the same transactions.
"""

import contextlib
import threading
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from scorecard import schema

# A batch this large, new to the table, is inserted by DuckDB in parallel (see _write_staged).
PARALLEL_INSERT_ROWS = 100_000
NEW_ROWS_LISTED = 200  # a preview lists this many new rows per table, and counts the rest
AUDIT_COLUMNS = ["id", "happened_at", "who", "action", "subject", "before_value", "after_value"]


class RevertError(RuntimeError):
    """A load that cannot be reverted, with the reason."""


@dataclass
class Batch:
    """What one file would write: a DataFrame per versioned table, plus commentary, and the
    reference rows its figures need: the sources they came from and the benchmark
    indicators a file describes (LAIT's measures outside the catalogue). All of it is
    written in the load's one transaction."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    commentary: pd.DataFrame | None = None
    sources: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    # Per table, the columns a file may leave out, and each one's value for a new row: where the
    # file gives none, a stored row keeps its own (a typed target keeps the stored tolerance, a
    # typed value the stored count). A row with a symbol is given whole: it replaces the figure.
    keep: dict[str, dict[str, object]] = field(default_factory=dict)
    warnings: list[dict] = field(default_factory=list)  # location and message, kept with the load

    @property
    def rows(self) -> int:
        counted = sum(len(frame) for frame in self.tables.values())
        return counted + (0 if self.commentary is None else len(self.commentary))


@dataclass
class Change:
    """What a load does or would do, per table and in total."""

    new: int = 0
    revised: int = 0
    unchanged: int = 0
    revisions: pd.DataFrame | None = None  # key columns, old and new values
    new_rows: pd.DataFrame | None = None  # per table, up to NEW_ROWS_LISTED of the rows a preview adds
    sources: list[dict] = field(default_factory=list)  # the sources the batch names (a preview ranks them)

    def add(self, other: "Change") -> None:
        self.new += other.new
        self.revised += other.revised
        self.unchanged += other.unchanged


def record_audit(connection: sa.Connection, who: str, action: str, subject: str,
                 before: str | None, after: str | None) -> None:
    """Write an audit entry inside the caller's transaction, so it stands or falls with the change."""
    connection.execute(schema.audit.insert().values(
        happened_at=datetime.now().replace(microsecond=0), who=who, action=action, subject=subject,
        before_value=before, after_value=after,
    ))


# Writers of one database in this process, by URL; and the PostgreSQL advisory lock's key.
_WRITERS: dict[str, threading.Lock] = {}
WRITE_LOCK_KEY = 20_260_401


class VersionedWrites:
    """The Store's versioned writes; it needs the Store's `engine`, `is_duckdb` and `_upsert`."""

    @contextlib.contextmanager
    def one_writer(self):
        """Loads, reverts and reference writes one at a time: two confirmed at once would
        otherwise both write the same indicator rows, and one would fail at commit."""
        with _WRITERS.setdefault(self.url, threading.Lock()):
            yield

    def serialise(self, connection: sa.Connection) -> None:
        """Across processes too (gunicorn workers) on PostgreSQL: a lock the transaction holds
        until it ends. DuckDB lets one process write a file, so the thread lock is enough."""
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})

    def preview(self, batch: Batch) -> Change:
        """What applying the batch would change, without changing anything."""
        with self.engine.connect() as connection:
            try:
                change = Change()
                revisions, new_rows = [], []
                for name, frame in batch.tables.items():
                    frame = self._kept(connection, name, frame, batch.keep.get(name))
                    table_change = self._diff(connection, name, frame, details=True)
                    change.add(table_change)
                    if table_change.revisions is not None and len(table_change.revisions):
                        revisions.append(table_change.revisions.assign(table=name))
                    if table_change.new_rows is not None and len(table_change.new_rows):
                        new_rows.append(table_change.new_rows.assign(table=name))
                if batch.commentary is not None:
                    change.new += len(batch.commentary)
            finally:
                connection.rollback()
                self._unstage_all(connection)
        change.revisions = pd.concat(revisions, ignore_index=True) if revisions else None
        change.new_rows = pd.concat(new_rows, ignore_index=True) if new_rows else None
        change.sources = list(batch.sources)
        return change

    def apply(self, batch: Batch, load_row: dict) -> tuple[int, Change]:
        """Write the batch as one load, in one transaction. Returns the load id and changes."""
        with self.one_writer(), self.engine.connect() as connection:
            try:
                with connection.begin():
                    self.serialise(connection)
                    return self._apply(connection, batch, load_row)
            finally:  # after the commit or the rollback
                self._unstage_all(connection)

    def _apply(self, connection: sa.Connection, batch: Batch, load_row: dict) -> tuple[int, Change]:
        load_id = connection.execute(
            schema.load.insert().values(**load_row).returning(schema.load.c.id)
        ).scalar_one()
        # Describing a source or a measure changes no figure; a failed load undoes it too.
        self._upsert(connection, schema.source, batch.sources)
        self._upsert(connection, schema.indicator, batch.indicators)
        change = Change()
        for name, frame in batch.tables.items():
            frame = self._kept(connection, name, frame, batch.keep.get(name))
            change.add(self._write_versioned(connection, name, frame, load_id))
        if batch.warnings:
            connection.execute(schema.load_warning.insert(), [
                {"load_id": load_id, "position": position, "location": warning.get("location") or "",
                 "message": warning["message"]}
                for position, warning in enumerate(batch.warnings, start=1)
            ])
        if batch.commentary is not None and len(batch.commentary):
            connection.execute(
                schema.commentary.insert(),
                [dict(row, load_id=load_id) for row in batch.commentary.to_dict("records")],
            )
            change.new += len(batch.commentary)
        connection.execute(
            schema.load.update()
            .where(schema.load.c.id == load_id)
            .values(rows_new=change.new, rows_revised=change.revised, rows_unchanged=change.unchanged)
        )
        record_audit(connection, load_row["user_name"], "load", f"load {load_id}: {load_row['file_name']}", None,
                     f"{change.new} new, {change.revised} revised, {change.unchanged} unchanged")
        return load_id, change

    def revert(self, load_id: int, by: str = "command line") -> None:
        """Restore exactly the state before the load."""
        with self.one_writer(), self.engine.begin() as connection:
            self.serialise(connection)
            row = connection.execute(sa.select(schema.load).where(schema.load.c.id == load_id)).first()
            if row is None:
                raise RevertError(f"There is no load {load_id}. 'scorecard loads' lists them.")
            if row.status != "loaded":
                raise RevertError(f"Load {load_id} was already {row.status}.")
            later = self._loads_that_revised(connection, load_id)
            if later:
                raise RevertError(
                    f"Load {load_id} cannot be reverted on its own: load(s) "
                    f"{', '.join(map(str, later))} revised figures it wrote. Revert those first."
                )
            for current, revision in schema.VERSIONED.values():
                connection.execute(current.delete().where(current.c.load_id == load_id))
                restored = [column.name for column in current.columns]
                earlier = sa.select(*[revision.c[name] for name in restored]).where(
                    revision.c.superseded_by_load == load_id
                )
                if current is schema.target:  # a target the clinic set since (no load) stands
                    keys = [column.name for column in current.primary_key.columns]
                    earlier = earlier.where(~sa.exists().where(*[current.c[key] == revision.c[key] for key in keys]))
                connection.execute(current.insert().from_select(restored, earlier))
                connection.execute(revision.delete().where(revision.c.superseded_by_load == load_id))
            connection.execute(schema.commentary.delete().where(schema.commentary.c.load_id == load_id))
            connection.execute(
                schema.load.update()
                .where(schema.load.c.id == load_id)
                .values(status="reverted", reverted_at=datetime.now())
            )
            record_audit(connection, by, "revert", f"load {load_id}: {row.file_name}", "loaded", "reverted")

    def _loads_that_revised(self, connection: sa.Connection, load_id: int) -> list[int]:
        found: set[int] = set()
        for _current, revision in schema.VERSIONED.values():
            rows = connection.execute(
                sa.select(revision.c.superseded_by_load)
                .where(revision.c.load_id == load_id)
                .distinct()
            )
            found.update(value for (value,) in rows)
        return sorted(found)

    def _stage(self, connection: sa.Connection, name: str, frame: pd.DataFrame) -> str:
        """Make a frame queryable as `staged_<name>` for the rest of the transaction.

        On DuckDB the frame is handed over as an Arrow table and registered as a view: no copy
        into a temporary table, and DuckDB reads it column-wise. On PostgreSQL it is copied
        (COPY, see _copy_into) into a temporary table dropped at commit. `_unstage` lets go
        of it either way."""
        current, _revision = schema.VERSIONED[name]
        columns = [column.name for column in current.columns if column.name != "load_id"]
        if "source" in columns and "source" not in frame:
            frame = frame.assign(source="")  # names no source: every named one comes first
        if "count_rounding" in columns and "count_rounding" not in frame:
            frame = frame.assign(count_rounding=float("nan"))
        frame = frame[columns]
        staged = f"staged_{name}"
        if self.is_duckdb:
            raw = connection.connection.driver_connection
            raw.register(staged, _arrow(frame))
            return staged
        connection.execute(sa.text(f"DROP TABLE IF EXISTS {staged}"))
        column_types = ", ".join(
            f"{column.name} {column.type.compile(self.engine.dialect)}"
            for column in current.columns
            if column.name != "load_id"
        )
        connection.execute(sa.text(f"CREATE TEMP TABLE {staged} ({column_types}) ON COMMIT DROP"))
        if len(frame):
            _copy_into(connection, staged, frame)
        return staged

    def _unstage(self, connection: sa.Connection, staged: str) -> None:
        if self.is_duckdb:
            connection.connection.driver_connection.unregister(staged)
        else:
            connection.execute(sa.text(f"DROP TABLE IF EXISTS {staged}"))

    def _unstage_all(self, connection: sa.Connection) -> None:
        """Once a write's transaction has ended, let go of what it staged and put back the
        settings it changed (a DuckDB connection refuses even this inside a failed
        transaction). PostgreSQL's staged tables went with the transaction."""
        if self.is_duckdb and not connection.closed and not connection.invalidated:
            raw = connection.connection.driver_connection
            for name in schema.VERSIONED:
                raw.unregister(f"staged_{name}")
            raw.execute("RESET SESSION preserve_insertion_order")  # a plain RESET leaves it

    def _diff_sql(self, name: str, staged: str) -> tuple[str, str, list[str], list[str]]:
        current, _revision = schema.VERSIONED[name]
        keys = [column.name for column in current.primary_key.columns]
        values = [column.name for column in current.columns if column.name not in keys and column.name != "load_id"]
        join = " AND ".join(f"c.{key} = s.{key}" for key in keys)
        differs = " OR ".join(f"c.{value} IS DISTINCT FROM s.{value}" for value in values)
        return join, differs, keys, values

    def _diff(self, connection, name: str, frame: pd.DataFrame, details: bool = False) -> Change:
        staged = self._stage(connection, name, frame)
        change = self._diff_staged(connection, name, staged, len(frame), details)
        self._unstage(connection, staged)  # after a failure, preview and apply do this
        return change

    def _diff_staged(self, connection, name: str, staged: str, rows: int, details: bool = False) -> Change:
        """New, revised and unchanged rows of the staged frame, worked out in the database."""
        join, differs, keys, values = self._diff_sql(name, staged)
        if not connection.execute(sa.text(f"SELECT EXISTS (SELECT 1 FROM {name})")).one()[0]:  # fetched to the end
            change = Change(new=rows)  # an empty table: every row is new, nothing to compare
            if details and rows:
                change.new_rows = self._listed(connection, f"SELECT * FROM {staged} s", keys)
            return change
        counts = connection.execute(
            sa.text(
                f"SELECT count(*) FILTER (WHERE c.{keys[0]} IS NULL), "
                f"count(*) FILTER (WHERE c.{keys[0]} IS NOT NULL AND ({differs})), "
                f"count(*) FILTER (WHERE c.{keys[0]} IS NOT NULL AND NOT ({differs})) "
                f"FROM {staged} s LEFT JOIN {name} c ON {join}"
            )
        ).one()
        change = Change(new=counts[0], revised=counts[1], unchanged=counts[2])
        if details and change.revised:
            selected = ", ".join(
                [f"s.{key}" for key in keys]
                + [f"c.{value} AS old_{value}" for value in values]
                + [f"s.{value} AS new_{value}" for value in values]
            )
            result = connection.execute(
                sa.text(f"SELECT {selected} FROM {staged} s JOIN {name} c ON {join} WHERE {differs}")
            )
            change.revisions = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        if details and change.new:
            change.new_rows = self._listed(
                connection, f"SELECT s.* FROM {staged} s LEFT JOIN {name} c ON {join} WHERE c.{keys[0]} IS NULL", keys)
        return change

    def _listed(self, connection, query: str, keys: list[str]) -> pd.DataFrame:
        """The first NEW_ROWS_LISTED rows of a query, in key order, for a preview to name."""
        order = ", ".join(f"s.{key}" for key in keys)
        result = connection.execute(sa.text(f"{query} ORDER BY {order} LIMIT {NEW_ROWS_LISTED}"))
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    def _kept(self, connection, name: str, frame: pd.DataFrame, keep: dict[str, object] | None) -> pd.DataFrame:
        """The batch's rows with the columns the file left empty taken from the stored rows of
        the same key (Batch.keep); a new row gets each column's default. Rows with a symbol
        (status) are taken as given."""
        if not keep or frame.empty:
            return frame
        current, _revision = schema.VERSIONED[name]
        keys = [column.name for column in current.primary_key.columns]
        frame = frame.copy()
        for column, default in keep.items():
            if column not in frame:
                frame[column] = None
        staged = self._stage(connection, name, frame)
        try:
            join = " AND ".join(f"c.{key} = s.{key}" for key in keys)
            result = connection.execute(sa.text(
                f"SELECT {', '.join('s.' + key for key in keys)}, "
                f"{', '.join('c.' + column + ' AS stored_' + column for column in keep)} "
                f"FROM {staged} s JOIN {name} c ON {join}"))
            stored = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        finally:
            self._unstage(connection, staged)
        merged = frame.merge(stored, on=keys, how="left") if len(stored) else frame
        given_whole = merged["status"] != "" if "status" in merged else pd.Series(False, index=merged.index)
        for column, default in keep.items():
            numeric = pd.api.types.is_numeric_dtype(frame[column]) and default is None
            if f"stored_{column}" in merged:
                take = merged[column].isna() & ~given_whole
                merged[column] = merged[column].astype(object).where(~take, merged[f"stored_{column}"])
                merged = merged.drop(columns=f"stored_{column}")
            if default is not None:
                merged[column] = merged[column].astype(object).where(merged[column].notna(), default)
            if numeric:
                merged[column] = pd.to_numeric(merged[column]).astype("float64")
        return merged[frame.columns]

    def _write_versioned(self, connection, name: str, frame: pd.DataFrame, load_id: int) -> Change:
        staged = self._stage(connection, name, frame)
        change = self._write_staged(connection, name, staged, len(frame), load_id)
        self._unstage(connection, staged)  # after a failure, apply does this
        return change

    def _write_staged(self, connection, name: str, staged: str, rows: int, load_id: int) -> Change:
        change = self._diff_staged(connection, name, staged, rows)
        join, differs, keys, values = self._diff_sql(name, staged)
        current, revision = schema.VERSIONED[name]
        columns = keys + values + ["load_id"]
        column_list = ", ".join(columns)
        if change.revised:
            connection.execute(
                sa.text(
                    f"INSERT INTO {revision.name} ({column_list}, superseded_by_load) "
                    f"SELECT {', '.join('c.' + column for column in columns)}, :load_id "
                    f"FROM {name} c JOIN {staged} s ON {join} WHERE {differs}"
                ),
                {"load_id": load_id},
            )
            connection.execute(
                sa.text(
                    f"DELETE FROM {name} c USING {staged} s WHERE {join} AND ({differs})"
                )
            )
        selected = ", ".join("s." + column for column in keys + values)
        if rows and change.new == rows:  # nothing in the table shares a key with the batch
            if self.is_duckdb and rows >= PARALLEL_INSERT_ROWS:
                # DuckDB then inserts with all its threads and less work: a sixth faster for
                # LAIT's 640,900 rows. For this connection only, until the transaction ends;
                # reads that need an order ask for it (PostgreSQL keeps none either).
                connection.execute(sa.text("SET SESSION preserve_insertion_order = false"))
            connection.execute(
                sa.text(f"INSERT INTO {name} ({column_list}) SELECT {selected}, :load_id FROM {staged} s"),
                {"load_id": load_id},
            )
        elif change.new or change.revised:
            connection.execute(
                sa.text(
                    f"INSERT INTO {name} ({column_list}) "
                    f"SELECT {selected}, :load_id "
                    f"FROM {staged} s LEFT JOIN {name} c ON {join} WHERE c.{keys[0]} IS NULL"
                ),
                {"load_id": load_id},
            )
        return change



def _arrow(frame: pd.DataFrame):
    """A frame as an Arrow table for DuckDB to scan, NaN as null (as DuckDB reads a frame);
    columns pandas already keeps in Arrow pass without a copy. A column Arrow cannot type
    (numbers and text mixed) leaves the frame for DuckDB to read as it is."""
    import pyarrow as pa

    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return frame


def _copy_into(connection: sa.Connection, table: str, frame: pd.DataFrame) -> None:
    """Copy a frame into a PostgreSQL table with COPY, on the connection's own transaction.

    One stream instead of a statement per row (an INSERT per row took 33 s of a 38 s LAIT
    load). Arrow writes the CSV column-wise in C++: it quotes every text value and leaves
    nulls bare, which is how PostgreSQL's CSV tells '' (a status) from NULL, and it writes
    doubles in their shortest exact form, so a reload compares equal. A frame Arrow cannot
    type goes row by row through psycopg instead."""
    import pyarrow as pa
    import pyarrow.csv

    names = ", ".join(frame.columns)
    arrow = _arrow(frame)
    with connection.connection.driver_connection.cursor() as cursor:
        if isinstance(arrow, pd.DataFrame):
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
                for row in rows:
                    copy.write_row(row)
            return
        # Categories (LAIT's keys) as their plain values: the CSV writer wants no dictionaries.
        plain = pa.schema(
            field.with_type(field.type.value_type) if pa.types.is_dictionary(field.type) else field
            for field in arrow.schema
        )
        arrow = arrow.cast(plain)
        options = pyarrow.csv.WriteOptions(include_header=False)
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT csv)") as copy:
            for batch in arrow.to_batches(max_chunksize=100_000):  # a few MB of text at a time
                sink = pa.BufferOutputStream()
                pyarrow.csv.write_csv(batch, sink, options)
                copy.write(memoryview(sink.getvalue()))

