"""An attacker who reads every output and does sums: what can be worked out of a figure shown
as [c] from the figures shown beside it.

Knowledge is kept per figure, (indicator, area, period): its count (the numerator; for a
count indicator the figure itself), its denominator and whether it was shown as [c]. The
attacks, repeated until nothing new is learnt (a figure worked out feeds the next sum):
- an area against its parts (localities and their LA, LAs and their region): the total's
  count minus the parts shown;
- quarters against the year (flow measures): the year's count minus the quarters shown;
- year-to-date quarters (cumulative measures): one quarter's figure minus the one before;
- a count against its denominator (percentages): the denominator minus the count;
and, when several figures are [c] in one sum, that they share what is left: if what is left
equals how many there are, each is 1.
A finding is a count of 1 to the threshold shown or worked out: a [c] figure's count, a
percentage's complement, a year-to-date quarter's own count."""

import math
import re
from dataclasses import dataclass, field

FINANCIAL_YEAR = re.compile(r"^\d{4}-\d{2}$")
QUARTER = re.compile(r"^(\d{4}-\d{2}) Q([1-4])$")


@dataclass
class Figure:
    count: float | None = None
    denominator: float | None = None
    withheld: bool = False  # shown as [c] somewhere
    worked_out: bool = False  # learnt by a sum, not read


@dataclass
class Attacker:
    threshold: int = 5
    known: dict[tuple, Figure] = field(default_factory=dict)
    findings: dict[tuple, str] = field(default_factory=dict)  # (indicator, area, period, what) -> how

    def read(self, indicator: str, area: str, period: str | None, count=None, denominator=None,
             status: str = "", shown: str | None = None) -> None:
        """One figure as an output shows it; a number shown anywhere is known."""
        if period is None:
            return
        figure = self.known.setdefault((indicator, area, period), Figure())
        if status == "c" or shown == "[c]":
            figure.withheld = True
        if _number(count) is not None:
            figure.count = float(count)
        if _number(denominator) is not None:
            figure.denominator = float(denominator)

    def attack(self, parents: dict[str, str], percents: set[str], flows: set[str],
               cumulative: set[str]) -> dict[tuple, str]:
        changed = True
        while changed:
            changed = False
            for total, parts in self._area_sums(parents).items():
                changed |= self._difference(total, parts, "its parent area's total")
            for total, parts in self._year_sums(flows).items():
                changed |= self._difference(total, parts, "its year's total")
            changed |= self._year_to_date(cumulative)
        for key, figure in self.known.items():
            if key[0] in percents and figure.count is not None and figure.denominator is not None:
                rest = figure.denominator - figure.count
                if 1 <= rest <= self.threshold:
                    self.findings[(*key, "complement")] = f"{figure.denominator:g} - {figure.count:g} = {rest:g}"
            if figure.count is not None and 1 <= figure.count <= self.threshold:
                self.findings.setdefault((*key, "count"), "worked out" if figure.worked_out else "shown")
        return self.findings

    def _area_sums(self, parents: dict[str, str]) -> dict[tuple, list[tuple]]:
        sums: dict[tuple, list[tuple]] = {}
        for key in self.known:
            parent = parents.get(key[1])
            if parent is not None and (key[0], parent, key[2]) in self.known:
                sums.setdefault((key[0], parent, key[2]), []).append(key)
        return sums

    def _year_sums(self, flows: set[str]) -> dict[tuple, list[tuple]]:
        sums: dict[tuple, list[tuple]] = {}
        for key in self.known:
            found = QUARTER.match(key[2])
            if key[0] in flows and found and (key[0], key[1], found.group(1)) in self.known:
                sums.setdefault((key[0], key[1], found.group(1)), []).append(key)
        return {total: parts for total, parts in sums.items() if len(parts) == 4}

    def _difference(self, total: tuple, parts: list[tuple], against: str) -> bool:
        """Work out what the total minus the parts shown leaves, count and denominator alike."""
        learnt = False
        for what in ("count", "denominator"):
            whole = getattr(self.known[total], what)
            unknown = [part for part in parts if getattr(self.known[part], what) is None]
            if not unknown:
                continue
            if whole is None:
                continue
            left = whole - sum(getattr(self.known[part], what) for part in parts if part not in unknown)
            if len(unknown) == 1:
                value = left
            elif all(self.known[part].withheld for part in unknown) and left == len(unknown):
                value = 1.0  # each [c] is at least 1: if what is left is one each, each is 1
            else:
                continue
            for part in unknown:
                share = value if len(unknown) > 1 else left
                setattr(self.known[part], what, share)
                self.known[part].worked_out = True
                if what == "count" and self.known[part].withheld and 1 <= share <= self.threshold:
                    self.findings[(*part, "count")] = f"{whole:g} minus the rest of {against} = {share:g}"
            learnt = True
        # a total withheld with every part known is their sum
        for what in ("count", "denominator"):
            if getattr(self.known[total], what) is None and all(getattr(self.known[p], what) is not None for p in parts):
                value = sum(getattr(self.known[p], what) for p in parts)
                setattr(self.known[total], what, value)
                self.known[total].worked_out = True
                if what == "count" and self.known[total].withheld and 1 <= value <= self.threshold:
                    self.findings[(*total, "count")] = f"the sum of its parts = {value:g}"
                learnt = True
        return learnt

    def _year_to_date(self, cumulative: set[str]) -> bool:
        """A year-to-date quarter minus the quarter before is that quarter's own count."""
        for (indicator, area, period), figure in list(self.known.items()):
            found = QUARTER.match(period)
            if indicator not in cumulative or not found or figure.count is None:
                continue
            number = int(found.group(2))
            before = self.known.get((indicator, area, f"{found.group(1)} Q{number - 1}")) if number > 1 else None
            start = 0.0 if number == 1 else (before.count if before is not None else None)
            if start is None:
                continue
            own = figure.count - start
            if 1 <= own <= self.threshold:
                self.findings[(indicator, area, period, "quarter's own count")] = (
                    f"{figure.count:g} - {start:g} = {own:g}")
        return False


def _number(value) -> float | None:
    if value is None or isinstance(value, str):
        return None
    value = float(value)
    return None if math.isnan(value) else value
