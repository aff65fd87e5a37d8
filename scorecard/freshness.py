"""How old a figure is at the end of the quarter under review, and whether it is out of date:
older than its indicator's normal update cycle allows. One rule, for every page and command."""

from dataclasses import dataclass
from datetime import date, timedelta

from scorecard.model import PeriodType

# Months after a figure's own period ends before the next one is overdue: a yearly figure is
# published some months after its year, so a year and a quarter; a quarterly one two quarters;
# a monthly one a quarter (issue 16 names the yearly and quarterly cycles; the monthly is ours).
UPDATE_CYCLE_MONTHS = {
    PeriodType.QUARTER: 6,
    PeriodType.MONTH: 3,
    PeriodType.FINANCIAL_YEAR: 15,
    PeriodType.ACADEMIC_YEAR: 15,
    PeriodType.CALENDAR_YEAR: 15,
    PeriodType.MULTI_YEAR: 15,
}
OUT_OF_DATE_SHAPE = "◔"  # a clock face: with the words "Out of date", never colour alone
OUT_OF_DATE_WORDS = "Out of date"


@dataclass(frozen=True)
class Age:
    months: int  # whole months from the figure's period end to the quarter's end
    out_of_date: bool
    cycle_months: int

    @property
    def words(self) -> str:
        """'3 months old', 'under a month old'."""
        if self.months < 1:
            return "under a month old"
        if self.months < 24:
            return f"{self.months} month{'' if self.months == 1 else 's'} old"
        years, months = divmod(self.months, 12)
        return f"{years} years" + (f" {months} month{'' if months == 1 else 's'}" if months else "") + " old"


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from one date to another; a month end to a month end counts
    whole months (31 March to 30 September is 6)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day and not (_is_month_end(earlier) and _is_month_end(later)):
        months -= 1
    return months


def age_of(period_end: date, period_type: PeriodType, quarter_end: date) -> Age:
    """The age of a figure ending on `period_end` for an indicator published every `period_type`."""
    cycle = UPDATE_CYCLE_MONTHS[PeriodType(period_type)]
    months = max(months_between(_as_date(period_end), _as_date(quarter_end)), 0)
    return Age(months, months > cycle, cycle)


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _is_month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1
