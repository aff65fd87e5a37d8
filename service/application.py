"""What the pages show, worked out here so that pages hold no SQL and no arithmetic.

`Views` wraps a store with the catalogue and areas. Scorecards are cached by the store's
data version, so a new load, a revert or a commentary edit shows at once.
"""

import logging
import threading
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path

import pandas as pd

from scorecard import disclosure, figures, metrics, schema
from scorecard.areas import DEFAULT_HOME_LA, ENGLAND, AreaDirectory
from scorecard.catalogue import Catalogue, Indicator
from scorecard.memo import Memo
from scorecard.model import Rag
from scorecard.periods import Period, latest_complete_quarter, parse_period
from scorecard.quarterly import NationalFigures, Scorecard, ScorecardRow, quarterly_scorecard
from scorecard.reference import benchmark_indicators
from scorecard.store import Store
from scorecard.symbols import SYMBOLS

log = logging.getLogger("scorecard.views")
RAG_ORDER = [Rag.RED.value, Rag.AMBER.value, Rag.GREEN.value, Rag.NO_JUDGEMENT.value]
QUARTERS_SHOWN = 20  # five years of quarters in the period picker


class NotAllowed(ValueError):
    """A request for an area, period or indicator that is not on the server's list."""


@dataclass
class OutcomeTile:
    id: str
    title: str
    counts: dict[str, int]  # RAG word -> number of indicators
    rows: list[ScorecardRow]


@dataclass
class Mover:
    row: ScorecardRow
    change: float  # relative change against the previous figure, signed


@dataclass
class TrendPoint:
    period: str
    period_end: date
    shown: str
    value: float | None
    status: str
    numerator: float | None
    denominator: float | None
    load_id: int | None
    england: float | None = None
    region: float | None = None
    sn_mean: float | None = None
    target: float | None = None
    tolerance_low: float | None = None
    tolerance_high: float | None = None


@dataclass
class IndicatorDetail:
    indicator: Indicator
    area_name: str
    region_name: str | None
    points: list[TrendPoint]
    localities: list[tuple[str, ScorecardRow]] = field(default_factory=list)
    symbols_used: dict[str, str] = field(default_factory=dict)
    commentary_history: list[dict] = field(default_factory=list)


class Views:
    def __init__(self, store: Store, catalogue: Catalogue, areas: AreaDirectory, home: str = DEFAULT_HOME_LA):
        self.store, self.catalogue, self.areas, self.home = store, catalogue, areas, home
        self._cached = Memo(self._scorecard, size=256)
        self._national = Memo(self._national_figures, size=1)
        # Once per data version: a load or a revert can add or take away benchmark indicators.
        self._with_benchmarks = Memo(self._catalogue_with_benchmarks, size=1)

    # Choices and checks ---------------------------------------------------------------

    @cached_property
    def _area_choices(self) -> list[tuple[str, str]]:
        return self._list_areas()

    def area_choices(self) -> list[tuple[str, str]]:
        """The home LA, its localities, then every other current LA, region and England."""
        return self._area_choices

    def _list_areas(self) -> list[tuple[str, str]]:
        home = self.areas.get(self.home)
        chosen = [home, *self.areas.localities(self.home)]
        others = sorted((la for la in self.areas.las(current=True) if la.code != self.home), key=lambda a: a.name)
        chosen += [*others, *self.areas.regions(), self.areas.england()]
        return [(area.code, area.name if area.level != "local" else f"{area.name} ({home.name})") for area in chosen]

    def quarter_choices(self, today: date | None = None) -> list[str]:
        quarter = latest_complete_quarter(today or date.today())
        labels = []
        for _ in range(QUARTERS_SHOWN):
            labels.append(quarter.label)
            quarter = quarter.previous()
        return labels

    def framework_choices(self) -> list[tuple[str, str]]:
        return [(framework.id, framework.title) for framework in self.catalogue.frameworks.values()]

    def outcome_choices(self, framework: str) -> list[tuple[str, str]]:
        return [(outcome.id, outcome.title) for outcome in self.catalogue.frameworks[framework].outcome_areas]

    def checked_area(self, code: str | None) -> str:
        if not code:
            return self.home
        if code not in {value for value, _ in self.area_choices()}:
            raise NotAllowed(f"'{code}' is not an area Scorecard knows.")
        return code

    def checked_quarter(self, label: str | None) -> Period:
        if not label:
            return latest_complete_quarter(date.today())
        try:
            period = parse_period(label)
        except ValueError as bad:
            raise NotAllowed(str(bad)) from bad
        if period.type.value != "quarter" or period.is_snapshot:
            raise NotAllowed(f"'{label}' is not a financial quarter like 2024-25 Q4.")
        return period

    def checked_framework(self, framework: str | None) -> str:
        framework = framework or "ecm"
        if framework not in self.catalogue.frameworks:
            raise NotAllowed(f"'{framework}' is not an outcome framework.")
        return framework

    def checked_outcome(self, framework: str, outcome: str | None) -> str | None:
        if outcome and outcome not in {value for value, _ in self.outcome_choices(framework)}:
            raise NotAllowed(f"'{outcome}' is not an outcome area of this framework.")
        return outcome or None

    def checked_indicator(self, indicator_id: str | None) -> Indicator:
        """An indicator in the catalogue, or a benchmark indicator loaded from LAIT."""
        if indicator_id in self.catalogue.indicators:
            return self.catalogue.indicators[indicator_id]
        found = self.catalogue_with_benchmarks().indicators.get(indicator_id) if indicator_id else None
        if found is None:
            raise NotAllowed(f"'{indicator_id}' is not an indicator in the catalogue.")
        return found

    # The scorecard and what is built on it ----------------------------------------------

    def scorecard(self, area: str, quarter: Period, framework: str = "ecm", outcome: str | None = None) -> Scorecard:
        """Cached until the data or the disclosure rules change. The same object comes back
        for the same choice, so pages can keep what they drew from it."""
        return self._cached(self.data_version(), area, quarter, framework, outcome)

    def data_version(self) -> tuple:
        return (*self.store.data_version(), disclosure.rules(self.store))

    def _scorecard(self, version, area, quarter, framework, outcome) -> Scorecard:
        if outcome is not None:  # cut from the whole framework's, so moving between outcome areas is free
            whole = self._cached(version, area, quarter, framework, None)
            return replace(whole, rows=[row for row in whole.rows if row.outcome_area == outcome])
        return quarterly_scorecard(self.store, self.catalogue, self.areas, area, quarter, framework,
                                   national=self._national(version))

    def _national_figures(self, version) -> NationalFigures:
        return NationalFigures.build(self.store, self.catalogue, self.areas)

    def warm(self, today: date | None = None) -> None:
        """Work out what the first visitor will ask for (the home LA's latest quarter), so
        the first page after a start or a load is as quick as the next."""
        self.scorecard(self.home, latest_complete_quarter(today or date.today()))

    def warm_in_background(self) -> None:
        threading.Thread(target=self._warm_quietly, name="warm-scorecard", daemon=True).start()

    def _warm_quietly(self) -> None:
        try:
            self.warm()
        except Exception:  # only a head start: the page itself shows any fault plainly
            log.exception("Working out the scorecard ahead of the first visitor failed")

    def is_demo(self) -> bool:
        return self.store.setting("demo_data") == "true"

    def overview(self, card: Scorecard) -> list[OutcomeTile]:
        tiles = []
        for outcome_id, title in self.outcome_choices(card.framework):
            rows = [row for row in card.rows if row.outcome_area == outcome_id]
            counts = {word: sum(row.rag == word for row in rows) for word in RAG_ORDER}
            tiles.append(OutcomeTile(outcome_id, title, counts, rows))
        return tiles

    def movers(self, card: Scorecard, how_many: int = 5) -> list[Mover]:
        """The biggest changes against the previous figure, judged ones first."""
        moved = []
        for row in card.rows:
            if row.value is None or row.previous_value in (None, 0) or row.direction in ("no change", "not available"):
                continue
            moved.append(Mover(row, (row.value - row.previous_value) / abs(row.previous_value)))
        moved.sort(key=lambda mover: (mover.row.direction not in ("improving", "worsening"), -abs(mover.change)))
        return moved[:how_many]

    def exceptions(self, card: Scorecard) -> list[ScorecardRow]:
        """Red indicators and ambers that are getting worse, in outcome-area order."""
        return [
            row for row in card.rows
            if row.rag == Rag.RED.value or (row.rag == Rag.AMBER.value and row.direction == "worsening")
        ]

    def add_commentary(self, indicator_id: str, area: str, quarter: str, text: str, author: str) -> int:
        if self.checked_indicator(indicator_id).is_benchmark:  # commentary explains a scorecard row
            raise NotAllowed(f"'{indicator_id}' is a benchmark indicator, not on the scorecard: commentary "
                             "goes on the scorecard's own indicators.")
        self.checked_area(area)
        self.checked_quarter(quarter)
        text = (text or "").strip()
        if not text:
            raise NotAllowed("Write some commentary before saving.")
        if len(text) > 4000:
            raise NotAllowed("Commentary is limited to 4,000 characters.")
        return self.store.add_commentary(indicator_id, area, quarter, text, author)

    # One indicator in depth ---------------------------------------------------------------

    def indicator_detail(self, indicator: Indicator, area_code: str, quarter: Period) -> IndicatorDetail:
        area = self.areas.get(area_code)
        la = area if area.level != "local" else self.areas.get(area.parent_code)
        region = self.areas.get(la.region_code) if la is not None and la.region_code else None
        neighbours = _neighbours(self.store, la.code) if la is not None else []
        codes = [area.code, ENGLAND, *([region.code] if region else []), *neighbours]
        holding = self.catalogue_with_benchmarks() if indicator.is_benchmark else self.catalogue
        valued = disclosure.protect(
            figures.with_figures(
                figures.observations(self.store, [indicator.id], codes, until=quarter.end),
                figures.populations(self.store, codes),
                holding,
            ),
            disclosure.rules(self.store),
            {indicator.id} if indicator.unit.value == "number" else set(),
        )
        by_area = {code: group for code, group in valued.groupby("area_code")}
        home = by_area.get(area.code, valued.iloc[0:0]).sort_values(["period_end", "period_type"])
        targets = self.store.table(schema.target, indicator_id=indicator.id, area_code=area.code)
        target_of = {row["period"]: row for row in targets.to_dict("records")}
        points = []
        for record in home.to_dict("records"):
            figure = _figure(record)
            point = TrendPoint(
                period=record["period"], period_end=record["period_end"],
                shown=figure.shown(indicator.decimals), value=figure.value if figure.is_available else None,
                status=figure.status, numerator=_number(record["numerator"]),
                denominator=_number(record["population_used"]) or _number(record["denominator"]),
                load_id=None if pd.isna(record["load_id"]) else int(record["load_id"]),
            )
            point.england = _value_at(by_area.get(ENGLAND), record["period"])
            point.region = _value_at(by_area.get(region.code), record["period"]) if region else None
            members = [_figure_at(by_area.get(code), record["period"]) for code in neighbours]
            mean = metrics.mean_of([member for member in members if member is not None], indicator.decimals)
            point.sn_mean = mean.value if mean.is_available else None
            _attach_target(point, target_of.get(record["period"]), indicator)
            points.append(point)
        detail = IndicatorDetail(indicator, area.name, region.name if region else None, points)
        detail.symbols_used = {p.status: SYMBOLS[p.status] for p in points if p.status in SYMBOLS}
        if indicator.has_localities and la is not None:
            for local in self.areas.localities(la.code):
                card = quarterly_scorecard(self.store, self.catalogue, self.areas, local.code, quarter, only={indicator.id},
                                           national=self._national(self.data_version()))
                row = next((r for r in card.rows if r.indicator_id == indicator.id), None)
                if row is not None:
                    detail.localities.append((local.name, row))
        notes = self.store.table(schema.commentary, indicator_id=indicator.id, area_code=area.code)
        detail.commentary_history = notes.sort_values("id", ascending=False).to_dict("records")
        return detail

    # Loads ------------------------------------------------------------------------------

    def reconciliation(self, indicator_id: str | None, area: str | None) -> tuple[dict[str, int], int, int, list[dict]]:
        """Reasons with their counts, figures compared, figures that agree, and the differences
        (newest first) for one indicator or all, in one area or all: scorecard reconcile's
        result, with figures worked out from 1 to 5 children shown as [c]."""
        from scorecard.reconcile import reconciliation

        ids = [self.checked_indicator(indicator_id).id] if indicator_id else None
        codes = [self.checked_area(area)] if area else None
        rows = figures.every_source(self.store, ids, codes)
        result = reconciliation(rows, figures.populations(self.store, codes), self.store.sources(),
                                self.catalogue_with_benchmarks())
        threshold = disclosure.rules(self.store).threshold
        differences = result.differences.sort_values(["period", "indicator_id", "area_code"], ascending=[False, True, True])
        listed = []
        for row in differences.to_dict("records"):
            small = row["numerator"] is not None and not pd.isna(row["numerator"]) and 1 <= row["numerator"] <= threshold
            listed.append({**row, "numerator": None if small else row["numerator"],
                           "published": None if small else row["published"],
                           "computed": None if small else row["computed"], "suppressed": small})
        return result.counts(), result.compared, result.matched, listed

    def loads(self) -> list[dict]:
        return self.store.loads().sort_values("id", ascending=False).to_dict("records")

    def revert(self, load_id: int, by: str = "web user") -> None:
        self.store.revert(int(load_id), by=by)

    def upload(self, path: Path, area: str, *, dry_run: bool, user: str, file_name: str):
        from loaders.context import LoadContext
        from loaders.pipeline import load_file
        from scorecard.reference import sync_reference

        if not dry_run:
            sync_reference(self.store, self.catalogue, self.areas)
        context = LoadContext(self.catalogue, self.areas, self.checked_area(area))
        report = load_file(self.store, path, context, dry_run=dry_run, user=user, file_name=file_name)
        if report.status == "loaded":
            self.warm_in_background()
        return report

    # The catalogue, and the benchmark indicators loaded from LAIT ------------------------------

    def search_indicators(self, text: str | None) -> list[Indicator]:
        """Indicators with every word somewhere in their names, definition or codes: the
        catalogue's first, then the benchmark indicators loaded from LAIT."""
        words = (text or "").lower().split()
        return [indicator for indicator in self.catalogue_with_benchmarks()
                if all(word in _searched_text(indicator) for word in words)]

    def benchmark_indicators(self) -> list[Indicator]:
        """Loaded from LAIT to compare areas: not on the scorecard, and with no targets."""
        return [indicator for indicator in self.catalogue_with_benchmarks() if indicator.is_benchmark]

    def catalogue_with_benchmarks(self) -> Catalogue:
        return self._with_benchmarks(self.data_version())

    def _catalogue_with_benchmarks(self, version) -> Catalogue:
        extra = [found for found in benchmark_indicators(self.store) if found.id not in self.catalogue.indicators]
        return self.catalogue.with_extra(extra) if extra else self.catalogue


def _searched_text(indicator: Indicator) -> str:
    """What a search looks in; a benchmark indicator is found by its LAIT code and source too."""
    extra = [indicator.lait_code or "", indicator.source or ""] if indicator.is_benchmark else []
    return " ".join([
        indicator.id, indicator.title, indicator.short_title, indicator.definition or "",
        indicator.ni_code or "", *indicator.aliases, *extra,
    ]).lower()


def _neighbours(store: Store, la_code: str) -> list[str]:
    rows = store.table(schema.comparator, area_code=la_code)
    if rows.empty:
        return []
    newest = sorted(rows["model"].unique())[-1]
    return rows[rows["model"] == newest].sort_values("position")["member_code"].tolist()


def _figure(record: dict) -> metrics.Figure:
    if record["figure_status"]:
        return metrics.Figure(None, record["figure_status"])
    return metrics.Figure(float(record["figure_value"]))


def _figure_at(group: pd.DataFrame | None, period: str) -> metrics.Figure | None:
    if group is None:
        return None
    found = group[group["period"] == period]
    return None if found.empty else _figure(found.iloc[0].to_dict())


def _value_at(group: pd.DataFrame | None, period: str) -> float | None:
    figure = _figure_at(group, period)
    return figure.value if figure is not None and figure.is_available else None


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _attach_target(point: TrendPoint, target: dict | None, indicator: Indicator) -> None:
    if target is None:
        return
    point.target = float(target["value"])
    tolerance = _number(target["tolerance"]) or 0.0
    if target["tolerance_type"] == "percent":
        tolerance = abs(point.target) * tolerance / 100
    worse = 1 if indicator.polarity.value == "lower_is_better" else -1
    edge = point.target + worse * tolerance
    point.tolerance_low, point.tolerance_high = sorted((point.target, edge))
