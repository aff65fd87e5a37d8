"""The rule that makes a scorecard row an exception, declared as data (data/exceptions.yaml)
so a partnership can change it without a code change. Checked when read: a problem names
the rule and the field."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from scorecard import reference_files
from scorecard.model import Direction, Rag
from scorecard.significance import Significance
from scorecard.spc import AssuranceIcon, VariationIcon
from scorecard.trend import RecentTrend

DEFAULT_PATH = reference_files.FOLDER / "exceptions.yaml"

# The fields a condition may name, and the values each can take.
FIELDS: dict[str, set[str]] = {
    "rag": {item.value for item in Rag},
    "direction": {item.value for item in Direction},
    "direction_year": {item.value for item in Direction},
    "quartile": {"A", "B", "C", "D"},
    "vs_england": {item.value for item in Significance} - {Significance.NOT_COMPARED.value},
    "vs_region": {item.value for item in Significance} - {Significance.NOT_COMPARED.value},
    "vs_neighbours": {item.value for item in Significance} - {Significance.NOT_COMPARED.value},
    "recent_trend": {item.value for item in RecentTrend} - {RecentTrend.CANNOT_BE_CALCULATED.value},
    "spc_variation": {item.value for item in VariationIcon} - {VariationIcon.NONE.value},
    "spc_assurance": {item.value for item in AssuranceIcon} - {AssuranceIcon.NONE.value},
}


class ExceptionRulesError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    name: str
    when: tuple[tuple[str, frozenset[str]], ...]

    def holds(self, row) -> bool:
        return all(getattr(row, name) in values for name, values in self.when)


@dataclass(frozen=True)
class ExceptionRules:
    rules: tuple[Rule, ...]

    def reasons(self, row) -> list[str]:
        """The names of the rules a row meets, each once, in the file's order."""
        found = []
        for rule in self.rules:
            if rule.name not in found and rule.holds(row):
                found.append(rule.name)
        return found

    def described(self) -> list[str]:
        """Each rule's name, once, for the page."""
        return list(dict.fromkeys(rule.name for rule in self.rules))


def parse(document, where: str = "exceptions.yaml") -> ExceptionRules:
    problems = []
    rules = []
    listed = document.get("rules") if isinstance(document, dict) else None
    if not isinstance(listed, list) or not listed:
        raise ExceptionRulesError(f"{where}: needs 'rules:', a list of rules each with a name and 'when'.")
    for number, item in enumerate(listed, start=1):
        label = f"{where}: rule {number}"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not isinstance(item.get("when"), dict):
            problems.append(f"{label} needs a 'name' (words) and 'when' (field: value).")
            continue
        if not item["when"]:
            problems.append(f"{label} ('{item['name']}') has no conditions.")
        conditions = []
        for name, wanted in item["when"].items():
            if name not in FIELDS:
                problems.append(f"{label} ('{item['name']}'): '{name}' is not a field; use one of {', '.join(FIELDS)}.")
                continue
            values = wanted if isinstance(wanted, list) else [wanted]
            unknown = [value for value in values if value not in FIELDS[name]]
            if unknown:
                problems.append(f"{label} ('{item['name']}'): {name} cannot be {', '.join(map(repr, unknown))}; "
                                f"it is one of {', '.join(sorted(FIELDS[name]))}.")
            conditions.append((name, frozenset(values)))
        rules.append(Rule(item["name"], tuple(conditions)))
    if problems:
        raise ExceptionRulesError("\n".join(problems))
    return ExceptionRules(tuple(rules))


@lru_cache(maxsize=4)
def load(path: str | Path = DEFAULT_PATH) -> ExceptionRules:
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as problem:
        raise ExceptionRulesError(f"{path.name}: cannot be read: {problem}") from problem
    return parse(document, path.name)
