"""The store: one class owns the database, through SQLAlchemy Core. Every query Scorecard
makes is a method here and gives back plain results (frames, dicts, lists): nothing else
builds SQL.

DuckDB (a file, the embedded default) and PostgreSQL (a URL, for shared deployments)
run the same code. Every write is one transaction.
"""

import contextlib
import os
import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from scorecard import schema
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

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = REPO_ROOT / "data" / "scorecard.duckdb"
DB_ENVIRONMENT_VARIABLE = "SCORECARD_DB"
# Observation columns read for figures, with the source and how the publisher rounded counts.
FIGURE_COLUMNS = [
    "indicator_id", "area_code", "period", "breakdown", "period_type", "period_start",
    "period_end", "numerator", "denominator", "value", "status", "load_id",
]


class MissingDatabaseError(RuntimeError):
    """The database file does not exist yet."""


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


class Store(VersionedWrites, SignInStore):
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
        # A pooled PostgreSQL connection is checked before use: after the server restarts, the
        # next request reconnects rather than failing on a dead connection.
        store = cls(url, sa.create_engine(url, pool_pre_ping=url.startswith("postgresql")))
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
        rows = self.frame(
            sa.select(table.c.indicator_id, table.c.text, table.c.author, table.c.id)
            .where(table.c.area_code == area_code, table.c.period == period, table.c.indicator_id.in_(indicator_ids))
            .order_by(table.c.id)
        )
        return {row.indicator_id: (row.text, row.author) for row in rows.itertuples()}

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
        return self.setting("demo_data") == "true"

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
