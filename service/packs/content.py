"""What a board pack holds, worked out once for the PowerPoint, the PDF and the Excel: the
deck's plan (service.deck: cover, a summary per outcome area, the exceptions, then the detail),
each exception's trend with its target and England, the data's vintage and the legend.

Every figure is the text the scorecard rows carry (`shown`, `previous_shown`) or a comparator
from the disclosure-controlled national figures, so a count of 1 to 5, or a figure worked out
from one, is [c] in every file (scorecard.disclosure); a row's sentence is used only when its
figure is not suppressed."""

from dataclasses import dataclass, field
from datetime import date, datetime

from scorecard.areas import ENGLAND
from scorecard.periods import PeriodError, parse_period
from scorecard.quarterly import Scorecard, ScorecardRow
from scorecard.symbols import SYMBOLS, parse_symbol
from service import clinic_actions, deck
from service import display
from service.display import RAG_SHAPES, RAG_WORDS, number  # as the pages show them

RAG_SHAPE_NAMES = {"red": "square", "amber": "triangle", "green": "circle", "no judgement": "hollow circle"}
RAG_COLOURS = {"red": "B10E1E", "amber": "FFBF47", "green": "00703C", "no judgement": "505A5F"}  # scorecard.css
RAG_TEXT_COLOURS = {"red": "FFFFFF", "amber": "0B0C0C", "green": "FFFFFF", "no judgement": "FFFFFF"}
LEGEND_SYMBOLS = ("c", "x", "z", "u", "low")  # the symbols a scorecard can carry, explained in every pack
TREND_POINTS = 8  # as the scorecard's own sparkline
# Issue 11 point 2: actions on exceptions (what, owner, due date, status) are being added by
# another piece of work. Until a row carries them, every output shows this in their place.
NO_ACTION = "Action: none agreed yet."

DETAIL_HEADER = ["Indicator", "Period", "Figure", "Previous", "Target", "RAG", "Direction",
                 "England", "Region", "Neighbours"]


@dataclass
class Trend:
    """An exception's recent figures of one kind, with England and the target it is judged by."""

    periods: list[str]
    values: list[float | None]  # None where suppressed ([c]) or missing
    england: list[float | None]
    target: float | None

    def lines(self, area_name: str) -> list[tuple[str, list[float | None]]]:
        """(name, values) to draw: the area, the target as a level, England; a line with no
        figure at all (England has no quarterly figure for some indicators) is left out."""
        found = [(area_name, self.values)]
        if self.target is not None:
            found.append(("Target", [self.target] * len(self.periods)))
        found.append(("England", self.england))
        return [(name, values) for name, values in found if any(value is not None for value in values)]


@dataclass
class PackContent:
    deck: deck.Deck
    card: Scorecard
    framework_title: str
    outcome_title: str | None
    latest_load_id: int | None
    loaded_at: datetime | None
    load_ids: list[int]  # the loads the scorecard's own figures came from
    trends: dict[str, Trend] = field(default_factory=dict)
    basket: tuple[str, str] | None = None  # (id, title) when the pack is of one basket of indicators

    @property
    def is_demo(self) -> bool:
        return self.card.is_demo

    @property
    def title(self) -> str:
        parts = [part for part in (self.outcome_title, self.basket[1] if self.basket else None) if part]
        scope = f" ({'; '.join(parts)})" if parts else ""
        return f"{self.card.area.name} board pack{scope}, {self.card.quarter.label}"

    @property
    def vintage(self) -> str:
        """'figures loaded up to load 42, 14 Oct 2026', the line every page and slide carries."""
        if self.latest_load_id is None:
            return "no figures loaded"
        return f"figures loaded up to load {self.latest_load_id}, {self.loaded_at:%-d %b %Y}"

    @property
    def stamp(self) -> datetime:
        """The documents' own dates: the vintage's, so the same data gives the same bytes."""
        if self.loaded_at is not None:
            return self.loaded_at.replace(microsecond=0)
        return datetime.combine(self.card.quarter.end, datetime.min.time())

    @property
    def exceptions(self) -> list[ScorecardRow]:
        return [row for row in self.card.rows if row.exception]

    @property
    def footer(self) -> str:
        demo = "Demonstration data: invented figures. " if self.is_demo else ""
        return f"{demo}{self.card.area.name}, {self.card.quarter.label}: {self.vintage}."


def build(service, card: Scorecard, *, outcome_title: str | None = None, presenter: str | None = None) -> PackContent:
    """The pack for a scorecard the service has worked out (whole framework, or one outcome area)."""
    outcomes = [(key, title) for key, title in service.outcome_choices(card.framework)
                if any(row.outcome_area == key for row in card.rows)]
    loads = [load for load in service.loads() if load["status"] == "loaded"]
    latest = max(loads, key=lambda load: load["id"]) if loads else None
    planned = deck.plan(card, outcomes, presenter=presenter, data_as_at=data_as_at(card),
                        actions=clinic_actions.on_scorecard(service, card))
    content = PackContent(
        planned, card, dict(service.framework_choices()).get(card.framework, card.framework), outcome_title,
        int(latest["id"]) if latest else None, latest["loaded_at"].to_pydatetime() if latest else None,
        sorted({row.load_id for row in card.rows if row.load_id is not None}),
    )
    national = service.national()  # once: each call asks the store for its data version
    content.trends = {row.indicator_id: trend(service, card, row, national) for row in content.exceptions}
    return content


def data_as_at(card: Scorecard) -> date | None:
    """The newest period end among the figures shown."""
    ends = []
    for row in card.rows:
        if row.period_label and not is_suppressed(row.shown):
            try:
                ends.append(parse_period(row.period_label).end)
            except PeriodError:
                continue
    return max(ends, default=None)


def trend(service, card: Scorecard, row: ScorecardRow, national) -> Trend:
    """The row's figures of its own kind up to the quarter, with England at each period.

    An LA, a region or England is among the national figures the service keeps per data
    version (already disclosure-controlled); a township's come from the indicator's detail."""
    kind = _kind(row.period_label)
    labels = [label for end, label in national.periods_of.get(row.indicator_id, [])
              if end <= card.quarter.end and _kind(label) == kind]
    if any(card.area.code in national.figures_at[(row.indicator_id, label)] for label in labels):
        at = [national.figures_at[(row.indicator_id, label)] for label in labels]
        pairs = [(label, _value(found.get(card.area.code)), _value(found.get(ENGLAND))) for label, found in zip(labels, at)]
        pairs = [pair for pair in pairs if pair[1] is not None or pair[0] == row.period_label]
    else:
        indicator = service.checked_indicator(row.indicator_id)
        points = service.indicator_detail(indicator, card.area.code, card.quarter).points
        pairs = [(point.period, point.value, point.england) for point in points if _kind(point.period) == kind]
    pairs = pairs[-TREND_POINTS:]
    if pairs and is_suppressed(row.shown):  # a rule that suppresses the row suppresses its point too
        pairs[-1] = (pairs[-1][0], None, pairs[-1][2])
    return Trend([p[0] for p in pairs], [p[1] for p in pairs], [p[2] for p in pairs], row.target)


def _kind(label: str | None):
    try:
        return parse_period(label).type if label else None
    except PeriodError:
        return None


def _value(figure) -> float | None:
    return figure.value if figure is not None and figure.is_available else None


# How a row reads, the same in every file --------------------------------------------------

def is_suppressed(shown: str | None) -> bool:
    return bool(shown) and parse_symbol(shown) is not None


def comparator(value: float | None, decimals: int) -> str:
    """A comparator's figure, or [x] where there is none."""
    return number(value, decimals) or "[x]"


def target_text(row: ScorecardRow) -> str:
    return number(row.target, row.decimals) or "No target"


def rag_text(row: ScorecardRow) -> str:
    """'■ Red': the shape and the word, never the colour alone."""
    return display.rag_text(row.rag)


def figure_with_period(shown: str | None, period: str | None) -> str:
    return f"{shown or '[x]'} ({period})" if period else (shown or "[x]")


def detail_cells(row: ScorecardRow) -> list[str]:
    """One row of the detail table, as text (DETAIL_HEADER)."""
    places = row.decimals
    return [
        row.short_title, row.period_label or "", row.shown or "[x]", row.previous_shown or "[x]", target_text(row),
        rag_text(row), row.direction.capitalize(), comparator(row.england, places),
        comparator(row.region, places), comparator(row.sn_mean, places),
    ]


def england_text(row: ScorecardRow) -> str:
    """England's figure and how the row compares with it: '9.6, significantly worse'."""
    text = comparator(row.england, row.decimals)
    if row.england is not None and row.benchmark_period and row.benchmark_period != row.period_label:
        text += f" ({row.benchmark_period})"  # England's latest is for another period than the row's
    if row.vs_england and row.england is not None:
        text += " (similar)" if row.vs_england == "similar" else f" ({row.vs_england} than England)"
    return text


def why_text(row: ScorecardRow) -> str:
    """Why the row is an exception: the rules it meets (data/exceptions.yaml)."""
    return "; ".join(row.exception_reasons) or "Not an exception"


def action_text(row: ScorecardRow, planned: deck.Deck) -> str:
    """The clinic's actions on an exception (what, owner, due date, status), or that there are none."""
    return " ".join(planned.action_lines(row)) or NO_ACTION


def commentary_text(row: ScorecardRow) -> str:
    if not row.commentary:
        return "No commentary written for this quarter."
    return f"{row.commentary} ({row.commentary_author})" if row.commentary_author else row.commentary


def sentence(row: ScorecardRow) -> str:
    """The row in one sentence for speaker notes; a suppressed figure is only ever its symbol, so
    the scorecard's sentence (worked out from the figures) is used only when none is suppressed."""
    if row.narrative and not is_suppressed(row.shown) and not is_suppressed(row.previous_shown):
        return row.narrative
    meaning = SYMBOLS.get(parse_symbol(row.shown) or "", "not available")
    said = f"{row.short_title}: {figure_with_period(row.shown, row.period_label)}"
    said += f", {meaning}" if is_suppressed(row.shown) or not row.shown else ""
    if row.previous_shown:
        said += f"; previously {figure_with_period(row.previous_shown, row.previous_period)}"
    return f"{said}; target {target_text(row)}; {RAG_WORDS[row.rag].lower()}."


def legend() -> list[tuple[str, str]]:
    """(mark, meaning) for the RAG shapes and the symbols, in every pack."""
    rag = [(f"{RAG_SHAPES[key]} {RAG_WORDS[key]}", meaning) for key, meaning in (
        ("red", "off target, outside the tolerance (a square)"),
        ("amber", "off target, within the tolerance (a triangle)"),
        ("green", "on target (a circle)"),
        ("no judgement", "no target or no figure to judge (a hollow circle)"),
    )]
    return rag + [(f"[{symbol}]", SYMBOLS[symbol]) for symbol in LEGEND_SYMBOLS]


def notes_for(slide: deck.Slide, content: PackContent) -> str:
    """Speaker notes: the commentary and the rows in words, so a presenter has the "why"."""
    if slide.kind == deck.COVER:
        lines = [content.title, content.footer]
        lines += [f"{summary.title}: {summary.counts.get('red', 0)} red, {summary.counts.get('amber', 0)} amber."
                  for summary in content.deck.summaries]
        return "\n".join(lines)
    lines = []
    for row in slide.rows:
        lines.append(sentence(row))
        if slide.kind in (deck.EXCEPTIONS, deck.SUMMARY) or row.commentary:
            lines.append(f"Commentary: {commentary_text(row)}")
        if slide.kind == deck.EXCEPTIONS:
            lines.append(action_text(row, content.deck))
        lines.append("")
    return "\n".join(lines).strip() or "Every indicator in this outcome area is green or has no judgement."
