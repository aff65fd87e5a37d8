"""One file in, one load out: detect the layout, validate, then write in one transaction.

Each layout is a `Reader` in `READERS`: a detect function that looks at the file and
names its kind (or None), and a read function that turns it into a Batch, adding every
problem it finds. A new layout is one line in `READERS`; earlier readers win.
"""

import getpass
import hashlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from pathlib import Path

import pandas as pd

from loaders import council, dfe_tables, ees, fingertips, la_codes, lait, neighbours, ons, safety, template
from loaders import wide
from loaders.context import LoadContext
from loaders.problems import LoadRefused, Problem, Severity, errors
from loaders.sources import describe
from loaders.tables import WORKBOOK_SUFFIXES, RawTable, first_row, head_rows, read_csv, read_sheet_with_header, sheet_names
from loaders.tidy import sourced
from scorecard import plausibility
from scorecard.provenance import LOCAL_TEMPLATE, LOCAL_WORKBOOK
from scorecard.store import Batch, Change, Store

SUPPORTED_SUFFIXES = {".csv", ".xlsx", ".ods", ".parquet"}


class Source:
    """The file being loaded, read lazily and at most once, whichever readers look at it."""

    def __init__(self, path: Path, name: str | None = None):
        self.path = Path(path)
        # The name people know the file by: uploads are stored under generated names, and
        # readers take a release or a model year from it.
        self.name = name or self.path.name
        self.rows_read = 0  # a reader sets this to the data rows it read

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    @cached_property
    def sheet_names(self) -> list[str]:
        """The workbook's sheets ([] for a CSV or parquet file)."""
        if self.suffix not in WORKBOOK_SUFFIXES:
            return []
        return sheet_names(self.path)

    @cached_property
    def table(self) -> RawTable | None:
        """The file as one table of text with its first row as the header: a CSV, or the
        first sheet of a workbook (tidy layouts saved as XLSX). None for other files."""
        if self.suffix == ".csv":
            return replace(read_csv(self.path), name=self.name)
        if self.suffix in WORKBOOK_SUFFIXES and self.sheet_names:
            return replace(read_sheet_with_header(self.path, self.sheet_names[0]), name=self.name)
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
        elif self.suffix == ".ods":
            names = next((row for row in self.head if any(row)), [])
        else:
            names = []
        return [str(name).strip() for name in names]

    @cached_property
    def head(self) -> list[list[str]]:
        """The first rows of a CSV or of a workbook's first sheet as text, blank rows in
        place: enough to find a header by its content under titles or column numbers."""
        try:
            return head_rows(self.path) if self.suffix in (".csv", *WORKBOOK_SUFFIXES) else []
        except Exception:  # a damaged file: detection moves on, and the reader that claims it says why
            return []

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
    if table is None:
        problems.append(Problem(source.name, "", f"{kind} is an Explore Education Statistics CSV layout",
                                "Load the CSV as published (or saved as a workbook)"))
        return Batch({})
    source.rows_read = len(table.frame)
    return ees.read(table, kind, context, problems)


def _detect_ees(source: Source) -> str | None:
    """EES files are known by their header, and some releases by their filter values too:
    the rows are read only for a header that has EES's time and place columns."""
    if source.suffix not in (".csv", *WORKBOOK_SUFFIXES) or not source.header:
        return None
    return ees.detect(source.header, lambda: source.table.frame)


# Earlier readers win when more than one recognises a file.
READERS: list[Reader] = [
    Reader(template.KINDS, template.detect, template.read),
    Reader(ees.KINDS, _detect_ees, _read_ees),
    Reader(neighbours.KINDS, neighbours.detect, neighbours.read),  # header found by content
    Reader(lait.KINDS, lait.detect, lait.read),
    Reader(fingertips.KINDS, fingertips.detect, fingertips.read),
    Reader(ons.KINDS, ons.detect, ons.read),
    Reader(dfe_tables.KINDS, dfe_tables.detect, dfe_tables.read),
    Reader(wide.KINDS, wide.detect, wide.read),  # older DfE underlying data, one column per measure
    Reader(la_codes.KINDS, la_codes.detect, la_codes.read),
    Reader(council.KINDS, council.detect, council.read),  # the loosest test: last
]


def known_kinds() -> list[str]:
    return [kind for reader in READERS for kind in reader.kinds]


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


def read_file(path: Path, context: LoadContext, kind: str | None = None,
              name: str | None = None) -> tuple[str, Batch, list[Problem], int]:
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
    source = Source(path, name)
    reader, kind = _choose(source, kind)
    batch = reader.read(source, kind, context, problems)
    return kind, batch, problems, source.rows_read or batch.rows


def _choose(source: Source, kind: str | None) -> tuple[Reader, str]:
    if kind:
        for reader in READERS:
            if kind in reader.kinds:
                _check_columns(source, kind)
                return reader, kind
        raise LoadRefused(
            [
                Problem(
                    source.name, "", f"'{kind}' is not a layout Scorecard reads",
                    "Use one of: " + ", ".join(known_kinds()) + " ('scorecard sources' describes them)",
                )
            ]
        )
    for reader in READERS:
        if found := reader.detect(source):
            return reader, found
    raise LoadRefused([_not_recognised(source)])


def _header_layouts() -> list[tuple[str, str, tuple[str, ...]]]:
    """(kind, layout, columns) of the layouts known by the columns of their first row."""
    found = [(kind, name, columns) for kind in ees.KINDS for name, columns in ees.expected_columns(kind)]
    for module in (lait, la_codes):
        found += [(kind, kind, columns) for kind, columns in module.COLUMNS.items()]
    return found


def known_layouts() -> list[dict]:
    """Every layout Scorecard reads, what recognises it and what it gives (`scorecard sources`)."""
    found = describe(ees.sources(), ees.GEOGRAPHY_COLUMNS)
    header = {kind: columns for kind, _, columns in _header_layouts()}
    for reader in READERS:
        if reader.read is _read_ees:
            continue
        # The reader module's own first sentence says what the layout is.
        about = " ".join((sys.modules[reader.detect.__module__].__doc__ or "").strip().split("\n\n")[0].split())
        for kind in reader.kinds:
            columns = list(header.get(kind, ()))
            found.append({
                "kind": kind, "dataset": "", "publisher": "", "title": about.split(". ")[0].rstrip(".:") or kind,
                "layouts": [{"name": kind, "columns": columns, "values": {},
                             "recognised_by": "columns " + ", ".join(columns) if columns else "its content"}],
                "gives": [],
            })
    return found


def _header(source: Source) -> set[str]:
    return source.columns if source.suffix in (".csv", ".parquet", *WORKBOOK_SUFFIXES) else set()


def _check_columns(source: Source, kind: str) -> None:
    """`--as KIND` on a file of another shape: say which columns it lacks, before a reader
    trips over them."""
    if source.suffix == ".parquet" and kind != "lait":  # only LAIT's long data comes as parquet
        raise LoadRefused([Problem(source.name, "", f"a parquet file cannot be read as {kind}",
                                   "Save the file as CSV or an Excel workbook, or leave out --as")])
    layouts = [(name, columns) for known, name, columns in _header_layouts() if known == kind]
    if not layouts:
        return  # a layout found by its content (template, council workbook, DfE tables)
    have = _header(source)
    lacking = {name: [column for column in columns if column not in have] for name, columns in layouts}
    if not all(lacking.values()):
        return
    name, missing = min(lacking.items(), key=lambda item: len(item[1]))
    shown = ", ".join(source.header[:15]) + (", ..." if len(source.header) > 15 else "")
    raise LoadRefused([
        Problem(
            source.name, "",
            f"read as {kind}, the file lacks the column{'s' * (len(missing) != 1)} {', '.join(missing)} "
            f"that {name} needs; its columns are {shown or 'none'}",
            "Check that this is the file you meant, or leave out --as to let Scorecard recognise it",
        )
    ])


def _not_recognised(source: Source) -> Problem:
    """The refusal for a file no reader recognised, naming the known layouts closest to it
    and what each lacks."""
    have = _header(source)
    rows = (lambda: source.table.frame) if source.suffix in (".csv", *WORKBOOK_SUFFIXES) else None
    near = ees.compare(have, rows) if have else []
    for module in (lait, la_codes):
        for kind, columns in module.COLUMNS.items():
            missing = [column for column in columns if column not in have]
            if len(missing) < len(columns):
                near.append((1 - len(missing) / len(columns), f"{kind} has {len(columns) - len(missing)} of its "
                                                               f"{len(columns)} columns, lacking {', '.join(missing)}"))
    near = [text for share, text in sorted(near, key=lambda item: -item[0]) if share > 0][:3]
    closest = f"; the closest known layouts: {'; '.join(near)}" if near else ""
    return Problem(
        source.name, "",
        f"Scorecard does not recognise this file's layout{closest}",
        "If it is a new release or another Explore Education Statistics dataset, add a layout for it "
        "to data/sources.yaml ('scorecard sources' lists the known ones), or load each of its measures as a "
        f"benchmark indicator with --as {ees.UNDECLARED}. Otherwise use the Scorecard "
        "template, a LAIT file, an ONS population file or a statistical neighbour list, or name the "
        "layout with --as",
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


def _out_of_line(batch: Batch, context: LoadContext, file_name: str, limit: int = 10) -> list[Problem]:
    """Warnings for published figures far out of line with their peers (scorecard.plausibility)."""
    frame = batch.tables.get("observation")
    if frame is None or frame.empty:
        return []
    levels = {area.code: area.level for area in context.areas if area.level in ("england", "region")}
    # England's count is the sum of its regions': only rates, percentages and the like compare.
    units = {indicator.id: indicator.unit.value for indicator in context.catalogue}
    units.update({row["id"]: row["unit"] for row in batch.indicators})
    compared = [indicator_id for indicator_id, unit in units.items() if unit not in ("number", "pounds")]
    rows = frame[frame["indicator_id"].isin(compared)]
    by = ["indicator_id", "period", "breakdown"]
    found = [
        Problem(
            file_name,
            f"{row.indicator_id}, {context.areas.get(row.area_code).name}, {row.period}"
            + ("" if row.breakdown == "all" else f", {row.breakdown}"),
            f"{row.why}: far out of line with its peers",
            "Check the figure (a count given as a rate, or another unit); it is loaded and marked where shown",
            Severity.WARNING,
        )
        for row in plausibility.out_of_line(rows, levels, by).sort_values(by).itertuples()
    ]
    if len(found) > limit:
        more = len(found) - limit
        found = found[:limit] + [Problem(file_name, "", f"{more} more figures are out of line with their peers",
                                         "Each is marked where it is shown", Severity.WARNING)]
    return found


def _name_local_source(batch: Batch, kind: str) -> None:
    """Figures from the analyst's own workbooks are local management information."""
    unnamed = any(
        "source" not in frame or (frame["source"] == "").any()
        for name, frame in batch.tables.items()
        if name in ("observation", "population")
    )
    if unnamed:
        sourced(batch, LOCAL_TEMPLATE if kind in template.KINDS else LOCAL_WORKBOOK)


def _load(store, path, context, report, dry_run, kind, user) -> LoadReport:
    try:
        digest = sha256_of(path) if path.exists() else ""
        if digest and (previous := store.load_with_hash(digest)) is not None:
            report.status = "already loaded"
            report.load_id = previous["id"]
            return report
        context = replace(context, store=context.store or store)  # lets checks compare with earlier figures
        report.kind, batch, report.problems, report.rows_read = read_file(path, context, kind, report.file)
    except LoadRefused as refused:
        report.status = "refused"
        report.problems = refused.problems
        return report
    if errors(report.problems):
        report.status = "refused"
        return report
    described = report.kind == "lait_dictionary" and not batch.indicators  # every measure known already
    if report.kind in la_codes.KINDS or described:  # a check, nothing to load
        report.status = "checked"
        return report
    if not batch.rows and not batch.indicators:
        # Never recorded: a load of nothing would block the file as "already loaded".
        report.status = "refused"
        report.problems.append(Problem(
            report.file, "", f"nothing in this file matched an indicator (read as {report.kind})",
            "Check that this is the file you meant; 'scorecard sources' lists what Scorecard reads",
        ))
        return report
    _name_local_source(batch, report.kind)
    report.problems.extend(_out_of_line(batch, context, report.file))
    batch.warnings = [{"location": problem.location,
                       "message": problem.message + (f". {problem.action}" if problem.action else "")}
                      for problem in report.warnings]
    if dry_run:
        report.status = "dry run"
        report.change = store.preview(batch)
        return report
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
