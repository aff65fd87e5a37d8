"""Problems found in a file: each names the file, the place and what to do."""

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # stops the whole file: nothing from it is loaded
    WARNING = "warning"  # shown; the file still loads


@dataclass(frozen=True)
class Problem:
    file: str
    location: str  # 'Data!D14', 'line 14, column rate', or '' for the whole file
    message: str
    action: str = ""
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.file}: {self.location}" if self.location else self.file
        text = f"{where}: {self.message}"
        if self.action:
            text += f". {self.action}"
        if self.severity == Severity.WARNING:
            text = f"{text} (warning)"
        return text


class LoadRefused(Exception):
    """A file that cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def errors(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity == Severity.ERROR]


def csv_location(line: int, column: str) -> str:
    """Where a CSV value is: line numbers count the header as line 1, as editors do."""
    return f"line {line}, column {column}"
