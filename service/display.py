"""How numbers are shown, for the pages and the command line alike: one rounding, half away
from zero at the indicator's decimals (scorecard.metrics), so a target of 2.5 shows as 3."""

from scorecard.freshness import OUT_OF_DATE_SHAPE, OUT_OF_DATE_WORDS, UPDATE_CYCLE_MONTHS, Age  # noqa: F401
from scorecard.metrics import round_half_away, shown_number
# Periods as pages show them, and the marks for absence and age, declared once in scorecard/.
from scorecard.periods import shown_date, shown_label  # noqa: F401
from scorecard.symbols import NO_FIGURE_MEANING, NO_FIGURE_SHOWN  # noqa: F401

SPARKS = "▁▂▃▄▅▆▇█"


def number(value: float | None, decimals: int) -> str:
    """'1,281', '80.9'; '' for no number."""
    return shown_number(value, decimals)


def trend_marks(values: list[float | None]) -> str:
    """A text sparkline, lowest to highest; a space for a missing figure, '' with under two."""
    known = [value for value in values if value is not None]
    if len(known) < 2:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1
    steps = len(SPARKS) - 1
    return "".join(" " if v is None else SPARKS[int(round_half_away((v - low) / span * steps, 0))] for v in values)


def trend_words(values: list[float | None], decimals: int) -> str:
    """The same figures in words, for screen readers."""
    return ", ".join("missing" if value is None else number(value, decimals) for value in values)


def title_at(title: str, day) -> str:
    """An indicator's title naming its figure's own date: 'Children looked after at 31 March'
    over a 30 September figure reads 'at 30 September'."""
    if day is None or " at 31 March" not in title or (day.month, day.day) == (3, 31):
        return title
    return title.replace(" at 31 March", f" at {day.day} {shown_date(day).split(' ')[1]}", 1)


def age_words(months: int | None) -> str:
    """'9 months old', '2 years 3 months old'; '' for no figure."""
    return "" if months is None else Age(months, False, 0).words
