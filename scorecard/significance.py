"""Significance against a comparator (England, region, neighbours' mean), Fingertips' rule.

The comparator's value inside the area's 95% interval, edges included, is 'similar'; below it
the area is higher, above it lower (fingertips-open SingleOverlappingCIsComparer). Polarity
turns higher into better (higher is better) or worse (lower is better); with no polarity the
words stay 'higher' and 'lower'. Given the 99.8% interval too, a comparator beyond it makes the
area 'much better' or 'much worse'; between the two intervals (edges of the 99.8% included) it
is 'better' or 'worse' (SingleOverlappingCIsForTwoCILevelsComparer). No interval, or no
comparator value, gives 'not compared' (Fingertips' Significance.None).

One difference of form: Fingertips decides higher or lower by the area's value against the
comparator's; here it is where the comparator lies outside the interval, which is the same for
any interval that contains its value and needs no value when only the limits are at hand.
"""

import math
from enum import StrEnum

import numpy as np

from scorecard.model import Polarity


class Significance(StrEnum):
    SIMILAR = "similar"
    BETTER = "better"
    WORSE = "worse"
    MUCH_BETTER = "much better"
    MUCH_WORSE = "much worse"
    HIGHER = "higher"  # no polarity: a position, not a judgement
    LOWER = "lower"
    NOT_COMPARED = "not compared"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _judged(higher: bool, much: bool, polarity: Polarity) -> Significance:
    if polarity == Polarity.NONE:
        return Significance.HIGHER if higher else Significance.LOWER
    better = higher if polarity == Polarity.HIGHER_IS_BETTER else not higher
    if much:
        return Significance.MUCH_BETTER if better else Significance.MUCH_WORSE
    return Significance.BETTER if better else Significance.WORSE


def compare(
    comparator: float | None,
    lower95: float | None,
    upper95: float | None,
    polarity: Polarity,
    lower998: float | None = None,
    upper998: float | None = None,
) -> Significance:
    """How the area stands against one comparator value, from the area's interval(s).

    'much' is only said when both 99.8% limits are given; with no polarity it is never said
    (the words stay 'higher' and 'lower')."""
    polarity = Polarity(polarity)
    if _missing(comparator) or _missing(lower95) or _missing(upper95):
        return Significance.NOT_COMPARED
    if lower95 <= comparator <= upper95:
        return Significance.SIMILAR
    higher = comparator < lower95
    two_levels = not (_missing(lower998) or _missing(upper998))
    much = two_levels and (comparator < lower998 if higher else comparator > upper998)
    return _judged(higher, much, polarity)


def compare_many(
    comparators, lower95, upper95, polarity: Polarity, lower998=None, upper998=None
) -> np.ndarray:
    """compare() for whole columns (every LA against England, or each against its region).

    Arguments are array-likes (or one number for a single comparator such as England); NaN
    or None is missing. Returns an array of Significance, one per row."""
    polarity = Polarity(polarity)
    value = np.asarray(comparators, dtype=float)
    low, high = np.asarray(lower95, dtype=float), np.asarray(upper95, dtype=float)
    if lower998 is None or upper998 is None:
        low998 = high998 = np.full(np.broadcast(value, low, high).shape, np.nan)
    else:
        low998, high998 = np.asarray(lower998, dtype=float), np.asarray(upper998, dtype=float)
    value, low, high, low998, high998 = np.broadcast_arrays(value, low, high, low998, high998)
    missing = ~(np.isfinite(value) & np.isfinite(low) & np.isfinite(high))
    similar = ~missing & (low <= value) & (value <= high)
    higher = ~missing & ~similar & (value < low)
    lower = ~missing & ~similar & (value > high)
    two_levels = np.isfinite(low998) & np.isfinite(high998)
    much_higher = higher & two_levels & (value < low998)
    much_lower = lower & two_levels & (value > high998)
    if polarity == Polarity.NONE:
        up, down, much_up, much_down = (Significance.HIGHER, Significance.LOWER) * 2
    elif polarity == Polarity.HIGHER_IS_BETTER:
        up, down = Significance.BETTER, Significance.WORSE
        much_up, much_down = Significance.MUCH_BETTER, Significance.MUCH_WORSE
    else:
        up, down = Significance.WORSE, Significance.BETTER
        much_up, much_down = Significance.MUCH_WORSE, Significance.MUCH_BETTER
    # Masks are disjoint except 'much', which is written after the plain case it refines.
    result = np.empty(value.shape, dtype=object)
    result.fill(Significance.NOT_COMPARED)  # np.full would store the bare string
    for mask, word in ((similar, Significance.SIMILAR), (higher, up), (lower, down),
                       (much_higher, much_up), (much_lower, much_down)):
        result[mask] = word
    return result
