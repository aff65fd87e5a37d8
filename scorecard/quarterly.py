"""The quarterly outcome scorecard: for each indicator its latest figure at the quarter's
end, with target, RAG, direction of travel and comparators."""

from dataclasses import asdict, dataclass, field
from datetime import date

import pandas as pd
import sqlalchemy as sa

from scorecard import figures, metrics, schema
from scorecard.areas import ENGLAND, Area, AreaDirectory
from scorecard.catalogue import Catalogue, Indicator
from scorecard.model import Direction, Polarity, Rag
from scorecard.periods import Period, financial_year, quarter_containing
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
    shown: str = "[x]"
    numerator: float | None = None
    denominator: float | None = None
    status: str = "x"
    population_year: int | None = None
    population_vintage: str | None = None
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
    framework: str = "ecm",
    outcome: str | None = None,
) -> Scorecard:
    area = areas.resolve_or_raise(area_code)
    indicators = indicators_in_view(catalogue, framework, outcome)
    ids = [indicator.id for indicator in indicators]
    home = figures.with_figures(
        figures.observations(store, ids, [area.code], until=quarter.end),
        figures.populations(store, [area.code]),
        catalogue,
    )
    latest = {indicator.id: _latest_rows(home[home["indicator_id"] == indicator.id], indicator) for indicator in indicators}
    benchmarks = _benchmarks(store, catalogue, areas, area, latest, quarter, ids)
    targets = store.table(schema.target, area_code=area.code, indicator_id=ids)
    notes = _commentary(store, area.code, quarter.label, ids)
    titles = {outcome.id: outcome.title for outcome in catalogue.frameworks[framework].outcome_areas}
    scorecard = Scorecard(area, quarter, framework, is_demo=store.setting("demo_data") == "true")
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
            _fill_target(row, indicator, targets, current, quarter)
        _fill_benchmark(row, indicator, benchmarks.get(indicator.id), benchmarks.get("__context__"))
        if indicator.id in notes:
            row.commentary, row.commentary_author = notes[indicator.id]
        scorecard.rows.append(row)
    return scorecard


def _figure(row) -> metrics.Figure:
    if row is None:
        return metrics.Figure(None, "x")
    if row["figure_status"]:
        return metrics.Figure(None, row["figure_status"])
    return metrics.Figure(float(row["figure_value"]))


def _latest_rows(series: pd.DataFrame, indicator: Indicator):
    """The latest figure, the one before it and the one a year earlier, from one area's series."""
    if series.empty:
        return None, None, None
    ordered = series.assign(
        preferred=(series["period_type"] == indicator.period_type.value).astype(int),
        span=(pd.to_datetime(series["period_end"]) - pd.to_datetime(series["period_start"])).dt.days,
    ).sort_values(["period_end", "preferred", "span"], ascending=[False, False, False])
    current = ordered.iloc[0]
    earlier = ordered[ordered["period_end"] < current["period_end"]]
    same_type = earlier[earlier["period_type"] == current["period_type"]]
    previous = (same_type if not same_type.empty else earlier).head(1)
    a_year_before = _year_before(current["period_end"])
    year_ago = earlier[
        (earlier["period_end"] == a_year_before) & (earlier["period_type"] == current["period_type"])
    ].head(1)
    return (
        current,
        None if previous.empty else previous.iloc[0],
        None if year_ago.empty else year_ago.iloc[0],
    )


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _value(figure: metrics.Figure) -> float | None:
    return figure.value if figure.is_available else None


def _fill_figures(row: ScorecardRow, indicator: Indicator, current, previous, year_ago) -> None:
    figure = _figure(current)
    row.period_label = current["period"]
    row.value = _value(figure)
    row.status = figure.status
    row.shown = figure.shown(indicator.decimals)
    row.numerator = None if pd.isna(current["numerator"]) else float(current["numerator"])
    population = current["population_used"]
    row.denominator = (
        float(population) if pd.notna(population)
        else None if pd.isna(current["denominator"]) else float(current["denominator"])
    )
    if pd.notna(current["population_year"]):
        row.population_year = int(current["population_year"])
        row.population_vintage = current["population_vintage"]
    row.load_id = None if pd.isna(current["load_id"]) else int(current["load_id"])
    if previous is not None:
        earlier = _figure(previous)
        row.previous_period, row.previous_value = previous["period"], _value(earlier)
        row.previous_shown = earlier.shown(indicator.decimals)
        row.direction = metrics.direction(figure, earlier, indicator.polarity, indicator.decimals).value
    if year_ago is not None:
        earlier = _figure(year_ago)
        row.year_ago_period, row.year_ago_value = year_ago["period"], _value(earlier)
        row.year_ago_shown = earlier.shown(indicator.decimals)
        row.direction_year = metrics.direction(figure, earlier, indicator.polarity, indicator.decimals).value


def _fill_target(row: ScorecardRow, indicator: Indicator, targets: pd.DataFrame, current, quarter: Period) -> None:
    """A target set for the figure's own period, else its financial year, else the quarter's."""
    if targets.empty:
        return
    mine = targets[targets["indicator_id"] == indicator.id].set_index("period")
    figure_year = financial_year(quarter_containing(current["period_end"]).start.year if current["period_end"].month != 3 or current["period_end"].day != 31 else current["period_end"].year - 1)
    for period in (current["period"], figure_year.label, financial_year(quarter.start.year if quarter.start.month >= 4 else quarter.start.year - 1).label):
        if period in mine.index:
            found = mine.loc[period]
            row.target = float(found["value"])
            row.tolerance = None if pd.isna(found["tolerance"]) else float(found["tolerance"])
            row.tolerance_type = found["tolerance_type"]
            break
    row.rag = metrics.rag(
        _figure(current), row.target, indicator.polarity, row.tolerance,
        row.tolerance_type or "absolute", indicator.decimals,
    ).value


def _commentary(store: Store, area_code: str, period: str, ids: list[str]) -> dict[str, tuple[str, str]]:
    table = schema.commentary
    rows = store.frame(
        sa.select(table.c.indicator_id, table.c.text, table.c.author, table.c.id)
        .where(table.c.area_code == area_code, table.c.period == period, table.c.indicator_id.in_(ids))
        .order_by(table.c.id)
    )
    # The newest version of each indicator's commentary is the current one.
    return {row.indicator_id: (row.text, row.author) for row in rows.itertuples()}


@dataclass
class Benchmark:
    period: str
    figures: pd.DataFrame  # one row per comparator area, with figure_value and figure_status


def _benchmarks(store, catalogue, areas, area, latest, quarter, ids) -> dict[str, Benchmark]:
    """Comparator figures per indicator for one period: the home figure's own, where others
    have it, else the latest national period before it."""
    la = area if area.level != "local" else areas.get(area.parent_code)
    comparator_codes = [ENGLAND] + [region.code for region in areas.regions()] + [
        other.code for other in areas.las(current=True)
    ]
    table = schema.observation
    available = store.frame(
        sa.select(table.c.indicator_id, table.c.period, table.c.period_end, table.c.period_type)
        .where(
            table.c.indicator_id.in_(ids),
            table.c.area_code.in_(comparator_codes),
            table.c.area_code != (la.code if la else ""),
            table.c.period_end <= quarter.end,
        )
        .distinct()
    )
    chosen: dict[str, str] = {}
    for indicator_id, periods in available.groupby("indicator_id"):
        current = latest[indicator_id][0]
        labels = set(periods["period"])
        if current is not None and current["period"] in labels:
            chosen[indicator_id] = current["period"]
            continue
        limit = current["period_end"] if current is not None else quarter.end
        earlier = periods[periods["period_end"] <= limit].sort_values("period_end")
        if earlier.empty:
            earlier = periods.sort_values("period_end")
        chosen[indicator_id] = earlier.iloc[-1]["period"]
    if not chosen:
        return {}
    rows = store.frame(
        sa.select(*[table.c[name] for name in figures.FIGURE_COLUMNS]).where(
            sa.tuple_(table.c.indicator_id, table.c.period).in_(list(chosen.items())),
            table.c.area_code.in_(comparator_codes),
        )
    )
    valued = figures.with_figures(rows, figures.populations(store, comparator_codes), catalogue)
    result = {}
    for indicator_id, group in valued.groupby("indicator_id"):
        result[indicator_id] = Benchmark(chosen[indicator_id], group.set_index("area_code"))
    result["__context__"] = Benchmark("", pd.DataFrame({"la": [la.code if la else None], "region": [la.region_code if la else None], "neighbours": [",".join(_neighbours(store, la.code) if la else [])]}))
    return result


def _neighbours(store: Store, area_code: str) -> list[str]:
    """The newest statistical-neighbour model loaded for the LA."""
    rows = store.table(schema.comparator, area_code=area_code)
    if rows.empty:
        return []
    newest = sorted(rows["model"].unique())[-1]
    return rows[rows["model"] == newest].sort_values("position")["member_code"].tolist()


def _fill_benchmark(row: ScorecardRow, indicator: Indicator, benchmark: Benchmark | None, context: Benchmark | None = None) -> None:
    """England, region, neighbour mean, rank and quartile for the benchmark period."""
    if benchmark is None:
        return
    found = benchmark.figures
    row.benchmark_period = benchmark.period

    def figure_of(code):
        return _figure(found.loc[code]) if code in found.index else metrics.Figure.missing()

    row.england = _value(figure_of(ENGLAND))
    if context is None or context.figures.empty:
        return
    la, region, neighbours = context.figures.iloc[0][["la", "region", "neighbours"]]
    if region:
        row.region = _value(figure_of(region))
    members = [figure_of(code) for code in neighbours.split(",") if code]
    if members:
        row.sn_mean = _value(metrics.mean_of(members, indicator.decimals))
    la_figures = [_figure(found.loc[code]) for code in found.index if code.startswith("E0")]
    if la:
        own = figure_of(la)
        row.rank = metrics.rank(own, la_figures, indicator.polarity)
        row.rank_of = sum(figure.is_available for figure in la_figures) or None
        row.quartile = metrics.quartile_band(own, la_figures, indicator.polarity)
