"""What the overview and the exceptions page draw from a scorecard: counts per outcome area,
the biggest movers and the exceptions. Pure functions of a Scorecard."""

from dataclasses import dataclass

from scorecard.model import Rag
from scorecard.quarterly import Scorecard, ScorecardRow

RAG_ORDER = [Rag.RED.value, Rag.AMBER.value, Rag.GREEN.value, Rag.NO_JUDGEMENT.value]


@dataclass
class OutcomeTile:
    id: str
    title: str
    counts: dict[str, int]  # RAG word -> number of indicators
    rows: list[ScorecardRow]


@dataclass
class Mover:
    row: ScorecardRow
    change: float  # relative change against the previous figure, signed


def overview(card: Scorecard, outcomes: list[tuple[str, str]]) -> list[OutcomeTile]:
    """A tile per outcome area (id, title), in the framework's order."""
    tiles = []
    for outcome_id, title in outcomes:
        rows = [row for row in card.rows if row.outcome_area == outcome_id]
        counts = {word: sum(row.rag == word for row in rows) for word in RAG_ORDER}
        tiles.append(OutcomeTile(outcome_id, title, counts, rows))
    return tiles


def movers(card: Scorecard, how_many: int = 5) -> list[Mover]:
    """The biggest changes against the previous figure, judged ones first."""
    moved = []
    for row in card.rows:
        if row.value is None or row.previous_value in (None, 0) or row.direction in ("no change", "not available"):
            continue
        moved.append(Mover(row, (row.value - row.previous_value) / abs(row.previous_value)))
    moved.sort(key=lambda mover: (mover.row.direction not in ("improving", "worsening"), -abs(mover.change)))
    return moved[:how_many]


def exceptions(card: Scorecard) -> list[ScorecardRow]:
    """The rows that meet the exception rule (data/exceptions.yaml, worked out with the
    scorecard), in outcome-area order."""
    return [row for row in card.rows if row.exception]
