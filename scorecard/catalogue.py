"""The indicator catalogue: indicators and outcome frameworks, read from data/indicators.yaml.

The file is edited by hand, so loading checks everything and reports every problem at once,
each with the file name and line, rather than stopping at the first.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scorecard import reference_files
from scorecard.model import MeasureType, PeriodType, Polarity, Unit

DEFAULT_CATALOGUE_PATH = reference_files.FOLDER / "indicators.yaml"

ECM = "ecm"
SEXES = ("persons", "female", "male")
RATE_MULTIPLIERS = (1_000, 10_000, 100_000)
MAX_DECIMALS = 4
MAX_SHORT_TITLE = 40

_ID = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_AGE_BAND = re.compile(r"^(\d{1,2})-(\d{1,2})$")
_NI_CODE = re.compile(r"^NI (\d{1,3})$")
# Finds an NI code inside longer text such as a council workbook's row label.
_NI_IN_TEXT = re.compile(r"\bNI[\s\-_.]*0*(\d{1,3})\b", re.IGNORECASE)

_TOP_FIELDS = ("frameworks", "indicators")
_FRAMEWORK_FIELDS = ("title", "outcome_areas")
_AREA_FIELDS = ("id", "title")
_REQUIRED = (
    "id", "title", "short_title", "outcomes", "polarity", "unit", "multiplier",
    "period_type", "measure_type", "decimals", "definition", "source", "has_localities",
)
_OPTIONAL = ("population_base", "denominator", "ni_code", "aliases", "lait_code")
_INDICATOR_FIELDS = _REQUIRED + _OPTIONAL
_BASE_FIELDS = ("age_band", "sex")


class CatalogueError(ValueError):
    """The catalogue file has problems; `problems` lists every one, each with its line."""

    def __init__(self, problems: list[str], path: str | Path | None = None):
        self.problems = list(problems)
        self.path = str(path) if path is not None else None
        count = len(self.problems)
        where = f" in {self.path}" if self.path else ""
        header = f"{count} problem{'s' if count != 1 else ''}{where}:"
        super().__init__("\n".join([header, *self.problems]))


@dataclass(frozen=True)
class OutcomeArea:
    framework: str
    id: str
    title: str
    position: int


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    outcome_areas: tuple[OutcomeArea, ...]

    def area(self, area_id: str) -> OutcomeArea:
        """The outcome area with this id; KeyError if the framework has none."""
        for area in self.outcome_areas:
            if area.id == area_id:
                return area
        known = ", ".join(a.id for a in self.outcome_areas)
        raise KeyError(f"framework {self.id!r} has no outcome area {area_id!r} (it has {known})")


class Outcomes(Mapping[str, str]):
    """Framework id -> outcome area id; read-only and hashable so Indicator can be too."""

    __slots__ = ("_pairs",)

    def __init__(self, pairs: Mapping[str, str] | Iterable[tuple[str, str]] = ()):
        items = pairs.items() if isinstance(pairs, Mapping) else pairs
        self._pairs = tuple((str(k), str(v)) for k, v in items)

    def __getitem__(self, key: str) -> str:
        for framework, area in self._pairs:
            if framework == key:
                return area
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (framework for framework, _ in self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def __hash__(self) -> int:
        return hash(frozenset(self._pairs))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._pairs) == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"Outcomes({dict(self._pairs)!r})"


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    short_title: str
    outcomes: Outcomes
    polarity: Polarity
    unit: Unit
    multiplier: int
    population_age_band: str | None
    population_sex: str | None
    period_type: PeriodType
    measure_type: MeasureType
    decimals: int
    definition: str
    source: str
    ni_code: str | None
    aliases: tuple[str, ...]
    lait_code: str | None
    has_localities: bool
    # True only for indicators made from the LAIT data dictionary, never for the file's own.
    is_benchmark: bool = False
    # What a rate is per when it is not an ONS population, e.g. "live births".
    denominator: str | None = None
    # True for the council's own indicators, from its overlay file (scorecard/local_indicators.py).
    is_local: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.outcomes, Outcomes):
            object.__setattr__(self, "outcomes", Outcomes(self.outcomes))
        object.__setattr__(self, "aliases", tuple(self.aliases))

    @property
    def is_rate(self) -> bool:
        """Worked out from a count and an ONS population (age band and sex)."""
        return self.population_age_band is not None

    def outcome_area(self, framework: str) -> str | None:
        """The indicator's outcome area id in a framework, or None if it has none there."""
        return self.outcomes.get(framework)

    def match_keys(self) -> tuple[str, ...]:
        """Every normalised name the indicator answers to, without repeats."""
        names = [self.id, self.title, self.short_title, *self.aliases]
        keys = [_normalise(name) for name in names]
        if self.ni_code:
            keys.append(_ni_key(self.ni_code))
        return tuple(dict.fromkeys(key for key in keys if key))


class Catalogue:
    """Indicators in file order and the outcome frameworks that group them."""

    def __init__(
        self,
        frameworks: Mapping[str, Framework],
        indicators: Iterable[Indicator],
        path: Path | None = None,
    ):
        self.frameworks: dict[str, Framework] = dict(frameworks)
        self.indicators: dict[str, Indicator] = {}
        self.path = path
        self._keys: dict[str, Indicator] = {}
        self._lait: dict[str, Indicator] = {}
        for indicator in indicators:
            if indicator.id in self.indicators:
                raise ValueError(f"indicator id {indicator.id!r} is already in the catalogue")
            self.indicators[indicator.id] = indicator
            # First come wins, so a benchmark indicator never shadows one from the file.
            for key in indicator.match_keys():
                self._keys.setdefault(key, indicator)
            if indicator.lait_code:
                self._lait.setdefault(indicator.lait_code, indicator)

    def __len__(self) -> int:
        return len(self.indicators)

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators.values())

    def __contains__(self, indicator_id: object) -> bool:
        return indicator_id in self.indicators

    def __repr__(self) -> str:
        return f"Catalogue({len(self.indicators)} indicators, frameworks={list(self.frameworks)})"

    def get(self, indicator_id: str) -> Indicator:
        """The indicator with this id; KeyError naming the closest ids if there is none."""
        try:
            return self.indicators[indicator_id]
        except KeyError:
            close = difflib.get_close_matches(str(indicator_id), list(self.indicators), n=5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KeyError(f"no indicator {indicator_id!r} in the catalogue{hint}") from None

    def match(self, text: str) -> Indicator | None:
        """The indicator that a name from a workbook means, or None.

        Tries id, title, short title, aliases and NI code, ignoring case, spaces and
        punctuation; then an NI code written anywhere in the text ("NI 62 Stability ...").
        """
        if text is None:
            return None
        found = self._keys.get(_normalise(str(text)))
        if found is not None:
            return found
        codes = {int(number) for number in _NI_IN_TEXT.findall(str(text))}
        if len(codes) == 1:
            return self._keys.get(f"ni{codes.pop()}")
        return None

    def by_lait_code(self, code: str) -> Indicator | None:
        """The indicator whose LAIT measure (`Short Desc`) is this code, or None."""
        return self._lait.get(code)

    def in_outcome_area(self, framework: str, area_id: str) -> list[Indicator]:
        """Indicators in one outcome area of a framework, in catalogue order."""
        if framework not in self.frameworks:
            raise KeyError(f"no framework {framework!r} (there are {', '.join(self.frameworks)})")
        self.frameworks[framework].area(area_id)
        return [i for i in self.indicators.values() if i.outcome_area(framework) == area_id]

    def with_extra(self, indicators: Iterable[Indicator]) -> Catalogue:
        """A new catalogue with more (benchmark) indicators after this one's."""
        return Catalogue(self.frameworks, [*self.indicators.values(), *indicators], self.path)


def load_catalogue(path: str | Path = DEFAULT_CATALOGUE_PATH) -> Catalogue:
    """Read and check the catalogue file; CatalogueError lists every problem found."""
    resolved = Path(path).resolve()
    stat = resolved.stat()
    # Keyed on the modification time too, so an analyst's edit is seen without a restart.
    return _load_cached(str(resolved), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _load_cached(path: str, _mtime_ns: int, _size: int) -> Catalogue:
    file = Path(path)
    return parse_catalogue(file.read_text(encoding="utf-8"), name=file.name, path=file)


def parse_catalogue(
    text: str, name: str = "indicators.yaml", path: Path | None = None
) -> Catalogue:
    """Build a catalogue from YAML text; `name` prefixes each problem reported."""
    document = read_yaml(text, name, path, CatalogueError)
    checker = _Checker(name)
    frameworks, indicators = checker.check(document)
    if checker.problems:
        raise CatalogueError(checker.problems, path)
    return Catalogue(frameworks, indicators, path)


# --------------------------------------------------------------------------------------
# Reading YAML with line numbers
# --------------------------------------------------------------------------------------


class _Map(dict):
    """A YAML mapping that remembers its own line, each key's line and repeated keys."""

    line: int = 1
    key_lines: dict
    repeats: list

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Seq(list):
    """A YAML sequence that remembers its line and each item's line."""

    line: int = 1
    item_lines: list


def read_yaml(text: str, name: str, path: Path | None, error: type[CatalogueError]):
    """YAML whose mappings and sequences know their lines; a syntax error is `error`, located."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        detail = " ".join(part for part in (exc.context, exc.problem) if part)
        raise error([f"{name}:{line}: YAML syntax error: {detail}"], path) from exc
    except yaml.YAMLError as exc:
        raise error([f"{name}:1: YAML syntax error: {exc}"], path) from exc


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry the lines they came from."""


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    result = _Map()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.repeats = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            result.repeats.append((repr(key), line, "is not a valid key"))
            continue
        if key in result:
            result.repeats.append((key, line, "appears more than once"))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines.setdefault(key, line)
    return result


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode) -> _Seq:
    result = _Seq(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


# --------------------------------------------------------------------------------------
# Checking
# --------------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    """Lower case, letters and digits only: 'NI-62', 'ni 62' and 'NI62' are all 'ni62'."""
    key = re.sub(r"[^0-9a-z]+", "", str(text).casefold())
    ni = re.fullmatch(r"ni0*(\d+)", key)
    return f"ni{ni.group(1)}" if ni else key


def _ni_key(code: str) -> str:
    return _normalise(code)


def _field_of(indicator: Indicator, key: str) -> str:
    """Which field of an indicator gives it a normalised name, to point at its line."""
    for field in ("id", "title", "short_title"):
        if _normalise(getattr(indicator, field)) == key:
            return field
    if indicator.ni_code and _ni_key(indicator.ni_code) == key:
        return "ni_code"
    return "aliases"


def _choices(enum: type) -> str:
    return ", ".join(member.value for member in enum)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


class _Checker:
    """Collects every problem in a parsed catalogue and builds what is sound."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[str] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append(f"{self.name}:{line}: {message}")

    def repeats(self, mapping: _Map, label: str) -> None:
        for key, line, what in mapping.repeats:
            self.add(line, f"{label}field {key!r} {what}")

    def unknown(self, mapping: _Map, allowed: tuple[str, ...], label: str) -> None:
        for key in mapping:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.add(mapping.line_of(key), f"{label}unknown field {key!r}{hint}")

    def missing(self, mapping: _Map, required: tuple[str, ...], label: str,
                line: int | None = None) -> None:
        for key in required:
            if key not in mapping:
                self.add(line or mapping.line, f"{label}missing required field {key!r}")

    # ---- the whole file -------------------------------------------------------------

    def check(self, document: Any) -> tuple[dict[str, Framework], list[Indicator]]:
        if not isinstance(document, _Map):
            self.add(getattr(document, "line", 1),
                     "the file must be a mapping with 'frameworks' and 'indicators'")
            return {}, []
        self.repeats(document, "")
        self.unknown(document, _TOP_FIELDS, "")
        self.missing(document, _TOP_FIELDS, "")
        frameworks = self.frameworks(document.get("frameworks"), document.line_of("frameworks"))
        indicators = self.indicators(document.get("indicators"), document.line_of("indicators"),
                                     frameworks)
        return frameworks, indicators

    # ---- frameworks -----------------------------------------------------------------

    def frameworks(self, value: Any, line: int) -> dict[str, Framework]:
        if value is None:
            return {}
        if not isinstance(value, _Map) or not value:
            self.add(line, "'frameworks' must map each framework id to its title and areas")
            return {}
        self.repeats(value, "frameworks: ")
        result = {}
        for framework_id, body in value.items():
            framework = self.framework(framework_id, body, value.line_of(framework_id))
            if framework is not None:
                result[framework.id] = framework
        return result

    def framework(self, framework_id: Any, body: Any, line: int) -> Framework | None:
        label = f"framework {framework_id!r}: "
        ok = True
        if not isinstance(framework_id, str) or not _ID.match(framework_id):
            self.add(line, f"{label}id must be snake_case (lower case letters, digits, _)")
            ok = False
        if not isinstance(body, _Map):
            self.add(line, f"{label}must have a title and outcome_areas")
            return None
        self.repeats(body, label)
        self.unknown(body, _FRAMEWORK_FIELDS, label)
        self.missing(body, _FRAMEWORK_FIELDS, label, line)
        title = body.get("title")
        if "title" in body and not _text(title):
            self.add(body.line_of("title"), f"{label}title must be text")
            ok = False
        areas_value = body.get("outcome_areas")
        areas: list[OutcomeArea] = []
        if "outcome_areas" in body:
            if not isinstance(areas_value, _Seq) or not areas_value:
                self.add(body.line_of("outcome_areas"),
                         f"{label}outcome_areas must be a list of {{id, title}}")
                ok = False
            else:
                areas = self.areas(str(framework_id), areas_value, label)
                ok = ok and len(areas) == len(areas_value)
        if not ok or "title" not in body or "outcome_areas" not in body:
            return None
        return Framework(framework_id, title.strip(), tuple(areas))

    def areas(self, framework_id: str, items: _Seq, label: str) -> list[OutcomeArea]:
        areas: list[OutcomeArea] = []
        seen: set[str] = set()
        for position, (item, line) in enumerate(zip(items, items.item_lines), start=1):
            if not isinstance(item, _Map):
                self.add(line, f"{label}outcome area {position} must have an id and a title")
                continue
            self.repeats(item, label)
            self.unknown(item, _AREA_FIELDS, label)
            self.missing(item, _AREA_FIELDS, label)
            area_id, title = item.get("id"), item.get("title")
            good = True
            if "id" in item and (not isinstance(area_id, str) or not _ID.match(area_id)):
                self.add(item.line_of("id"),
                         f"{label}outcome area id {area_id!r} must be snake_case")
                good = False
            elif isinstance(area_id, str) and area_id in seen:
                self.add(item.line_of("id"), f"{label}outcome area id {area_id!r} appears twice")
                good = False
            if "title" in item and not _text(title):
                self.add(item.line_of("title"), f"{label}outcome area title must be text")
                good = False
            if good and "id" in item and "title" in item:
                seen.add(area_id)
                areas.append(OutcomeArea(framework_id, area_id, title.strip(), position))
        return areas

    # ---- indicators -----------------------------------------------------------------

    def indicators(self, value: Any, line: int,
                   frameworks: dict[str, Framework]) -> list[Indicator]:
        if value is None:
            return []
        if not isinstance(value, _Seq):
            self.add(line, "'indicators' must be a list")
            return []
        result: list[Indicator] = []
        ids: dict[str, int] = {}
        keys: dict[str, tuple[str, int]] = {}
        lait: dict[str, tuple[str, int]] = {}
        for position, (item, item_line) in enumerate(zip(value, value.item_lines), start=1):
            if not isinstance(item, _Map):
                self.add(item_line, f"indicator #{position}: must be a mapping of fields")
                continue
            indicator = self.indicator(item, position, frameworks)
            indicator_id = item.get("id")
            if isinstance(indicator_id, str) and _ID.match(indicator_id):
                if indicator_id in ids:
                    self.add(item.line_of("id"), f"indicator {indicator_id!r}: duplicate id "
                                                 f"(first used on line {ids[indicator_id]})")
                    continue
                ids[indicator_id] = item.line_of("id")
            if indicator is None:
                continue
            self.ambiguities(indicator, item, keys, lait)
            result.append(indicator)
        return result

    def ambiguities(self, indicator: Indicator, item: _Map, keys: dict, lait: dict) -> None:
        """Names, NI codes or LAIT codes shared by two indicators would make matching guess."""
        for key in indicator.match_keys():
            if key in keys and keys[key][0] != indicator.id:
                other, other_line = keys[key]
                self.add(item.line_of(_field_of(indicator, key)),
                         f"indicator {indicator.id!r}: name {key!r} is also used by "
                         f"{other!r} (line {other_line}), so matching would be ambiguous")
            else:
                keys.setdefault(key, (indicator.id, item.line))
        if indicator.lait_code:
            if indicator.lait_code in lait:
                other, other_line = lait[indicator.lait_code]
                self.add(item.line_of("lait_code"),
                         f"indicator {indicator.id!r}: lait_code {indicator.lait_code!r} is "
                         f"also used by {other!r} (line {other_line})")
            else:
                lait[indicator.lait_code] = (indicator.id, item.line)

    def indicator(self, item: _Map, position: int,
                  frameworks: dict[str, Framework]) -> Indicator | None:
        raw_id = item.get("id")
        label = (f"indicator {raw_id!r}: " if isinstance(raw_id, str) and raw_id
                 else f"indicator #{position}: ")
        before = len(self.problems)
        self.repeats(item, label)
        self.unknown(item, _INDICATOR_FIELDS, label)
        self.missing(item, _REQUIRED, label)
        at = item.line_of

        if "id" in item and (not isinstance(raw_id, str) or not _ID.match(raw_id)):
            self.add(at("id"), f"{label}id must be snake_case (lower case letters, digits, _)")
        for field in ("title", "short_title", "definition", "source"):
            if field in item and not _text(item[field]):
                self.add(at(field), f"{label}{field} must be text")
        short = item.get("short_title")
        if _text(short) and len(short.strip()) > MAX_SHORT_TITLE:
            self.add(at("short_title"), f"{label}short_title is {len(short.strip())} characters; "
                                        f"keep it to {MAX_SHORT_TITLE} for tiles")

        polarity = self.enum(item, "polarity", Polarity, label)
        unit = self.enum(item, "unit", Unit, label)
        period_type = self.enum(item, "period_type", PeriodType, label)
        measure_type = self.enum(item, "measure_type", MeasureType, label)

        decimals = item.get("decimals")
        if "decimals" in item and not (_is_int(decimals) and 0 <= decimals <= MAX_DECIMALS):
            self.add(at("decimals"), f"{label}decimals {decimals!r} must be a whole number "
                                     f"from 0 to {MAX_DECIMALS}")
        multiplier = item.get("multiplier")
        multiplier_ok = _is_int(multiplier) and multiplier > 0
        if "multiplier" in item and not multiplier_ok:
            self.add(at("multiplier"), f"{label}multiplier {multiplier!r} must be a positive "
                                       "whole number")
        has_localities = item.get("has_localities")
        if "has_localities" in item and not isinstance(has_localities, bool):
            self.add(at("has_localities"), f"{label}has_localities must be true or false")

        age_band, sex = self.population_base(item, label)
        denominator = item.get("denominator")
        if denominator is not None and not _text(denominator):
            self.add(at("denominator"), f"{label}denominator must be text, e.g. 'live births'")
        if unit is not None and multiplier_ok:
            self.unit_rules(item, label, unit, multiplier, age_band, denominator)

        outcomes = self.outcomes(item, label, frameworks)
        ni_code = item.get("ni_code")
        if ni_code is not None and not (isinstance(ni_code, str) and _NI_CODE.match(ni_code)):
            self.add(at("ni_code"), f"{label}ni_code {ni_code!r} must look like 'NI 62'")
        lait_code = self.optional_text(item, "lait_code", label)
        aliases = self.aliases(item, label)

        if len(self.problems) > before or any(f not in item for f in _REQUIRED):
            return None
        return Indicator(
            id=raw_id, title=item["title"].strip(), short_title=short.strip(),
            outcomes=Outcomes(outcomes), polarity=polarity, unit=unit, multiplier=multiplier,
            population_age_band=age_band, population_sex=sex, period_type=period_type,
            measure_type=measure_type, decimals=decimals,
            definition=" ".join(item["definition"].split()), source=item["source"].strip(),
            ni_code=ni_code, aliases=aliases, lait_code=lait_code,
            has_localities=has_localities, is_benchmark=False,
            denominator=denominator.strip() if denominator else None,
        )

    def enum(self, item: _Map, field: str, enum: type, label: str) -> Any:
        if field not in item:
            return None
        value = item[field]
        try:
            return enum(value)
        except ValueError:
            self.add(item.line_of(field),
                     f"{label}{field} {value!r} is not one of {_choices(enum)}")
            return None

    def optional_text(self, item: _Map, field: str, label: str) -> str | None:
        value = item.get(field)
        if value is None:
            return None
        if not _text(value):
            self.add(item.line_of(field), f"{label}{field} must be text or null")
            return None
        return value.strip()

    def aliases(self, item: _Map, label: str) -> tuple[str, ...]:
        value = item.get("aliases")
        if value is None:
            return ()
        if not isinstance(value, list) or not all(_text(alias) for alias in value):
            self.add(item.line_of("aliases"), f"{label}aliases must be a list of names")
            return ()
        return tuple(alias.strip() for alias in value)

    def population_base(self, item: _Map, label: str) -> tuple[str | None, str | None]:
        value = item.get("population_base")
        if value is None:
            return None, None
        line = item.line_of("population_base")
        if not isinstance(value, _Map):
            self.add(line, f"{label}population_base must be {{age_band, sex}} or null")
            return None, None
        base_label = f"{label}population_base: "
        self.repeats(value, base_label)
        self.unknown(value, _BASE_FIELDS, base_label)
        self.missing(value, _BASE_FIELDS, base_label)
        age_band, sex = value.get("age_band"), value.get("sex")
        good = "age_band" in value and "sex" in value
        if "age_band" in value:
            match = _AGE_BAND.match(age_band) if isinstance(age_band, str) else None
            if match is None or int(match.group(1)) > int(match.group(2)):
                self.add(value.line_of("age_band"),
                         f"{base_label}age_band {age_band!r} must look like '0-17' (quote it)")
                good = False
        if "sex" in value and sex not in SEXES:
            self.add(value.line_of("sex"), f"{base_label}sex {sex!r} is not one of "
                                           f"{', '.join(SEXES)}")
            good = False
        return (age_band, sex) if good else (None, None)

    def unit_rules(self, item: _Map, label: str, unit: Unit, multiplier: int,
                   age_band: str | None, denominator: Any) -> None:
        at = item.line_of
        has_base = item.get("population_base") is not None
        if unit == Unit.RATE:
            if multiplier not in RATE_MULTIPLIERS:
                self.add(at("multiplier"), f"{label}a rate's multiplier must be one of "
                                           f"{', '.join(f'{m:,}' for m in RATE_MULTIPLIERS)}, "
                                           f"not {multiplier:,}")
            if not has_base and denominator is None:
                self.add(at("population_base") if "population_base" in item else item.line,
                         f"{label}a rate needs a population_base (age band and sex), or a "
                         "denominator when it is not per head of population")
            if has_base and denominator is not None:
                self.add(at("denominator"),
                         f"{label}give a population_base or a denominator, not both")
            return
        if has_base:
            self.add(at("population_base"), f"{label}population_base is only for rates; "
                                            f"unit is {unit.value}")
        if unit == Unit.PERCENT and multiplier != 100:
            self.add(at("multiplier"), f"{label}a percentage's multiplier must be 100, "
                                       f"not {multiplier:,}")
        elif unit != Unit.PERCENT and multiplier != 1:
            self.add(at("multiplier"), f"{label}multiplier must be 1 for unit {unit.value}, "
                                       f"not {multiplier:,}")

    def outcomes(self, item: _Map, label: str,
                 frameworks: dict[str, Framework]) -> dict[str, str]:
        if "outcomes" not in item:
            return {}
        value = item["outcomes"]
        line = item.line_of("outcomes")
        if not isinstance(value, _Map) or not value:
            self.add(line, f"{label}outcomes must map a framework to an outcome area, "
                           "e.g. {ecm: stay_safe}")
            return {}
        self.repeats(value, f"{label}outcomes: ")
        result: dict[str, str] = {}
        for framework_id, area_id in value.items():
            at = value.line_of(framework_id)
            framework = frameworks.get(framework_id)
            if framework is None:
                known = ", ".join(frameworks) or "none defined"
                self.add(at, f"{label}outcomes: no framework {framework_id!r} ({known})")
                continue
            area_ids = [area.id for area in framework.outcome_areas]
            if area_id not in area_ids:
                self.add(at, f"{label}outcomes: {area_id!r} is not an outcome area of "
                             f"{framework_id!r} ({', '.join(area_ids)})")
                continue
            result[framework_id] = area_id
        if ECM in frameworks and ECM not in value:
            self.add(line, f"{label}outcomes must include an {ECM!r} outcome area")
        return result
