"""The store: one class owns the database, through SQLAlchemy Core.

DuckDB (a file, the embedded default) and PostgreSQL (a URL, for shared deployments)
run the same code. Every write is one transaction.
"""

import contextlib
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from scorecard import audit, schema

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = REPO_ROOT / "data" / "scorecard.duckdb"
DB_ENVIRONMENT_VARIABLE = "SCORECARD_DB"


# Writers of one database in this process, by URL; and the PostgreSQL advisory lock's key.
_WRITERS: dict[str, threading.Lock] = {}
WRITE_LOCK_KEY = 20_260_401

# A batch this large, new to the table, is inserted by DuckDB in parallel (see _write_staged).
PARALLEL_INSERT_ROWS = 100_000


class MissingDatabaseError(RuntimeError):
    """The database file does not exist yet."""


class RevertError(RuntimeError):
    """A load that cannot be reverted, with the reason."""


def database_url(db: str | os.PathLike | None = None) -> str:
    """The SQLAlchemy URL for --db, else SCORECARD_DB, else the default DuckDB file."""
    chosen = str(db) if db else os.environ.get(DB_ENVIRONMENT_VARIABLE) or str(DEFAULT_DB_PATH)
    if "://" in chosen:
        return chosen
    return f"duckdb:///{Path(chosen).expanduser().resolve()}"


def duckdb_path(url: str) -> Path | None:
    if not url.startswith("duckdb:///"):
        return None
    path = url.removeprefix("duckdb:///")
    return None if path in ("", ":memory:") else Path(path)


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

    def add(self, other: "Change") -> None:
        self.new += other.new
        self.revised += other.revised
        self.unchanged += other.unchanged


class Store:
    """The database: schema, reads for the metrics layer, versioned writes for loaders."""

    def __init__(self, url: str, engine: sa.Engine):
        self.url = url
        self.engine = engine

    @classmethod
    def open(cls, db: str | os.PathLike | None = None, *, create: bool = False) -> "Store":
        url = database_url(db)
        path = duckdb_path(url)
        if path is not None and not path.exists():
            if not create:
                raise MissingDatabaseError(
                    f"There is no database at {path}. Run 'scorecard demo' to build one with "
                    "demonstration data, or 'scorecard load FILE' to load real figures."
                )
            path.parent.mkdir(parents=True, exist_ok=True)
        store = cls(url, sa.create_engine(url))
        if create or store._is_older():
            store.create_schema()  # an older database is brought up to date as it is opened
        return store

    def _is_older(self) -> bool:
        try:
            version = self.schema_version()
        except sa.exc.DBAPIError:  # no schema at all yet
            return False
        return version is not None and version < schema.SCHEMA_VERSION

    @property
    def is_duckdb(self) -> bool:
        return self.engine.dialect.name == "duckdb"

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()  # DuckDB lets one process hold a file: let go of it promptly

    # Schema -------------------------------------------------------------------------

    def create_schema(self) -> None:
        """Create missing tables and record the schema version; safe to run again."""
        with self.engine.begin() as connection:
            schema.metadata.create_all(connection)
            known = connection.execute(sa.select(sa.func.max(schema.schema_version.c.version)))
            current = known.scalar()
            if current is None:
                connection.execute(
                    schema.schema_version.insert().values(
                        version=schema.SCHEMA_VERSION, applied_at=datetime.now()
                    )
                )
            elif current < schema.SCHEMA_VERSION:  # create_all has added the new tables
                if current < 3:
                    self._name_sources(connection)
                connection.execute(
                    schema.schema_version.insert().values(
                        version=schema.SCHEMA_VERSION, applied_at=datetime.now()
                    )
                )
            elif current > schema.SCHEMA_VERSION:
                raise RuntimeError(
                    f"The database has schema version {current}, newer than this Scorecard "
                    f"({schema.SCHEMA_VERSION}). Upgrade Scorecard before using it."
                )

    def _name_sources(self, connection: sa.Connection) -> None:
        """Version 3 puts `source` in the key of observations and populations. A key cannot
        be altered in place, so each table is made anew and its rows copied, their source
        unknown (''): every source named since takes precedence over them."""
        if self.engine.dialect.name == "postgresql":
            connection.execute(sa.text("DROP INDEX IF EXISTS observation_by_period"))
        for name in ("observation", "observation_revision", "population", "population_revision"):
            table = schema.metadata.tables[name]
            have = set(connection.execute(sa.text(  # both backends have information_schema
                "SELECT column_name FROM information_schema.columns WHERE table_name = :name"
            ), {"name": name}).scalars())
            if "source" in have:
                continue
            connection.execute(sa.text(f"ALTER TABLE {name} RENAME TO {name}_v2"))
            connection.execute(sa.schema.CreateTable(table))  # its sequence is already there
            copied = [column.name for column in table.columns if column.name in have]
            listed = ", ".join(copied)
            connection.execute(sa.text(
                f"INSERT INTO {name} ({listed}, source) SELECT {listed}, '' FROM {name}_v2"
            ))
            connection.execute(sa.text(f"DROP TABLE {name}_v2"))
        if self.engine.dialect.name == "postgresql":  # the index dropped above, on the new table
            for index in schema.observation.indexes:
                index.create(connection, checkfirst=True)

    def schema_version(self) -> int | None:
        with self.engine.connect() as connection:
            return connection.execute(sa.select(sa.func.max(schema.schema_version.c.version))).scalar()

    def replace_reference(self, table: sa.Table, rows: list[dict]) -> None:
        """Write reference rows (indicators, outcome areas, areas) in one go."""
        with self._one_writer(), self.engine.begin() as connection:
            self._serialise(connection)
            self._upsert(connection, table, rows)

    @contextlib.contextmanager
    def _one_writer(self):
        """Loads, reverts and reference writes one at a time: two confirmed at once would
        otherwise both write the same indicator rows, and one would fail at commit."""
        with _WRITERS.setdefault(self.url, threading.Lock()):
            yield

    def _serialise(self, connection: sa.Connection) -> None:
        """Across processes too (gunicorn workers) on PostgreSQL: a lock the transaction holds
        until it ends. DuckDB lets one process write a file, so the thread lock is enough."""
        if self.engine.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})

    def _upsert(self, connection: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
        if not rows:
            return
        keys = [column.name for column in table.primary_key.columns]
        if self.is_duckdb and len(rows) > 20 and self._upsert_duckdb(connection, table, keys, rows):
            return
        condition = sa.tuple_(*[table.c[key] for key in keys]).in_(
            [tuple(row[key] for key in keys) for row in rows]
        )
        connection.execute(table.delete().where(condition))
        connection.execute(table.insert(), rows)

    def _upsert_duckdb(self, connection: sa.Connection, table: sa.Table, keys: list[str], rows: list[dict]) -> bool:
        """Many rows in two statements: DuckDB reads them as one Arrow table rather than
        one INSERT per row. False (nothing done) when Arrow cannot type a column."""
        import pyarrow as pa

        try:
            incoming = pa.Table.from_pylist(rows)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return False
        names = [name for name in incoming.column_names if name in table.c]
        quote = self.engine.dialect.identifier_preparer.quote
        raw = connection.connection.driver_connection
        raw.register("incoming_rows", incoming)
        try:
            match = " AND ".join(f"{quote(table.name)}.{quote(key)} = r.{quote(key)}" for key in keys)
            connection.execute(sa.text(f"DELETE FROM {quote(table.name)} USING incoming_rows r WHERE {match}"))
            columns = ", ".join(quote(name) for name in names)
            connection.execute(sa.text(f"INSERT INTO {quote(table.name)} ({columns}) SELECT {columns} FROM incoming_rows"))
        except Exception:
            # A failed transaction refuses even this: the small table stays registered until
            # the next upsert replaces it. The error that matters is the one raised.
            with contextlib.suppress(Exception):
                raw.unregister("incoming_rows")
            raise
        raw.unregister("incoming_rows")
        return True

    # Settings -----------------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        with self.engine.connect() as connection:
            value = connection.execute(
                sa.select(schema.setting.c.value).where(schema.setting.c.key == key)
            ).scalar()
        return default if value is None else value

    def setting_or_set(self, key: str, value: str) -> str:
        """The setting's value, writing `value` first if there is none. Safe when several
        processes start together: the first write wins and everyone reads it."""
        found = self.setting(key)
        if found is not None:
            return found
        try:
            with self.engine.begin() as connection:
                connection.execute(schema.setting.insert().values(key=key, value=value))
        except sa.exc.IntegrityError:
            pass
        return self.setting(key)

    def set_setting(self, key: str, value: str) -> None:
        with self.engine.begin() as connection:
            self._upsert(connection, schema.setting, [{"key": key, "value": value}])

    # Commentary ---------------------------------------------------------------------

    def add_commentary(self, indicator_id: str, area_code: str, period: str, text: str, author: str) -> int:
        """A new version of an indicator's commentary; earlier versions are kept."""
        table = schema.commentary
        with self.engine.begin() as connection:
            earlier = connection.execute(
                sa.select(sa.func.max(table.c.id)).where(
                    table.c.indicator_id == indicator_id, table.c.area_code == area_code,
                    table.c.period == period,
                )
            ).scalar()
            before = None
            if earlier is not None:
                before = connection.execute(sa.select(table.c.text).where(table.c.id == earlier)).scalar()
            inserted = connection.execute(
                table.insert().returning(table.c.id).values(
                    indicator_id=indicator_id, area_code=area_code, period=period, text=text,
                    author=author, written_at=datetime.now().replace(microsecond=0), supersedes=earlier,
                )
            )
            new_id = int(inserted.scalar())
            audit.record(connection, author, "commentary", f"{indicator_id} {area_code} {period}", before, text)
            return new_id

    def data_version(self) -> tuple:
        """Changes whenever a load, a revert or a commentary edit happens: a cache key."""
        with self.engine.connect() as connection:
            loads = connection.execute(
                sa.select(sa.func.count(), sa.func.max(schema.load.c.id), sa.func.max(schema.load.c.reverted_at))
            ).one()
            notes = connection.execute(sa.select(sa.func.max(schema.commentary.c.id))).scalar()
        return (*loads, notes)

    # Reads --------------------------------------------------------------------------

    def frame(self, query: sa.Executable) -> pd.DataFrame:
        with self.engine.connect() as connection:
            result = connection.execute(query)
            # Plain tuples: pandas probes each SQLAlchemy Row for attributes, which is slow.
            rows = [tuple(row) for row in result.fetchall()]
            return pd.DataFrame(rows, columns=list(result.keys()))

    def table(self, table: sa.Table, **where) -> pd.DataFrame:
        query = sa.select(table)
        for column, value in where.items():
            if isinstance(value, (list, tuple, set)):
                query = query.where(table.c[column].in_(list(value)))
            else:
                query = query.where(table.c[column] == value)
        return self.frame(query)

    def sources(self) -> pd.DataFrame:
        """Every source figures came from: id, publisher, dataset, release, kind, title."""
        return self.frame(sa.select(schema.source))

    def loads(self) -> pd.DataFrame:
        return self.frame(sa.select(schema.load).order_by(schema.load.c.id))

    def load_with_hash(self, sha256: str) -> dict | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(schema.load).where(
                    schema.load.c.sha256 == sha256, schema.load.c.status == "loaded"
                )
            ).first()
        return None if row is None else dict(row._mapping)

    # Versioned writes ---------------------------------------------------------------

    def preview(self, batch: Batch) -> Change:
        """What applying the batch would change, without changing anything."""
        with self.engine.connect() as connection:
            try:
                change = Change()
                revisions = []
                for name, frame in batch.tables.items():
                    table_change = self._diff(connection, name, frame, details=True)
                    change.add(table_change)
                    if table_change.revisions is not None and len(table_change.revisions):
                        revisions.append(table_change.revisions.assign(table=name))
                if batch.commentary is not None:
                    change.new += len(batch.commentary)
            finally:
                connection.rollback()
                self._unstage_all(connection)
        change.revisions = pd.concat(revisions, ignore_index=True) if revisions else None
        return change

    def apply(self, batch: Batch, load_row: dict) -> tuple[int, Change]:
        """Write the batch as one load, in one transaction. Returns the load id and changes."""
        with self._one_writer(), self.engine.connect() as connection:
            try:
                with connection.begin():
                    self._serialise(connection)
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
            change.add(self._write_versioned(connection, name, frame, load_id))
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
        audit.record(connection, load_row["user_name"], "load", f"load {load_id}: {load_row['file_name']}", None,
                     f"{change.new} new, {change.revised} revised, {change.unchanged} unchanged")
        return load_id, change

    def revert(self, load_id: int, by: str = "command line") -> None:
        """Restore exactly the state before the load."""
        with self._one_writer(), self.engine.begin() as connection:
            self._serialise(connection)
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
                connection.execute(
                    current.insert().from_select(
                        restored,
                        sa.select(*[revision.c[name] for name in restored]).where(
                            revision.c.superseded_by_load == load_id
                        ),
                    )
                )
                connection.execute(revision.delete().where(revision.c.superseded_by_load == load_id))
            connection.execute(schema.commentary.delete().where(schema.commentary.c.load_id == load_id))
            connection.execute(
                schema.load.update()
                .where(schema.load.c.id == load_id)
                .values(status="reverted", reverted_at=datetime.now())
            )
            audit.record(connection, by, "revert", f"load {load_id}: {row.file_name}", "loaded", "reverted")

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
        if not connection.execute(sa.text(f"SELECT EXISTS (SELECT 1 FROM {name})")).one()[0]:  # fetched to the end
            return Change(new=rows)  # an empty table: every row is new, nothing to compare
        join, differs, keys, values = self._diff_sql(name, staged)
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
        return change

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


def records(frame: pd.DataFrame) -> Iterable[dict]:
    """Rows of a frame as dicts with None for missing values."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")
