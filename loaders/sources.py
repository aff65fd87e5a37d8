"""The publisher datasets Scorecard reads, declared in data/sources.yaml.

Like the catalogue, the file is edited by hand, so it is checked as a whole when read and
every problem is reported with the file name and line, rather than stopping at the first.
A new release or dataset is an edit to the file, never to code.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from scorecard.catalogue import DEFAULT_CATALOGUE_PATH, Catalogue, CatalogueError, load_catalogue, read_yaml
# The catalogue's YAML loader keeps each mapping's and item's line, for located problems.
from scorecard.catalogue import _Map, _Seq
from scorecard.model import MeasureType, PeriodType

DEFAULT_SOURCES_PATH = DEFAULT_CATALOGUE_PATH.parent / "sources.yaml"

LEVELS = ("National", "Regional", "Local authority")  # EES geographic_level values we read

_KIND = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_DATASET = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_DATASET_FIELDS = ("id", "kind", "title", "publisher", "layouts", "filters", "indicators", "population",
                   "count_rounding", "benchmarks")
_DATASET_REQUIRED = ("id", "kind", "title", "publisher", "layouts")
_LAYOUT_FIELDS = ("name", "columns", "values")
_MAPPING_FIELDS = ("where", "numerator", "denominator", "value", "denominator_where")
_POPULATION_FIELDS = ("age_group", "count")
_BENCHMARK_FIELDS = ("period_type", "measure_type", "snapshot_when", "skip")


class SourcesError(CatalogueError):
    """data/sources.yaml has problems; `problems` lists every one, each with its line.
    A kind of CatalogueError, so everything that reports a broken catalogue reports this too."""


@dataclass(frozen=True)
class Layout:
    """One shape a dataset has been published in: the columns (and filter values) that
    recognise it."""

    name: str
    columns: tuple[str, ...]
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)  # filter -> any of these


@dataclass(frozen=True)
class Mapping:
    """Which rows and columns of a dataset give one catalogue indicator."""

    indicator_id: str
    where: dict[str, tuple[str, ...]] = field(default_factory=dict)  # filter -> accepted values
    numerator: tuple[str, ...] = ()  # alternatives: the first present wins
    denominator: tuple[str, ...] = ()
    value: tuple[str, ...] = ()
    # The denominator's row, where it is another row: these filters override `where`'s.
    denominator_where: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Benchmarks:
    """How the measures no catalogue indicator takes are loaded as benchmark indicators."""

    period_type: PeriodType | None = None  # None: from the file's time_identifier
    measure_type: MeasureType = MeasureType.FLOW
    snapshot_when: tuple[str, ...] = ()  # a measure or filter value with one of these is on a date
    skip: tuple[str, ...] = ()  # measure columns that are not figures of their own


@dataclass(frozen=True)
class Dataset:
    """One publisher dataset across its releases; `id`, `publisher` and `title` name the
    source of its figures, `kind` is what `scorecard load --as` takes."""

    id: str
    kind: str
    title: str
    publisher: str
    layouts: tuple[Layout, ...]
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # filter -> column alternatives
    indicators: tuple[Mapping, ...] = ()
    population: dict[str, tuple[str, ...]] | None = None  # age_group and count columns
    count_rounding: dict[str, int] = field(default_factory=dict)  # geographic_level -> 5 or 10
    benchmarks: Benchmarks = Benchmarks()

    def filter_column(self, name: str, columns) -> str | None:
        """The file's column for a filter: the first of its declared names present."""
        return first_present(self.filters.get(name, (name,)), columns)

    def layout_problems(self, layout: Layout, columns, frame=None) -> tuple[list[str], list[str]]:
        """(missing columns, unmatched filter values) of a file against one layout. `frame`
        is the file's rows, looked at only when the columns are all there."""
        missing = [column for column in layout.columns if column not in columns]
        unmatched = []
        if not missing and frame is not None:
            for name, wanted in layout.values.items():
                column = self.filter_column(name, columns)
                if column is None or not frame[column].str.strip().isin(wanted).any():
                    unmatched.append(f"{column or name} has no row '{wanted[0]}'")
        return missing, unmatched


@dataclass(frozen=True)
class Sources:
    datasets: tuple[Dataset, ...]
    path: Path | None = None

    def by_kind(self, kind: str) -> Dataset | None:
        return next((dataset for dataset in self.datasets if dataset.kind == kind), None)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(dataset.kind for dataset in self.datasets)


def first_present(names, columns) -> str | None:
    return next((name for name in names if name in columns), None)


def load_sources(path: str | Path = DEFAULT_SOURCES_PATH, catalogue: Catalogue | None = None) -> Sources:
    """Read and check the sources file; SourcesError lists every problem found."""
    resolved = Path(path).resolve()
    stat = resolved.stat()
    if catalogue is None:
        catalogue = load_catalogue()
    # Keyed on the modification time too, so an analyst's edit is seen without a restart.
    return _load_cached(str(resolved), stat.st_mtime_ns, stat.st_size, catalogue)


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, _mtime_ns: int, _size: int, catalogue: Catalogue) -> Sources:
    file = Path(path)
    return parse_sources(file.read_text(encoding="utf-8"), catalogue, name=file.name, path=file)


def parse_sources(
    text: str, catalogue: Catalogue, name: str = "sources.yaml", path: Path | None = None
) -> Sources:
    """Build the sources from YAML text; each problem reported starts with `name:line:`."""
    document = read_yaml(text, name, path, SourcesError)
    checker = _Checker(name, catalogue)
    datasets = checker.check(document)
    if checker.problems:
        raise SourcesError(checker.problems, path)
    return Sources(tuple(datasets), path)


# --------------------------------------------------------------------------------------
# Checking
# --------------------------------------------------------------------------------------


def _text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _is_number(value: Any) -> bool:
    """A name YAML read as a number (a layout called 2025)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Checker:
    """Collects every problem in a parsed sources file and builds what is sound."""

    def __init__(self, name: str, catalogue: Catalogue):
        self.name = name
        self.catalogue = catalogue
        self.problems: list[str] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append(f"{self.name}:{line}: {message}")

    def fields(self, mapping: _Map, allowed: tuple[str, ...], label: str) -> None:
        """Repeated and unknown fields of one mapping."""
        for key, line, what in mapping.repeats:
            self.add(line, f"{label}field {key!r} {what}")
        for key in mapping:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.add(mapping.line_of(key), f"{label}unknown field {key!r}{hint}")

    def names(self, value: Any, line: int, label: str, allow_empty: bool = False) -> tuple[str, ...] | None:
        """A list of names (or one name): columns, or filter values."""
        if _text(value) or _is_number(value):
            return (str(value).strip(),)
        if isinstance(value, _Seq) and (value or allow_empty):
            bad = [item for item in value if not _text(item) and not _is_number(item)]
            if not bad:
                return tuple(str(item).strip() for item in value)
        self.add(line, f"{label}must be a name or a list of names")
        return None

    def selection(self, value: Any, line: int, label: str) -> dict[str, tuple[str, ...]]:
        """filter -> accepted values."""
        if not isinstance(value, _Map) or not value:
            self.add(line, f"{label}must map each filter to the values it keeps")
            return {}
        for key, repeat_line, what in value.repeats:
            self.add(repeat_line, f"{label}filter {key!r} {what}")
        result = {}
        for key, values in value.items():
            names = self.names(values, value.line_of(key), f"{label}{key}: ")
            if names is not None:
                result[str(key)] = names
        return result

    # ---- the whole file -------------------------------------------------------------

    def check(self, document: Any) -> list[Dataset]:
        if not isinstance(document, _Map) or "datasets" not in document:
            self.add(getattr(document, "line", 1), "the file must be a mapping with a 'datasets' list")
            return []
        self.fields(document, ("datasets",), "")
        items = document["datasets"]
        if not isinstance(items, _Seq) or not items:
            self.add(document.line_of("datasets"), "'datasets' must be a list of datasets")
            return []
        datasets: list[Dataset] = []
        first_line: dict[tuple[str, str], int] = {}
        for item, line in zip(items, items.item_lines, strict=True):
            dataset = self.dataset(item, line)
            for what in ("id", "kind"):  # checked on every entry, sound or not
                key = item.get(what) if isinstance(item, _Map) else None
                if not _text(key):
                    continue
                if (what, key) in first_line:
                    self.add(item.line_of(what), f"dataset {item.get('id')!r}: {what} {key!r} is already used "
                                                 f"on line {first_line[(what, key)]}")
                first_line.setdefault((what, key), item.line_of(what))
            if dataset is not None:
                datasets.append(dataset)
        return datasets

    # ---- one dataset ----------------------------------------------------------------

    def dataset(self, body: Any, line: int) -> Dataset | None:
        if not isinstance(body, _Map):
            self.add(line, "each dataset must be a mapping with id, kind, title, publisher and layouts")
            return None
        label = f"dataset {body.get('id')!r}: " if "id" in body else "dataset: "
        self.fields(body, _DATASET_FIELDS, label)
        ok = True
        for key in _DATASET_REQUIRED:
            if key not in body:
                self.add(body.line, f"{label}missing required field {key!r}")
                ok = False
        for key in ("id", "kind", "title", "publisher"):
            if key in body and not _text(body[key]):
                self.add(body.line_of(key), f"{label}{key} must be text")
                ok = False
        if _text(body.get("id")) and not _DATASET.match(body["id"]):
            self.add(body.line_of("id"), f"{label}id must be lower case letters, digits, _ and -")
            ok = False
        if _text(body.get("kind")) and not _KIND.match(body["kind"]):
            self.add(body.line_of("kind"), f"{label}kind must be snake_case, like ees_cla")
            ok = False
        filters = self.filters(body, label)
        layouts = self.layouts(body, label)
        indicators = self.mappings(body, label)
        population = self.population(body, label)
        if "indicators" not in body and "population" not in body:
            self.add(body.line, f"{label}needs 'indicators' (catalogue ids it gives) or 'population'")
            ok = False
        if "indicators" in body and "population" in body:
            self.add(body.line_of("population"), f"{label}gives either indicators or a population, not both")
            ok = False
        rounding = self.rounding(body, label)
        benchmarks = self.benchmarks(body, label)
        if not ok or layouts is None or indicators is None or population is False:
            return None
        return Dataset(
            id=body["id"].strip(), kind=body["kind"].strip(), title=body["title"].strip(),
            publisher=body["publisher"].strip(), layouts=layouts, filters=filters, indicators=indicators,
            population=population or None, count_rounding=rounding, benchmarks=benchmarks,
        )

    def filters(self, body: _Map, label: str) -> dict[str, tuple[str, ...]]:
        if "filters" not in body:
            return {}
        value = body["filters"]
        if not isinstance(value, _Map):
            self.add(body.line_of("filters"), f"{label}filters must map each filter to its columns")
            return {}
        self.fields(value, tuple(value), f"{label}filters: ")
        result = {}
        for key, columns in value.items():
            names = self.names(columns, value.line_of(key), f"{label}filter {key}: ")
            if names is not None:
                result[str(key)] = names
        return result

    def layouts(self, body: _Map, label: str) -> tuple[Layout, ...] | None:
        if "layouts" not in body:
            return None
        items = body["layouts"]
        if not isinstance(items, _Seq) or not items:
            self.add(body.line_of("layouts"), f"{label}layouts must be a list of {{name, columns}}")
            return None
        result, ok = [], True
        for item, line in zip(items, items.item_lines, strict=True):
            if not isinstance(item, _Map):
                self.add(line, f"{label}each layout must have a name and columns")
                ok = False
                continue
            where = f"{label}layout {item.get('name', '')!r}: "
            self.fields(item, _LAYOUT_FIELDS, where)
            named = _text(item.get("name")) or _is_number(item.get("name"))
            if not named:
                self.add(item.line, f"{where}needs a name (such as '2025 release')")
                ok = False
            columns = None
            if "columns" in item:
                columns = self.names(item["columns"], item.line_of("columns"), f"{where}columns ")
            else:
                self.add(item.line, f"{where}needs the columns that recognise it")
            values = {}
            if "values" in item:
                values = self.selection(item["values"], item.line_of("values"), f"{where}values ")
            if columns is None or not named:
                ok = False
                continue
            result.append(Layout(str(item["name"]).strip(), columns, values))
        return tuple(result) if ok else None

    def mappings(self, body: _Map, label: str) -> tuple[Mapping, ...] | None:
        if "indicators" not in body:
            return ()
        value = body["indicators"]
        if not isinstance(value, _Map) or not value:
            self.add(body.line_of("indicators"), f"{label}indicators must map catalogue ids to their columns")
            return None
        self.fields(value, tuple(value), f"{label}indicators: ")
        result, ok = [], True
        for indicator_id, spec in value.items():
            line = value.line_of(indicator_id)
            where = f"{label}indicator {indicator_id!r}: "
            if indicator_id not in self.catalogue.indicators:
                close = difflib.get_close_matches(str(indicator_id), list(self.catalogue.indicators), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.add(line, f"{label}indicator {indicator_id!r} is not in indicators.yaml{hint}")
                ok = False
            if not isinstance(spec, _Map):
                self.add(line, f"{where}must give numerator, denominator or value columns")
                ok = False
                continue
            self.fields(spec, _MAPPING_FIELDS, where)
            parts = {
                part: self.names(spec[part], spec.line_of(part), f"{where}{part} ")
                for part in ("numerator", "denominator", "value") if part in spec
            }
            if not any(part in spec for part in ("numerator", "value")):
                self.add(line, f"{where}needs a numerator or a value column")
                ok = False
            if "denominator_where" in spec and "denominator" not in spec:
                self.add(spec.line_of("denominator_where"),
                         f"{where}denominator_where needs a denominator column")
                ok = False
            selections = {
                part: self.selection(spec[part], spec.line_of(part), f"{where}{part} ")
                for part in ("where", "denominator_where") if part in spec
            }
            if any(names is None for names in parts.values()):
                ok = False
                continue
            result.append(Mapping(str(indicator_id), **parts, **selections))
        return tuple(result) if ok else None

    def population(self, body: _Map, label: str) -> dict | bool | None:
        """The population's columns; None when not a population dataset, False when broken."""
        if "population" not in body:
            return None
        value = body["population"]
        if not isinstance(value, _Map):
            self.add(body.line_of("population"), f"{label}population must give its age_group and count columns")
            return False
        self.fields(value, _POPULATION_FIELDS, f"{label}population: ")
        result = {}
        for key in _POPULATION_FIELDS:
            if key not in value:
                self.add(value.line, f"{label}population: missing required field {key!r}")
                return False
            names = self.names(value[key], value.line_of(key), f"{label}population {key}: ")
            if names is None:
                return False
            result[key] = names
        return result

    def rounding(self, body: _Map, label: str) -> dict[str, int]:
        if "count_rounding" not in body:
            return {}
        value = body["count_rounding"]
        if not isinstance(value, _Map):
            self.add(body.line_of("count_rounding"),
                     f"{label}count_rounding must map geographic levels to 5 or 10")
            return {}
        self.fields(value, LEVELS, f"{label}count_rounding: ")
        result = {}
        for level, nearest in value.items():
            if nearest not in (5, 10) or isinstance(nearest, bool):
                self.add(value.line_of(level),
                         f"{label}count_rounding {level}: must be 5 or 10, not {nearest!r}")
            elif level in LEVELS:
                result[level] = nearest
        return result

    def benchmarks(self, body: _Map, label: str) -> Benchmarks:
        if "benchmarks" not in body:
            return Benchmarks()
        value = body["benchmarks"]
        where = f"{label}benchmarks: "
        if not isinstance(value, _Map):
            self.add(body.line_of("benchmarks"), f"{where}must be a mapping of {', '.join(_BENCHMARK_FIELDS)}")
            return Benchmarks()
        self.fields(value, _BENCHMARK_FIELDS, where)
        found: dict[str, Any] = {}
        for key, enum in (("period_type", PeriodType), ("measure_type", MeasureType)):
            if key in value:
                try:
                    found[key] = enum(value[key])
                except ValueError:
                    choices = ", ".join(member.value for member in enum)
                    self.add(value.line_of(key), f"{where}{key} {value[key]!r} is not one of {choices}")
        for key in ("snapshot_when", "skip"):
            if key in value:
                names = self.names(value[key], value.line_of(key), f"{where}{key} ", allow_empty=True)
                if names is not None:
                    found[key] = names
        return Benchmarks(**found)


# --------------------------------------------------------------------------------------
# Describing, for `scorecard sources`
# --------------------------------------------------------------------------------------


def describe(sources: Sources, always: tuple[str, ...] = ()) -> list[dict]:
    """Each dataset: what recognises each of its layouts (`always`: the columns every file
    of the family has) and what it gives."""
    found = []
    for dataset in sources.datasets:
        gives = [mapping.indicator_id for mapping in dataset.indicators]
        if dataset.population:
            gives.append("populations by age band")
        else:
            gives.append("benchmark indicators: every other measure")
        layouts = []
        for layout in dataset.layouts:
            values = "; ".join(
                f"{first_present(dataset.filters.get(name, (name,)), layout.columns) or name} "
                f"holding '{wanted[0]}'"
                + (f" (or {len(wanted) - 1} other)" if len(wanted) > 1 else "")
                for name, wanted in layout.values.items()
            )
            layouts.append({
                "name": layout.name,
                "columns": [*always, *layout.columns],
                "values": {name: list(wanted) for name, wanted in layout.values.items()},
                "recognised_by": "columns " + ", ".join(layout.columns) + (f"; {values}" if values else ""),
            })
        found.append({
            "kind": dataset.kind, "dataset": dataset.id, "publisher": dataset.publisher,
            "title": dataset.title, "layouts": layouts, "gives": gives,
        })
    return found
