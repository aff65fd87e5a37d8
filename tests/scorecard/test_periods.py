"""Periods as English children's services data writes them (DESIGN.md, "Periods").

Dates and labels in the tables are worked out by hand from the calendar: financial
quarters run Q1 Apr-Jun, Q2 Jul-Sep, Q3 Oct-Dec, Q4 Jan-Mar.
"""

from datetime import date as D

import pytest

from scorecard.model import PeriodType as T
from scorecard.periods import (
    financial_year_containing,
    PeriodError, financial_quarter, latest_complete_quarter, parse_period, quarter_containing,
)

ACCEPTED = [
    # text, year_type -> type, start, end, label
    ("2024-25 Q4", None, T.QUARTER, D(2025, 1, 1), D(2025, 3, 31), "2024-25 Q4"),
    ("2024-25 Q1", None, T.QUARTER, D(2024, 4, 1), D(2024, 6, 30), "2024-25 Q1"),
    ("2024-25 Q2", None, T.QUARTER, D(2024, 7, 1), D(2024, 9, 30), "2024-25 Q2"),
    ("2024-25 Q3", None, T.QUARTER, D(2024, 10, 1), D(2024, 12, 31), "2024-25 Q3"),
    ("2024/25 q3", None, T.QUARTER, D(2024, 10, 1), D(2024, 12, 31), "2024-25 Q3"),
    ("2024-2025 Q2", None, T.QUARTER, D(2024, 7, 1), D(2024, 9, 30), "2024-25 Q2"),
    ("  2024-25   Q4 ", None, T.QUARTER, D(2025, 1, 1), D(2025, 3, 31), "2024-25 Q4"),
    ("Q1 2010/11", None, T.QUARTER, D(2010, 4, 1), D(2010, 6, 30), "2010-11 Q1"),
    ("Q4 2010/11", None, T.QUARTER, D(2011, 1, 1), D(2011, 3, 31), "2010-11 Q4"),
    ("Q2 2010-11", None, T.QUARTER, D(2010, 7, 1), D(2010, 9, 30), "2010-11 Q2"),
    ("1999-00 Q4", None, T.QUARTER, D(2000, 1, 1), D(2000, 3, 31), "1999-00 Q4"),  # century
    ("Jun-10", None, T.MONTH, D(2010, 6, 1), D(2010, 6, 30), "Jun 2010"),
    ("Jun 2025", None, T.MONTH, D(2025, 6, 1), D(2025, 6, 30), "Jun 2025"),
    ("September 2024", None, T.MONTH, D(2024, 9, 1), D(2024, 9, 30), "Sep 2024"),
    ("Feb-24", None, T.MONTH, D(2024, 2, 1), D(2024, 2, 29), "Feb 2024"),  # a leap year
    ("Feb-25", None, T.MONTH, D(2025, 2, 1), D(2025, 2, 28), "Feb 2025"),
    ("Jun-99", None, T.MONTH, D(1999, 6, 1), D(1999, 6, 30), "Jun 1999"),  # Excel: 30-99 = 19xx
    ("2024-25", None, T.FINANCIAL_YEAR, D(2024, 4, 1), D(2025, 3, 31), "2024-25"),
    ("1999-00", None, T.FINANCIAL_YEAR, D(1999, 4, 1), D(2000, 3, 31), "1999-00"),
    ("2023/24", None, T.ACADEMIC_YEAR, D(2023, 9, 1), D(2024, 8, 31), "2023/24"),
    ("2023/24", T.FINANCIAL_YEAR, T.FINANCIAL_YEAR, D(2023, 4, 1), D(2024, 3, 31), "2023-24"),
    ("2024", None, T.CALENDAR_YEAR, D(2024, 1, 1), D(2024, 12, 31), "2024"),
    ("202425", None, T.FINANCIAL_YEAR, D(2024, 4, 1), D(2025, 3, 31), "2024-25"),
    ("202324", T.ACADEMIC_YEAR, T.ACADEMIC_YEAR, D(2023, 9, 1), D(2024, 8, 31), "2023/24"),
    ("199900", None, T.FINANCIAL_YEAR, D(1999, 4, 1), D(2000, 3, 31), "1999-00"),
    ("2014-16", None, T.MULTI_YEAR, D(2014, 1, 1), D(2016, 12, 31), "2014-16"),
    ("31 Mar 2025", None, T.FINANCIAL_YEAR, D(2025, 3, 31), D(2025, 3, 31), "31 Mar 2025"),
    ("31 March 2025", None, T.FINANCIAL_YEAR, D(2025, 3, 31), D(2025, 3, 31), "31 Mar 2025"),
    ("30 Jun 2025", None, T.QUARTER, D(2025, 6, 30), D(2025, 6, 30), "30 Jun 2025"),
    ("15 Jan 2025", None, T.MONTH, D(2025, 1, 15), D(2025, 1, 15), "15 Jan 2025"),
    ("2025-03-31", None, T.FINANCIAL_YEAR, D(2025, 3, 31), D(2025, 3, 31), "31 Mar 2025"),
    ("2024-12-31", None, T.QUARTER, D(2024, 12, 31), D(2024, 12, 31), "31 Dec 2024"),
    ("2025-03-31 00:00:00", None, T.FINANCIAL_YEAR, D(2025, 3, 31), D(2025, 3, 31), "31 Mar 2025"),
    ("31/03/2025", None, T.FINANCIAL_YEAR, D(2025, 3, 31), D(2025, 3, 31), "31 Mar 2025"),  # day first
    ("1/9/2024", None, T.MONTH, D(2024, 9, 1), D(2024, 9, 1), "1 Sep 2024"),
]


@pytest.mark.parametrize("text, year_type, kind, start, end, label", ACCEPTED)
def test_every_accepted_form(text, year_type, kind, start, end, label):
    period = parse_period(text, year_type)
    assert (period.type, period.start, period.end, period.label) == (kind, start, end, label)


@pytest.mark.parametrize("text", [case[0] for case in ACCEPTED])
def test_a_label_reads_back_as_the_same_period(text):
    period = parse_period(text)
    assert parse_period(period.label) == period


BAD = [
    # text -> words the message must contain (it always quotes the text and says what to write)
    ("2024-26 Q5", "a quarter is Q1 to Q4"),
    ("Q5 2010/11", "a quarter is Q1 to Q4"),
    ("2024-25 Q0", "a quarter is Q1 to Q4"),
    ("2024-26 Q4", "must follow on"),
    ("Q1 2010/12", "must follow on"),
    ("2023/25", "must follow on"),
    ("", "an empty cell is not a period"),
    ("   ", "an empty cell is not a period"),
    ("twelve", "is not a period Scorecard understands"),
    ("Q1", "is not a period Scorecard understands"),
    ("Jum-10", "'jum' is not a month"),
    ("31 Feb 2025", "is not a real date"),
    ("2025-02-30", "is not a real date"),
    ("03/31/2025", "is not a real date"),  # American order: month 31
    ("202427", "two years in a row"),
    ("2016-14", "the second year must come after the first"),
]


@pytest.mark.parametrize("text, words", BAD)
def test_bad_periods_say_what_is_wrong(text, words):
    with pytest.raises(ValueError, match=words) as raised:
        parse_period(text)
    assert isinstance(raised.value, PeriodError)
    if text.strip():
        assert f"'{text}'" in str(raised.value)  # names the text it could not read


@pytest.mark.parametrize("quarter", [0, 5])
def test_financial_quarter_refuses_a_fifth_quarter(quarter):
    with pytest.raises(ValueError, match="quarter must be 1 to 4"):
        financial_quarter(2024, quarter)


@pytest.mark.parametrize(
    "day, label",
    [
        (D(2024, 4, 1), "2024-25 Q1"), (D(2024, 6, 30), "2024-25 Q1"),
        (D(2024, 7, 1), "2024-25 Q2"), (D(2024, 9, 30), "2024-25 Q2"),
        (D(2024, 10, 1), "2024-25 Q3"), (D(2024, 12, 31), "2024-25 Q3"),
        (D(2025, 1, 1), "2024-25 Q4"), (D(2025, 3, 31), "2024-25 Q4"),
        (D(2025, 4, 1), "2025-26 Q1"),
    ],
)
def test_financial_quarter_boundaries(day, label):
    assert quarter_containing(day).label == label


@pytest.mark.parametrize(
    "today, label",
    [
        (D(2026, 11, 22), "2026-27 Q2"),  # Q3 (Oct-Dec) is still running
        (D(2026, 7, 1), "2026-27 Q1"),  # Q1 ended yesterday
        (D(2026, 6, 30), "2025-26 Q4"),  # Q1 ends today: not complete yet
        (D(2026, 4, 1), "2025-26 Q4"),
        (D(2026, 3, 31), "2025-26 Q3"),
        (D(2026, 1, 1), "2025-26 Q3"),
        (D(2025, 12, 31), "2025-26 Q2"),
    ],
)
def test_latest_complete_quarter(today, label):
    assert latest_complete_quarter(today).label == label


TRAVEL = [
    # period -> previous, same period a year earlier
    ("2024-25 Q1", "2023-24 Q4", "2023-24 Q1"),  # across the financial year
    ("2024-25 Q3", "2024-25 Q2", "2023-24 Q3"),
    ("2000-01 Q1", "1999-00 Q4", "1999-00 Q1"),  # across the century
    ("Jan 2025", "Dec 2024", "Jan 2024"),
    ("Mar 2024", "Feb 2024", "Mar 2023"),
    ("2024-25", "2023-24", "2023-24"),
    ("2000-01", "1999-00", "1999-00"),
    ("2023/24", "2022/23", "2022/23"),
    ("2024", "2023", "2023"),
    ("2014-16", "2013-15", "2013-15"),  # rolling three years move on one year
    ("31 Mar 2025", "31 Mar 2024", "31 Mar 2024"),  # a snapshot at year end
    ("30 Sep 2026", "30 Jun 2026", "30 Sep 2025"),  # a snapshot at a quarter end
    ("30 Jun 2026", "31 Mar 2026", "30 Jun 2025"),
    ("15 Jan 2025", "15 Dec 2024", "15 Jan 2024"),  # a monthly snapshot stays a snapshot
    ("28 Feb 2025", "31 Jan 2025", "29 Feb 2024"),  # a month end stays a month end
    ("29 Feb 2024", "31 Jan 2024", "28 Feb 2023"),
]


@pytest.mark.parametrize("text, previous, year_earlier", TRAVEL)
def test_previous_and_a_year_earlier(text, previous, year_earlier):
    period = parse_period(text)
    assert period.previous() == parse_period(previous)
    assert period.same_period_a_year_earlier() == parse_period(year_earlier)


@pytest.mark.parametrize(
    "day, label", [(D(2025, 3, 31), "2024-25"), (D(2025, 4, 1), "2025-26"), (D(2025, 1, 15), "2024-25")]
)
def test_financial_year_containing(day, label):
    assert financial_year_containing(day).label == label
