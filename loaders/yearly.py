"""A published year's figure as the period its indicator is kept in.

Publishers label a year by the year it ends ('2025' for 31 March 2025 in DfE social care,
'2023' for NCCIS's Dec 2022 to Feb 2023 average, LAIT's '2024-25'). The store keys on the
indicator's own kind of period, so every source of one indicator lands on the same label.
"""

from datetime import date

from scorecard import periods
from scorecard.model import MeasureType, PeriodType


def year_ending(year: int, period_type: PeriodType, measure_type: MeasureType) -> periods.Period | None:
    """The period of an indicator's yearly figure for the year ending in `year`."""
    if period_type == PeriodType.FINANCIAL_YEAR:
        if measure_type == MeasureType.SNAPSHOT:
            return periods.snapshot(date(year, 3, 31))
        return periods.financial_year(year - 1)
    if period_type == PeriodType.ACADEMIC_YEAR:
        return periods.academic_year(year - 1)
    if period_type == PeriodType.CALENDAR_YEAR:
        return periods.calendar_year(year)
    return None
