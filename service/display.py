"""How numbers are shown, for the pages and the command line alike: one rounding, half away
from zero at the indicator's decimals (scorecard.metrics), so a target of 2.5 shows as 3."""

from scorecard.metrics import shown_number


def number(value: float | None, decimals: int) -> str:
    """'1,281', '80.9'; '' for no number."""
    return shown_number(value, decimals)
