"""The application: what pages, the command line and scripts ask for, worked out from the
store, the catalogue and the areas. They call this and nothing below it.

`Service` wraps a store with the catalogue and areas. Scorecards are cached by the store's
data version, so a new load, a revert or a commentary edit shows at once.
"""

import logging
import threading
from dataclasses import replace
from datetime import date
from functools import cached_property

import pandas as pd

from scorecard import disclosure, figures
from scorecard import exceptions as exception_rules
from scorecard.areas import AreaDirectory, load_areas
from scorecard.catalogue import Catalogue, CatalogueError, Indicator, load_catalogue
from scorecard.periods import Period, latest_complete_quarter
from scorecard.quarterly import NationalFigures, Scorecard, quarterly_scorecard
from scorecard.reconcile import COLUMNS as RECONCILE_COLUMNS
from scorecard.reconcile import Reconciliation, reconciliation
from scorecard.reference import benchmark_indicators, sync_reference
from scorecard.store import MissingDatabaseError, RevertError, Store, database_url
from service import arguments, audit, clinic_cache, council, detail, settings, summaries
from service.errors import NotAllowed
from service.memo import Memo

log = logging.getLogger("scorecard.service")
QUARTERS_SHOWN = 20  # five years of quarters in the period picker


def reference_data() -> tuple[Catalogue, AreaDirectory]:
    """The catalogue and the areas, checked; a catalogue with problems is refused with them all."""
    try:
        exception_rules.load()  # checked on start too, so a bad rule is found before a page needs it
        return load_catalogue(), load_areas()
    except (CatalogueError, exception_rules.ExceptionRulesError) as problem:
        raise NotAllowed(str(problem)) from problem


def database_exists(db: str | None) -> bool:
    """Whether there is a database on --db (else SCORECARD_DB, else the default file)."""
    try:
        Store.open(db).close()
    except MissingDatabaseError:
        return False
    return True


class Service:
    """The application over one store: choices and checks, cached scorecards, commentary,
    reconciliation and loads."""

    def __init__(self, store: Store, catalogue: Catalogue, areas: AreaDirectory, home: str | None = None):
        # The council's own localities and home area are kept in the database (service.council).
        self.store, self.reference_areas, self._home = store, areas, home
        self.packaged_catalogue = catalogue
        self.catalogue = council.catalogue_with_local(store, catalogue)
        self.reload_council()
        self._cached = Memo(self._scorecard, size=256)
        # Judged against targets, without commentary: a note never rebuilds it (service/clinic_cache.py).
        self._judged = Memo(self._judged_scorecard, size=64)
        self._last_judged = clinic_cache.LastJudged(size=64)
        # (area, quarter) -> (newest note id, its notes): the overlay's commentary, read with the versions.
        self._notes_seen = clinic_cache.Bounded(size=256)
        self._national = Memo(self._national_figures, size=1)
        # Once per data version: a load or a revert can add or take away benchmark indicators.
        self._with_benchmarks = Memo(self._catalogue_with_benchmarks, size=1)
        self._with_localities = Memo(self._localities_with_figures, size=8)
        self._details = Memo(self._indicator_detail, size=64)

    def reload_council(self) -> None:
        """Read the home area, its localities and the default framework from the database
        again (after `scorecard setup` changes them)."""
        self.areas = self.reference_areas.with_localities(self.store.localities())
        self.home = self._home or council.home_area(self.store, self.areas)
        self.default_framework = council.default_framework(self.store, self.catalogue)
        self.__dict__.pop("_area_choices", None)

    @classmethod
    def open(cls, db: str | None = None, *, create: bool = False) -> "Service":
        """On --db, else SCORECARD_DB, else the default file; a missing file is refused
        unless `create`."""
        catalogue, areas = reference_data()
        try:
            store = Store.open(db, create=create)
        except MissingDatabaseError as missing:
            raise NotAllowed(str(missing)) from missing
        return cls(store, catalogue, areas)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Service":
        self.store.__enter__()  # a command keeps the DuckDB file open while it runs
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def sync_reference(self, attempts: int = 1) -> None:
        """Write the catalogue and the areas into the store (scorecard.reference)."""
        sync_reference(self.store, self.catalogue, self.areas, attempts)

    # Choices and checks ---------------------------------------------------------------

    @cached_property
    def _area_choices(self) -> list[tuple[str, str]]:
        home = self.areas.get(self.home)
        chosen = [home, *self.areas.localities(self.home)]
        others = sorted((la for la in self.areas.las(current=True) if la.code != self.home), key=lambda a: a.name)
        chosen += [*others, *self.areas.regions(), self.areas.england()]
        return [(area.code, area.name if area.level != "local" else f"{area.name} ({home.name})") for area in chosen]

    def area_choices(self) -> list[tuple[str, str]]:
        """The home LA, its localities, then every other current LA, region and England."""
        return self._area_choices

    def quarter_choices(self, today: date | None = None) -> list[str]:
        quarter = latest_complete_quarter(today or date.today())
        labels = []
        for _ in range(QUARTERS_SHOWN):
            labels.append(quarter.label)
            quarter = quarter.previous()
        return labels

    def framework_choices(self) -> list[tuple[str, str]]:
        return [(framework.id, framework.title) for framework in self.catalogue.frameworks.values()]

    def indicator_choices(self) -> list[tuple[str, str]]:
        """The catalogue's indicators, by id and short title, in the catalogue's order."""
        return [(indicator.id, indicator.short_title) for indicator in self.catalogue]

    def outcome_choices(self, framework: str) -> list[tuple[str, str]]:
        return [(outcome.id, outcome.title) for outcome in self.catalogue.frameworks[framework].outcome_areas]

    def checked_area(self, code: str | None) -> str:
        if not code:
            return self.home
        if code not in {value for value, _ in self.area_choices()}:
            raise NotAllowed(f"'{code}' is not an area Scorecard knows.")
        return code

    def checked_quarter(self, label: str | None) -> Period:
        """The command line's rule, the same for pages and the API (service.arguments)."""
        return arguments.quarter(label or None)

    def checked_framework(self, framework: str | None) -> str:
        framework = framework or self.default_framework
        if framework not in self.catalogue.frameworks:
            raise NotAllowed(f"'{framework}' is not an outcome framework.")
        return framework

    def checked_indicator(self, indicator_id: str | None) -> Indicator:
        """An indicator in the catalogue, or a benchmark indicator loaded from LAIT."""
        if indicator_id in self.catalogue.indicators:
            return self.catalogue.indicators[indicator_id]
        found = self.catalogue_with_benchmarks().indicators.get(indicator_id) if indicator_id else None
        if found is None:
            raise NotAllowed(f"'{indicator_id}' is not an indicator in the catalogue.")
        return found

    def chosen(self, state: dict) -> Scorecard:
        """The scorecard a page's URL asks for, checked against the server's lists."""
        framework = self.checked_framework(state.get("framework"))
        outcome = state.get("outcome")
        if outcome not in {key for key, _ in self.outcome_choices(framework)}:
            outcome = None  # left over from another framework: show them all
        return self.in_basket(self.scorecard(
            self.checked_area(state.get("area")), self.checked_quarter(state.get("period")), framework, outcome,
        ), state.get("basket"))

    # Baskets: named sets of indicators (scorecard/baskets.py) ------------------------------

    def baskets(self) -> dict:
        return council.baskets(self.store, self.catalogue)

    def basket_choices(self) -> list[tuple[str, str]]:
        return [(basket.id, basket.title) for basket in self.baskets().values()]

    def checked_basket(self, basket_id: str | None):
        """The basket by id (None for none); an unknown one is refused naming those there are."""
        if not basket_id:
            return None
        found = self.baskets()
        if basket_id not in found:
            there = ", ".join(found) or f"none: declare them in {council.baskets_file(self.store)}"
            raise NotAllowed(f"There is no basket '{basket_id}'. The baskets are: {there}.")
        return found[basket_id]

    def in_basket(self, card: Scorecard, basket_id: str | None) -> Scorecard:
        """The scorecard cut to a basket's indicators (the whole of it for no basket)."""
        basket = self.checked_basket(basket_id)
        if basket is None:
            return card
        return replace(card, rows=[row for row in card.rows if row.indicator_id in basket])

    # The scorecard ------------------------------------------------------------------------

    def scorecard(self, area: str, quarter: Period, framework: str | None = None, outcome: str | None = None) -> Scorecard:
        """Cached until the data or the disclosure rules change. The same object comes back
        for the same choice, so pages can keep what they drew from it."""
        seen = self._notes_seen.get((area, quarter.label))
        figures, clinic, notes = self.store.versions_and_notes(area, quarter.label, seen[0] if seen else None)
        if notes is not None:  # read with the versions, for the commentary laid over the scorecard
            self._notes_seen[(area, quarter.label)] = (clinic[0], notes)
        return self._cached((*figures, disclosure.rules(self.store)), clinic, area, quarter,
                            framework or self.default_framework, outcome)

    def data_version(self) -> tuple:
        """Changes with any load, revert, disclosure setting or clinic edit."""
        figures, clinic = self.store.versions()
        return (*figures, disclosure.rules(self.store), clinic)

    def figures_version(self) -> tuple:
        """Changes with a load, a revert or the disclosure rules: never with a clinic edit, so
        a note or a target does not rebuild the national figures."""
        return (*self.store.figures_version(), disclosure.rules(self.store))

    def shield(self) -> disclosure.Shield:
        """What may be shown (scorecard.disclosure): anything that shows figures applies it,
        `shield().protect(frame)` or `shield().hides(indicator, area, period, numerator)`."""
        return disclosure.shield(self.store, self.catalogue, self.areas)

    def national(self) -> NationalFigures:
        return self._national(self.figures_version())

    def _scorecard(self, version, clinic, area, quarter, framework, outcome) -> Scorecard:
        if outcome is not None:  # cut from the whole framework's, so moving between outcome areas is free
            whole = self._cached(version, clinic, area, quarter, framework, None)
            return replace(whole, rows=[row for row in whole.rows if row.outcome_area == outcome])
        judged = self._judged((*version, clinic[3]), clinic[1], area, quarter, framework)
        seen = self._notes_seen.get((area, quarter.label))
        notes = seen[1] if seen and seen[0] == clinic[0] else None
        return clinic_cache.with_commentary(self.store, judged, notes)

    def _judged_scorecard(self, version, _targets, area, quarter, framework) -> Scorecard:
        """A target change re-judges only the indicators whose targets changed. `version` is
        the figures version and, last, the newest change that re-judges every row."""
        figures = version[:-1]
        return self._last_judged.judged(
            (version, area, quarter, framework), self.store, area, [r.id for r in self.catalogue],
            lambda only: quarterly_scorecard(self.store, self.catalogue, self.areas, area, quarter, framework,
                                             only=only, national=self._national(figures)),
        )

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
            with self.store.in_use():
                self.warm()
        except Exception:  # only a head start: the page itself shows any fault plainly
            log.exception("Working out the scorecard ahead of the first visitor failed")

    def is_demo(self) -> bool:
        return self.store.is_demo()

    def is_set_up(self) -> bool:
        """Whether a home area has been set up (else England is shown by default)."""
        return council.is_set_up(self.store)

    def overview(self, card: Scorecard) -> list[summaries.OutcomeTile]:
        return summaries.overview(card, self.outcome_choices(card.framework))

    def movers(self, card: Scorecard, how_many: int = 5) -> list[summaries.Mover]:
        return summaries.movers(card, how_many)

    def exceptions(self, card: Scorecard) -> list:
        return summaries.exceptions(card)

    def exception_rules(self) -> list[str]:
        """What makes an exception, one phrase per rule (data/exceptions.yaml)."""
        return exception_rules.load().described()

    def indicator_detail(self, indicator: Indicator, area_code: str, quarter: Period) -> detail.IndicatorDetail:
        """Its figures worked out once per data version, as scorecards are; the commentary read
        afresh each time, so a saved note shows at once whatever the cache key counts."""
        found = self._details(self.data_version(), indicator.id, area_code, quarter)
        return replace(found, commentary_history=self.store.commentary_history(indicator.id, area_code))

    def _indicator_detail(self, version, indicator_id: str, area_code: str, quarter: Period) -> detail.IndicatorDetail:
        return detail.indicator_detail(self, self.checked_indicator(indicator_id), area_code, quarter)

    def upload(self, path, area: str | None, *, dry_run: bool, user: str, file_name: str):
        """One file from the upload page: checked (dry_run) or loaded (service.loads)."""
        from service import loads  # the loaders only when a file comes: the command line starts quicker

        return loads.upload(self, path, area, dry_run=dry_run, user=user, file_name=file_name)

    def add_commentary(self, indicator_id: str, area: str, quarter: str, text: str, author: str) -> int:
        if self.checked_indicator(indicator_id).is_benchmark:  # commentary explains a scorecard row
            raise NotAllowed(f"'{indicator_id}' is a benchmark indicator, not on the scorecard: commentary "
                             "goes on the scorecard's own indicators.")
        self.checked_area(area)
        self.checked_quarter(quarter)
        text = (text or "").strip()
        if not text:
            raise NotAllowed("Write some commentary before saving.")
        if len(text) > (longest := settings.value("commentary_length", self.store)):
            raise NotAllowed(f"Commentary is limited to {longest:,} characters.")
        return self.store.add_commentary(indicator_id, area, quarter, text, author)

    def commentary_notes(self, area: str, quarter: str, indicator_ids: list[str] | None = None) -> dict[str, dict]:
        """The current note per indicator for an area and quarter: text, author, written_at."""
        return self.store.commentary_notes(area, quarter, indicator_ids)

    # Reconciliation ---------------------------------------------------------------------

    def reconcile(self, indicator_ids: list[str] | None, area_codes: list[str] | None) -> Reconciliation:
        """Every figure with more than one source, and every published figure checked against
        its count, for the indicators and areas given (None: all); benchmark indicators'
        figures at their own decimals."""
        rows = self.store.observations(indicator_ids, area_codes)
        return reconciliation(rows, figures.populations(self.store, area_codes), self.store.sources(),
                              self.catalogue_with_benchmarks())

    def reconciliation(self, indicator_id: str | None, area: str | None) -> tuple[dict[str, int], int, int, list[dict]]:
        """Reasons with their counts, figures compared, figures that agree, and the differences
        (newest first) for one indicator or all, in one area or all: scorecard reconcile's
        result, with figures worked out from 1 to 5 children shown as [c]."""
        ids = [self.checked_indicator(indicator_id).id] if indicator_id else None
        codes = [self.checked_area(area)] if area else None
        result = self.reconcile(ids, codes)
        shield = self.shield()
        differences = result.differences.sort_values(["period", "indicator_id", "area_code"], ascending=[False, True, True])
        listed = []
        holding = self.catalogue_with_benchmarks().indicators  # once: each call asks the store its data version
        for row in differences.to_dict("records"):
            small = shield.hides(row["indicator_id"], row["area_code"], row["period"], row["numerator"], row["breakdown"])
            found = holding.get(row["indicator_id"])
            listed.append({**row, "indicator_title": found.short_title if found else row["indicator_id"],
                           "area_name": self.areas.get(row["area_code"]).name,
                           "numerator": None if small else row["numerator"],
                           "published": None if small else row["published"],
                           "computed": None if small else row["computed"], "suppressed": small,
                           "decimals": found.decimals if found is not None else 1})  # as decimals_of
        return result.counts(), result.compared, result.matched, listed

    # Loads ------------------------------------------------------------------------------

    def load_history(self) -> pd.DataFrame:
        """Every load, oldest first (the command line's table and JSON)."""
        return self.store.loads()

    def loads(self) -> list[dict]:
        return self.store.loads().sort_values("id", ascending=False).to_dict("records")

    def load_warnings(self) -> dict[int, list[str]]:
        """Each load's warnings in full, as the load reported them (loads before schema 5 kept a count only)."""
        return {load_id: [f"{location}: {message}" if location else message for location, message in said]
                for load_id, said in self.store.load_warnings().items()}

    def revert(self, load_id: int, by: str = "web user") -> None:
        try:
            self.store.revert(int(load_id), by=by)
        except RevertError as refused:
            raise NotAllowed(str(refused)) from refused

    def audit_log(self, how_many: int) -> tuple[list[dict], int]:
        """The newest audit entries first, at most `how_many`, and how many there are in all."""
        return audit.latest(self.store, how_many)

    # The catalogue, and the benchmark indicators loaded from LAIT ------------------------------

    def search_indicators(self, text: str | None) -> list[Indicator]:
        """Indicators with every word somewhere in their names, definition or codes: the
        catalogue's first, then the benchmark indicators loaded from LAIT."""
        words = (text or "").lower().split()
        return [indicator for indicator in self.catalogue_with_benchmarks()
                if all(word in _searched_text(indicator) for word in words)]

    def catalogue_search(self, text: str | None) -> tuple[list[Indicator], int]:
        """search_indicators, and how many benchmark indicators there are in all."""
        return self.search_indicators(text), len(self.benchmark_indicators())

    def decimals_of(self, indicator_id: str) -> int:
        """The decimals an indicator's figures are shown with; 1 for one no catalogue describes,
        as its figures are worked out (scorecard.figures.with_figures)."""
        found = self.catalogue_with_benchmarks().indicators.get(indicator_id)
        return found.decimals if found is not None else 1

    def with_localities(self, area_code: str | None = None) -> set[str]:
        """Indicators with figures for the townships of an area's LA (the home LA's when none):
        "By locality" is offered only where there is something to show."""
        area = self.areas.get(area_code or self.home)
        la = area.code if area.level != "local" else area.parent_code
        return self._with_localities(self.data_version(), la)

    def _localities_with_figures(self, version, la_code: str) -> set[str]:
        townships = [local.code for local in self.areas.localities(la_code)]
        offered = {indicator.id for indicator in self.catalogue if indicator.has_localities}
        return offered & self.store.indicators_with_figures(townships)

    def benchmark_indicators(self) -> list[Indicator]:
        """Loaded from LAIT to compare areas: not on the scorecard, and with no targets."""
        return [indicator for indicator in self.catalogue_with_benchmarks() if indicator.is_benchmark]

    def catalogue_with_benchmarks(self) -> Catalogue:
        return self._with_benchmarks(self.figures_version())

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


__all__ = ["NotAllowed", "RECONCILE_COLUMNS", "Service", "database_exists", "database_url",
           "reference_data"]
