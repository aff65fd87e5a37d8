"""The store: one class owns the database, through SQLAlchemy Core. Every query Scorecard
makes is a method here and gives back plain results (frames, dicts, lists): nothing else
builds SQL.

DuckDB (a file, the embedded default) and PostgreSQL (a URL, for shared deployments)
run the same code. Every write is one transaction.
"""

import contextlib
import json
import math
import os
import re
import threading
import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from scorecard import schema, settings
from scorecard.sign_in_store import SignInStore
from scorecard.versioned import (  # noqa: F401 - Batch, Change and RevertError are the store's words too
    AUDIT_COLUMNS,
    PARALLEL_INSERT_ROWS,
    Batch,
    Change,
    RevertError,
    VersionedWrites,
    record_audit,
)

DEFAULT_DB_NAME = "scorecard.duckdb"  # in the data folder (the setting data_folder)
LOCAL_INDICATORS_AUDITED = "local_indicators_audited"  # bookkeeping, not a setting
# Observation columns read for figures, with the source and how the publisher rounded counts.
# Audit entries the clinic writes, whose newest id versions caches: a target, an action, and
# what changes a row's signals without a load (SPC rebases, where a branch adds them).
CLINIC_AUDIT_ACTIONS = ("target set", "action add", "action update", "spc rebase", "spc rebase remove")
FIGURE_COLUMNS = [
    "indicator_id", "area_code", "period", "breakdown", "period_type", "period_start",
    "period_end", "numerator", "denominator", "value", "status", "load_id",
]


class MissingDatabaseError(RuntimeError):
    """The database file does not exist yet."""


class DatabaseBusyError(RuntimeError):
    """Another process has held the DuckDB file for longer than the setting database_wait."""


def database_url(db: str | os.PathLike | None = None) -> str:
    """The SQLAlchemy URL for --db, else the setting `database`, else the default DuckDB file
    in the data folder."""
    chosen = str(db) if db else settings.value("database") or str(settings.value("data_folder") / DEFAULT_DB_NAME)
    if "://" in chosen:
        return chosen
    return f"duckdb:///{Path(chosen).expanduser().resolve()}"


def duckdb_path(url: str) -> Path | None:
    if not url.startswith("duckdb:///"):
        return None
    path = url.removeprefix("duckdb:///")
    return None if path in ("", ":memory:") else Path(path)


class _SharedFile:
    """DuckDB lets one process at a time open a file, so the app and the command line take
    turns: each connection opens the file (NullPool) and the file is let go when the last one
    closes, waiting (the setting database_wait) while another process holds it. Inside
    `in_use()` blocks (a request, a command) one connection is kept open, so the block's
    queries share the open file instead of opening it each time (14 ms on the demo), and
    for LINGER seconds after the last block ends."""

    LOCKED = ("Could not set lock on file", "Conflicting lock")
    # The file stays open this long after the last block ends, so the burst of requests a page
    # makes shares one opening; the command line waits at most this long for an idle app.
    LINGER = 0.25

    def __init__(self, url: str):
        self.path = duckdb_path(url)
        self.users = 0
        self.anchor = None  # the connection kept open while the file is in use
        self.closing: threading.Timer | None = None
        self.counting, self.opening = threading.Lock(), threading.Lock()

    def connect(self, dialect, _record, cargs, cparams):
        """SQLAlchemy's do_connect: keep the file open first if a block is using it."""
        if self.users and self.anchor is None:
            with self.opening:
                if self.users and self.anchor is None:
                    anchor = self._wait_for_file(dialect, cargs, cparams)
                    with self.counting:
                        if self.users:
                            self.anchor, anchor = anchor, None
                    if anchor is not None:  # the block ended meanwhile
                        anchor.close()
        return self._wait_for_file(dialect, cargs, cparams)

    def _wait_for_file(self, dialect, cargs, cparams):
        deadline, pause = time.monotonic() + settings.value("database_wait"), 0.01
        while True:
            try:
                return dialect.connect(*cargs, **cparams)
            except Exception as error:  # duckdb.IOException, reached only through the dialect
                if not any(words in str(error) for words in self.LOCKED):
                    raise
                if time.monotonic() >= deadline:
                    holder = re.search(r"held in (.+?) \(PID (\d+)\)", str(error))
                    held = f"process {holder[2]} ({holder[1]})" if holder else "another process"
                    raise DatabaseBusyError(
                        f"The database {self.path} is in use by {held} and was not let go within "
                        f"{settings.value('database_wait')} s. Try again when that finishes, or set "
                        "SCORECARD_DB_WAIT to wait longer."
                    ) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.2)

    @contextlib.contextmanager
    def in_use(self):
        with self.counting:
            self.users += 1
            if self.closing is not None:
                self.closing.cancel()
                self.closing = None
        try:
            yield
        finally:
            with self.counting:
                self.users -= 1
                if self.users == 0 and self.anchor is not None:
                    self.closing = threading.Timer(self.LINGER, self.let_go)
                    self.closing.daemon = True
                    self.closing.start()

    def let_go(self) -> None:
        """Close the kept connection unless a block has started since; the file is free
        once the block's own connections have closed too."""
        with self.counting:
            anchor = self.anchor if self.users == 0 else None
            if anchor is not None:
                self.anchor = None
        if anchor is not None:
            anchor.close()


def _engine(url: str) -> tuple[sa.Engine, _SharedFile | None]:
    if duckdb_path(url) is None:
        # A pooled PostgreSQL connection is checked before use: after the server restarts, the
        # next request reconnects rather than failing on a dead connection.
        return sa.create_engine(url, pool_pre_ping=url.startswith("postgresql")), None
    shared = _SharedFile(url)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    sa.event.listen(engine, "do_connect", shared.connect)
    return engine, shared


class Store(VersionedWrites, SignInStore):
    """The database: schema, reads for the metrics layer, versioned writes for loaders."""

    def __init__(self, url: str, engine: sa.Engine, shared: _SharedFile | None = None):
        self.url = url
        self.engine = engine
        self._shared = shared
        self._held: list = []  # the in_use() blocks `with store` entered

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
        store = cls(url, *_engine(url))
        with store.in_use():
            if create or store._is_older():
                store.create_schema()  # an older database is brought up to date as it is opened
        return store

    def in_use(self) -> contextlib.AbstractContextManager:
        """Keep the DuckDB file open for the block (a request, a command); outside such
        blocks it is let go after each query, so another process can take its turn."""
        return self._shared.in_use() if self._shared is not None else contextlib.nullcontext()

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
        while self._held:
            self._held.pop().__exit__(None, None, None)
        if self._shared is not None:
            self._shared.let_go()  # now, not after the linger: the next process may be waiting
        self.engine.dispose()

    def __enter__(self) -> "Store":
        held = self.in_use()
        held.__enter__()
        self._held.append(held)
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
                if current < 5:
                    self._keep_localities(connection)
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

    def _keep_localities(self, connection: sa.Connection) -> None:
        """Before version 5 the home LA and its localities were fixed in code, and the localities
        written to `area`: they become the council's set-up, so an older database shows as before."""
        area, locality, setting = schema.area, schema.locality, schema.setting
        local = connection.execute(sa.select(area.c.code, area.c.name, area.c.parent_code)
                                   .where(area.c.level == "local")).all()
        if not local:
            return
        connection.execute(locality.insert(), [
            {"code": code, "name": name, "kind": "locality", "parent_code": parent, "la_code": parent}
            for code, name, parent in local])
        parents = {parent for _, _, parent in local}
        has_home = connection.execute(sa.select(setting.c.value).where(setting.c.key == "home_area")).first()
        if len(parents) == 1 and has_home is None:
            connection.execute(setting.insert().values(key="home_area", value=parents.pop()))

    def schema_version(self) -> int | None:
        with self.engine.connect() as connection:
            return connection.execute(sa.select(sa.func.max(schema.schema_version.c.version))).scalar()

    def replace_reference(self, tables: dict[str, list[dict]], attempts: int = 1) -> None:
        """Write reference rows (indicators, outcome areas, areas), by table name, each table
        in one go. Server processes start together and may race to write the same rows:
        `attempts` tries again after a database error, a little later each time."""
        for attempt in range(attempts):
            try:
                for name, rows in tables.items():
                    with self.one_writer(), self.engine.begin() as connection:
                        self.serialise(connection)
                        self._upsert(connection, schema.metadata.tables[name], rows)
                return
            except sa.exc.DBAPIError:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))

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

    def set_setting_audited(self, key: str, value: str, by: str) -> None:
        """Change a setting kept in the database, with an audit entry of before and after."""
        before = self.setting(key)
        with self.one_writer(), self.engine.begin() as connection:
            self._upsert(connection, schema.setting, [{"key": key, "value": value}])
            record_audit(connection, by, "setting", key, before, value)

    # Localities ---------------------------------------------------------------------

    def localities(self) -> list[dict]:
        """The localities loaded (code, name, kind, parent_code, la_code), by code."""
        table = schema.locality
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(table).order_by(table.c.code))
            return [dict(row._mapping) for row in rows]

    def replace_localities(self, la_code: str, rows: list[dict], by: str, subject: str) -> None:
        """An LA's localities replaced by `rows` in one transaction, audited with the counts."""
        table = schema.locality
        with self.one_writer(), self.engine.begin() as connection:
            before = connection.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c.la_code == la_code)).scalar()
            connection.execute(table.delete().where(table.c.la_code == la_code))
            if rows:
                connection.execute(table.insert(), rows)
            record_audit(connection, by, "localities", subject, f"{before} localities of {la_code}",
                         f"{len(rows)} localities of {la_code}")

    def local_indicators_audited(self) -> dict:
        """What the audit log last recorded of the council's own indicators file."""
        return json.loads(self.setting(LOCAL_INDICATORS_AUDITED) or "{}")

    def set_local_indicators_audited(self, described: dict) -> None:
        self.set_setting(LOCAL_INDICATORS_AUDITED, json.dumps(described, sort_keys=True))

    def add_audit_entry(self, by: str, action: str, subject: str, before: str | None, after: str | None) -> None:
        """An audit entry for a change made outside the database (a data file's content)."""
        with self.engine.begin() as connection:
            record_audit(connection, by, action, subject, before, after)

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
            record_audit(connection, author, "commentary", f"{indicator_id} {area_code} {period}", before, text)
            return new_id

    def current_commentary(self, area_code: str, period: str, indicator_ids: list[str]) -> dict[str, tuple[str, str]]:
        """Indicator -> (text, author) of the newest version of each indicator's commentary."""
        table = schema.commentary
        query = (sa.select(table.c.indicator_id, table.c.text, table.c.author)
                 .where(table.c.area_code == area_code, table.c.period == period,
                        table.c.indicator_id.in_(indicator_ids))
                 .order_by(table.c.id))
        with self.engine.connect() as connection:  # no frame: read after every saved note (issue 16)
            return {indicator_id: (text, author) for indicator_id, text, author in connection.execute(query)}

    def spc_rebases(self, indicator_id: str | None = None, area_code: str | None = None) -> list[dict]:
        """Recorded SPC rebases, oldest period first; all of them, or one indicator's or area's."""
        table = schema.spc_rebase
        query = sa.select(table).order_by(table.c.indicator_id, table.c.area_code, table.c.period)
        if indicator_id is not None:
            query = query.where(table.c.indicator_id == indicator_id)
        if area_code is not None:
            query = query.where(table.c.area_code == area_code)
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def add_spc_rebase(self, indicator_id: str, area_code: str, period: str, reason: str, by: str) -> None:
        table = schema.spc_rebase
        with self.engine.begin() as connection:
            connection.execute(table.insert().values(
                indicator_id=indicator_id, area_code=area_code, period=period, reason=reason, set_by=by,
                set_at=datetime.now().replace(microsecond=0),
            ))
            record_audit(connection, by, "spc rebase", f"{indicator_id} {area_code} {period}", None, reason)

    def remove_spc_rebase(self, indicator_id: str, area_code: str, period: str, by: str) -> bool:
        """False when there was no such rebase."""
        table = schema.spc_rebase
        where = (table.c.indicator_id == indicator_id, table.c.area_code == area_code, table.c.period == period)
        with self.engine.begin() as connection:
            reason = connection.execute(sa.select(table.c.reason).where(*where)).scalar()
            if reason is None:
                return False
            connection.execute(table.delete().where(*where))
            record_audit(connection, by, "spc rebase remove", f"{indicator_id} {area_code} {period}", reason, None)
            return True

    def commentary_history(self, indicator_id: str, area_code: str) -> list[dict]:
        """Every version of an indicator's commentary for an area, newest first."""
        table = schema.commentary
        query = (sa.select(table).where(table.c.indicator_id == indicator_id, table.c.area_code == area_code)
                 .order_by(table.c.id.desc()))
        return self.frame(query).to_dict("records")

    def latest_commentary(self, indicator_ids: list[str]) -> pd.DataFrame:
        """The current text per indicator, area and period (a load skips unchanged notes)."""
        table = schema.commentary
        return self.frame(
            sa.select(table.c.indicator_id, table.c.area_code, table.c.period, table.c.text, table.c.id)
            .where(table.c.indicator_id.in_(indicator_ids))
            .order_by(table.c.id)
        ).drop_duplicates(["indicator_id", "area_code", "period"], keep="last")

    def data_version(self) -> tuple:
        """Changes whenever a load, a revert or a commentary edit happens: a cache key."""
        figures, clinic = self.versions()
        return (*figures, clinic[0])

    def figures_version(self) -> tuple:
        """Changes with a load or a revert only: what the national figures depend on."""
        return self.versions()[0]

    def clinic_version(self) -> tuple:
        """(newest commentary, newest target change, newest action change, newest change that
        re-judges every row): each changes when the clinic saves one, so a cache redoes only
        what that changes."""
        return self.versions()[1]

    def versions(self) -> tuple[tuple, tuple]:
        """figures_version and clinic_version on one connection: asked at every page."""
        with self.engine.connect() as connection:
            return self._versions(connection)

    def versions_and_notes(self, area_code: str, period: str, notes_seen) -> tuple[tuple, tuple, dict | None]:
        """versions(), and the current commentary per indicator for an area and period
        ({indicator: (text, author)}) read on the same connection when the newest note is not
        `notes_seen` (None when it is): the first scorecard after a note pays one query more."""
        with self.engine.connect() as connection:
            figures, clinic = self._versions(connection)
            if clinic[0] == notes_seen:
                return figures, clinic, None
            table = schema.commentary
            rows = connection.execute(
                sa.select(table.c.indicator_id, table.c.text, table.c.author)
                .where(table.c.area_code == area_code, table.c.period == period).order_by(table.c.id))
            return figures, clinic, {indicator_id: (text, author) for indicator_id, text, author in rows}

    def _versions(self, connection: sa.Connection) -> tuple[tuple, tuple]:
        audit = schema.audit
        figures = tuple(connection.execute(
            sa.select(sa.func.count(), sa.func.max(schema.load.c.id), sa.func.max(schema.load.c.reverted_at))
        ).one())
        notes = connection.execute(sa.select(sa.func.max(schema.commentary.c.id))).scalar()
        kinds = dict(connection.execute(
            sa.select(audit.c.action, sa.func.max(audit.c.id))
            .where(audit.c.action.in_(CLINIC_AUDIT_ACTIONS)).group_by(audit.c.action)
        ).all())
        targets = kinds.get("target set") or 0
        actions = max(kinds.get("action add") or 0, kinds.get("action update") or 0)
        rejudge = max(kinds.get("spc rebase") or 0, kinds.get("spc rebase remove") or 0)
        return figures, (notes, targets, actions, rejudge)

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

    def observations(
        self,
        indicator_ids: list[str] | None,
        area_codes: list[str] | None = None,
        until=None,
        periods: list[str] | None = None,
        breakdown: str | None = "all",
    ) -> pd.DataFrame:
        """Observations as every source gives them (FIGURE_COLUMNS, source, count_rounding);
        None for every indicator, area, period or breakdown."""
        table = schema.observation
        query = sa.select(*[table.c[name] for name in FIGURE_COLUMNS], table.c.source, table.c.count_rounding)
        if indicator_ids is not None:
            query = query.where(table.c.indicator_id.in_(indicator_ids))
        if breakdown is not None:
            query = query.where(table.c.breakdown == breakdown)
        if area_codes is not None:
            query = query.where(table.c.area_code.in_(area_codes))
        if until is not None:
            query = query.where(table.c.period_end <= until)
        if periods is not None:
            query = query.where(table.c.period.in_(periods))
        return self.frame(query)

    def indicators_with_figures(self, area_codes: list[str]) -> set[str]:
        """The indicators with any observation for any of the areas (a township's, say)."""
        if not area_codes:
            return set()
        table = schema.observation
        found = self.frame(sa.select(table.c.indicator_id).where(table.c.area_code.in_(area_codes)).distinct())
        return set(found["indicator_id"])

    def value_ranges(self, indicator_ids: list[str], area_codes: list[str]) -> pd.DataFrame:
        """The lowest and highest value held, and how many, per indicator and area (all breakdown)."""
        table = schema.observation
        return self.frame(
            sa.select(
                table.c.indicator_id, table.c.area_code,
                sa.func.min(table.c.value).label("low"), sa.func.max(table.c.value).label("high"),
                sa.func.count(table.c.value).label("points"),
            )
            .where(table.c.indicator_id.in_(indicator_ids), table.c.area_code.in_(area_codes),
                   table.c.breakdown == "all", table.c.value.is_not(None))
            .group_by(table.c.indicator_id, table.c.area_code)
        )

    def population_estimates(self, area_codes: list[str] | None = None) -> pd.DataFrame:
        """Every usable estimate (no symbol, above zero) from every source."""
        table = schema.population
        query = sa.select(
            table.c.area_code, table.c.mid_year, table.c.age_band, table.c.sex,
            table.c["count"], table.c.vintage, table.c.source,
        ).where(table.c.status == "", table.c["count"] > 0)
        if area_codes is not None:
            query = query.where(table.c.area_code.in_(area_codes))
        return self.frame(query)

    def targets(self, area_code: str, indicator_ids: list[str]) -> list[dict]:
        """Targets for an area: indicator, period, value, tolerance and tolerance type."""
        table = schema.target
        query = sa.select(table).where(table.c.area_code == area_code, table.c.indicator_id.in_(indicator_ids))
        return self.frame(query).to_dict("records")

    def targets_of_areas(self, area_codes: list[str], indicator_ids: list[str]) -> list[dict]:
        """Targets for several areas at once (an LA and its townships), as targets() gives them."""
        table = schema.target
        query = sa.select(table).where(table.c.area_code.in_(area_codes), table.c.indicator_id.in_(indicator_ids))
        return self.frame(query).to_dict("records")

    def neighbours(self, la_code: str) -> list[str]:
        """The LA's statistical neighbours in the newest model loaded, closest first."""
        rows = self.table(schema.comparator, area_code=la_code)
        if rows.empty:
            return []
        newest = sorted(rows["model"].unique())[-1]
        return rows[rows["model"] == newest].sort_values("position")["member_code"].tolist()

    def benchmark_indicators(self) -> list[dict]:
        """The indicator rows loaded to compare areas (LAIT's measures and the like)."""
        return self.table(schema.indicator, is_benchmark=True).to_dict("records")

    def is_demo(self) -> bool:
        return settings.value("demo_data", self)

    def sources(self) -> pd.DataFrame:
        """Every source figures came from: id, publisher, dataset, release, kind, title."""
        return self.frame(sa.select(schema.source))

    def loads(self) -> pd.DataFrame:
        return self.frame(sa.select(schema.load).order_by(schema.load.c.id))

    def load_warnings(self) -> dict[int, list[tuple[str, str]]]:
        """Each load's warnings in full, in the order it reported them: (location, message)."""
        table = schema.load_warning
        found: dict[int, list[tuple[str, str]]] = {}
        rows = self.frame(sa.select(table).order_by(table.c.load_id, table.c.position))
        for load_id, location, message in zip(rows["load_id"], rows["location"], rows["message"]):
            found.setdefault(int(load_id), []).append((location, message))
        return found

    def load_with_hash(self, sha256: str) -> dict | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(schema.load).where(
                    schema.load.c.sha256 == sha256, schema.load.c.status == "loaded"
                )
            ).first()
        return None if row is None else dict(row._mapping)

    # Users --------------------------------------------------------------------------

    def user(self, username: str) -> dict | None:
        rows = self.table(schema.app_user, username=username)
        return None if rows.empty else rows.iloc[0].to_dict()

    def users(self) -> list[dict]:
        """Username, role and when added, by username."""
        table = schema.app_user
        return self.frame(
            sa.select(table.c.username, table.c.role, table.c.created_at).order_by(table.c.username)
        ).to_dict("records")

    def add_user(self, username: str, role: str, password_hash: str, by: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(schema.app_user.insert().values(
                username=username, role=role, password_hash=password_hash, created_at=datetime.now(),
            ))
            record_audit(connection, by, "user add", username, None, f"role {role}")

    def remove_user(self, username: str, role: str, by: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(schema.app_user.delete().where(schema.app_user.c.username == username))
            # so a user added later under the same name gets none of these tokens
            connection.execute(schema.api_token.delete().where(schema.api_token.c.username == username))
            connection.execute(schema.user_session.delete().where(schema.user_session.c.username == username))
            record_audit(connection, by, "user remove", username, f"role {role}", None)

    def add_api_token(self, username: str, token_hash: str, by: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(schema.api_token.insert().values(
                token_hash=token_hash, username=username, created_at=datetime.now(),
            ))
            record_audit(connection, by, "api token add", username, None, None)

    def revoke_api_tokens(self, username: str, by: str) -> int:
        """Revoke every live token of a user; how many there were."""
        table = schema.api_token
        with self.engine.begin() as connection:
            revoked = connection.execute(table.update().where(
                table.c.username == username, table.c.revoked_at.is_(None)
            ).values(revoked_at=datetime.now())).rowcount
            record_audit(connection, by, "api token revoke", username, f"{revoked} live", None)
        return revoked

    def api_token_user(self, token_hash: str) -> dict | None:
        """The user (username, role) a live token belongs to, else None."""
        token, user = schema.api_token, schema.app_user
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(user.c.username, user.c.role)
                .join(token, token.c.username == user.c.username)
                .where(token.c.token_hash == token_hash, token.c.revoked_at.is_(None))
            ).first()
        return None if row is None else dict(row._mapping)

    # The audit log ------------------------------------------------------------------

    def audit_entries(self) -> list[dict]:
        """Every entry, oldest first, with None (not NaN) where there is no before or after."""
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(schema.audit).order_by(schema.audit.c.id))
            return [dict(row._mapping) for row in rows]

    def latest_audit(self, how_many: int) -> tuple[list[dict], int]:
        """The newest entries first, at most `how_many`, and how many there are in all."""
        table = schema.audit
        with self.engine.connect() as connection:
            total = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            rows = connection.execute(sa.select(table).order_by(table.c.id.desc()).limit(how_many))
            return [dict(row._mapping) for row in rows], int(total)

    # Board packs, frozen as presented ---------------------------------------------------

    PACK_FORMATS = ("pptx", "pdf", "xlsx")

    def add_board_pack(self, pack: dict) -> int:
        """Keep a pack: its record and its files' bytes; returns its id."""
        table = schema.board_pack
        with self.engine.begin() as connection:
            inserted = connection.execute(table.insert().returning(table.c.id).values(**pack))
            pack_id = int(inserted.scalar())
            record_audit(connection, pack["made_by"], "board pack", f"pack {pack_id}: {pack['title']}", None,
                         f"made from data version {pack['data_version']}")
            return pack_id

    def board_packs(self) -> list[dict]:
        """Every pack's record, newest first, without the files."""
        table = schema.board_pack
        columns = [column for column in table.c if column.name not in self.PACK_FORMATS]
        return list(records(self.frame(sa.select(*columns).order_by(table.c.id.desc()))))

    def board_pack_file(self, pack_id: int, file_format: str) -> bytes | None:
        """The bytes kept for one of a pack's files; None for no such pack."""
        if file_format not in self.PACK_FORMATS:
            raise ValueError(f"A pack's file is one of {', '.join(self.PACK_FORMATS)}, not {file_format!r}.")
        table = schema.board_pack
        with self.engine.connect() as connection:
            found = connection.execute(sa.select(table.c[file_format]).where(table.c.id == pack_id)).scalar()
        return None if found is None else bytes(found)

    def sign_off_board_pack(self, pack_id: int, by: str) -> bool:
        """Sign a pack off once; False when there is no such pack or it is signed off already."""
        table = schema.board_pack
        with self.engine.begin() as connection:
            changed = connection.execute(table.update().where(
                table.c.id == pack_id, table.c.signed_off_by.is_(None),
            ).values(signed_off_by=by, signed_off_at=datetime.now().replace(microsecond=0))).rowcount
            if changed:
                record_audit(connection, by, "board pack sign-off", f"pack {pack_id}", None, "signed off")
            return bool(changed)
    # The performance clinic: targets set by hand, actions, commentary with its time ---

    def set_target(self, indicator_id: str, area_code: str, period: str, value: float,
                   tolerance: float | None, tolerance_type: str, agreed_by: str | None, who: str) -> dict | None:
        """Write one target (no load: load_id stays empty, so reverting a load never undoes it)
        and who agreed it, in one transaction with its audit entry; the row it replaced, if any.
        Nothing is written when nothing differs."""
        table, agreement = schema.target, schema.target_agreement
        key = {"indicator_id": indicator_id, "area_code": area_code, "period": period}
        where = [table.c[name] == wanted for name, wanted in key.items()]
        with self.one_writer(), self.engine.begin() as connection:
            self.serialise(connection)
            found = connection.execute(sa.select(table).where(*where)).first()
            agreed = connection.execute(sa.select(agreement.c.agreed_by).where(
                *[agreement.c[name] == wanted for name, wanted in key.items()])).scalar()
            before = None if found is None else {**dict(found._mapping), "agreed_by": agreed}
            after = {**key, "value": value, "tolerance": tolerance, "tolerance_type": tolerance_type,
                     "agreed_by": agreed_by}
            if before is not None and all(_same(before[name], after[name]) for name in
                                          ("value", "tolerance", "tolerance_type", "agreed_by")):
                return before
            connection.execute(table.delete().where(*where))
            connection.execute(table.insert().values(**{name: after[name] for name in after if name != "agreed_by"},
                                                     load_id=None))
            self._upsert(connection, agreement, [{**key, "agreed_by": agreed_by, "set_by": who,
                                                  "set_at": datetime.now().replace(microsecond=0)}])
            record_audit(connection, who, "target set", f"{indicator_id} {area_code} {period}",
                         target_words(before), target_words(after))
        return before

    def all_targets(self, area_code: str | None = None) -> pd.DataFrame:
        """Every target (for one area, or all), with who agreed and set it where the clinic did."""
        table, agreement = schema.target, schema.target_agreement
        joined = table.outerjoin(agreement, sa.and_(
            agreement.c.indicator_id == table.c.indicator_id, agreement.c.area_code == table.c.area_code,
            agreement.c.period == table.c.period))
        query = sa.select(table, agreement.c.agreed_by, agreement.c.set_by, agreement.c.set_at).select_from(joined)
        if area_code is not None:
            query = query.where(table.c.area_code == area_code)
        return self.frame(query.order_by(table.c.area_code, table.c.indicator_id, table.c.period))

    def add_action(self, fields: dict, who: str) -> int:
        """A new action (indicator, area, raised quarter and its start, what, owner, due)."""
        table = schema.action_item
        with self.engine.begin() as connection:
            new_id = int(connection.execute(table.insert().returning(table.c.id).values(
                **fields, status="open", updated_by=who, updated_at=datetime.now().replace(microsecond=0),
            )).scalar())
            record_audit(connection, who, "action add", f"action {new_id}: {fields['indicator_id']} "
                         f"{fields['area_code']}", None, action_words(fields | {"status": "open"}))
        return new_id

    def update_action(self, action_id: int, changes: dict, who: str) -> tuple[dict, dict] | None:
        """Change an action's what, owner, due date or status (and when it was done); the row
        before and after, or None when there is no such action. Audited with both."""
        table = schema.action_item
        with self.engine.begin() as connection:
            found = connection.execute(sa.select(table).where(table.c.id == action_id)).first()
            if found is None:
                return None
            before = dict(found._mapping)
            after = {**before, **changes}
            if all(_same(before[name], after[name]) for name in changes):
                return before, after
            connection.execute(table.update().where(table.c.id == action_id).values(
                **changes, updated_by=who, updated_at=datetime.now().replace(microsecond=0)))
            record_audit(connection, who, "action update", f"action {action_id}: {before['indicator_id']} "
                         f"{before['area_code']}", action_words(before), action_words(after))
        return before, after

    def actions_for(self, area_code: str, indicator_ids: list[str] | None = None) -> list[dict]:
        """Every action for an area (or some of its indicators), oldest first."""
        table = schema.action_item
        query = sa.select(table).where(table.c.area_code == area_code)
        if indicator_ids is not None:
            query = query.where(table.c.indicator_id.in_(indicator_ids))
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query.order_by(table.c.id))]

    def commentary_notes(self, area_code: str, period: str, indicator_ids: list[str] | None = None) -> dict[str, dict]:
        """Indicator -> the current version of its commentary: text, author, written_at."""
        table = schema.commentary
        query = (sa.select(table.c.indicator_id, table.c.text, table.c.author, table.c.written_at)
                 .where(table.c.area_code == area_code, table.c.period == period).order_by(table.c.id))
        if indicator_ids is not None:
            query = query.where(table.c.indicator_id.in_(indicator_ids))
        with self.engine.connect() as connection:
            return {row.indicator_id: dict(row._mapping) for row in connection.execute(query)}

    # Backup and restore -------------------------------------------------------------

    def every_table(self) -> dict[str, pd.DataFrame]:
        """Every table's rows by name, parents before the tables that refer to them."""
        return {table.name: self.frame(sa.select(table)) for table in schema.metadata.sorted_tables}

    def replace_everything(self, frames: dict[str, pd.DataFrame], by: str, subject: str, note: str,
                           keep: frozenset[str] = frozenset()) -> None:
        """Replace every table's rows with `frames` in one transaction, so that new loads and
        commentary get ids after the restored ones. Tables named in `keep` stay as they are. The
        audit log is never replaced: its entries stay, the backup's entries it lacks are added
        after them, and the restore itself is recorded last."""
        self.create_schema()
        kept = keep | {schema.audit.name}
        with self.engine.begin() as connection:
            for table in reversed(schema.metadata.sorted_tables):
                if table.name not in kept:
                    connection.execute(table.delete())
            for table in schema.metadata.sorted_tables:
                frame = frames.get(table.name)  # a backup from before a table existed lacks it
                if table.name not in kept and frame is not None and len(frame):
                    connection.execute(table.insert(), list(records(frame)))
            _add_missing_audit(connection, frames.get(schema.audit.name))
            for sequence, table, column in _sequences():
                highest = connection.execute(sa.select(sa.func.max(table.c[column]))).scalar() or 0
                _move_sequence_past(connection, sequence, highest)
            record_audit(connection, by, "restore", subject, None, note)


def _add_missing_audit(connection: sa.Connection, backed_up: pd.DataFrame | None) -> None:
    """The backup's audit entries that the log does not hold already (same time, who, action,
    subject, before and after), in their order. Into an empty log they keep their ids; after
    existing entries they take new ones, so every id stays in the order entries were added."""
    if backed_up is None or not len(backed_up):
        return
    table = schema.audit
    fields = [name for name in AUDIT_COLUMNS if name != "id"]
    held = {tuple(row) for row in connection.execute(sa.select(*[table.c[name] for name in fields]))}
    empty = not held
    missing = [row for row in records(backed_up.sort_values("id"))
               if tuple(_plain(row.get(name)) for name in fields) not in held]
    if not empty:
        missing = [{name: row.get(name) for name in fields} for row in missing]
        for row in missing:  # one by one: each takes the next id from the sequence
            connection.execute(table.insert().values(**row))
    elif missing:
        connection.execute(table.insert(), missing)


def _plain(value):
    """A value read back from Parquet, as the database gives it (pandas Timestamps as datetimes)."""
    return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value


def _sequences() -> list[tuple[sa.Sequence, sa.Table, str]]:
    found = []
    for table in schema.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.default, sa.Sequence):
                found.append((column.default, table, column.name))
    return found


def _move_sequence_past(connection, sequence: sa.Sequence, highest: int) -> None:
    """So new loads and commentary get ids after the restored ones."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text(f"SELECT setval('{sequence.name}', {max(highest, 1)}, {highest > 0})"))
        return
    # DuckDB has no setval: draw the numbers in one query instead.
    drawn = connection.execute(sa.select(sequence.next_value())).scalar()
    if drawn < highest:
        connection.execute(sa.text(f"SELECT max(nextval('{sequence.name}')) FROM range({highest - drawn})"))


def records(frame: pd.DataFrame) -> Iterable[dict]:
    """Rows of a frame as dicts with None for missing values."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _same(first, second) -> bool:
    """Equal, counting None and NaN as the same nothing."""
    if _nothing(first) or _nothing(second):
        return _nothing(first) and _nothing(second)
    return first == second


def _nothing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def target_words(row: dict | None) -> str | None:
    """A target as the audit log keeps it: 'target 12, tolerance 1 (absolute), agreed by ...'."""
    if row is None:
        return None
    tolerance = row.get("tolerance")
    words = f"target {row['value']:g}, " + (
        "no tolerance" if _nothing(tolerance)
        else f"tolerance {tolerance:g} ({row.get('tolerance_type') or 'absolute'})")
    return words + (f", agreed by {row['agreed_by']}" if row.get("agreed_by") else "")


def action_words(row: dict) -> str:
    """An action as the audit log keeps it."""
    return f"{row['what']}; owner {row['owner']}; due {row['due']:%d %b %Y}; {row['status']}"
