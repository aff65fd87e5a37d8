"""One file in, one load out: detect the layout, validate, then write in one transaction.

Each layout is a `Reader` in `READERS`: a detect function that looks at the file and
names its kind (or None), and a read function that turns it into a Batch, adding every
problem it finds. A new layout is one line in `READERS`; earlier readers win.
"""

import getpass
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from loaders import council, dfe_tables, ees, fingertips, la_codes, lait, neighbours, safety, template
from loaders.context import LoadContext
from loaders.problems import LoadRefused, Problem, Severity, errors
from loaders.tables import RawTable, first_row, read_csv, read_sheet_with_header
from scorecard import schema
from scorecard.store import Batch, Change, Store

SUPPORTED_SUFFIXES = {".csv", ".xlsx", ".parquet"}


class Source:
    """The file being loaded, read lazily and at most once, whichever readers look at it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.rows_read = 0  # a reader sets this to the data rows it read

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    @cached_property
    def sheet_names(self) -> list[str]:
        """The workbook's sheets ([] for a CSV or parquet file)."""
        if self.suffix != ".xlsx":
            return []
        from python_calamine import CalamineWorkbook

        return list(CalamineWorkbook.from_path(str(self.path)).sheet_names)

    @cached_property
    def table(self) -> RawTable | None:
        """The file as one table of text with its first row as the header: a CSV, or the
        first sheet of a workbook (tidy layouts saved as XLSX). None for other files."""
        if self.suffix == ".csv":
            return read_csv(self.path)
        if self.suffix == ".xlsx" and self.sheet_names:
            return read_sheet_with_header(self.path, self.sheet_names[0])
        return None

    @cached_property
    def header(self) -> list[str]:
        """The column names, read without reading the rows (detection must stay cheap:
        a LAIT workbook has 641,070 rows)."""
        if self.suffix == ".parquet":
            import pyarrow.parquet as pq

            names = pq.read_schema(self.path).names
        elif self.suffix == ".csv":
            names = list(pd.read_csv(self.path, nrows=0, encoding="utf-8-sig").columns)
        elif self.suffix == ".xlsx":
            try:
                names = first_row(self.path)
            except Exception:  # an unusual package layout: let openpyxl find the header
                names = _first_row_of_first_sheet(self.path)
        else:
            names = []
        return [str(name).strip() for name in names]

    @property
    def columns(self) -> set[str]:
        return set(self.header)


def _first_row_of_first_sheet(path: Path) -> list[str]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for row in workbook.worksheets[0].iter_rows(max_row=20, values_only=True):
            if any(value not in (None, "") for value in row):
                return ["" if value is None else str(value) for value in row]
        return []
    finally:
        workbook.close()


@dataclass(frozen=True)
class Reader:
    """One family of layouts: detect(source) -> kind or None; read(source, kind, context, problems) -> Batch."""

    kinds: tuple[str, ...]  # the kinds it reads, for `--as KIND`
    detect: Callable[[Source], str | None]
    read: Callable[[Source, str, LoadContext, list[Problem]], Batch]


def _read_ees(source: Source, kind: str, context: LoadContext, problems: list[Problem]) -> Batch:
    table = source.table
    source.rows_read = len(table.frame)
    if kind == "ees_population":
        return Batch({"population": ees.read_population(table, context, problems)})
    frame = ees.read_measures(table, kind, context, problems)
    _check_duplicates(table, frame, problems)
    return Batch({"observation": frame})


def _read_neighbours(source: Source, kind: str, context: LoadContext, problems: list[Problem]) -> Batch:
    source.rows_read = len(source.table.frame)
    return Batch({"comparator": neighbours.read_neighbours(source.table, kind, context, problems)})


def _tidy_detect(detect: Callable[[RawTable], str | None]) -> Callable[[Source], str | None]:
    """A detect function for a layout with its header in the first row: it sees the header only."""

    def detect_header(source: Source) -> str | None:
        if source.suffix not in (".csv", ".xlsx") or not source.header:
            return None
        return detect(RawTable(source.path, None, pd.DataFrame(columns=source.header)))

    return detect_header


# Earlier readers win when more than one recognises a file.
READERS: list[Reader] = [
    Reader(template.KINDS, template.detect, template.read),
    Reader(ees.KINDS, _tidy_detect(ees.detect), _read_ees),
    Reader(neighbours.KINDS, _tidy_detect(neighbours.detect), _read_neighbours),
    Reader(lait.KINDS, lait.detect, lait.read),
    Reader(fingertips.KINDS, fingertips.detect, fingertips.read),
    Reader(dfe_tables.KINDS, dfe_tables.detect, dfe_tables.read),
    Reader(la_codes.KINDS, la_codes.detect, la_codes.read),
    Reader(council.KINDS, council.detect, council.read),  # the loosest test: last
]


def known_kinds() -> list[str]:
    return [kind for reader in READERS for kind in reader.kinds]


def _check_duplicates(table: RawTable, frame, problems: list[Problem]) -> None:
    duplicated = frame.duplicated(["indicator_id", "area_code", "period", "breakdown"], keep="first")
    for row in frame[duplicated].head(5).itertuples():
        problems.append(
            Problem(
                table.file_name,
                "",
                f"{row.indicator_id} for {row.area_code} in {row.period} appears more than once",
                "Remove the duplicate rows",
            )
        )


@dataclass
class LoadReport:
    file: str
    kind: str = ""
    status: str = ""  # loaded, dry run, already loaded, refused
    problems: list[Problem] = field(default_factory=list)
    change: Change | None = None
    load_id: int | None = None
    rows_read: int = 0

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == Severity.WARNING]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_file(path: Path, context: LoadContext, kind: str | None = None) -> tuple[str, Batch, list[Problem], int]:
    """Read and validate a file; nothing touches the database here."""
    path = Path(path)
    problems: list[Problem] = []
    if not path.exists():
        raise LoadRefused([Problem(path.name, "", "the file does not exist", "Check the path")])
    safety.check_file(path)  # before any parser opens it
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise LoadRefused(
            [
                Problem(
                    path.name, "", f"'{path.suffix}' files are not supported",
                    "Save the file as an Excel workbook (.xlsx) or CSV",
                )
            ]
        )
    source = Source(path)
    reader, kind = _choose(source, kind)
    batch = reader.read(source, kind, context, problems)
    return kind, batch, problems, source.rows_read or batch.rows


def _choose(source: Source, kind: str | None) -> tuple[Reader, str]:
    if kind:
        for reader in READERS:
            if kind in reader.kinds:
                return reader, kind
        raise LoadRefused(
            [
                Problem(
                    source.name, "", f"'{kind}' is not a layout Scorecard reads",
                    "Use one of: " + ", ".join(known_kinds()),
                )
            ]
        )
    for reader in READERS:
        if found := reader.detect(source):
            return reader, found
    raise LoadRefused(
        [
            Problem(
                source.name,
                "",
                "Scorecard does not recognise this file's layout",
                "Use the Scorecard template, a DfE Explore Education Statistics or LAIT file, "
                "an ONS population file or a statistical neighbour list; or name the layout with --as",
            )
        ]
    )


def load_file(
    store: Store,
    path: Path,
    context: LoadContext,
    *,
    dry_run: bool = False,
    kind: str | None = None,
    user: str | None = None,
    file_name: str | None = None,
) -> LoadReport:
    """Load one file as one batch; refuse it whole when it has any error.

    `file_name` is the name people know the file by, when it is stored under another
    (uploads are saved under generated names)."""
    path = Path(path)
    report = LoadReport(file=file_name or path.name)
    try:
        return _load(store, path, context, report, dry_run, kind, user)
    finally:
        if file_name:
            report.problems = [replace(problem, file=file_name) for problem in report.problems]


OBSERVATION_KEY = ["indicator_id", "area_code", "period", "breakdown"]


def _keep_known_counts(store: Store, batch: Batch) -> None:
    """A file that publishes only the rate (LAIT) does not wipe the counts another file
    gave for the same figure: where the value and symbol agree, the counts are kept, so
    the row is unchanged rather than revised. A different value is a real revision."""
    frame = batch.tables.get("observation")
    if frame is None or frame.empty:
        return
    bare = frame["numerator"].isna() & frame["denominator"].isna()
    if not bare.any():
        return
    table = schema.observation
    ids = frame.loc[bare, "indicator_id"].unique().tolist()
    known = store.frame(
        sa.select(*[table.c[name] for name in [*OBSERVATION_KEY, "numerator", "denominator", "value", "status"]])
        .where(table.c.indicator_id.in_(ids))
        .where(table.c.numerator.isnot(None) | table.c.denominator.isnot(None))
    )
    if known.empty:
        return
    matched = frame[OBSERVATION_KEY].merge(known, on=OBSERVATION_KEY, how="left")
    same = (
        bare.to_numpy()
        & (matched["status"].to_numpy() == frame["status"].to_numpy())
        & (
            (matched["value"].to_numpy() == frame["value"].to_numpy())
            | (matched["value"].isna().to_numpy() & frame["value"].isna().to_numpy() & matched["status"].notna().to_numpy())
        )
    )
    if not same.any():
        return
    for column in ("numerator", "denominator"):  # as floats: an all-empty column comes back as objects
        frame.loc[same, column] = pd.to_numeric(matched.loc[same, column]).astype("float64").to_numpy()


def _load(store, path, context, report, dry_run, kind, user) -> LoadReport:
    try:
        digest = sha256_of(path) if path.exists() else ""
        if digest and (previous := store.load_with_hash(digest)) is not None:
            report.status = "already loaded"
            report.load_id = previous["id"]
            return report
        context = replace(context, store=context.store or store)  # lets checks compare with earlier figures
        report.kind, batch, report.problems, report.rows_read = read_file(path, context, kind)
    except LoadRefused as refused:
        report.status = "refused"
        report.problems = refused.problems
        return report
    if errors(report.problems):
        report.status = "refused"
        return report
    _keep_known_counts(store, batch)
    if dry_run:
        report.status = "dry run"
        report.change = store.preview(batch)
        return report
    if indicators := getattr(batch, "indicators", None):
        # Describing a measure changes no figure: safe to write ahead of the load itself.
        store.replace_reference(schema.indicator, indicators)
    report.load_id, report.change = store.apply(
        batch,
        {
            "file_name": report.file,
            "sha256": digest,
            "kind": report.kind,
            "user_name": user or getpass.getuser(),
            "loaded_at": datetime.now(),
            "rows_read": report.rows_read,
            "rows_new": 0,
            "rows_revised": 0,
            "rows_unchanged": 0,
            "warnings": len(report.warnings),
            "status": "loaded",
        },
    )
    report.status = "loaded"
    return report
