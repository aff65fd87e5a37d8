"""How numbers are shown, for the pages and the command line alike: one rounding, half away
from zero at the indicator's decimals (scorecard.metrics), so a target of 2.5 shows as 3."""

from scorecard.metrics import round_half_away, shown_number

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
