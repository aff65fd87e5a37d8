"""Clinic edits stay cheap (issue 16, point 7). A scorecard is built in three layers, each
redone only when what it depends on changes:

- the national figures: per load or revert (Service.figures_version);
- the scorecard judged against targets: per load, and per target change, when only the
  indicators whose targets changed are judged again (LastJudged);
- commentary laid over it: per saved note, a query and a copy of the rows (with_commentary).

So a saved note costs one small query on the next scorecard, not a national rebuild.
"""

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import replace

from scorecard.quarterly import Scorecard
from scorecard.store import Store


def targets_of(store: Store, area_code: str, ids: list[str]) -> dict[str, tuple]:
    """Each indicator's targets for an area, as a value that compares equal when unchanged."""
    found: dict[str, list] = {}
    for row in store.targets(area_code, ids):
        tolerance = row["tolerance"]
        if tolerance is not None and math.isnan(tolerance):
            tolerance = None
        found.setdefault(row["indicator_id"], []).append(
            (row["period"], float(row["value"]), tolerance, row["tolerance_type"]))
    return {indicator_id: tuple(sorted(rows)) for indicator_id, rows in found.items()}


class LastJudged:
    """The newest judged scorecard per (figures version, area, quarter, framework), with the
    targets it was judged against, so a target change re-judges only what it touched."""

    def __init__(self, size: int):
        self._held: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def judged(self, key: Hashable, store: Store, area_code: str, ids: list[str],
               build: Callable[[set[str] | None], Scorecard]) -> Scorecard:
        """`build(only)` works a scorecard out for the indicators in `only` (None: all)."""
        targets = targets_of(store, area_code, ids)  # read first: a change after this is seen next time
        with self._lock:
            held = self._held.get(key)
        if held is None:
            card = build(None)
        else:
            card, targets_then = held
            changed = {found for found in set(targets) | set(targets_then)
                       if targets.get(found) != targets_then.get(found)}
            if changed:
                fresh = {row.indicator_id: row for row in build(changed).rows}
                card = replace(card, rows=[fresh.get(row.indicator_id, row) for row in card.rows])
        with self._lock:
            self._held[key] = (card, targets)
            self._held.move_to_end(key)
            while len(self._held) > self._size:
                self._held.popitem(last=False)
        return card


class Bounded:
    """A small dict that forgets its oldest entries; safe for a web server's threads."""

    def __init__(self, size: int):
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key):
        with self._lock:
            return self._values.get(key)

    def __setitem__(self, key, value) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)


def with_commentary(store: Store, card: Scorecard, notes: dict | None = None) -> Scorecard:
    """The scorecard with each row's current commentary and its author; `notes` as
    Store.versions_and_notes read them, else read here."""
    if notes is None:
        notes = store.current_commentary(card.area.code, card.quarter.label, [row.indicator_id for row in card.rows])
    rows = []
    for row in card.rows:
        text, author = notes.get(row.indicator_id, (None, None))
        same = (row.commentary, row.commentary_author) == (text, author)
        rows.append(row if same else replace(row, commentary=text, commentary_author=author))
    return replace(card, rows=rows)
