"""Demonstration data: the home LA, its localities, England, the regions and every LA.

The home LA is any council (service/demo_council.py says which, its statistical neighbours
and its localities); without one set up, the example council in data/examples/demo.yaml.
Everything here is invented but anchored on published magnitudes of a metropolitan borough
(575 children looked after on 31 March 2025, 80.85 per 10,000), so the app looks and
behaves as it would with real figures: rates from counts and populations, suppressed small
counts, targets that give a mix of green, amber and red, statistical neighbours and
commentary. It is deterministic: every random draw comes from a `random.Random` seeded with
a SHA-256 of the indicator and area codes, so the same catalogue, areas and date give the
same batch.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd

from scorecard import metrics, schema, settings
from scorecard.disclosure import DEFAULT_THRESHOLD
from scorecard.metrics import mid_year_for, round_half_away, shown_number
from scorecard.model import MeasureType, PeriodType, Polarity, Rag
from scorecard.periods import (
    Period,
    academic_year,
    calendar_year,
    financial_quarter,
    financial_year,
    latest_complete_quarter,
    month,
    multi_year,
    snapshot,
)
from scorecard.provenance import DEMO
from scorecard.store import Batch, Store
from service.demo_council import DemoCouncil, example_council, set_up_example

ENGLAND = "E92000001"
SN_MODEL = "sn_2021"

# History: quarters of the last four financial years (the current one included) for the
# home LA, and the last four annual figures of each indicator for every area.
YEARS = 4
ANCHOR = date(2025, 3, 31)  # the profiles below give values for this date (or 2024-25)
AUTHOR = "Performance team (demo)"
SOURCE_NAME = "demonstration data"
VINTAGE = "Demonstration population"
HASH_TEXT = "Scorecard demonstration data v1"

OBSERVATION_COLUMNS = [c.name for c in schema.observation.columns if c.name != "load_id"]
POPULATION_COLUMNS = [c.name for c in schema.population.columns if c.name != "load_id"]
TARGET_COLUMNS = [c.name for c in schema.target.columns if c.name != "load_id"]
COMPARATOR_COLUMNS = [c.name for c in schema.comparator.columns if c.name != "load_id"]
COMMENTARY_COLUMNS = [
    "indicator_id", "area_code", "period", "text", "author", "written_at", "supersedes",
]

# Children aged 0-17 at mid-2024: England and the LAs whose size is fixed, not drawn (the
# smallest two; the home LA's may be fixed too, by its DemoCouncil).
ENGLAND_CHILDREN = 12_180_000
FIXED_CHILDREN = {"E09000001": 1_100, "E06000053": 350}
POPULATION_YEAR = 2024
# Median children 0-17 and spread by GSS prefix (county, unitary, metropolitan, London).
SIZE_BY_TYPE = {"E10": (210_000, 0.35), "E06": (45_000, 0.45), "E08": (62_000, 0.35),
                "E09": (52_000, 0.30)}
NOT_AVAILABLE_LAS = ("E06000053",)  # Isles of Scilly: values not published ('x')


# The judgement each indicator with a polarity is given at the latest quarter, in catalogue
# order: these positions have no target, the rest cycle through green, amber and red.
NO_TARGET_POSITIONS = (3, 8)
RAG_CYCLE = (Rag.GREEN, Rag.AMBER, Rag.RED)
MAX_COMMENTARY = 8


# --------------------------------------------------------------------------------------
# Profiles: the magnitude of each indicator
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """An indicator's England and home LA values at the anchor date, and how areas vary.

    kind: 'rate' (a count over an ONS population), 'ratio' (a numerator over a denominator
    of the observation's own, times the multiplier: percentages, infant deaths per 1,000
    live births), 'count' (events per child aged 0-17, adding up across areas) or 'level'
    (an average, score or amount). Percentages vary on a logit scale, everything else on a
    log scale (a linear one when a value can be negative): `spread` is the standard
    deviation between LAs, `drift` the change per year, `noise` from period to period.
    `per_child` is a ratio's denominator (pupils, plans, births) per child aged 0-17.
    """

    kind: str
    england: float
    home: float
    spread: float = 0.25
    drift: float = 0.0
    noise: float = 0.03
    per_child: float = 0.05


def _rate(england, home, **shape) -> Profile:
    return Profile("rate", england, home, **shape)


def _ratio(england, home, per_child, **shape) -> Profile:
    return Profile("ratio", england, home, per_child=per_child, **shape)


def _count(england, home, **shape) -> Profile:
    return Profile("count", england, home, **shape)


def _level(england, home, **shape) -> Profile:
    return Profile("level", england, home, **shape)


# England and the home LA at 31 March 2025 (or the year to then), near published magnitudes.
# The first pattern of the indicator's kind wins; patterns are searched in its id and titles.
PROFILES: list[tuple[str, Profile]] = [
    # Per 10,000 children aged 0-17 (LAIT; the example council's CLA as published: 575 of 71,124).
    (r"looked after|\bcla\b|\blac\b", _rate(70.0, 80.85, spread=0.35, drift=0.005, noise=0.02)),
    (r"in need|\bcin\b", _rate(330.0, 320.0, spread=0.22, drift=-0.01, noise=0.03)),
    (r"protection|\bcpp\b", _rate(40.0, 33.0, spread=0.3, drift=-0.01, noise=0.04)),
    (r"conception", _rate(13.0, 15.5, spread=0.3, drift=-0.04, noise=0.06)),
    (r"first.time entrant", _rate(150.0, 165.0, spread=0.35, drift=-0.03, noise=0.08)),
    (r"cautioned or sentenced", _rate(23.0, 26.0, spread=0.35, drift=-0.02, noise=0.08)),
    (r"alcohol", _rate(22.6, 25.0, spread=0.4, drift=-0.05, noise=0.1)),
    (r"injur|admission", _rate(91.0, 100.0, spread=0.25, drift=-0.02, noise=0.05)),
    # Ratios: per_child is the denominator per child (births, plans, pupils, cohorts).
    (r"infant mortality", _ratio(4.1, 5.2, 0.049, spread=0.25, noise=0.1)),
    (r"breast", _ratio(49.2, 33.0, 0.049, spread=0.35, drift=0.01, noise=0.04)),
    (r"reception.*overweight|overweight.*reception|excess_weight_reception",
     _ratio(22.1, 23.6, 0.054, spread=0.12, drift=-0.005, noise=0.03)),
    (r"year 6.*overweight|overweight.*year 6|excess_weight_year6",
     _ratio(35.8, 39.5, 0.056, spread=0.12, drift=-0.005, noise=0.03)),
    (r"year ?6.*obes|obes.*year ?6", _ratio(22.1, 25.5, 0.056, spread=0.15, drift=-0.01,
                                            noise=0.03)),
    (r"obes", _ratio(9.6, 10.8, 0.054, spread=0.15, drift=-0.01, noise=0.04)),
    (r"mmr|immuni[sz]|vaccin", _ratio(83.9, 88.5, 0.055, spread=0.35, drift=-0.02, noise=0.04)),
    (r"open at 31 march|at_31_march", _ratio(2.2, 1.8, 0.004, spread=0.5, noise=0.15)),
    (r"(2|two) years or more", _ratio(3.9, 3.0, 0.0045, spread=0.45, noise=0.15)),
    (r"second or subsequent", _ratio(23.6, 25.0, 0.0045, spread=0.25, drift=0.01, noise=0.08)),
    (r"protection.*review|cpp_review", _ratio(90.0, 96.0, 0.004, spread=0.6, noise=0.1)),
    (r"review", _ratio(90.0, 94.0, 0.007, spread=0.6, noise=0.1)),
    (r"7 working days|initial_assessments_7", _ratio(77.0, 82.0, 0.03, spread=0.5, noise=0.08)),
    (r"35 working days|core_assessments", _ratio(76.0, 80.0, 0.012, spread=0.5, noise=0.08)),
    (r"45 working days|assessments_within_45", _ratio(82.4, 88.0, 0.05, spread=0.5,
                                                       noise=0.06)),
    (r"going on to initial assessment|referrals_to_initial", _ratio(58.0, 62.0, 0.045,
                                                                    spread=0.4, noise=0.06)),
    (r"re.?referral", _ratio(22.4, 20.0, 0.045, spread=0.25, noise=0.06)),
    (r"(3|three) or more placements|three_moves", _ratio(10.0, 9.0, 0.007, spread=0.25,
                                                          noise=0.08)),
    (r"same placement|long.term", _ratio(71.0, 68.0, 0.0025, spread=0.3, noise=0.06)),
    (r"good level of development", _ratio(67.7, 70.0, 0.054, spread=0.12, drift=0.01,
                                          noise=0.03)),
    (r"level 4 or above.*key stage 2|ks2_level4", _ratio(80.0, 77.0, 0.056, spread=0.15,
                                                        noise=0.03)),
    (r"key stage 2|ks2", _ratio(61.0, 57.0, 0.056, spread=0.15, drift=0.01, noise=0.03)),
    (r"looked after.*5 gcses|cla_gcse_5ac", _ratio(14.0, 12.0, 0.0006, spread=0.5, noise=0.2)),
    (r"looked after.*grade 4|cla_gcse_english", _ratio(7.5, 8.0, 0.0006, spread=0.5,
                                                        noise=0.2)),
    (r"5 or more gcses|gcse_5ac", _ratio(57.0, 52.0, 0.055, spread=0.15, noise=0.03)),
    (r"grade 4|gcse", _ratio(65.0, 61.0, 0.055, spread=0.15, noise=0.03)),
    (r"persistent", _ratio(25.6, 27.0, 0.29, spread=0.18, drift=-0.04, noise=0.03)),
    # Sessions: the denominator is possible half-day sessions (about 320 a pupil a year).
    (r"attend", _ratio(93.1, 92.8, 220.0, spread=0.15, drift=0.01, noise=0.01)),
    (r"absence", _ratio(6.9, 7.2, 220.0, spread=0.15, drift=-0.02, noise=0.03)),
    (r"permanent", _ratio(0.13, 0.16, 0.68, spread=0.5, drift=0.05, noise=0.15)),
    (r"suspen|exclu", _ratio(9.3, 10.5, 0.68, spread=0.3, drift=0.06, noise=0.05)),
    (r"re.?offend", _ratio(31.6, 33.0, 0.0015, spread=0.15, noise=0.06)),
    (r"convicted|offending", _ratio(2.3, 2.0, 0.0035, spread=0.5, noise=0.2)),
    (r"not known", _ratio(5.2, 5.6, 0.111, spread=0.3, drift=-0.01, noise=0.04)),
    (r"16 to 18|16_18", _ratio(4.7, 5.5, 0.16, spread=0.3, drift=-0.01, noise=0.04)),
    (r"neet|not in education", _ratio(2.8, 3.3, 0.111, spread=0.3, drift=-0.01, noise=0.05)),
    (r"care leavers?.*(education|eet|employment)",
     _ratio(56.0, 50.0, 0.0035, spread=0.3, drift=0.02, noise=0.07)),
    (r"care leavers?.*(accommodation|homes)", _ratio(88.0, 91.0, 0.0035, spread=0.4,
                                                     noise=0.08)),
    (r"low income|poverty", _ratio(20.1, 26.0, 0.88, spread=0.35, drift=0.01, noise=0.02)),
    (r"level 2|level_2", _ratio(81.0, 78.0, 0.056, spread=0.1, noise=0.02)),
    (r"level 3|level_3", _ratio(59.0, 52.0, 0.056, spread=0.15, noise=0.03)),
    (r"\bcaf\b|early help|common assessment", _count(0.02, 0.025, spread=0.4, drift=0.02,
                                                     noise=0.05)),
    (r"sdq|strengths and difficulties", _level(14.1, 13.6, spread=0.08, noise=0.02)),
    (r"camhs|mental health|wait", _level(14.0, 15.0, spread=0.35, drift=0.02, noise=0.06)),
    (r"attainment ?8", _level(46.0, 44.0, spread=0.08, noise=0.01)),
    (r"progress ?8", _level(-0.03, -0.12, spread=0.25, noise=0.05)),
    (r"adopt", _level(480.0, 430.0, spread=0.2, noise=0.08)),
    (r"caseload", _level(16.0, 17.0, spread=0.15, noise=0.04)),
]

# When no pattern fits: by unit (and polarity for percentages), per multiplier for rates.
FALLBACK = {
    "percent_higher_is_better": _ratio(70.0, 67.0, 0.05, spread=0.3, noise=0.05),
    "percent_lower_is_better": _ratio(15.0, 16.0, 0.05, spread=0.3, noise=0.05),
    "percent_none": _ratio(40.0, 42.0, 0.05, spread=0.3, noise=0.05),
    "number": _count(0.02, 0.021, spread=0.35, noise=0.05),  # per child aged 0-17
    "days": _level(30.0, 32.0, spread=0.25, noise=0.05),
    "weeks": _level(12.0, 13.0, spread=0.25, noise=0.05),
    "score": _level(46.0, 44.0, spread=0.08, noise=0.02),
    "pounds": _level(1000.0, 950.0, spread=0.25, noise=0.03),
}
RATE_FALLBACK = {1_000: 15.0, 10_000: 100.0, 100_000: 200.0}


def _kinds_for(indicator) -> tuple[str, ...]:
    """The profile kinds that fit an indicator's unit."""
    if indicator.is_rate:
        return ("rate",)
    unit = _unit(indicator)
    if unit in ("percent", "rate"):  # a rate without a population base has its own denominator
        return ("ratio",)
    if unit == "number":
        return ("count", "level")
    return ("level",)


def profile_for(indicator) -> Profile:
    """The magnitude profile an indicator's data is drawn from."""
    text = " ".join(str(part or "") for part in (indicator.id, indicator.title,
                                                  indicator.short_title)).lower()
    text = text + " " + text.replace("_", " ")
    kinds = _kinds_for(indicator)
    for pattern, profile in PROFILES:
        if profile.kind in kinds and re.search(pattern, text):
            return profile
    unit = _unit(indicator)
    if indicator.is_rate or unit == "rate":
        value = RATE_FALLBACK.get(int(indicator.multiplier), 0.01 * int(indicator.multiplier))
        if indicator.is_rate:
            return _rate(value, value * 1.08, spread=0.3, noise=0.05)
        return _ratio(value, value * 1.08, 0.05, spread=0.3, noise=0.05)
    if unit == "percent":
        return FALLBACK[f"percent_{_polarity(indicator).value}"]
    return FALLBACK.get(unit, FALLBACK["score"])


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def _rng(*parts: object) -> random.Random:
    """A generator seeded from the parts' text, stable across runs and machines."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _unit(indicator) -> str:
    return getattr(indicator.unit, "value", indicator.unit)


def _polarity(indicator) -> Polarity:
    return Polarity(getattr(indicator.polarity, "value", indicator.polarity))


def _base(indicator) -> tuple[str, str]:
    return (indicator.population_age_band or "0-17", indicator.population_sex or "persons")


def _measure(indicator) -> MeasureType:
    return MeasureType(getattr(indicator.measure_type, "value", indicator.measure_type))


def _is_snapshot(indicator) -> bool:
    return _measure(indicator) == MeasureType.SNAPSHOT


def _logit(p: float) -> float:
    p = min(max(p, 0.05), 99.95) / 100
    return math.log(p / (1 - p))


def _expit(x: float) -> float:
    return 100 / (1 + math.exp(-x))


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split a whole number in proportion to weights; the parts add up to the total."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    parts = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _fy_start(period: Period) -> int:
    return period.start.year if period.start.month >= 4 else period.start.year - 1


def _years_from_anchor(period: Period) -> float:
    return (period.end - ANCHOR).days / 365.25


# --------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Periods:
    """The periods an indicator gets figures for.

    `annual` for every area; `local` for the home LA and its townships only; each local
    flow period maps to the financial year its counts are shared out from.
    """

    annual: tuple[Period, ...]
    local: tuple[Period, ...]


def _last(periods: Iterable[Period], latest: date, count: int = YEARS) -> tuple[Period, ...]:
    ended = sorted(p for p in periods if p.end <= latest)
    return tuple(ended[-count:])


# A measure the council began counting quarterly two years ago: its control chart has only
# trial limits (fewer than 13 points), as a real scorecard's newer measures do.
RECENT_LOCAL = {"referrals_to_initial_assessment": 8}

# A sudden fall in the latest quarter, in the home LA's own noise units: a special cause of
# concern (low) on a higher-is-better measure, as a clinic must be able to see one.
LATEST_JOLT = {"core_assessments_35_days": -6.0}


def periods_for(indicator, latest: Period) -> Periods:
    """Annual figures for all areas and finer ones for the home LA, up to `latest`."""
    end = latest.end
    last_fy = _fy_start(latest)
    first_fy = last_fy - (YEARS - 1)
    years = range(first_fy - 2, end.year + 1)
    quarters = [
        financial_quarter(y, q) for y in range(first_fy, last_fy + 1) for q in (1, 2, 3, 4)
        if financial_quarter(y, q).end <= end
    ]
    snap = _is_snapshot(indicator)
    period_type = PeriodType(getattr(indicator.period_type, "value", indicator.period_type))
    march = [snapshot(date(y, 3, 31)) for y in years]
    if period_type == PeriodType.CALENDAR_YEAR:
        return Periods(_last((calendar_year(y) for y in years), end), ())
    if period_type == PeriodType.ACADEMIC_YEAR:
        return Periods(_last((academic_year(y) for y in years), end), ())
    if period_type == PeriodType.MULTI_YEAR:
        return Periods(_last((multi_year(y - 2, y) for y in years), end), ())
    annual = _last(march if snap else (financial_year(y) for y in years), end)
    if indicator.is_rate and not snap:
        # A quarter's events over a year's population is not comparable with the annual
        # rate, so population-based flow rates stay annual.
        return Periods(annual, ())
    if period_type == PeriodType.MONTH:
        months = [month(q.start.year, q.start.month) for q in quarters]
        months = [
            month(m.start.year + (m.start.month + k - 1) // 12, (m.start.month + k - 1) % 12 + 1)
            for m in months for k in range(3)
        ]
        fine = [snapshot(m.end) if snap else m for m in months]
    else:
        fine = [snapshot(q.end) if snap else q for q in quarters]
    labels = {p.label for p in annual}
    local = tuple(p for p in fine if p.end <= end and p.label not in labels)
    if getattr(indicator, "id", None) in RECENT_LOCAL:
        local = local[-RECENT_LOCAL[indicator.id]:]
    return Periods(annual, local)


# --------------------------------------------------------------------------------------
# Populations
# --------------------------------------------------------------------------------------


def _base_fraction(age_band: str, sex: str, rng: random.Random) -> float:
    """The share of children aged 0-17 in an age band and sex, with a little local variety."""
    low, _, high = age_band.partition("-")
    low, high = int(low), int(high or 17)
    # Older single years are slightly larger cohorts than younger ones at present.
    years = sum(1 + 0.01 * (age - 8) for age in range(low, high + 1))
    sex_share = {"female": 0.487, "male": 0.513}.get(sex, 1.0)
    return years / 18 * sex_share * (1 + rng.gauss(0, 0.015))


class Populations:
    """Demonstration mid-year populations for every area and base, consistent by sum."""

    def __init__(self, las, regions, townships, bases, mid_years, council: DemoCouncil):
        self.counts: dict[tuple[str, int, str, str], int] = {}
        home = council.home
        fixed = {**FIXED_CHILDREN, **({home: council.children} if council.children else {})}
        children = self._children_2024(las, fixed)
        for la in las:
            growth = _rng("growth", la.code).uniform(-0.006, 0.008)
            for base in bases:
                fraction = 1.0 if base == ("0-17", "persons") else _base_fraction(
                    *base, _rng("base", la.code, *base))
                for year in mid_years:
                    count = children[la.code] * fraction * (1 + growth) ** (year - POPULATION_YEAR)
                    if la.code in fixed and base == ("0-17", "persons") and year == POPULATION_YEAR:
                        count = fixed[la.code]
                    self.counts[(la.code, year, *base)] = int(round_half_away(count, 0))
        for parent, members in [(ENGLAND, las)] + [
            (region.code, [la for la in las if la.region_code == region.code]) for region in regions
        ]:
            for base in bases:
                for year in mid_years:
                    self.counts[(parent, year, *base)] = sum(
                        self.counts[(la.code, year, *base)] for la in members
                    )
        weights = [council.locality(t.code)[0] for t in townships]
        for base in bases:
            for year in mid_years:
                rng = _rng("township population", year, *base)
                parts = _allocate(
                    self.counts[(home, year, *base)],
                    [w * (1 + rng.gauss(0, 0.01)) for w in weights],
                )
                for township, part in zip(townships, parts):
                    self.counts[(township.code, year, *base)] = part

    @staticmethod
    def _children_2024(las, fixed_children: dict[str, int]) -> dict[str, float]:
        drawn = {}
        for la in las:
            if la.code in fixed_children:
                continue
            median, spread = SIZE_BY_TYPE.get(la.code[:3], (60_000, 0.4))
            drawn[la.code] = median * math.exp(_rng("children", la.code).gauss(0, spread))
        fixed = {code: n for code, n in fixed_children.items() if code in {la.code for la in las}}
        scale = (ENGLAND_CHILDREN - sum(fixed.values())) / sum(drawn.values())
        return {**{code: n * scale for code, n in drawn.items()}, **fixed}

    def get(self, area_code: str, year: int, base: tuple[str, str]) -> int:
        return self.counts[(area_code, year, *base)]

    def frame(self) -> pd.DataFrame:
        rows = [
            {"area_code": code, "mid_year": year, "age_band": band, "sex": sex,
             "count": float(count), "status": "", "vintage": VINTAGE}
            for (code, year, band, sex), count in self.counts.items()
        ]
        return pd.DataFrame(rows, columns=POPULATION_COLUMNS)


# --------------------------------------------------------------------------------------
# Observations
# --------------------------------------------------------------------------------------


@dataclass
class Drawn:
    """One invented observation before it becomes a row (metrics.Figure is the one shown)."""

    numerator: float | None = None
    denominator: float | None = None
    value: float | None = None
    status: str = ""


class IndicatorData:
    """Draws one indicator's figures for every area and period."""

    def __init__(self, indicator, las, populations: Populations, council: DemoCouncil):
        self.indicator = indicator
        self.latest_end = None  # the latest quarter's end, where LATEST_JOLT applies
        self.council = council
        self.home = council.home
        self.profile = profile_for(indicator)
        self.kind = self.profile.kind
        self.base = _base(indicator) if self.kind == "rate" else ("0-17", "persons")
        self.populations = populations
        self.polarity = _polarity(indicator)
        self.decimals = int(indicator.decimals or 0)
        self.multiplier = float(indicator.multiplier or 1)
        if self.kind == "ratio" and _unit(indicator) == "percent":
            self.scale = "logit"
        elif self.profile.england <= 0 or self.profile.home <= 0:
            self.scale = "linear"
        else:
            self.scale = "log"
        offsets = {la.code: _rng(indicator.id, la.code, "offset").gauss(0, self.profile.spread)
                   for la in las}
        # Centre the LAs so that England, their total, lands on the profile's value.
        weight = {la.code: populations.get(la.code, POPULATION_YEAR, ("0-17", "persons"))
                  for la in las}
        if self.scale == "log":
            mean = sum(weight[c] * math.exp(o) for c, o in offsets.items()) / sum(weight.values())
            offsets = {c: o - math.log(mean) for c, o in offsets.items()}
        elif self.scale == "logit":
            offsets = self._centre_logit(offsets, weight)
        self.centres = {code: self._to_scale(self.profile.england) + offset
                        for code, offset in offsets.items()}
        self.centres[self.home] = self._to_scale(self.profile.home)
        self.base_shares: dict[str, float] = {}
        self.draws: dict[tuple[str, str], tuple[float, float]] = {}

    def _centre_logit(self, offsets: dict[str, float], weight: dict[str, int]) -> dict[str, float]:
        """Shift logit offsets so that the weighted mean percentage is England's."""
        centre, total = _logit(self.profile.england), sum(weight.values())
        low, high = -3.0, 3.0
        for _ in range(40):
            shift = (low + high) / 2
            mean = sum(weight[c] * _expit(centre + o + shift) for c, o in offsets.items()) / total
            low, high = (shift, high) if mean < self.profile.england else (low, shift)
        return {c: o + (low + high) / 2 for c, o in offsets.items()}

    def _to_scale(self, value: float) -> float:
        if self.scale == "logit":
            return _logit(value)
        return math.log(value) if self.scale == "log" else value

    def _from_scale(self, value: float) -> float:
        if self.scale == "logit":
            return _expit(value)
        return math.exp(value) if self.scale == "log" else value

    def _draws(self, area_code: str, period: Period) -> tuple[float, float]:
        """Two standard normal draws for an area and period: the value's and the base's."""
        key = (area_code, period.label)
        if key not in self.draws:
            rng = _rng(self.indicator.id, area_code, period.label)
            self.draws[key] = (rng.gauss(0, 1), rng.gauss(0, 1))
        return self.draws[key]

    def level(self, area_code: str, period: Period) -> float:
        """The area's underlying value in the indicator's unit for a period."""
        years = _years_from_anchor(period)
        # The home LA's own series is smoother, and exact at the anchor date (575 children
        # looked after on 31 March 2025 in the example council).
        noise = self.profile.noise * (0.5 if area_code == self.home else 1.0)
        if area_code == self.home and abs(years) < 0.01:
            noise = 0.0
        jolt = 0.0
        if area_code == self.home and period.end == self.latest_end:
            jolt = LATEST_JOLT.get(self.indicator.id, 0.0) * self.profile.noise * 0.5
        return self._from_scale(
            self.centres[area_code] + self.profile.drift * years
            + noise * self._draws(area_code, period)[0] + jolt
        )

    def denominator(self, area_code: str, period: Period) -> int:
        """A ratio's denominator (pupils, plans, births) for an annual period."""
        children = self.populations.get(area_code, mid_year_for(period.end), ("0-17", "persons"))
        if area_code not in self.base_shares:
            self.base_shares[area_code] = math.exp(
                _rng(self.indicator.id, area_code, "denominator share").gauss(0, 0.15))
        share = self.profile.per_child * self.base_shares[area_code]
        wobble = 1 + 0.03 * self._draws(area_code, period)[1]
        return max(0, int(round_half_away(children * share * wobble, 0)))

    def annual(self, area_code: str, period: Period) -> Drawn:
        """An LA's figure for an annual (or snapshot) period."""
        level = self.level(area_code, period)
        if self.kind == "rate":
            population = self.populations.get(area_code, mid_year_for(period.end), self.base)
            return Drawn(numerator=float(round_half_away(level * population / self.multiplier, 0)))
        if self.kind == "ratio":
            denominator = self.denominator(area_code, period)
            numerator = float(round_half_away(level * denominator / self.multiplier, 0))
            return self._ratio(numerator, denominator)
        if self.kind == "count":
            children = self.populations.get(area_code, mid_year_for(period.end), ("0-17", "persons"))
            return Drawn(value=round_half_away(level * children, self.decimals))
        return Drawn(value=round_half_away(level, self.decimals))

    def _ratio(self, numerator: float, denominator: float) -> Drawn:
        value = None
        if denominator:
            value = round_half_away(self.multiplier * numerator / denominator, self.decimals)
        return Drawn(numerator=numerator, denominator=float(denominator), value=value)

    def aggregate(self, figures: list[tuple[float, Drawn]]) -> Drawn:
        """England's or a region's figure from its LAs' (weight, figure) pairs."""
        if self.kind == "rate":
            return Drawn(numerator=sum(f.numerator for _, f in figures))
        if self.kind == "ratio":
            numerator = sum(f.numerator for _, f in figures)
            return self._ratio(numerator, sum(f.denominator for _, f in figures))
        if self.kind == "count":
            return Drawn(value=round_half_away(sum(f.value for _, f in figures), self.decimals))
        total = sum(w for w, _ in figures)
        mean = sum(w * f.value for w, f in figures) / total
        return Drawn(value=round_half_away(mean, self.decimals))

    def local(self, period: Period, year_figure: Drawn, share: float) -> Drawn:
        """The home LA's figure for a quarter or month: for a flow, its share of the year's
        events (up to and including this quarter for a cumulative, year-to-date measure)."""
        if self.kind in ("rate", "count") and not period.is_snapshot:
            # A flow's quarter is its share of the year's events.
            total = year_figure.numerator if self.kind == "rate" else year_figure.value
            count = float(round_half_away(total * share, 0))
            return Drawn(numerator=count) if self.kind == "rate" else Drawn(
                value=round_half_away(count, self.decimals))
        if self.kind == "ratio" and not period.is_snapshot:
            denominator = int(round_half_away(year_figure.denominator * share, 0))
            level = self.level(self.home, period)
            numerator = float(round_half_away(level * denominator / self.multiplier, 0))
            return self._ratio(numerator, denominator)
        return self.annual(self.home, period)

    def townships(self, figure: Drawn, period: Period, townships) -> list[Drawn]:
        """Split the home LA's figure between its townships."""
        rng = _rng(self.indicator.id, "townships", period.label)
        need = [self.council.locality(t.code)[1] for t in townships]
        shares = [self.council.locality(t.code)[0] for t in townships]
        jitter = [1 + rng.gauss(0, 0.05) for _ in townships]
        if figure.status:
            return [Drawn(status=figure.status) for _ in townships]
        if self.kind == "rate":
            weights = [s * n * j for s, n, j in zip(shares, need, jitter)]
            return [Drawn(numerator=float(n)) for n in _allocate(int(figure.numerator), weights)]
        if self.kind == "count":
            weights = [s * n * j for s, n, j in zip(shares, need, jitter)]
            parts = _allocate(int(figure.value), weights)
            return [Drawn(value=float(n)) for n in parts]
        if self.kind == "ratio":
            direction = 1 if self.polarity != Polarity.HIGHER_IS_BETTER else -1
            denominators = _allocate(int(figure.denominator), [s * j for s, j in zip(shares, jitter)])
            tilt = [math.exp(direction * 0.6 * (n - 1)) for n in need]
            numerators = _allocate(int(figure.numerator),
                                   [d * t for d, t in zip(denominators, tilt)])
            return [self._ratio(float(min(n, d)), d) for n, d in zip(numerators, denominators)]
        sign = 1 if self.polarity != Polarity.HIGHER_IS_BETTER else -1
        return [
            Drawn(value=round_half_away(figure.value * (1 + sign * 0.15 * (n - 1)) * j,
                                         self.decimals))
            for n, j in zip(need, jitter)
        ]


def _suppress(figure: Drawn) -> Drawn:
    """Counts of 1 to 5 are suppressed ('c'), and so is anything worked out from them."""
    counts = [figure.numerator, figure.denominator]
    if figure.numerator is None and figure.denominator is None and figure.value is not None:
        return figure  # a count indicator is suppressed by _suppress_value
    if any(c is not None and 1 <= c <= 5 for c in counts):
        return Drawn(status="c")
    return figure


def _suppress_value(figure: Drawn) -> Drawn:
    if figure.value is not None and 1 <= figure.value <= 5:
        return Drawn(status="c")
    return figure


def _row(indicator, area_code: str, period: Period, figure: Drawn) -> dict:
    return {
        "indicator_id": indicator.id,
        "area_code": area_code,
        "period": period.label,
        "breakdown": "all",
        "period_type": period.type.value,
        "period_start": period.start,
        "period_end": period.end,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "value": figure.value,
        "status": figure.status,
    }


def _quarter_shares(indicator, periods: list[Period]) -> dict[str, tuple[Period, float]]:
    """For each quarter or month: its financial year and its share of the year's events."""
    by_year: dict[int, list[Period]] = {}
    for period in periods:
        by_year.setdefault(_fy_start(period), []).append(period)
    shares = {}
    for year, members in by_year.items():
        parts = 4 if members[0].type == PeriodType.QUARTER else 12
        rng = _rng(indicator.id, "seasonality", year)
        weights = [1 + rng.gauss(0, 0.06) for _ in range(parts)]
        total = sum(weights)
        cumulative = _measure(indicator) == MeasureType.CUMULATIVE
        for period in members:
            index = ((period.start.month - 4) % 12) // (12 // parts)
            share = sum(weights[: index + 1]) if cumulative else weights[index]
            shares[period.label] = (financial_year(year), share / total)
    return shares


def _observations(indicator, las, regions, townships, populations, latest, council: DemoCouncil) -> list[dict]:
    data = IndicatorData(indicator, las, populations, council)
    data.latest_end = latest.end
    home = council.home
    periods = periods_for(indicator, latest)
    rows: list[dict] = []
    la_codes = [la.code for la in las]
    weights = {la.code: populations.get(la.code, POPULATION_YEAR, ("0-17", "persons")) for la in las}
    home_figures: dict[str, tuple[Period, Drawn]] = {}
    for period in periods.annual:
        figures = {code: data.annual(code, period) for code in la_codes}
        for code, figure in figures.items():
            # The council has its own figures unsuppressed; other LAs' come as published.
            shown = figure if code == home else _suppress(
                _suppress_value(figure) if data.kind == "count" else figure)
            if code in NOT_AVAILABLE_LAS and data.kind != "rate":
                shown = Drawn(status="x")
            rows.append(_row(indicator, code, period, shown))
        home_figures[period.label] = (period, figures[home])
        rows.append(_row(indicator, ENGLAND, period,
                         data.aggregate([(weights[c], figures[c]) for c in la_codes])))
        for region in regions:
            members = [la.code for la in las if la.region_code == region.code]
            rows.append(_row(indicator, region.code, period,
                             data.aggregate([(weights[c], figures[c]) for c in members])))
    shares = _quarter_shares(indicator, [p for p in periods.local if not p.is_snapshot])
    year_figures: dict[str, Drawn] = {}
    for period in periods.local:
        if period.is_snapshot:
            figure = data.annual(home, period)
        else:
            year, share = shares[period.label]
            if year.label not in year_figures:
                year_figures[year.label] = data.annual(home, year)
            figure = data.local(period, year_figures[year.label], share)
        home_figures[period.label] = (period, figure)
        rows.append(_row(indicator, home, period, figure))
    if indicator.has_localities and townships:
        for period, figure in home_figures.values():
            for township, part in zip(townships, data.townships(figure, period, townships)):
                shown = _suppress_value(part) if data.kind == "count" else _suppress(part)
                rows.append(_row(indicator, township.code, period, shown))
    return rows


def _mark_not_available(rows: list[dict], las, home: str) -> None:
    """A few LA figures are not available ('x'), as in any real benchmarking table."""
    codes = {la.code for la in las} - {home}
    candidates = [
        i for i, row in enumerate(rows) if row["area_code"] in codes and row["status"] == ""
    ]
    rng = _rng("not available")
    for i in sorted(rng.sample(candidates, min(6, len(candidates)))):
        rows[i].update(numerator=None, denominator=None, value=None, status="x")


def _mark_home_suppressed(rows: list[dict], latest: Period, home: str) -> None:
    """One older home-LA figure from a small count is suppressed, as DfE would publish it."""
    home = [
        i for i, row in enumerate(rows)
        if row["area_code"] == home and row["period_end"] < latest.end - timedelta(days=400)
        and row["numerator"] is not None
    ]
    if any(rows[i]["status"] == "c" for i, row in enumerate(rows) if row["area_code"] == home):
        return
    if home:
        smallest = min(home, key=lambda i: (rows[i]["numerator"], rows[i]["indicator_id"],
                                            rows[i]["period"]))
        rows[smallest].update(numerator=None, denominator=None, value=None, status="c")


# --------------------------------------------------------------------------------------
# Headline figures, targets, judgements and commentary
# --------------------------------------------------------------------------------------


def headline(indicator, observations: pd.DataFrame, populations: pd.DataFrame,
             latest: Period, area_code: str) -> tuple[str, float] | None:
    """The figure the scorecard shows for an area at the latest quarter: (period, value)."""
    rows = observations[
        (observations.indicator_id == indicator.id) & (observations.area_code == area_code)
        & (observations.status == "") & (observations.period_end <= latest.end)
    ]
    if rows.empty:
        return None
    row = rows.sort_values(["period_end", "period_start"]).iloc[-1]
    decimals = int(indicator.decimals or 0)
    if indicator.is_rate:  # worked out as the scorecard will (scorecard.metrics.rate)
        band, sex = _base(indicator)
        population = populations[
            (populations.area_code == area_code) & (populations.mid_year == mid_year_for(row.period_end))
            & (populations.age_band == band) & (populations.sex == sex)
        ]["count"].iloc[0]
        count = metrics.Figure(float(row.numerator))
        figure = metrics.rate(count, float(population), int(indicator.multiplier), decimals)
        return row.period, figure.value
    return row.period, round_half_away(float(row.value), decimals)


def judge(value: float, target: float, tolerance: float, tolerance_type: str,
          polarity: Polarity) -> Rag:
    """RAG against a target, as the scorecard will judge it (used here to check the demo's mix)."""
    return metrics.rag(metrics.Figure(value), target, polarity, tolerance, tolerance_type)


def planned_judgements(catalogue) -> dict[str, Rag | None]:
    """The judgement each indicator is designed to get at the latest quarter.

    None means no target (a polar indicator left without one); no-polarity indicators get
    no judgement.
    """
    planned: dict[str, Rag | None] = {}
    position = 0
    cycle = 0
    for indicator in catalogue.indicators.values():
        if _polarity(indicator) == Polarity.NONE:
            planned[indicator.id] = Rag.NO_JUDGEMENT
            continue
        if position in NO_TARGET_POSITIONS:
            planned[indicator.id] = None
        else:
            planned[indicator.id] = RAG_CYCLE[cycle % len(RAG_CYCLE)]
            cycle += 1
        position += 1
    return planned


def _targets(catalogue, observations, populations, latest, home: str) -> tuple[list[dict], dict]:
    """Targets giving each indicator its planned judgement, and what the scorecard will show:
    {indicator_id: (period, value, target, judgement)} for the home LA at the latest quarter."""
    rows: list[dict] = []
    shown: dict[str, tuple[str, float, float, Rag]] = {}
    last_fy = _fy_start(latest)
    for indicator_id, plan in planned_judgements(catalogue).items():
        if plan in (None, Rag.NO_JUDGEMENT):
            continue
        indicator = catalogue.indicators[indicator_id]
        figure = headline(indicator, observations, populations, latest, home)
        if figure is None:
            continue
        period, value = figure
        decimals = int(indicator.decimals or 0)
        step = 10.0 ** -decimals
        sign = 1 if _polarity(indicator) == Polarity.HIGHER_IS_BETTER else -1
        if _unit(indicator) == "percent":
            # A few percentage points, less near 0 or 100 so that no target passes 100%.
            room = (100 - value) if sign > 0 else value
            tolerance = min(max(1.0, 0.05 * abs(value)), 3.0, max(room / 2.5, 0))
            tolerance = round_half_away(max(tolerance, 3 * step), decimals)
            tolerance_type = "absolute"
            allowed = tolerance
        else:
            tolerance_type = "percent"
            tolerance = 10.0
            allowed = abs(value) * tolerance / 100
        allowed = max(allowed, 3 * step)
        gap = {Rag.GREEN: -0.5 * allowed, Rag.AMBER: 0.5 * allowed, Rag.RED: 2.0 * allowed}[plan]
        gap = math.copysign(max(abs(gap), 2 * step), gap)
        target = round_half_away(value + sign * gap, decimals)
        if _unit(indicator) == "percent":
            target = min(max(target, 0.0), 100.0)
        result = judge(value, target, tolerance, tolerance_type, _polarity(indicator))
        shown[indicator_id] = (period, value, target, result)
        for year in range(last_fy - (YEARS - 1), last_fy + 1):
            # Earlier plans asked for a little less each year; the last two years are the same.
            easier = max(0, last_fy - 1 - year) * 0.03 * abs(target)
            rows.append({
                "indicator_id": indicator_id,
                "area_code": home,
                "period": financial_year(year).label,
                "value": round_half_away(target - sign * easier, decimals),
                "tolerance": tolerance,
                "tolerance_type": tolerance_type,
            })
    return rows, shown


def _format(indicator, value: float) -> str:
    text = shown_number(value, int(indicator.decimals or 0))
    unit = _unit(indicator)
    if unit == "percent":
        return f"{text}%"
    if indicator.is_rate:
        return f"{text} per {int(indicator.multiplier):,}"
    if unit in ("days", "weeks"):
        return f"{text} {unit}"
    if unit == "pounds":
        return f"£{text}"
    return text


COMMENTARY_OPENING = {
    Rag.RED: "{title}: {value} ({period}) against a target of {target}, outside tolerance.",
    Rag.AMBER: "{title}: {value} ({period}), short of the {target} target but within "
               "tolerance.",
}
# What a service would say it is doing, by topic; the first pattern that fits is used.
COMMENTARY_ACTIONS: list[tuple[str, str]] = [
    (r"breast", "The infant feeding team is adding peer supporters in the two "
                "localities where rates are lowest, and health visitors now follow up at 10 days."),
    (r"obes|weight", "The healthy weight pathway is being recommissioned with public health; "
                     "schools in the north of the borough have joined the active travel pilot."),
    (r"mmr|immuni", "UKHSA and the GP federation are running catch-up clinics, with "
                    "reminders sent to families of children who have missed their second dose."),
    (r"camhs|wait", "Referrals rose again this quarter. The provider is recruiting two "
                    "further clinicians and the single point of access is triaging weekly."),
    (r"conception", "The sexual health service has extended drop-in sessions at two "
                    "colleges; the teenage pregnancy group will review the trend at its next "
                    "meeting."),
    (r"alcohol|injur|admission", "Public health are reviewing the admissions with the "
                                 "hospital trust to see which can be prevented."),
    (r"plan|protection|\bcpp", "All plans affected have been audited by the safeguarding "
                                 "unit; the findings go to the next performance clinic."),
    (r"review", "Conference capacity was reduced by two vacancies; both posts are now filled "
                "and the service expects to be back on target next quarter."),
    (r"assessment|referral", "The front door has had high demand this quarter; managers are "
                             "tracking every case nearing its timescale daily."),
    (r"placement|looked after|care leaver", "Placement sufficiency remains the pressure. The "
                                            "fostering recruitment campaign has brought 14 "
                                            "enquiries this quarter."),
    (r"absen|attend|exclu", "The attendance team is working with the secondary schools with "
                            "the highest rates; fixed penalty notices follow the new national "
                            "framework."),
    (r"ks2|key stage|gcse|level|development", "The school improvement team is targeting "
                                              "support on the schools furthest below the "
                                              "national figure; results for the next cohort "
                                              "are expected to improve."),
    (r"offend|entrant|caution|convicted", "The youth justice service has expanded its "
                                          "out-of-court disposal panel and is reviewing every "
                                          "case with the police."),
    (r"neet|not known", "Connexions advisers are contacting every young person whose "
                        "activity is not known, starting with care leavers and young carers."),
    (r"poverty|income", "The cost of living group is promoting take-up of free school meals "
                        "and the holiday activities programme."),
]
COMMENTARY_DEFAULT = ("The service has asked for a deep dive at the next performance clinic "
                      "and will bring an action plan with milestones to the board.")


def _commentary_text(indicator, period: str, value: float, target: float, result: Rag,
                     used: set[str]) -> str:
    opening = COMMENTARY_OPENING[result].format(
        title=indicator.short_title or indicator.title,
        value=_format(indicator, value),
        target=_format(indicator, target),
        period=period,
    )
    text = f"{indicator.id} {indicator.title}".lower().replace("_", " ")
    action = next(
        (words for pattern, words in COMMENTARY_ACTIONS if re.search(pattern, text)),
        COMMENTARY_DEFAULT,
    )
    if action in used:  # two indicators on one topic: say something different
        action = COMMENTARY_DEFAULT
    used.add(action)
    return f"Demonstration commentary: {opening} {action}"


def _quotable(catalogue, shown: dict, observations: pd.DataFrame, home: str) -> dict:
    """The figures commentary may quote: never one the app shows as [c] (from 1 to 5 children),
    or the demo's own words would disclose it in the notes, the packs and the pages."""
    own_area = observations[observations.area_code == home]
    counts = {indicator.id for indicator in catalogue if indicator.unit.value == "number"}
    own = own_area.indicator_id.isin(counts) & own_area.numerator.isna()
    count = own_area.value.where(own, own_area.numerator).astype("float64")
    small = own_area[(count >= 1) & (count <= DEFAULT_THRESHOLD)]
    hidden = set(zip(small.indicator_id, small.period))
    return {key: figure for key, figure in shown.items() if (key, figure[0]) not in hidden}


def _commentary(catalogue, shown, latest: Period, home: str) -> list[dict]:
    """Commentary on red and amber indicators at the latest quarter, alternating the two."""
    reds = [(i, d) for i, d in shown.items() if d[3] == Rag.RED]
    ambers = [(i, d) for i, d in shown.items() if d[3] == Rag.AMBER]
    chosen = [pair for both in zip(reds, ambers) for pair in both]
    chosen += reds[len(ambers):] + ambers[len(reds):]
    written = datetime.combine(latest.end + timedelta(days=21), time(10, 0))
    rows: list[dict] = []
    used: set[str] = set()
    for number, (indicator_id, (period, value, target, result)) in enumerate(
        chosen[:MAX_COMMENTARY]
    ):
        rows.append({
            "indicator_id": indicator_id,
            "area_code": home,
            "period": latest.label,
            "text": _commentary_text(
                catalogue.indicators[indicator_id], period, value, target, result, used
            ),
            "author": AUTHOR,
            "written_at": written + timedelta(minutes=7 * number),
            "supersedes": None,
        })
    return rows


# --------------------------------------------------------------------------------------
# The batch
# --------------------------------------------------------------------------------------


def _current_las(areas) -> list:
    """Every LA that exists today (abolished ones have successors), by code."""
    return sorted(areas.las(current=True), key=lambda a: a.code)


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for name in ("numerator", "denominator", "value", "count", "tolerance"):
        if name in frame:
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    for name in ("period_start", "period_end"):
        if name in frame:
            frame[name] = pd.to_datetime(frame[name]).dt.date
    return frame


def build_demo_batch(catalogue, areas, today: date, council: DemoCouncil | None = None) -> Batch:
    """The demonstration data for a council (the example council when none is given) as one
    batch, built without touching a database."""
    council = council or example_council(areas)
    home = council.home
    latest = latest_complete_quarter(today)
    las = _current_las(areas)
    regions = sorted(areas.regions(), key=lambda a: a.code)
    townships = sorted(areas.localities(home), key=lambda a: a.code)
    indicators = list(catalogue.indicators.values())

    all_periods = [p for ind in indicators for p in periods_for(ind, latest).annual]
    first_year = min((p.start.year for p in all_periods), default=latest.start.year)
    mid_years = range(first_year - 2, latest.end.year + 1)
    bases = {("0-17", "persons")} | {_base(i) for i in indicators if i.is_rate}
    populations = Populations(las, regions, townships, sorted(bases), mid_years, council)

    rows: list[dict] = []
    for indicator in indicators:
        rows.extend(_observations(indicator, las, regions, townships, populations, latest, council))
    _mark_not_available(rows, las, home)
    _mark_home_suppressed(rows, latest, home)
    observations = _frame([dict(row, source=DEMO.id) for row in rows], OBSERVATION_COLUMNS)
    population = populations.frame().assign(source=DEMO.id)

    target_rows, shown = _targets(catalogue, observations, population, latest, home)
    comparator = [
        {"model": SN_MODEL, "area_code": home, "member_code": code, "position": position, "closeness": closeness}
        for position, (code, closeness) in enumerate(council.neighbours, start=1)
    ]
    commentary = pd.DataFrame(_commentary(catalogue, _quotable(catalogue, shown, observations, home), latest, home),
                              columns=COMMENTARY_COLUMNS)
    commentary["supersedes"] = commentary["supersedes"].astype(object)
    return Batch(
        tables={
            "observation": observations,
            "population": population,
            "target": _frame(target_rows, TARGET_COLUMNS),
            "comparator": _frame(comparator, COMPARATOR_COLUMNS),
        },
        commentary=commentary,
        sources=[DEMO.row()],
    )


def demo_sha256(today: date, home: str) -> str:
    latest = latest_complete_quarter(today)
    return hashlib.sha256(f"{HASH_TEXT} {latest.label} {home}".encode("utf-8")).hexdigest()


def write_demo(store: Store, catalogue, areas, today: date | None = None, council: DemoCouncil | None = None) -> int:
    """Write the demonstration data as one load and mark the database as a demo.

    Writing it again for the same quarter returns the existing load rather than adding
    the commentary twice.
    """
    today = today or date.today()
    if council is None:  # the example council: set up as the home area when none is
        council = example_council(areas)
        if settings.value("home_area", store) is None:
            set_up_example(store, areas, by="scorecard demo")
    areas = areas.with_localities(store.localities())
    sha256 = demo_sha256(today, council.home)
    existing = store.load_with_hash(sha256)
    if existing is not None:
        store.set_setting("demo_data", "true")
        return int(existing["id"])
    batch = build_demo_batch(catalogue, areas, today, council)
    load_row = {
        "file_name": SOURCE_NAME,
        "sha256": sha256,
        "kind": "demo",
        "user_name": "scorecard demo",
        "loaded_at": datetime.now().replace(microsecond=0),
        "rows_read": batch.rows,
        "rows_new": 0,
        "rows_revised": 0,
        "rows_unchanged": 0,
        "warnings": 0,
        "status": "loaded",
        "note": f"Invented figures for demonstration: not real data for {areas.get(council.home).name} or any LA.",
    }
    load_id, _change = store.apply(batch, load_row)
    store.set_setting("demo_data", "true")
    return int(load_id)


def council_to_show(service, home: str | None, by: str) -> DemoCouncil:
    """Who `scorecard demo` builds for: `home` (set up as the home area), else the home area
    set up, else the example council, set up with its example localities."""
    from service import demo_council, setup  # setup reads files through the loaders: only here

    if home:
        setup.set_home(service, home, by)
    elif not service.is_set_up():
        set_up_example(service.store, service.reference_areas, by)
        service.reload_council()
    return demo_council.council_for_home(service.areas, service.home)
