"""The board deck: which slides, in which order, holding which scorecard rows. One plan for
projector mode, the PowerPoint, the PDF and the Excel pack, so they never disagree.

Order (issue 11): a cover; a summary slide per outcome area naming its red and amber
indicators (its rows); the exceptions, each with the "why" beside the "what"; then the detail slides
of each outcome area, split so that every slide fits a 16:9 screen without scrolling.
"""

from dataclasses import dataclass, field
from datetime import date

from scorecard.model import Rag
from scorecard.periods import PeriodError, parse_period
from scorecard.quarterly import Scorecard, ScorecardRow

DETAIL_ROWS_PER_SLIDE = 6  # rows of the scorecard table that fit a 16:9 slide at projector sizes
EXCEPTIONS_PER_SLIDE = 2  # an exception carries its commentary and action, so it needs room

COVER, SUMMARY, EXCEPTIONS, DETAIL = "cover", "summary", "exceptions", "detail"


@dataclass
class Slide:
    kind: str  # cover, summary, exceptions or detail
    title: str  # "Stay safe (2 of 3)": a part number only when a section runs over
    rows: list[ScorecardRow] = field(default_factory=list)
    outcome_id: str | None = None
    part: int = 1
    parts: int = 1

    @property
    def slug(self) -> str:
        """A stable name for the slide, for links and file names: 'detail-stay-safe-2'."""
        name = self.outcome_id or self.kind
        return f"{self.kind}-{name}-{self.part}" if self.kind != name else f"{self.kind}-{self.part}"


@dataclass
class OutcomeSummary:
    outcome_id: str
    title: str
    counts: dict[str, int]  # RAG word -> number of indicators
    red: list[ScorecardRow]
    amber: list[ScorecardRow]

    @property
    def off_track(self) -> bool:
        return bool(self.red or self.amber)


@dataclass
class Cover:
    area_name: str
    quarter: str
    data_as_at: date | None  # the newest period end among the figures shown
    presenter: str | None
    is_demo: bool


@dataclass
class Deck:
    cover: Cover
    summaries: list[OutcomeSummary]
    slides: list[Slide]
    actions: dict = field(default_factory=dict)  # indicator -> the clinic's actions shown this quarter

    def action_lines(self, row: ScorecardRow) -> list[str]:
        """The actions on a row, each in words ('Action (overdue): ... — owner, due ...')."""
        return [action.words() for action in self.actions.get(row.indicator_id, [])]


def outcome_summaries(card: Scorecard, outcomes: list[tuple[str, str]]) -> list[OutcomeSummary]:
    summaries = []
    for outcome_id, title in outcomes:
        rows = [row for row in card.rows if row.outcome_area == outcome_id]
        counts = {rag.value: sum(row.rag == rag.value for row in rows) for rag in Rag}
        summaries.append(OutcomeSummary(
            outcome_id, title, counts,
            red=[row for row in rows if row.rag == Rag.RED.value],
            amber=[row for row in rows if row.rag == Rag.AMBER.value],
        ))
    return summaries


def _split(kind: str, title: str, rows: list[ScorecardRow], size: int, outcome_id: str | None = None) -> list[Slide]:
    parts = max(1, -(-len(rows) // size))
    # Even parts (6 and 6, not 10 and 2): a slide never runs nearly empty.
    bounds = [round(number * len(rows) / parts) for number in range(parts + 1)]
    chunks = [rows[bounds[number]:bounds[number + 1]] for number in range(parts)]
    return [
        Slide(kind, f"{title} ({number} of {parts})" if parts > 1 else title, chunk, outcome_id, number, parts)
        for number, chunk in enumerate(chunks, start=1)
    ]


def plan(card: Scorecard, outcomes: list[tuple[str, str]], *, presenter: str | None = None,
         data_as_at: date | None = None, actions: dict | None = None) -> Deck:
    """The deck for a scorecard: `outcomes` are the framework's (id, title) pairs in order;
    `actions` the clinic's actions by indicator (service.clinic_actions.on_scorecard)."""
    summaries = outcome_summaries(card, outcomes)
    cover = Cover(card.area.name, card.quarter.label, data_as_at, presenter, card.is_demo)
    slides = [Slide(COVER, f"{card.area.name}: children and young people's plan, {card.quarter.label}")]
    slides += [Slide(SUMMARY, f"{summary.title}: summary", summary.red + summary.amber, summary.outcome_id)
               for summary in summaries]
    exceptions = [row for row in card.rows if row.exception]
    if exceptions:
        slides += _split(EXCEPTIONS, "Exceptions: what is off track and why", exceptions, EXCEPTIONS_PER_SLIDE)
    for outcome_id, title in outcomes:
        rows = [row for row in card.rows if row.outcome_area == outcome_id]
        if rows:
            slides += _split(DETAIL, title, rows, DETAIL_ROWS_PER_SLIDE, outcome_id)
    return Deck(cover, summaries, slides, actions or {})


def data_as_at(card: Scorecard) -> date | None:
    """The newest period end among the figures shown: what the cover calls "figures as at"."""
    ends = []
    for row in card.rows:
        if row.value is None or not row.period_label:
            continue
        try:
            ends.append(parse_period(row.period_label).end)
        except PeriodError:
            continue
    return max(ends, default=None)
