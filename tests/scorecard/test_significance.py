"""Significance against a comparator, from fingertips-open's own tests:
PholioVisualisationWS/AnalysisTest/SingleOverlappingCIsComparatorTest.cs (one level) and
SingleOverlappingCIsForTwoCILevelsComparerTest.cs (95% and 99.8%). Fingertips' polarity 0 is
RagLowIsGood (lower is better), 1 RagHighIsGood (higher is better).
"""

import numpy as np
import pytest

from scorecard.model import Polarity
from scorecard.significance import Significance, compare, compare_many

HIGHER, LOWER, NONE = Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER, Polarity.NONE
S = Significance
NAN = float("nan")

ONE_LEVEL = [
    # comparator, area's L95, U95, polarity -> significance
    # TestHigher: 3.3 [3.2, 3.5] against 3.0
    (3.0, 3.2, 3.5, LOWER, S.WORSE),
    (3.0, 3.2, 3.5, HIGHER, S.BETTER),
    (3.0, 3.2, 3.5, NONE, S.HIGHER),
    # TestLower: 2.5 [2.2, 2.8] against 3.0
    (3.0, 2.2, 2.8, LOWER, S.BETTER),
    (3.0, 2.2, 2.8, HIGHER, S.WORSE),
    (3.0, 2.2, 2.8, NONE, S.LOWER),
    # TestSame: 3.05 [2.7, 3.1] against 3.0
    (3.0, 2.7, 3.1, LOWER, S.SIMILAR),
    (3.0, 2.7, 3.1, NONE, S.SIMILAR),
    # TestSameExactly: 11 [10, 12] against 11
    (11, 10, 12, LOWER, S.SIMILAR),
    (11, 10, 12, HIGHER, S.SIMILAR),
    # the edges are inside (val <= UpperCI && val >= LowerCI)
    (3.2, 3.2, 3.5, HIGHER, S.SIMILAR),
    (3.5, 3.2, 3.5, HIGHER, S.SIMILAR),
    # TestMinusOneData / TestMinusOneParent / TestNoCIsOnLocalData: None
    (3.0, None, None, LOWER, S.NOT_COMPARED),
    (3.0, NAN, NAN, HIGHER, S.NOT_COMPARED),
    (None, 2.2, 2.8, LOWER, S.NOT_COMPARED),
    (3.0, None, 4.1, LOWER, S.NOT_COMPARED),
    (3.0, 4.0, None, LOWER, S.NOT_COMPARED),
]


@pytest.mark.parametrize("comparator, lower, upper, polarity, expected", ONE_LEVEL)
def test_one_level(comparator, lower, upper, polarity, expected):
    assert compare(comparator, lower, upper, polarity) == expected


# The area in Fingertips' two-level test: L99.8 2.3, L95 2.5, value 2.6, U95 2.7, U99.8 2.9.
TWO_LEVELS = [
    # comparator, polarity -> significance
    (3.0, LOWER, S.MUCH_BETTER), (3.0, HIGHER, S.MUCH_WORSE),  # above U99.8
    (2.8, LOWER, S.BETTER), (2.8, HIGHER, S.WORSE),  # between the upper limits
    (2.6, LOWER, S.SIMILAR), (2.6, HIGHER, S.SIMILAR),
    (2.4, LOWER, S.WORSE), (2.4, HIGHER, S.BETTER),  # between the lower limits
    (2.2, LOWER, S.MUCH_WORSE), (2.2, HIGHER, S.MUCH_BETTER),  # below L99.8
    # the edges, from the comparer's source: U95 and L95 are inside; U99.8 and L99.8 are
    # still only better or worse (val <= UpperCI99_8 && val >= UpperCI95)
    (2.7, LOWER, S.SIMILAR), (2.5, HIGHER, S.SIMILAR),
    (2.9, LOWER, S.BETTER), (2.3, HIGHER, S.BETTER),
    # no polarity: the words stay 'higher' and 'lower', never 'much'
    (3.0, NONE, S.LOWER), (2.2, NONE, S.HIGHER), (2.8, NONE, S.LOWER),
]


@pytest.mark.parametrize("comparator, polarity, expected", TWO_LEVELS)
def test_two_levels(comparator, polarity, expected):
    assert compare(comparator, 2.5, 2.7, polarity, 2.3, 2.9) == expected


def test_without_the_998_limits_there_is_no_much():
    assert compare(3.0, 2.5, 2.7, LOWER) == S.BETTER
    assert compare(3.0, 2.5, 2.7, LOWER, None, 2.9) == S.BETTER


def _column(values):
    return np.array([NAN if v is None else v for v in values], dtype=float)


@pytest.mark.parametrize("polarity", [HIGHER, LOWER, NONE])
def test_columns_match_row_by_row_for_one_level(polarity):
    rows = ONE_LEVEL
    got = compare_many(_column([r[0] for r in rows]), _column([r[1] for r in rows]),
                       _column([r[2] for r in rows]), polarity)
    assert list(got) == [compare(r[0], r[1], r[2], polarity) for r in rows]
    assert all(isinstance(item, Significance) for item in got)


@pytest.mark.parametrize("polarity", [HIGHER, LOWER, NONE])
def test_columns_match_row_by_row_for_two_levels(polarity):
    comparators = np.array([row[0] for row in TWO_LEVELS])
    got = compare_many(comparators, 2.5, 2.7, polarity, 2.3, 2.9)
    assert list(got) == [compare(c, 2.5, 2.7, polarity, 2.3, 2.9) for c in comparators]


def test_one_comparator_against_every_la():
    # England's value against each LA's interval, as the national table is built.
    lower = np.array([3.2, 2.2, 2.7, NAN])
    upper = np.array([3.5, 2.8, 3.1, NAN])
    got = compare_many(3.0, lower, upper, LOWER)
    assert list(got) == [S.WORSE, S.BETTER, S.SIMILAR, S.NOT_COMPARED]


def test_the_words_are_plain_lowercase():
    assert [s.value for s in Significance] == [
        "similar", "better", "worse", "much better", "much worse", "higher", "lower", "not compared"]
