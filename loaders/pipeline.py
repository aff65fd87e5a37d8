"""One file in, one load out: detect the layout, validate, then write in one transaction."""

import getpass
import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from loaders import ees, neighbours
from loaders.context import LoadContext
from loaders.problems import LoadRefused, Problem, Severity, errors
from loaders.tables import RawTable, read_csv
from scorecard.store import Batch, Change, Store

SUPPORTED_SUFFIXES = {".csv"}


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
    problems: list[Problem] = []
    if not path.exists():
        raise LoadRefused([Problem(path.name, "", "the file does not exist", "Check the path")])
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise LoadRefused(
            [Problem(path.name, "", f"'{path.suffix}' files are not supported", "Save the file as CSV")]
        )
    table = read_csv(path)
    kind = kind or ees.detect(table) or neighbours.detect(table)
    if kind is None:
        raise LoadRefused(
            [
                Problem(
                    path.name,
                    "",
                    "Scorecard does not recognise this file's layout",
                    "Use a DfE Explore Education Statistics CSV, an ONS population file or a "
                    "statistical neighbour list",
                )
            ]
        )
    batch = _batch_for(table, kind, context, problems)
    return kind, batch, problems, len(table.frame)


def _batch_for(table: RawTable, kind: str, context: LoadContext, problems: list[Problem]) -> Batch:
    if kind == "ees_population":
        return Batch({"population": ees.read_population(table, context, problems)})
    if kind.startswith("neighbours_"):
        return Batch({"comparator": neighbours.read_neighbours(table, kind, context, problems)})
    frame = ees.read_measures(table, kind, context, problems)
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
    return Batch({"observation": frame})


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


def _load(store, path, context, report, dry_run, kind, user) -> LoadReport:
    try:
        digest = sha256_of(path) if path.exists() else ""
        if digest and (previous := store.load_with_hash(digest)) is not None:
            report.status = "already loaded"
            report.load_id = previous["id"]
            return report
        report.kind, batch, report.problems, report.rows_read = read_file(path, context, kind)
    except LoadRefused as refused:
        report.status = "refused"
        report.problems = refused.problems
        return report
    if errors(report.problems):
        report.status = "refused"
        return report
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
