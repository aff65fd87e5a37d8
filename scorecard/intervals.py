"""Confidence intervals as Fingertips works them out (PHEindicatormethods), pure and exact.

- Proportions (a percentage with a count and a denominator): Wilson score
  (PHEindicatormethods R/utils.R wilson_lower / wilson_upper, used by phe_proportion).
- Rates (per 1,000, 10,000, 100,000): on the count, Byar's method when it is 10 or more,
  the exact Poisson limits below 10; then divided by the population and multiplied by the
  multiplier (R/Rates.R phe_rate).

z is the normal quantile at level + (1 - level) / 2, as upstream's qnorm gives it:
1.959963984540054 at 95%, 3.090232306167813 at 99.8%.

There is no interval without a count and a denominator, none for a suppressed or missing
figure, none for a unit that is neither a percentage nor a rate: the answer is None (NaN in
the vectorised forms), never an invented interval.

The exact Poisson limits are chi-square quantiles with even degrees of freedom, which are
Poisson tail sums: qchisq(p, 2x) / 2 is the mean L at which P(Poisson(L) >= x) = p. They are
solved here to 50 significant digits with the decimal module (no SciPy), once per count
0-9 and level, and kept.
"""

import math
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum
from functools import cache
from statistics import NormalDist

import numpy as np

from scorecard.model import Unit

LEVEL_95 = 0.95
LEVEL_998 = 0.998
LEVELS = (LEVEL_95, LEVEL_998)

# Below this count phe_rate uses the exact Poisson limits, from it Byar's.
EXACT_BELOW = 10


class Method(StrEnum):
    """The method an interval came from, in plain words."""

    WILSON = "wilson"
    BYAR = "byar"
    EXACT_POISSON = "exact poisson"


@dataclass(frozen=True)
class Interval:
    """Limits in the indicator's own unit (a percentage, or a rate per its multiplier)."""

    lower: float
    upper: float
    level: float
    method: Method


def z_for(level: float) -> float:
    """The two-sided normal quantile for a confidence level (0.95 -> 1.959963984540054)."""
    _check_level(level)
    return NormalDist().inv_cdf(level + (1 - level) / 2)


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (0.95, 0.998), not {level!r}")


def _number(value) -> float | None:
    """A usable number, or None for None, NaN, a suppressed Figure or anything else."""
    if value is None:
        return None
    if hasattr(value, "is_available"):  # a metrics.Figure: its symbol means no number
        return float(value.value) if value.is_available else None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


# ---------------------------------------------------------------- Wilson

def wilson(x: float, n: float, level: float = LEVEL_95) -> tuple[float, float] | None:
    """Wilson score limits of the proportion x / n (0 to 1); None when n <= 0 or x outside 0..n."""
    x, n = _number(x), _number(n)
    if x is None or n is None or n <= 0 or x < 0 or x > n:
        return None
    z = z_for(level)
    root = z * math.sqrt(z * z + 4 * x * (1 - x / n))
    return (2 * x + z * z - root) / 2 / (n + z * z), (2 * x + z * z + root) / 2 / (n + z * z)


# ---------------------------------------------------------------- Byar's

def byar_lower(x: float, level: float = LEVEL_95) -> float | None:
    """Byar's lower limit of a count; None where the formula goes negative (x = 1 at 99.8%),
    as upstream's byars_lower sets it to NA."""
    x = _number(x)
    if x is None or x <= 0:
        return None
    lower = x * (1 - 1 / (9 * x) - z_for(level) / (3 * math.sqrt(x))) ** 3
    return lower if lower >= 0 else None


def byar_upper(x: float, level: float = LEVEL_95) -> float | None:
    x = _number(x)
    if x is None or x < 0:
        return None
    return (x + 1) * (1 - 1 / (9 * (x + 1)) + z_for(level) / (3 * math.sqrt(x + 1))) ** 3


# ---------------------------------------------------------------- exact Poisson

def _poisson_cdf(k: int, mean: Decimal) -> Decimal:
    """P(Poisson(mean) <= k), in the current decimal context."""
    term, total = Decimal(1), Decimal(1)
    for j in range(1, k + 1):
        term = term * mean / j
        total += term
    return total * (-mean).exp()


def _solve(cdf_below: int, target: Decimal) -> Decimal:
    """The mean m at which P(Poisson(m) <= k) = target, k = cdf_below: bisection to about
    1e-6, then Newton's method (the derivative is minus the Poisson probability of k) to
    the context's 50 digits."""
    k = cdf_below
    low, high = Decimal(0), Decimal(1)
    while _poisson_cdf(k, high) > target:
        high *= 2
    for _ in range(24):
        middle = (low + high) / 2
        if _poisson_cdf(k, middle) > target:
            low = middle
        else:
            high = middle
    mean = (low + high) / 2
    for _ in range(5):  # each step doubles the digits: 6, 12, 24, 48, 50
        density = mean**k / math.factorial(k) * (-mean).exp()
        mean += (_poisson_cdf(k, mean) - target) / density
    return mean


@cache
def exact_poisson(x: int, level: float = LEVEL_95) -> tuple[float, float]:
    """Exact Poisson limits of a whole count: qchisq((1-c)/2, 2x)/2 and qchisq(c+(1-c)/2, 2x+2)/2.

    P(chi2 with 2k df <= 2m) = P(Poisson(m) >= k), so the lower limit L solves
    P(Poisson(L) <= x-1) = 1 - (1-c)/2 and the upper U solves P(Poisson(U) <= x) = (1-c)/2."""
    _check_level(level)
    if x != int(x) or x < 0:
        raise ValueError(f"the exact Poisson limits need a whole count, not {x!r}")
    x = int(x)
    with localcontext() as context:
        context.prec = 50
        tail = (1 - Decimal(repr(level))) / 2
        if x == 0:
            lower = Decimal(0)
        else:
            lower = _solve(x - 1, 1 - tail)
        upper = _solve(x, tail)
        return float(lower), float(upper)


def poisson_count_limits(
    x: float, level: float = LEVEL_95
) -> tuple[float | None, float | None, Method] | None:
    """phe_rate's limits of a count: exact Poisson below 10, Byar's from 10 (a missing Byar's
    lower limit stays missing). None for a missing, negative or non-whole count below 10."""
    x = _number(x)
    if x is None or x < 0:
        return None
    if x < EXACT_BELOW:
        if x != int(x):
            return None  # the exact method needs a whole count: no interval rather than a guess
        lower, upper = exact_poisson(int(x), level)
        return lower, upper, Method.EXACT_POISSON
    return byar_lower(x, level), byar_upper(x, level), Method.BYAR


# ---------------------------------------------------------------- one door

def interval(
    unit: Unit | str, numerator, denominator, multiplier: float | None, level: float = LEVEL_95
) -> Interval | None:
    """The interval of numerator / denominator x multiplier, in the indicator's own unit.

    unit 'percent' uses Wilson (multiplier 100 unless given); unit 'rate' uses phe_rate's
    Poisson methods. numerator and denominator may be numbers or metrics.Figure; anything
    missing, suppressed, zero or impossible gives None: no interval."""
    _check_level(level)
    x, n = _number(numerator), _number(denominator)
    if x is None or n is None or n <= 0 or x < 0:
        return None
    unit = Unit(unit)
    if unit == Unit.PERCENT:
        scale = 100 if multiplier is None else multiplier
        limits = wilson(x, n, level)
        if limits is None:
            return None
        return Interval(limits[0] * scale, limits[1] * scale, level, Method.WILSON)
    if unit == Unit.RATE:
        if multiplier is None:
            return None
        counted = poisson_count_limits(x, level)
        if counted is None or counted[0] is None or counted[1] is None:
            return None
        lower, upper, method = counted
        return Interval(lower / n * multiplier, upper / n * multiplier, level, method)
    return None


@cache
def _exact_table(level: float) -> tuple[np.ndarray, np.ndarray]:
    pairs = [exact_poisson(x, level) for x in range(EXACT_BELOW)]
    return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])


def intervals(
    unit: Unit | str, numerators, denominators, multiplier: float | None, level: float = LEVEL_95
) -> tuple[np.ndarray, np.ndarray]:
    """interval() for whole columns at once (every LA row): (lower, upper) arrays, NaN for no
    interval. numerators and denominators are array-likes of numbers; None or NaN is missing."""
    _check_level(level)
    x = np.asarray(numerators, dtype=float)
    n = np.asarray(denominators, dtype=float)
    x, n = np.broadcast_arrays(x, n)
    lower = np.full(x.shape, np.nan)
    upper = np.full(x.shape, np.nan)
    usable = np.isfinite(x) & np.isfinite(n) & (n > 0) & (x >= 0)
    unit = Unit(unit)
    z = z_for(level)
    with np.errstate(invalid="ignore", divide="ignore"):
        if unit == Unit.PERCENT:
            scale = 100 if multiplier is None else multiplier
            ok = usable & (x <= n)
            root = z * np.sqrt(z * z + 4 * x * (1 - x / n))
            lower = np.where(ok, (2 * x + z * z - root) / 2 / (n + z * z) * scale, np.nan)
            upper = np.where(ok, (2 * x + z * z + root) / 2 / (n + z * z) * scale, np.nan)
        elif unit == Unit.RATE and multiplier is not None:
            small = usable & (x < EXACT_BELOW) & (x == np.floor(x))
            large = usable & (x >= EXACT_BELOW)
            exact_lower, exact_upper = _exact_table(level)
            index = np.where(small, x, 0).astype(int)
            byar_low = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
            byar_high = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3
            byar_low = np.where(large & (byar_low >= 0), byar_low, np.nan)  # negative: none
            count_lower = np.where(small, exact_lower[index], byar_low)
            count_upper = np.where(small, exact_upper[index], np.where(large, byar_high, np.nan))
            both = np.isfinite(count_lower) & np.isfinite(count_upper)
            lower = np.where(both, count_lower / n * multiplier, np.nan)
            upper = np.where(both, count_upper / n * multiplier, np.nan)
    return lower, upper
