"""Loading files, through the loaders: the reference data first, then each file read, checked
and written as one load (loaders.pipeline). The command line and the upload page both come here.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from loaders import pipeline
from loaders.context import LoadContext
from loaders.template import write_template as _write_template
from scorecard.areas import AreaDirectory
from scorecard.catalogue import Catalogue, CatalogueError
from scorecard.periods import Period
from scorecard.store import MissingDatabaseError, Store
from service.errors import NotAllowed

LoadReport = pipeline.LoadReport
SUPPORTED_SUFFIXES = pipeline.SUPPORTED_SUFFIXES


def load_files(service, paths: list[Path], home: str, *, dry_run: bool = False, kind: str | None = None,
               user: str | None = None, file_name: str | None = None, sync: bool = True) -> Iterator[LoadReport]:
    """A report per file, in order; each file is its own load (a refused one writes nothing).
    A council workbook's figures belong to `home`. `sync` writes the reference data first."""
    if sync:
        service.sync_reference()
    context = LoadContext(service.catalogue, service.areas, home)
    for path in paths:
        with _sources_checked():
            # Called through the module, so a test can stand in for the pipeline.
            report = pipeline.load_file(service.store, Path(path), context, dry_run=dry_run, kind=kind, user=user,
                                        file_name=file_name)
        yield report


def upload(service, path: Path, area: str | None, *, dry_run: bool, user: str, file_name: str) -> LoadReport:
    """One file from the upload page, for an area on the server's list; a load warms the cache."""
    home = service.checked_area(area)
    (report,) = load_files(service, [path], home, dry_run=dry_run, user=user, file_name=file_name,
                           sync=not dry_run)
    if report.status == "loaded":
        service.warm_in_background()
    return report


def known_layouts() -> list[dict]:
    """The file layouts Scorecard reads and what each gives (data/sources.yaml, checked)."""
    with _sources_checked():
        return pipeline.known_layouts()


@contextmanager
def _sources_checked():
    """data/sources.yaml is read as files are: its problems are refused like the catalogue's."""
    try:
        yield
    except CatalogueError as problem:
        raise NotAllowed(str(problem)) from problem


def write_template(output: Path, catalogue: Catalogue, areas: AreaDirectory, area_code: str, quarter: Period,
                   db: str | None) -> int:
    """A workbook to fill in for a quarter; earlier figures are shown when there is a database.
    Returns the rows written."""
    try:
        store = Store.open(db)
    except MissingDatabaseError:
        store = None
    try:
        return _write_template(Path(output), catalogue, areas, quarter, area_code, store)
    finally:
        if store is not None:
            store.close()
