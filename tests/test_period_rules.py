"""Periods as English children's services data writes them (DESIGN.md, "Periods")."""

from datetime import date

import pytest

from scorecard.model import PeriodType as T
from scorecard.periods import (
    PeriodError, financial_year_containing, latest_complete_quarter, parse_period, quarter_containing,
)

D = date


@pytest.mark.parametrize(
    "text, year_type, start, end, kind, label",
    [
        ("2024-25 Q4", None, D(2025, 1, 1), D(2025, 3, 31), T.QUARTER, "2024-25 Q4"),
        ("2024-25 Q1", None, D(2024, 4, 1), D(2024, 6, 30), T.QUARTER, "2024-25 Q1"),
        ("2024/25 q3", None, D(2024, 10, 1), D(2024, 12, 31), T.QUARTER, "2024-25 Q3"),
        ("Q1 2010/11", None, D(2010, 4, 1), D(2010, 6, 30), T.QUARTER, "2010-11 Q1"),
        ("Q2 2010-11", None, D(2010, 7, 1), D(2010, 9, 30), T.QUARTER, "2010-11 Q2"),
        ("Jun-10", None, D(2010, 6, 1), D(2010, 6, 30), T.MONTH, None),
        ("Feb 2024", None, D(2024, 2, 1), D(2024, 2, 29), T.MONTH, None),  # a leap year
        ("2024-25", None, D(2024, 4, 1), D(2025, 3, 31), T.FINANCIAL_YEAR, "2024-25"),
        ("2023/24", None, D(2023, 9, 1), D(2024, 8, 31), T.ACADEMIC_YEAR, "2023/24"),
        ("2010/11", T.FINANCIAL_YEAR, D(2010, 4, 1), D(2011, 3, 31), T.FINANCIAL_YEAR, "2010-11"),
        ("2024", None, D(2024, 1, 1), D(2024, 12, 31), T.CALENDAR_YEAR, "2024"),
        ("202425", None, D(2024, 4, 1), D(2025, 3, 31), T.FINANCIAL_YEAR, "2024-25"),
        ("202324", T.ACADEMIC_YEAR, D(2023, 9, 1), D(2024, 8, 31), T.ACADEMIC_YEAR, "2023/24"),
        ("2014-16", None, D(2014, 1, 1), D(2016, 12, 31), T.MULTI_YEAR, None),
        ("31 Mar 2025", None, D(2025, 3, 31), D(2025, 3, 31), T.FINANCIAL_YEAR, "31 Mar 2025"),
        ("30 Sep 2026", None, D(2026, 9, 30), D(2026, 9, 30), T.QUARTER, "30 Sep 2026"),
        ("2025-03-31", None, D(2025, 3, 31), D(2025, 3, 31), T.FINANCIAL_YEAR, "31 Mar 2025"),
        ("15 Jan 2025", None, D(2025, 1, 15), D(2025, 1, 15), T.MONTH, None),
    ],
)
def test_every_accepted_form(text, year_type, start, end, kind, label):
    period = parse_period(text, year_type)
    assert (period.start, period.end, period.type) == (start, end, kind)
    if label is not None:
        assert period.label == label


@pytest.mark.parametrize(
    "text, words",
    [
        ("2024-26 Q4", "follow on"),
        ("Q5 2010/11", "not a period"),
        ("2024-25 Q5", "not a period"),
        ("", "not a period"),
        ("twelve", "not a period"),
        ("Jum-10", "not a month"),
        ("31 Feb 2025", "not a real date"),
        ("202427", "two years in a row"),
        ("2016-14", "after the first"),
    ],
)
def test_bad_periods_say_what_is_wrong(text, words):
    with pytest.raises(PeriodError, match=words):
        parse_period(text)


@pytest.mark.parametrize(
    "today, label",
    [
        (D(2026, 11, 22), "2026-27 Q2"),
        (D(2026, 7, 1), "2026-27 Q1"),
        (D(2026, 6, 30), "2025-26 Q4"),  # Q1 ends today, so it is not complete yet
        (D(2026, 4, 1), "2025-26 Q4"),
        (D(2026, 1, 1), "2025-26 Q3"),
    ],
)
def test_latest_complete_quarter(today, label):
    assert latest_complete_quarter(today).label == label


@pytest.mark.parametrize(
    "day, label",
    [(D(2025, 3, 31), "2024-25 Q4"), (D(2025, 4, 1), "2025-26 Q1"), (D(2024, 12, 31), "2024-25 Q3")],
)
def test_financial_quarters_are_april_to_march(day, label):
    assert quarter_containing(day).label == label


@pytest.mark.parametrize(
    "day, label", [(D(2025, 3, 31), "2024-25"), (D(2025, 4, 1), "2025-26"), (D(2025, 1, 15), "2024-25")]
)
def test_financial_year_containing(day, label):
    assert financial_year_containing(day).label == label


@pytest.mark.parametrize(
    "text, previous, year_earlier",
    [
        ("2024-25 Q1", "2023-24 Q4", "2023-24 Q1"),
        ("2024-25 Q3", "2024-25 Q2", "2023-24 Q3"),
        ("Jan 2025", "Dec 2024", "Jan 2024"),
        ("2024-25", "2023-24", "2023-24"),
        ("2023/24", "2022/23", "2022/23"),
        ("2024", "2023", "2023"),
        ("31 Mar 2025", "31 Mar 2024", "31 Mar 2024"),
        ("30 Sep 2026", "30 Jun 2026", "30 Sep 2025"),
    ],
)
def test_previous_and_a_year_earlier(text, previous, year_earlier):
    period = parse_period(text)
    assert period.previous().label == previous
    assert period.same_period_a_year_earlier().label == year_earlier
