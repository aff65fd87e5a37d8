"""What a file would change, in words people read before they confirm a load: each figure by
its indicator's title and its area's name, as it is shown now and as it would be shown after
(the rate worked out from a count, suppression applied), new figures named as well as counted,
targets with their tolerance, and every side effect (a value cleared, a tolerance removed)
stated plainly."""

from dataclasses import dataclass, field

import pandas as pd

from scorecard import disclosure, figures
from scorecard.metrics import Figure, shown_number
from scorecard.periods import shown_label
from scorecard.symbols import NO_FIGURE_SHOWN
from scorecard.versioned import NEW_ROWS_LISTED, Change

FIGURES_LISTED = 500  # figures worked out before and after, at most; the rest are counted
KEY = figures.KEY  # indicator, area, period, breakdown: one figure, whatever its sources
SOURCE_KEY = [*KEY, "source"]
# What each stored column is called where a change to it is stated.
NAMES = {"numerator": "count", "denominator": "denominator", "value": "published figure",
         "count_rounding": "count rounding", "tolerance": "tolerance", "count": "population",
         "closeness": "closeness", "vintage": "vintage"}


@dataclass
class FigureLine:
    indicator: str
    area: str
    period: str
    breakdown: str
    kind: str  # 'New' or 'Revised'
    before: str
    after: str
    count_before: str
    count_after: str
    denominator_before: str
    denominator_after: str
    effects: list[str] = field(default_factory=list)


@dataclass
class TargetLine:
    indicator: str
    area: str
    year: str
    kind: str
    before: str
    after: str
    tolerance_before: str
    tolerance_after: str


@dataclass
class Preview:
    new: int
    revised: int
    unchanged: int
    figures: list[FigureLine] = field(default_factory=list)
    targets: list[TargetLine] = field(default_factory=list)
    others: list[str] = field(default_factory=list)  # other tables' changes, counted
    effects: list[str] = field(default_factory=list)  # every side effect, one sentence each
    unlisted: int = 0  # new rows counted but not listed (a preview lists NEW_ROWS_LISTED per table)


def preview(service, change: Change) -> Preview:
    result = Preview(change.new, change.revised, change.unchanged)
    revised = change.revisions if change.revisions is not None else pd.DataFrame(columns=["table"])
    new = change.new_rows if change.new_rows is not None else pd.DataFrame(columns=["table"])
    tables = sorted(set(revised["table"]) | set(new["table"]))
    for table in tables:
        old_rows = revised[revised["table"] == table].dropna(axis=1, how="all")
        new_rows = new[new["table"] == table].dropna(axis=1, how="all")
        if table == "observation":  # judged on the figures shown, whichever source gives them
            result.figures = _figures(service, change, _after(old_rows), new_rows)
            result.effects += [effect for line in result.figures for effect in line.effects]
            continue
        if table == "target":
            result.targets = _targets(service, old_rows, new_rows)
        else:
            result.others.append(_counted(table, len(new_rows), len(old_rows)))
        result.effects += _effects(service, table, old_rows)
    result.unlisted = max(change.new + change.revised - len(result.figures) - len(result.targets), 0) \
        if len(new) >= NEW_ROWS_LISTED or len(revised) > FIGURES_LISTED else 0
    return result


def _after(revisions: pd.DataFrame) -> pd.DataFrame:
    """Revised rows as they would be: their keys and their new values."""
    renamed = {column: column[4:] for column in revisions.columns if column.startswith("new_")}
    kept = [column for column in revisions.columns if not column.startswith(("old_", "new_"))]
    return revisions[kept + list(renamed)].rename(columns=renamed)


def _figures(service, change: Change, revised: pd.DataFrame, new: pd.DataFrame) -> list[FigureLine]:
    """Each figure the file touches, shown by the scorecard's rules before and after the load."""
    written = pd.concat([frame.assign(kind=kind) for frame, kind in ((new, "New"), (revised, "Revised")) if len(frame)],
                        ignore_index=True)
    if written.empty:
        return []
    store = service.store
    written = _plain_keys(written).head(FIGURES_LISTED)  # a whole new release is counted, and its first figures named
    ids, codes = sorted(set(written["indicator_id"])), sorted(set(written["area_code"]))
    periods = sorted(set(written["period"]))
    stored = _plain_keys(store.observations(ids, codes, periods=periods, breakdown=None))
    stored = stored.merge(written[KEY].drop_duplicates(), on=KEY)  # only the figures the file touches
    sources = store.sources()
    if change.sources:
        sources = pd.concat([sources, pd.DataFrame(change.sources)], ignore_index=True).drop_duplicates("id", keep="last")
    columns = list(stored.columns)
    incoming = written.reindex(columns=columns)
    after = pd.concat([stored.merge(incoming[SOURCE_KEY], on=SOURCE_KEY, how="left", indicator=True)
                       .query("_merge == 'left_only'").drop(columns="_merge"), incoming], ignore_index=True)
    catalogue = service.catalogue_with_benchmarks()
    population = figures.populations(store, codes)
    rules = disclosure.rules(store)
    counts = {indicator.id for indicator in catalogue if indicator.unit.value == "number"}

    def shown(frame: pd.DataFrame) -> dict[tuple, dict]:
        if frame.empty:
            return {}
        valued = disclosure.protect(figures.with_figures(figures.of_record(frame, sources), population, catalogue),
                                    rules, counts)
        return {tuple(record[k] for k in KEY): record for record in valued.to_dict("records")}

    before_of, after_of = shown(stored), shown(after)
    kinds = written.drop_duplicates(KEY).set_index(KEY)["kind"]
    lines = []
    for key in sorted(after_of, key=lambda k: (k[0], k[1], str(k[2]), k[3])):
        indicator_id, area_code, period, breakdown = key
        decimals = service.decimals_of(indicator_id)
        before, now = before_of.get(key), after_of[key]
        line = FigureLine(
            indicator=_title(service, indicator_id), area=_area(service, area_code),
            period=shown_label(period), breakdown="" if breakdown == "all" else breakdown,
            kind="Revised" if before is not None else str(kinds.get(key, "New")),
            before=_figure(before, decimals), after=_figure(now, decimals),
            count_before=_count(before, "numerator"), count_after=_count(now, "numerator"),
            denominator_before=_count(before, "denominator"), denominator_after=_count(now, "denominator"),
        )
        line.effects = _figure_effects(line, before, now)
        lines.append(line)
    return lines


def _plain_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """Key columns as plain text, so frames read from the store and from a file merge alike."""
    frame = frame.copy()
    for column in SOURCE_KEY:
        if column in frame:
            frame[column] = frame[column].fillna("").astype(str)  # the dtype the store reads text as
    return frame


def _figure_effects(line: FigureLine, before: dict | None, after: dict) -> list[str]:
    """What the scorecard would stop showing for a figure: a count or denominator, or a figure
    that a symbol replaces."""
    if before is None:
        return []
    where = f"{line.indicator}, {line.area}{f' ({line.breakdown})' if line.breakdown else ''}, {line.period}"
    said = []
    for name, old, new in (("count", line.count_before, line.count_after),
                           ("denominator", line.denominator_before, line.denominator_after)):
        if old != NO_FIGURE_SHOWN and new == NO_FIGURE_SHOWN:
            why = "the file gives a symbol instead" if after["figure_status"] else "the file gives none"
            said.append(f"{where}: the {name} {old} would be cleared ({why}).")
    if not before["figure_status"] and after["figure_status"]:
        said.append(f"{where}: the figure {line.before} would be replaced by the symbol {line.after}.")
    return said


def _targets(service, revised: pd.DataFrame, new: pd.DataFrame) -> list[TargetLine]:
    lines = []
    for row in new.to_dict("records"):
        decimals = service.decimals_of(row["indicator_id"])
        lines.append(TargetLine(_title(service, row["indicator_id"]), _area(service, row["area_code"]), row["period"],
                                "New", NO_FIGURE_SHOWN, _number(row.get("value"), decimals), "none",
                                _tolerance(row.get("tolerance"), row.get("tolerance_type"), decimals)))
    for row in revised.to_dict("records"):
        decimals = service.decimals_of(row["indicator_id"])
        lines.append(TargetLine(
            _title(service, row["indicator_id"]), _area(service, row["area_code"]), row["period"], "Revised",
            _number(row.get("old_value"), decimals), _number(row.get("new_value"), decimals),
            _tolerance(row.get("old_tolerance"), row.get("old_tolerance_type"), decimals),
            _tolerance(row.get("new_tolerance"), row.get("new_tolerance_type"), decimals),
        ))
    return lines


def _effects(service, table: str, revisions: pd.DataFrame) -> list[str]:
    """Each stored value the file would clear or replace with a symbol, in a sentence."""
    said = []
    if revisions.empty:
        return said
    for row in revisions.to_dict("records"):
        where = _where(service, table, row)
        for column, name in NAMES.items():
            old, new = row.get(f"old_{column}"), row.get(f"new_{column}")
            if _given(old) and not _given(new) and f"old_{column}" in row:
                said.append(f"{where}: the {name} {_plain(old)} would be cleared (the file gives none).")
        if table == "target" and _given(row.get("old_tolerance_type")) and \
                row.get("old_tolerance_type") != row.get("new_tolerance_type") and _given(row.get("old_tolerance")):
            said.append(f"{where}: the tolerance would change from {row['old_tolerance_type']} to "
                        f"{row['new_tolerance_type']}.")
    return said


def _where(service, table: str, row: dict) -> str:
    if table in ("observation", "target"):
        period = shown_label(row["period"])
        kind = "target for " if table == "target" else ""
        return f"{_title(service, row['indicator_id'])}, {_area(service, row['area_code'])}, {kind}{period}"
    if table == "population":
        return f"Population of {_area(service, row['area_code'])} aged {row['age_band']} ({row['sex']}), mid-{row['mid_year']}"
    return f"{table.capitalize()} {', '.join(str(value) for key, value in row.items() if not key.startswith(('old_', 'new_', 'table')))}"


def _counted(table: str, new: int, revised: int) -> str:
    noun = {"population": "population estimates", "comparator": "statistical neighbour rows"}.get(table, f"{table} rows")
    return f"{noun.capitalize()}: {new:,} new, {revised:,} revised."


def _title(service, indicator_id: str) -> str:
    found = service.catalogue_with_benchmarks().indicators.get(indicator_id)
    return found.short_title if found is not None else indicator_id


def _area(service, code: str) -> str:
    found = service.areas.get(code)
    return found.name if found is not None else code


def _figure(record: dict | None, decimals: int) -> str:
    if record is None:
        return NO_FIGURE_SHOWN
    if record["figure_status"]:
        return Figure(None, record["figure_status"]).shown(decimals)
    return Figure(float(record["figure_value"])).shown(decimals)


def _count(record: dict | None, column: str) -> str:
    """A count as the indicator page shows it: a rate's denominator is the population it was worked out from."""
    if record is None:
        return NO_FIGURE_SHOWN
    if column == "denominator" and _given(record.get("population_used")):
        return _number(record["population_used"], 0)
    return _number(record[column], 0) if _given(record.get(column)) else NO_FIGURE_SHOWN


def _number(value, decimals: int) -> str:
    return shown_number(float(value), decimals) if _given(value) else NO_FIGURE_SHOWN


def _tolerance(value, kind, decimals: int) -> str:
    if not _given(value):
        return "none"
    return f"{_number(value, decimals)}{'%' if kind == 'percent' else ''}"


def _given(value) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value is not pd.NA \
        and not (isinstance(value, str) and value == "")


def _plain(value) -> str:
    if isinstance(value, float):
        return f"{value:,.10g}"
    return str(value)
