"""The words used everywhere: polarity, RAG, direction of travel, observation status."""

from enum import StrEnum


class Polarity(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NONE = "none"


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NO_JUDGEMENT = "no judgement"


class Direction(StrEnum):
    IMPROVING = "improving"
    WORSENING = "worsening"
    NO_CHANGE = "no change"
    # For indicators with no polarity a change is reported without judgement.
    HIGHER = "higher"
    LOWER = "lower"
    NOT_AVAILABLE = "not available"


class MeasureType(StrEnum):
    SNAPSHOT = "snapshot"  # a count on a date, e.g. looked after on 31 March
    FLOW = "flow"  # events in a period, e.g. first-time entrants in a year
    CUMULATIVE = "cumulative"  # year to date


class PeriodType(StrEnum):
    """How often an indicator is published; a finer local figure may still be loaded."""

    QUARTER = "quarter"
    MONTH = "month"
    FINANCIAL_YEAR = "financial_year"  # Apr-Mar, or a snapshot at 31 March
    ACADEMIC_YEAR = "academic_year"  # Sep-Aug
    CALENDAR_YEAR = "calendar_year"
    MULTI_YEAR = "multi_year"  # rolling averages such as 2014-16


class Unit(StrEnum):
    RATE = "rate"  # per multiplier (10,000, 1,000, 100,000) of a population
    PERCENT = "percent"
    NUMBER = "number"
    DAYS = "days"
    WEEKS = "weeks"
    SCORE = "score"
    POUNDS = "pounds"

