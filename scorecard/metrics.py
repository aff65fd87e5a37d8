"""The statistical rules of DESIGN.md as pure functions: no Dash, no SQL.

A suppressed or missing input gives a suppressed or missing output with its symbol,
never zero and never a crash.
"""

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from scorecard.model import Direction, Polarity, Rag
from scorecard.symbols import display_symbol

NOT_AVAILABLE = "x"


@dataclass(frozen=True)
class Figure:
    """A value with its status: '' for a real value, else a symbol ('c', 'x'...) and no value."""

    value: float | None = None
    status: str = ""

    @property
    def is_available(self) -> bool:
        # NaN comes from pandas for an empty cell: it is missing, not a number.
        return self.value is not None and self.status == "" and not _is_nan(self.value)

    @classmethod
    def missing(cls) -> "Figure":
        return cls(None, NOT_AVAILABLE)

    def shown(self, decimals: int) -> str:
        """'1,281', '80.9', or the symbol in square brackets."""
        if not self.is_available:
            return display_symbol(self.status or NOT_AVAILABLE)
        return shown_number(self.value, decimals)


def _is_nan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _decimal(value) -> Decimal:
    """The exact decimal a number was written as: 80.85 is Decimal('80.85'), not 80.8499...

    float() first, so numpy numbers (whose repr is 'np.float64(80.85)') work too."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(float(value)))


def round_half_away(value: float | Decimal, decimals: int) -> float:
    """Round half away from zero, as published figures are (Python's round() is half-to-even).

    Works on the decimal the value was written as, so 80.85 gives 80.9 although the float
    80.85 is a shade below it. Non-finite values (NaN) come back unchanged."""
    exact = _decimal(value)
    if not exact.is_finite():
        return float(exact)
    quantum = Decimal(1).scaleb(-decimals)
    # + 0.0 turns -0.0 (from rounding -0.04) into 0.0, so it is never shown as '-0.0'.
    return float(exact.quantize(quantum, rounding=ROUND_HALF_UP)) + 0.0


def round_half_away_array(values: np.ndarray, decimals: np.ndarray | int) -> np.ndarray:
    """round_half_away for every value of an array: the same rule, quick for a million values.

    Away from a tie, floating point rounds as the decimal would; values within a hair of a
    tie (80.85 is stored as 80.8499999...) are rounded one by one by round_half_away."""
    values = np.asarray(values, "float64")
    decimals = np.broadcast_to(np.asarray(decimals, "int64"), values.shape)
    factor = np.power(10.0, decimals)
    with np.errstate(invalid="ignore"):  # infinities and NaN come back as they are
        scaled = np.abs(values) * factor
        result = np.sign(values) * np.floor(scaled + 0.5) / factor
        near = np.abs(scaled - np.floor(scaled) - 0.5) <= 1e-9 * np.maximum(1, scaled)
    for index in np.flatnonzero(near & np.isfinite(values)):
        result.flat[index] = round_half_away(values.flat[index], int(decimals.flat[index]))
    return result + 0.0  # no -0.0, as round_half_away


def shown_number(value: float | None, decimals: int) -> str:
    """A number as people read it, rounded half away from zero: 2.5 at no decimals is '3'
    (an f-string rounds half to even and says '2'); '' for no number."""
    if value is None or _is_nan(value):
        return ""
    return f"{round_half_away(value, decimals):,.{decimals}f}"


def mid_year_for(period_end: date) -> int:
    """The ONS mid-year estimate for a period: the latest 30 June on or before its end.

    31 March 2025 uses mid-2024 (DfE's mid-(Y-1) rule)."""
    return period_end.year if (period_end.month, period_end.day) >= (6, 30) else period_end.year - 1


def rate(numerator: Figure, population: float | None, multiplier: int, decimals: int | None = None) -> Figure:
    """numerator / population x multiplier, rounded when decimals is given.

    A suppressed count gives a rate with the same symbol; a missing count, or a zero or
    missing population, gives 'x' (not available): never zero, never a crash."""
    if not numerator.is_available:
        return Figure(None, numerator.status or NOT_AVAILABLE)
    if population is None or _is_nan(population) or population <= 0:
        return Figure.missing()
    if decimals is None:
        return Figure(numerator.value / population * multiplier)
    # In decimals, not floats: 23 / 80 x 100 is exactly 28.75 (-> 28.8), but in floats
    # it is 28.749999999999996, which would round the wrong way.
    value = _decimal(numerator.value) / _decimal(population) * multiplier
    return Figure(round_half_away(value, decimals))


def percentage(numerator: Figure, denominator: Figure | float | None, decimals: int | None = None) -> Figure:
    if isinstance(denominator, Figure):
        if not denominator.is_available:
            return Figure(None, numerator.status or denominator.status or NOT_AVAILABLE)
        denominator = denominator.value
    return rate(numerator, denominator, 100, decimals)


def _shown_value(value: float, decimals: int | None) -> Decimal:
    """The value people see, as an exact decimal, so edges compare exactly."""
    if decimals is None:
        return _decimal(value)
    return _decimal(round_half_away(value, decimals))


def allowed_shortfall(target: float, tolerance: float | None, tolerance_type: str = "absolute") -> Decimal:
    """How far a figure may fall short of its target and still be amber: the tolerance itself,
    or a percentage of the target."""
    if tolerance_type not in ("absolute", "percent"):
        raise ValueError(f"tolerance_type must be 'absolute' or 'percent', not {tolerance_type!r}")
    allowed = Decimal(0) if tolerance is None or _is_nan(tolerance) else _decimal(tolerance)
    return abs(_decimal(target)) * allowed / 100 if tolerance_type == "percent" else allowed


def tolerance_band(target: float, tolerance: float | None, tolerance_type: str, polarity: Polarity) -> tuple[float, float]:
    """The target and the edge of its tolerance (on the worse side), lower first: amber's band."""
    worse = 1 if polarity == Polarity.LOWER_IS_BETTER else -1
    edge = _decimal(target) + worse * allowed_shortfall(target, tolerance, tolerance_type)
    low, high = sorted((float(target), float(edge)))
    return low, high


def rag(
    value: Figure,
    target: float | None,
    polarity: Polarity,
    tolerance: float | None = None,
    tolerance_type: str = "absolute",
    decimals: int | None = None,
) -> Rag:
    """Green on or better than target; amber worse but within tolerance (the edge is within);
    red beyond. No target, no polarity or no value gives no judgement."""
    if tolerance_type not in ("absolute", "percent"):
        raise ValueError(f"tolerance_type must be 'absolute' or 'percent', not {tolerance_type!r}")
    if target is None or _is_nan(target) or polarity == Polarity.NONE or not value.is_available:
        return Rag.NO_JUDGEMENT
    shown = _shown_value(value.value, decimals)
    goal = _decimal(target)
    shortfall = shown - goal if polarity == Polarity.LOWER_IS_BETTER else goal - shown
    if shortfall <= 0:
        return Rag.GREEN
    return Rag.AMBER if shortfall <= allowed_shortfall(target, tolerance, tolerance_type) else Rag.RED


def direction(current: Figure, previous: Figure, polarity: Polarity, decimals: int) -> Direction:
    """Change against an earlier figure, judged by polarity; within rounding is no change."""
    if not (current.is_available and previous.is_available):
        return Direction.NOT_AVAILABLE
    now, before = _shown_value(current.value, decimals), _shown_value(previous.value, decimals)
    if now == before:
        return Direction.NO_CHANGE
    if polarity == Polarity.NONE:
        return Direction.HIGHER if now > before else Direction.LOWER
    better = now > before if polarity == Polarity.HIGHER_IS_BETTER else now < before
    return Direction.IMPROVING if better else Direction.WORSENING


def mean_of(figures: Iterable[Figure], decimals: int | None = None) -> Figure:
    """The statistical-neighbour mean of the figures that are available.

    A suppressed or missing member is left out and the mean is of the members that are
    published: one neighbour with '[c]' does not wipe out the comparison, and the
    suppressed count is never treated as zero. With no published member it is missing.
    LAIT uses the mean; DfE's children's social care outcomes dashboard uses the median."""
    values = [figure.value for figure in figures if figure.is_available]
    if not values:
        return Figure.missing()
    if decimals is None:
        return Figure(statistics.fmean(values))
    # In decimals: the mean of 10.1 and 10.2 is 10.15 (-> 10.2), not 10.149999999999999.
    mean = sum(map(_decimal, values)) / len(values)
    return Figure(round_half_away(mean, decimals))


def rank(value: Figure, values: Sequence[Figure], polarity: Polarity) -> int | None:
    """Position among the figures, 1 = best; with no polarity, 1 = lowest. Ties share the best."""
    if not value.is_available:
        return None
    others = [figure.value for figure in values if figure.is_available]
    if polarity == Polarity.HIGHER_IS_BETTER:
        return 1 + sum(other > value.value for other in others)
    return 1 + sum(other < value.value for other in others)


def quartile_band(value: Figure, values: Sequence[Figure], polarity: Polarity) -> str | None:
    """'A' (best quarter of LAs) to 'D'; none for no-polarity indicators."""
    available = [figure.value for figure in values if figure.is_available]
    if polarity == Polarity.NONE or not value.is_available or len(available) < 4:
        return None
    lower, middle, upper = statistics.quantiles(available, n=4, method="inclusive")
    v = value.value
    if polarity == Polarity.LOWER_IS_BETTER:
        return "A" if v <= lower else "B" if v <= middle else "C" if v <= upper else "D"
    return "A" if v >= upper else "B" if v >= middle else "C" if v >= lower else "D"
