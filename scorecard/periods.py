"""Periods: financial-year quarters, years of each kind, months and snapshot dates.

Every period has a canonical label, a type, a start and an end date. The label is what
people read and what the store keys on; start and end let periods of different types be
compared ("the latest figure available at the quarter's end").
"""

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

from scorecard.model import PeriodType

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_name) if name})


class PeriodError(ValueError):
    """A period label that cannot be understood."""


@dataclass(frozen=True, order=True)
class Period:
    end: date
    start: date
    type: PeriodType
    label: str

    @property
    def is_snapshot(self) -> bool:
        return self.start == self.end

    def same_period_a_year_earlier(self) -> "Period":
        return _years_earlier(self, 1)

    def previous(self) -> "Period":
        """The period of the same type immediately before this one."""
        return _previous(self)

    def __str__(self) -> str:
        return self.label


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def financial_quarter(start_year: int, quarter: int) -> Period:
    """Quarter 1-4 of financial year start_year-(start_year+1): Q1 is Apr-Jun."""
    if quarter not in (1, 2, 3, 4):
        raise PeriodError(f"quarter must be 1 to 4, not {quarter}")
    first_month = 4 + 3 * (quarter - 1)
    year = start_year + (first_month - 1) // 12
    month = (first_month - 1) % 12 + 1
    return Period(
        end=_last_day(year, month + 2),
        start=date(year, month, 1),
        type=PeriodType.QUARTER,
        label=f"{start_year}-{(start_year + 1) % 100:02d} Q{quarter}",
    )


def financial_year(start_year: int) -> Period:
    return Period(
        end=date(start_year + 1, 3, 31),
        start=date(start_year, 4, 1),
        type=PeriodType.FINANCIAL_YEAR,
        label=f"{start_year}-{(start_year + 1) % 100:02d}",
    )


def academic_year(start_year: int) -> Period:
    return Period(
        end=date(start_year + 1, 8, 31),
        start=date(start_year, 9, 1),
        type=PeriodType.ACADEMIC_YEAR,
        label=f"{start_year}/{(start_year + 1) % 100:02d}",
    )


def calendar_year(year: int) -> Period:
    return Period(date(year, 12, 31), date(year, 1, 1), PeriodType.CALENDAR_YEAR, str(year))


def multi_year(first: int, last: int) -> Period:
    return Period(
        date(last, 12, 31), date(first, 1, 1), PeriodType.MULTI_YEAR, f"{first}-{last % 100:02d}"
    )


def month(year: int, month_number: int) -> Period:
    return Period(
        end=_last_day(year, month_number),
        start=date(year, month_number, 1),
        type=PeriodType.MONTH,
        label=f"{calendar.month_abbr[month_number]} {year}",
    )


def snapshot(on: date) -> Period:
    """A count on a date, such as children looked after on 31 March.

    Its type says which series it most likely belongs to: 31 March closes the financial
    year, other quarter ends close a quarter, anything else is a monthly figure.
    """
    if (on.month, on.day) == (3, 31):
        period_type = PeriodType.FINANCIAL_YEAR
    elif (on.month, on.day) in ((6, 30), (9, 30), (12, 31)):
        period_type = PeriodType.QUARTER
    else:
        period_type = PeriodType.MONTH
    return Period(on, on, period_type, f"{on.day} {calendar.month_abbr[on.month]} {on.year}")


def quarter_containing(day: date) -> Period:
    start_year = day.year if day.month >= 4 else day.year - 1
    return financial_quarter(start_year, (day.month - 4) % 12 // 3 + 1)


def latest_complete_quarter(today: date) -> Period:
    """The latest financial quarter that ended before today."""
    return quarter_containing(quarter_containing(today).start - timedelta(days=1))


def _full_year(two_or_four: str, century_from: int | None = None) -> int:
    """'25' after 2024 is 2025, and '00' after 1999 is 2000. On its own ('Jun-10') a
    two-digit year follows Excel's rule: 00-29 are 2000-2029, 30-99 are 1930-1999."""
    if len(two_or_four) == 4:
        return int(two_or_four)
    two = int(two_or_four)
    if century_from is not None:
        year = century_from // 100 * 100 + two
        return year + 100 if year < century_from else year
    return 2000 + two if two < 30 else 1900 + two


def _check_consecutive(first: int, second_text: str, text: str) -> None:
    second = _full_year(second_text, first)
    if second != first + 1:
        raise PeriodError(f"'{text}': the years of a financial or academic year must follow on")


_PATTERNS: list[tuple[re.Pattern, str]] = [
    # 2024-25 Q4, 2024/25 Q4, 2024-2025 Q4 (any digit, so Q5 gets its own message)
    (re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*q(\d)$"), "fy_quarter"),
    # Q4 2024/25, Q4 2024-25
    (re.compile(r"^q(\d)\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})$"), "quarter_fy"),
    (re.compile(r"^(?:fy\s*)?(\d{4})-(\d{2}|\d{4})$"), "fy_or_multi"),
    (re.compile(r"^(?:ay\s*)?(\d{4})/(\d{2}|\d{4})$"), "academic"),
    (re.compile(r"^(\d{6})$"), "six_digit"),
    (re.compile(r"^(\d{4})$"), "calendar"),
    (re.compile(r"^(\d{1,2})\s+([a-z]+)\s+(\d{4})$"), "snapshot"),
    (re.compile(r"^([a-z]+)[\s-]+(\d{2}|\d{4})$"), "month"),
    # 2025-03-31, and 2025-03-31 00:00:00 as a spreadsheet date cell reads as text
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ t]00:00(?::00)?)?$"), "iso_date"),
    # 31/03/2025: British order, day first
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), "uk_date"),
]


def parse_period(text: str, year_type: PeriodType | None = None) -> Period:
    """Read a period label: '2024-25 Q4', 'Q1 2010/11', 'Jun-10', '2024-25', '2023/24',
    '2024', '31 Mar 2025', '2025-03-31', '31/03/2025' (day first), '202425' (financial
    or academic year: say which), '2014-16'. A bad label raises PeriodError (a ValueError)
    quoting the text and saying what to write instead.

    Without year_type, '2010/11' is an academic year (DfE's convention) and '202425' a
    financial year; council workbooks write '2010/11' for financial years, so their loader
    passes year_type=PeriodType.FINANCIAL_YEAR.
    """
    cleaned = re.sub(r"\s+", " ", str(text).strip().lower())
    if not cleaned:
        raise PeriodError(
            "an empty cell is not a period: write a quarter like '2024-25 Q4' "
            "or a year like '2024-25'"
        )
    for pattern, kind in _PATTERNS:
        match = pattern.match(cleaned)
        if match:
            return _build(kind, match.groups(), str(text), year_type)
    raise PeriodError(
        f"'{text}' is not a period Scorecard understands: use a quarter like '2024-25 Q4', "
        "a year like '2024-25', '2024/25' or '2024', a month like 'Jun 2025' "
        "or a date like '31 Mar 2025'"
    )


def _build(kind: str, groups: tuple, text: str, year_type: PeriodType | None) -> Period:
    if kind in ("fy_quarter", "quarter_fy"):
        quarter, first, second = (groups[2], *groups[:2]) if kind == "fy_quarter" else groups
        if quarter not in "1234":
            raise PeriodError(
                f"'{text}' is not a period Scorecard understands: a quarter is Q1 to Q4 "
                "(Q1 is April to June, Q4 is January to March)"
            )
        _check_consecutive(int(first), second, text)
        return financial_quarter(int(first), int(quarter))
    if kind == "fy_or_multi":
        first = int(groups[0])
        last = _full_year(groups[1], first)
        if last == first + 1:
            return financial_year(first)
        if first < last <= first + 9:
            return multi_year(first, last)
        raise PeriodError(f"'{text}': the second year must come after the first")
    if kind == "academic":
        first = int(groups[0])
        _check_consecutive(first, groups[1], text)
        if year_type == PeriodType.FINANCIAL_YEAR and not text.lower().startswith("ay"):
            return financial_year(first)
        return academic_year(first)
    if kind == "six_digit":
        first, second = int(groups[0][:4]), int(groups[0][4:])
        if second != (first + 1) % 100:
            raise PeriodError(f"'{text}': a six-digit year like 202425 must name two years in a row")
        if year_type == PeriodType.ACADEMIC_YEAR:
            return academic_year(first)
        return financial_year(first)
    if kind == "calendar":
        return calendar_year(int(groups[0]))
    if kind == "snapshot":
        return snapshot(_date(int(groups[2]), groups[1], int(groups[0]), text))
    if kind == "month":
        number = MONTHS.get(groups[0])
        if number is None:
            raise PeriodError(f"'{text}': '{groups[0]}' is not a month")
        return month(_full_year(groups[1]), number)
    if kind == "iso_date":
        return snapshot(_date(int(groups[0]), int(groups[1]), int(groups[2]), text))
    if kind == "uk_date":
        return snapshot(_date(int(groups[2]), int(groups[1]), int(groups[0]), text))
    raise AssertionError(kind)


def _date(year: int, month_part: str | int, day: int, text: str) -> date:
    number = month_part if isinstance(month_part, int) else MONTHS.get(month_part)
    if number is None:
        raise PeriodError(f"'{text}': '{month_part}' is not a month")
    try:
        return date(year, number, day)
    except ValueError as error:
        raise PeriodError(f"'{text}' is not a real date: {error}") from None


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _is_month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def _months_earlier(day: date, months: int) -> date:
    """The same day some months earlier; a month end stays a month end (28 Feb -> 31 Jan)."""
    index = day.year * 12 + day.month - 1 - months
    year, month_number = divmod(index, 12)
    last = calendar.monthrange(year, month_number + 1)[1]
    return date(year, month_number + 1, last if _is_month_end(day) else min(day.day, last))


def _years_earlier(period: Period, years: int) -> Period:
    """Built directly, not by reading a label back: a two-year rolling period '2013-14'
    would read back as a financial year."""
    if period.is_snapshot:
        return snapshot(_months_earlier(period.end, 12 * years))
    start = _shift_years(period.start, -years)
    if period.type == PeriodType.QUARTER:
        return quarter_containing(start)
    if period.type == PeriodType.MONTH:
        return month(start.year, start.month)
    if period.type == PeriodType.FINANCIAL_YEAR:
        return financial_year(start.year)
    if period.type == PeriodType.ACADEMIC_YEAR:
        return academic_year(start.year)
    if period.type == PeriodType.CALENDAR_YEAR:
        return calendar_year(start.year)
    return multi_year(start.year, period.end.year - years)


def _previous(period: Period) -> Period:
    if period.is_snapshot and period.type == PeriodType.QUARTER:
        return snapshot(quarter_containing(period.end).start - timedelta(days=1))
    if period.is_snapshot and period.type == PeriodType.MONTH:
        # A count on a day other than a quarter end: the same day a month earlier.
        return snapshot(_months_earlier(period.end, 1))
    if period.type == PeriodType.QUARTER:
        return quarter_containing(period.start - timedelta(days=1))
    if period.type == PeriodType.MONTH:
        before = period.start - timedelta(days=1)
        return month(before.year, before.month)
    return period.same_period_a_year_earlier()


def financial_year_containing(day: date) -> Period:
    """The April-to-March year a day falls in (31 March belongs to the year it ends)."""
    return financial_year(day.year if day.month >= 4 else day.year - 1)


# How periods are shown on pages: one convention per period type, declared here once. The store
# and the command line keep the canonical labels above ('31 Mar 2025'); pages write the month
# in full. Quarters '2024-25 Q2'; financial years '2024-25'; academic years '2024/25' (DfE's
# convention); calendar years '2024'; rolling periods '2014-16'; months 'September 2026'; a
# count on a date '31 March 2025'.
@functools.lru_cache(maxsize=4096)
def shown_label(label: str | None) -> str:
    """A stored period label as pages show it; '' for none, and a label this module cannot
    read is shown as it is."""
    if not label:
        return ""
    try:
        period = parse_period(label)
    except PeriodError:
        return label
    if period.is_snapshot:
        return shown_date(period.end)
    if period.type == PeriodType.MONTH and period.label == label:
        return f"{calendar.month_name[period.end.month]} {period.end.year}"
    return label


def shown_date(day: date) -> str:
    """'31 March 2025', as GOV.UK writes dates."""
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"
