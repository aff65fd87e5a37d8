"""One plain-English sentence per indicator, made deterministically from its signals.

"Re-referrals rose to 23.0% in 2026-27 Q2, above the 20.0% target (red); similar to England
(22.6%) and to statistical neighbours; 7 quarters in a row above the average signal a
sustained rise."

It says only what the inputs support: no comparison without a significance worked out from
an interval, no recent trend that cannot be calculated, nothing from trial SPC limits, and
nothing but the symbol for a suppressed figure. Every number is rounded half away from zero
at the indicator's decimals (scorecard.metrics), never with round() or a format's rounding.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from scorecard.metrics import Figure, round_half_away
from scorecard.model import Rag, Unit
from scorecard.significance import Significance
from scorecard.spc import AssuranceIcon, Rule, SpcResult
from scorecard.symbols import SYMBOLS, parse_symbol
from scorecard.trend import RecentTrend, TrendResult

# '31 Mar 2025', as the scorecard labels a snapshot
_DATE = re.compile(r"^\d{1,2} [A-Z][a-z]+ \d{4}$")

# How a significance reads before a comparator's name.
_AGAINST = {
    Significance.SIMILAR: "similar to",
    Significance.BETTER: "significantly better than",
    Significance.WORSE: "significantly worse than",
    Significance.MUCH_BETTER: "much better than",
    Significance.MUCH_WORSE: "much worse than",
    Significance.HIGHER: "significantly higher than",
    Significance.LOWER: "significantly lower than",
}

_USUAL = "with its usual variation it will"
_ASSURANCE = {
    AssuranceIcon.CONSISTENTLY_PASSING: f"{_USUAL} consistently meet the target",
    AssuranceIcon.CONSISTENTLY_FAILING: f"{_USUAL} consistently miss the target",
    AssuranceIcon.INCONSISTENT: f"{_USUAL} sometimes meet and sometimes miss the target",
}


@dataclass(frozen=True)
class Comparison:
    """A comparator: its name as it reads in a sentence ('England', 'the West Midlands',
    'statistical neighbours'), its value if known, and the area's significance against it."""

    name: str
    value: float | None = None
    significance: Significance | None = None


@dataclass(frozen=True)
class NarrativeInput:
    title: str
    period: str  # the figure's own period label, e.g. '2026-27 Q2'
    value: float | None
    decimals: int
    unit: Unit | str = Unit.NUMBER
    multiplier: int | None = None  # for rates: per 10,000 ...
    status: str = ""  # the symbol when there is no value ('c', 'x' ...)
    previous: float | None = None  # the figure before, for rose / fell
    target: float | None = None
    rag: Rag = Rag.NO_JUDGEMENT
    comparisons: Sequence[Comparison] = ()
    trend: TrendResult | None = None
    trend_noun: str = "year"  # the recent trend's periods
    spc: SpcResult | None = None
    spc_noun: str = "quarter"  # the chart's periods: 'quarter' or 'month'


def _number(value: float, decimals: int) -> str:
    return Figure(value).shown(decimals)  # rounded half away from zero, then written out


def _with_unit(
    value: float, decimals: int, unit: Unit, multiplier: int | None, short: bool = False
) -> str:
    number = _number(value, decimals)
    if unit == Unit.PERCENT:
        return f"{number}%"
    if unit == Unit.POUNDS:
        return f"£{number}"
    if short:
        return number
    if unit == Unit.RATE and multiplier:
        return f"{number} per {multiplier:,}"
    if unit in (Unit.DAYS, Unit.WEEKS):
        return f"{number} {unit.value}"
    return number


def _given(value: float | None) -> bool:
    return value is not None and not math.isnan(value)  # NaN, from an empty cell, is not given


def _plural(noun: str, count: int) -> str:
    return noun if count == 1 else f"{noun}s"


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _when(period: str) -> str:
    """'at 31 Mar 2025' for a snapshot date, 'in 2026-27 Q2' for a period."""
    return f"at {period}" if _DATE.match(period) else f"in {period}"


def _lead(facts: NarrativeInput, unit: Unit) -> str:
    shown = _with_unit(facts.value, facts.decimals, unit, facts.multiplier)
    when = _when(facts.period)
    if not _given(facts.previous):
        return f"{facts.title} was {shown} {when}"
    # Rose or fell as people see the figures, at the indicator's rounding.
    now = round_half_away(facts.value, facts.decimals)
    before = round_half_away(facts.previous, facts.decimals)
    if now == before:
        return f"{facts.title} was unchanged at {shown} {when}"
    verb = "rose" if now > before else "fell"
    return f"{facts.title} {verb} to {shown} {when}"


def _against_target(facts: NarrativeInput, unit: Unit) -> str:
    if not _given(facts.target):
        return ""
    now = round_half_away(facts.value, facts.decimals)
    goal = round_half_away(facts.target, facts.decimals)
    where = "above" if now > goal else "below" if now < goal else "on"
    target = _with_unit(facts.target, facts.decimals, unit, facts.multiplier)
    text = f", {where} the {target} target"
    if facts.rag != Rag.NO_JUDGEMENT:
        text += f" ({Rag(facts.rag).value})"
    return text


def _comparisons(facts: NarrativeInput, unit: Unit) -> str:
    judged: dict[Significance, list[str]] = {}
    unjudged: list[str] = []
    for comparison in facts.comparisons:
        value = ""
        if _given(comparison.value):
            value = _with_unit(comparison.value, facts.decimals, unit, facts.multiplier, short=True)
        significance = comparison.significance
        if significance is None or significance == Significance.NOT_COMPARED:
            if value:  # a comparator with neither value nor judgement says nothing
                unjudged.append(f"{comparison.name} {value}")
            continue
        named = f"{comparison.name} ({value})" if value else comparison.name
        judged.setdefault(Significance(significance), []).append(named)
    # Groups keep the order their first comparator came in; 'to' repeats after 'and'.
    parts = []
    for significance, names in judged.items():
        words = _AGAINST[significance]
        # 'similar to A and to B', but 'better than A and B'
        again = "to " if words.endswith(" to") else ""
        parts.append(f"{words} " + _join([names[0]] + [again + name for name in names[1:]]))
    if unjudged:
        parts.append(_join(unjudged) + " for comparison")
    return ", ".join(parts)


def _trend(facts: NarrativeInput) -> str:
    trend = facts.trend
    if trend is None or trend.trend == RecentTrend.CANNOT_BE_CALCULATED:
        return ""
    periods = f"the latest 5 {_plural(facts.trend_noun, 5)}"
    if trend.trend == RecentTrend.NO_SIGNIFICANT_CHANGE:
        return f"no significant change over {periods}"
    return f"over {periods} the trend is {trend.trend.value}"


def _spc(facts: NarrativeInput) -> str:
    spc = facts.spc
    if spc is None or spc.trial:
        return ""  # trial limits support no signal
    point, run, noun = spc.latest, spc.latest_run, facts.spc_noun
    change = "rise" if point.high else "fall"
    if point.rule == Rule.NONE:
        text = f"the latest {noun} is within its usual range of variation (common cause)"
    elif point.rule == Rule.BEYOND_LIMIT:
        edge = "above the upper" if point.high else "below the lower"
        text = f"the latest {noun} is {edge} process limit, a special cause"
    elif point.rule == Rule.TREND:
        moving = "rising" if point.high else "falling"
        text = f"{run} {_plural(noun, run)} {moving} in a row signal a sustained {change}"
    elif point.rule == Rule.TWO_OF_THREE:
        edge = "upper" if point.high else "lower"
        near = f"close to the {edge} process limit"
        text = f"{run} of the last 3 {_plural(noun, 3)} {near} signal a {change}"
    else:
        side = "above" if point.high else "below"
        text = f"{run} {_plural(noun, run)} in a row {side} the average signal a sustained {change}"
    if spc.assurance in _ASSURANCE:
        text += f"; {_ASSURANCE[spc.assurance]}"
    return text


def sentence(facts: NarrativeInput) -> str:
    """The indicator's sentence, e.g. for the clinic's exceptions list or the board pack."""
    unit = Unit(facts.unit)
    figure = Figure(facts.value, facts.status if facts.value is None else "")
    if not figure.is_available:
        symbol = parse_symbol(facts.status) or facts.status or "x"
        meaning = SYMBOLS.get(symbol, "not available")
        return f"{facts.title} has no figure for {facts.period} ([{symbol}]: {meaning})."
    opening = _lead(facts, unit) + _against_target(facts, unit)
    clauses = [part for part in (_comparisons(facts, unit), _trend(facts), _spc(facts)) if part]
    return "; ".join([opening] + clauses) + "."
