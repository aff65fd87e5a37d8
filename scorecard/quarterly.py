"""The quarterly outcome scorecard: for each indicator its latest figure at the quarter's
end, with target, RAG, direction of travel and comparators."""

from dataclasses import asdict, dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from scorecard import disclosure, figures, freshness, metrics, narrative, plausibility, signals
from scorecard import exceptions as exception_rules
from scorecard.areas import ENGLAND, Area, AreaDirectory
from scorecard.catalogue import ECM, Catalogue, Indicator
from scorecard.model import Direction, Rag
from scorecard.periods import Period, financial_year_containing
from scorecard.symbols import NO_FIGURE, NO_FIGURE_SHOWN
from scorecard.significance import Significance, compare_many
from scorecard.store import Store


@dataclass
class ScorecardRow:
    indicator_id: str
    title: str
    short_title: str
    outcome_area: str | None
    outcome_area_title: str | None
    polarity: str
    unit: str
    decimals: int
    period_label: str | None = None
    value: float | None = None
    shown: str = NO_FIGURE_SHOWN  # '–' until a figure is found: nothing was loaded, not a publisher's [x]
    numerator: float | None = None
    denominator: float | None = None
    status: str = NO_FIGURE
    population_year: int | None = None
    population_vintage: str | None = None
    computed: bool = False  # worked out here from the count (see population_*), not published
    source: str | None = None  # the source of the figure of record (scorecard reconcile lists others)
    alternatives: int = 0  # other sources giving the same figure
    out_of_line: list = field(default_factory=list)  # figures far out of line with their peers
    previous_period: str | None = None
    previous_value: float | None = None
    previous_shown: str = ""
    year_ago_period: str | None = None
    year_ago_value: float | None = None
    year_ago_shown: str = ""
    target: float | None = None
    tolerance: float | None = None
    tolerance_type: str | None = None
    rag: str = Rag.NO_JUDGEMENT.value
    direction: str = Direction.NOT_AVAILABLE.value
    direction_year: str = Direction.NOT_AVAILABLE.value
    benchmark_period: str | None = None
    england: float | None = None
    region: float | None = None
    sn_mean: float | None = None
    rank: int | None = None
    rank_of: int | None = None
    quartile: str | None = None
    commentary: str | None = None
    commentary_author: str | None = None
    load_id: int | None = None
    trend: list = field(default_factory=list)  # up to 8 recent figures of the same kind, oldest first
    # Signals (scorecard/signals.py): limits on the figure's own scale, from its count and denominator.
    ci95_lower: float | None = None
    ci95_upper: float | None = None
    ci998_lower: float | None = None
    ci998_upper: float | None = None
    vs_england: str | None = None  # significance at the comparators' period; null: not compared
    vs_region: str | None = None
    vs_neighbours: str | None = None
    recent_trend: str | None = None  # over the latest 5 periods; null: cannot be calculated
    spc_variation: str | None = None  # quarterly and monthly series only; 'none' under trial limits
    spc_assurance: str | None = None
    spc_trial: bool = False
    exception: bool = False
    exception_reasons: list = field(default_factory=list)  # the names of the rules met (data/exceptions.yaml)
    narrative: str | None = None
    # How old the figure is at the quarter's end, and whether that is past its indicator's
    # update cycle (scorecard/freshness.py); none without a figure.
    period_end: date | None = None
    age_months: int | None = None
    out_of_date: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Scorecard:
    area: Area
    quarter: Period
    framework: str
    rows: list[ScorecardRow] = field(default_factory=list)
    is_demo: bool = False

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([row.as_dict() for row in self.rows])


def indicators_in_view(catalogue: Catalogue, framework: str, outcome: str | None) -> list[Indicator]:
    """The indicators of a framework (or one outcome area of it), in the framework's order."""
    chosen = catalogue.frameworks[framework]
    order = {area.id: area.position for area in chosen.outcome_areas}
    selected = [
        indicator
        for indicator in catalogue
        if indicator.outcome_area(framework) is not None
        and (outcome is None or indicator.outcome_area(framework) == outcome)
    ]
    return sorted(selected, key=lambda indicator: order[indicator.outcome_area(framework)])


def quarterly_scorecard(
    store: Store,
    catalogue: Catalogue,
    areas: AreaDirectory,
    area_code: str,
    quarter: Period,
    framework: str = ECM,
    outcome: str | None = None,
    only: set[str] | None = None,
    national: "NationalFigures | None" = None,
    lenses: bool = True,
    rules: "exception_rules.ExceptionRules | None" = None,
) -> Scorecard:
    """`national` can be shared between calls on unchanged data; it is built when not given.
    `lenses` False leaves out the signals (intervals, significance, trend, SPC, the sentence);
    `rules` is what makes an exception (data/exceptions.yaml when not given)."""
    area = areas.resolve_or_raise(area_code)
    indicators = indicators_in_view(catalogue, framework, outcome)
    if only is not None:
        indicators = [indicator for indicator in indicators if indicator.id in only]
    ids = [indicator.id for indicator in indicators]
    shield = _shield(store, catalogue, areas)
    area_rows = shield(figures.with_figures(
        figures.observations(store, ids, [area.code], until=quarter.end),
        figures.populations(store, [area.code]),
        catalogue,
    ))
    if lenses:
        area_rows = signals.with_intervals(area_rows)
    series = {indicator_id: rows for indicator_id, rows in _records_by_indicator(area_rows).items()}
    latest = {
        indicator.id: _latest_rows(series.get(indicator.id, []), indicator) for indicator in indicators
    }
    comparators = _comparators(store, areas, area)
    national = national or NationalFigures.build(store, catalogue, areas, ids)
    compared = _comparator_figures(national, comparators, latest, quarter, ids)
    targets = _targets(store, area.code, ids)
    notes = store.current_commentary(area.code, quarter.label, ids)
    titles = {item.id: item.title for item in catalogue.frameworks[framework].outcome_areas}
    scorecard = Scorecard(area, quarter, framework, is_demo=store.is_demo())
    for indicator in indicators:
        row = ScorecardRow(
            indicator_id=indicator.id,
            title=indicator.title,
            short_title=indicator.short_title,
            outcome_area=indicator.outcome_area(framework),
            outcome_area_title=titles.get(indicator.outcome_area(framework)),
            polarity=indicator.polarity.value,
            unit=indicator.unit.value,
            decimals=indicator.decimals,
        )
        current, previous, year_ago = latest[indicator.id]
        if current is not None:
            _fill_figures(row, indicator, current, previous, year_ago)
            _fill_age(row, indicator, current, quarter)
            row.trend = _trend(series[indicator.id], current)
            _fill_target(row, indicator, targets.get(indicator.id, {}), current, quarter)
        _fill_comparators(row, indicator, compared.get(indicator.id), comparators)
        if lenses and current is not None:
            for name in signals.INTERVAL_COLUMNS:
                setattr(row, name, signals.number(current.get(name)))
        if indicator.id in notes:
            row.commentary, row.commentary_author = notes[indicator.id]
        scorecard.rows.append(row)
    if lenses:
        _fill_significance(scorecard.rows)
        rebases = _rebases(store, area.code)
        for row, indicator in zip(scorecard.rows, indicators):
            current = latest[indicator.id][0]
            if current is not None:
                _fill_signals(row, indicator, current, series[indicator.id], comparators, areas,
                              rebases.get(indicator.id, []))
        chosen = rules or exception_rules.load()
        for row in scorecard.rows:
            row.exception_reasons = chosen.reasons(row)
            row.exception = bool(row.exception_reasons)
    return scorecard


NOUNS = {"quarter": "quarter", "month": "month"}


def _rebases(store: Store, area_code: str) -> dict[str, list[str]]:
    """Indicator -> the periods where an analyst rebased its SPC limits for this area."""
    found: dict[str, list[str]] = {}
    for rebase in store.spc_rebases(area_code=area_code):
        found.setdefault(rebase["indicator_id"], []).append(rebase["period"])
    return found


COMPARED = (("vs_england", "england"), ("vs_region", "region"), ("vs_neighbours", "sn_mean"))


def _fill_significance(rows: list[ScorecardRow]) -> None:
    """Each row's interval against England, its region and its neighbours' mean, column-wise
    per polarity; only where the comparators' figures are for the row's own period."""
    same = [row for row in rows if row.benchmark_period is not None and row.benchmark_period == row.period_label]
    by_polarity: dict[str, list[ScorecardRow]] = {}
    for row in same:
        by_polarity.setdefault(row.polarity, []).append(row)

    def column(group, name):
        return np.array([np.nan if getattr(row, name) is None else getattr(row, name) for row in group], dtype=float)

    for polarity, group in by_polarity.items():
        limits = [column(group, name) for name in signals.INTERVAL_COLUMNS]
        for attribute, comparator in COMPARED:
            found = compare_many(column(group, comparator), *limits[:2], polarity, *limits[2:])
            for row, result in zip(group, found):
                setattr(row, attribute, signals.word(result))


def _fill_signals(row: ScorecardRow, indicator: Indicator, current: dict, records: list[dict],
                  comparators: "Comparators", areas: AreaDirectory, rebases: list[str]) -> None:
    """Recent trend, SPC and the sentence for the latest figure (after _fill_significance)."""
    polarity = indicator.polarity
    run = signals.consecutive(records, current)
    trend = signals.trend_of(run, polarity)
    row.recent_trend = signals.trend_word(trend)
    spc = signals.spc_of(run, polarity, row.target, rebases)
    if spc is not None:
        row.spc_variation, row.spc_assurance, row.spc_trial = spc.variation.value, spc.assurance.value, spc.trial
    comparisons = []
    region = areas.get(comparators.region_code) if comparators.region_code else None
    named = [("England", row.england, row.vs_england),
             (region.name if region else "the region", row.region, row.vs_region),
             ("statistical neighbours", row.sn_mean, row.vs_neighbours)]
    if row.benchmark_period is not None and row.benchmark_period == row.period_label:
        comparisons = [narrative.Comparison(name, value, Significance(word) if word else None)
                       for name, value, word in named if value is not None]
    noun = NOUNS.get(current["period_type"], "year")
    row.narrative = narrative.sentence(narrative.NarrativeInput(
        title=indicator.short_title, period=row.period_label, value=row.value, decimals=indicator.decimals,
        unit=indicator.unit, multiplier=indicator.multiplier if indicator.unit.value == "rate" else None, status=row.status,
        previous=row.previous_value, target=row.target, rag=Rag(row.rag), comparisons=comparisons,
        trend=trend, trend_noun=noun, spc=spc, spc_noun=noun,
    ))


def _shield(store: Store, catalogue: Catalogue, areas: AreaDirectory):
    """Disclosure control for every figure the scorecard is built from (primary and secondary)."""
    return disclosure.shield(store, catalogue, areas).protect


def _records_by_indicator(frame: pd.DataFrame) -> dict[str, list[dict]]:
    """Plain dicts per indicator: row-by-row pandas access is far too slow for a page."""
    grouped: dict[str, list[dict]] = {}
    for record in frame.to_dict("records"):
        grouped.setdefault(record["indicator_id"], []).append(record)
    return grouped


def _figure(record: dict | None) -> metrics.Figure:
    if record is None:
        return metrics.Figure.missing()
    if record["figure_status"]:
        return metrics.Figure(None, record["figure_status"])
    return metrics.Figure(float(record["figure_value"]))


def _latest_rows(records: list[dict], indicator: Indicator):
    """The latest figure, the one before it of the same kind, and the one a year earlier.

    When two figures end on the same day (a quarter and the year ending with it), the
    indicator's own period type wins, then the longer period."""
    if not records:
        return None, None, None

    def preference(record):
        span = (record["period_end"] - record["period_start"]).days
        return (record["period_end"], record["period_type"] == indicator.period_type.value, span)

    ordered = sorted(records, key=preference, reverse=True)
    current = ordered[0]
    earlier = [record for record in ordered if record["period_end"] < current["period_end"]]
    same_type = [record for record in earlier if record["period_type"] == current["period_type"]]
    previous = (same_type or earlier or [None])[0]
    a_year_before = _year_before(current["period_end"])
    year_ago = next((record for record in same_type if record["period_end"] == a_year_before), None)
    return current, previous, year_ago


def _trend(records: list[dict], current: dict, points: int = 8) -> list[float | None]:
    same_kind = sorted(
        (r for r in records if r["period_type"] == current["period_type"] and r["period_end"] <= current["period_end"]),
        key=lambda r: r["period_end"],
    )
    return [_value(_figure(record)) for record in same_kind[-points:]]


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _value(figure: metrics.Figure) -> float | None:
    return figure.value if figure.is_available else None


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _fill_figures(row: ScorecardRow, indicator: Indicator, current, previous, year_ago) -> None:
    figure = _figure(current)
    row.period_label = current["period"]
    row.value = _value(figure)
    row.status = figure.status
    row.shown = figure.shown(indicator.decimals)
    row.numerator = _number(current["numerator"])
    population = _number(current["population_used"])
    row.denominator = population if population is not None else _number(current["denominator"])
    if population is not None:
        row.population_year = int(current["population_year"])
        row.population_vintage = current["population_vintage"]
    row.load_id = None if pd.isna(current["load_id"]) else int(current["load_id"])
    row.computed = bool(current["figure_computed"])
    row.source = current.get("source") or None
    row.alternatives = int(current.get("alternatives") or 0)
    for earlier, prefix in ((previous, "previous"), (year_ago, "year_ago")):
        if earlier is None:
            continue
        figure_then = _figure(earlier)
        setattr(row, f"{prefix}_period", earlier["period"])
        setattr(row, f"{prefix}_value", _value(figure_then))
        setattr(row, f"{prefix}_shown", figure_then.shown(indicator.decimals))
        travel = metrics.direction(figure, figure_then, indicator.polarity, indicator.decimals).value
        setattr(row, "direction" if prefix == "previous" else "direction_year", travel)


def _fill_age(row: ScorecardRow, indicator: Indicator, current: dict, quarter: Period) -> None:
    end = current["period_end"]
    row.period_end = end.date() if isinstance(end, pd.Timestamp) else end
    age = freshness.age_of(row.period_end, indicator.period_type, quarter.end)
    row.age_months, row.out_of_date = age.months, age.out_of_date


def _targets(store: Store, area_code: str, ids: list[str]) -> dict[str, dict[str, dict]]:
    """Targets by indicator, then by period label."""
    found: dict[str, dict[str, dict]] = {}
    for record in store.targets(area_code, ids):
        found.setdefault(record["indicator_id"], {})[record["period"]] = record
    return found


def _fill_target(row: ScorecardRow, indicator: Indicator, targets: dict[str, dict], current, quarter: Period) -> None:
    """Judge against the target set for the figure's own period, else for the financial
    year the figure falls in, else for the financial year of the quarter being reviewed."""
    candidates = (
        current["period"],
        financial_year_containing(current["period_end"]).label,
        financial_year_containing(quarter.end).label,
    )
    chosen = next((targets[label] for label in candidates if label in targets), None)
    if chosen is not None:
        row.target = float(chosen["value"])
        row.tolerance = _number(chosen["tolerance"])
        row.tolerance_type = chosen["tolerance_type"]
    row.rag = metrics.rag(
        _figure(current), row.target, indicator.polarity, row.tolerance,
        row.tolerance_type or "absolute", indicator.decimals,
    ).value


@dataclass(frozen=True)
class Comparators:
    """Who an area is compared with: its LA (itself, or a locality's parent), the LA's
    region, its statistical neighbours, and every current LA for rank and quartile."""

    la_code: str | None
    rank_code: str | None  # only an LA is ranked among LAs; a township is not
    region_code: str | None
    neighbours: tuple[str, ...]
    la_codes: frozenset[str]

    @property
    def all_codes(self) -> list[str]:
        return sorted({ENGLAND, *(code for code in [self.region_code] if code), *self.neighbours, *self.la_codes})


def _comparators(store: Store, areas: AreaDirectory, area: Area) -> Comparators:
    la = area if area.level != "local" else areas.get(area.parent_code)
    la_code = la.code if la is not None and la.level == "la" else None
    return Comparators(
        la_code=la_code,
        rank_code=area.code if area.level == "la" else None,
        region_code=la.region_code if la_code else (area.code if area.level == "region" else None),
        neighbours=tuple(store.neighbours(la_code)) if la_code else (),
        la_codes=frozenset(other.code for other in areas.las(current=True)),
    )


@dataclass
class ComparatorFigures:
    period: str
    figures: dict[str, metrics.Figure]  # by area code
    out_of_line: dict[str, str] = field(default_factory=dict)  # by area code: why it looks wrong


@dataclass
class NationalFigures:
    """Every figure of England, the regions and the LAs, by indicator and period: what
    comparators are drawn from. It depends only on the data, not on the area or quarter
    chosen, so a web server builds it once per data version and shares it."""

    periods_of: dict[str, list[tuple[date, str]]]  # indicator -> (period end, label), in order
    figures_at: dict[tuple[str, str], dict[str, metrics.Figure]]  # (indicator, label) -> by area
    # (indicator, label) -> area -> why its figure is out of line with its peers
    out_of_line: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    @classmethod
    def build(cls, store: Store, catalogue: Catalogue, areas: AreaDirectory, ids: list[str] | None = None) -> "NationalFigures":
        ids = ids if ids is not None else [indicator.id for indicator in catalogue]
        codes = sorted(area.code for area in areas if area.level != "local")
        valued = _shield(store, catalogue, areas)(figures.with_figures(
            figures.observations(store, ids, codes), figures.populations(store, codes), catalogue,
        ))
        periods: dict[str, set[tuple[date, str]]] = {}
        found: dict[tuple[str, str], dict[str, metrics.Figure]] = {}
        columns = ["indicator_id", "area_code", "period", "period_end", "figure_value", "figure_status"]
        rows = zip(*(valued[column].tolist() for column in columns))  # lists: iterating Arrow strings is slow
        for indicator_id, area_code, period, period_end, value, status in rows:
            periods.setdefault(indicator_id, set()).add((period_end, period))
            found.setdefault((indicator_id, period), {})[area_code] = (
                metrics.Figure(None, status) if status else metrics.Figure(float(value))
            )
        levels = {area.code: area.level for area in areas if area.level in ("england", "region")}
        counts = {indicator.id for indicator in catalogue if indicator.unit.value in ("number", "pounds")}
        compared = valued[~valued["indicator_id"].isin(counts)]  # England's count is its regions' sum
        suspect: dict[tuple[str, str], dict[str, str]] = {}
        flagged = plausibility.out_of_line(
            compared[["indicator_id", "period", "area_code", "figure_value"]].rename(columns={"figure_value": "value"}),
            levels, ["indicator_id", "period"],
        )
        for indicator_id, period, area_code, why in flagged.itertuples(index=False):
            suspect.setdefault((indicator_id, period), {})[area_code] = why
        return cls({indicator_id: sorted(pairs) for indicator_id, pairs in periods.items()}, found, suspect)


def _comparator_figures(national: NationalFigures, comparators: Comparators, latest, quarter, ids) -> dict[str, ComparatorFigures]:
    """Comparator figures per indicator for one period: the area's figure's own period where
    others have it, else the latest period others have up to the area's figure's."""
    codes = set(comparators.all_codes)
    others = codes - {comparators.la_code}  # a period counts as published when others have it
    result = {}
    for indicator_id in ids:
        periods = [
            (end, label) for end, label in national.periods_of.get(indicator_id, [])
            if end <= quarter.end and not others.isdisjoint(national.figures_at[(indicator_id, label)])
        ]
        if not periods:
            continue
        current = latest[indicator_id][0]
        if current is not None and any(label == current["period"] for _, label in periods):
            chosen = current["period"]
        else:
            limit = current["period_end"] if current is not None else quarter.end
            earlier = [label for end, label in periods if end <= limit]
            chosen = earlier[-1] if earlier else periods[-1][1]
        shown = national.figures_at[(indicator_id, chosen)]
        suspect = national.out_of_line.get((indicator_id, chosen), {})
        result[indicator_id] = ComparatorFigures(
            chosen, {code: shown[code] for code in codes.intersection(shown)},
            {code: why for code, why in suspect.items() if code in codes},
        )
    return result


def _fill_comparators(row: ScorecardRow, indicator: Indicator, compared: ComparatorFigures | None,
                      comparators: Comparators) -> None:
    """England, region, neighbour mean, rank and quartile for the comparators' period (the
    JSON's `benchmark_period`, a name scripts read)."""
    if compared is None:
        return
    found = compared.figures
    row.benchmark_period = compared.period
    names = {ENGLAND: "England", comparators.region_code: "Region", comparators.la_code: "This area"}
    row.out_of_line = [f"{names[code]}: {why}" for code, why in compared.out_of_line.items() if code in names]
    row.england = _value(found.get(ENGLAND, metrics.Figure.missing()))
    if comparators.region_code:
        row.region = _value(found.get(comparators.region_code, metrics.Figure.missing()))
    members = [found[code] for code in comparators.neighbours if code in found]
    if members:
        row.sn_mean = _value(metrics.mean_of(members, indicator.decimals))
    if comparators.rank_code:
        la_figures = [figure for code, figure in found.items() if code in comparators.la_codes]
        own = found.get(comparators.rank_code, metrics.Figure.missing())
        row.rank = metrics.rank(own, la_figures, indicator.polarity)
        row.rank_of = sum(figure.is_available for figure in la_figures) or None
        row.quartile = metrics.quartile_band(own, la_figures, indicator.polarity)


# The scorecard's rules for one indicator's figures, for pages that read the figures themselves
# (the indicator page's townships) and must judge them exactly as the scorecard does.
latest_rows = _latest_rows
fill_figures = _fill_figures
fill_target = _fill_target
