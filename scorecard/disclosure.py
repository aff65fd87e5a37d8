"""Disclosure control: counts of 1 to 5 children could identify a child, so they, the rates
and percentages worked out from them, and every figure that would let one be worked out,
leave the server as [c], as DfE publishes. The database keeps the true figures.

The rules, after the GSS guidance on disclosure control for tables from administrative
sources and DfE's practice (primary suppression, then secondary suppression):

Primary: a figure is suppressed when
  P1. its count (the numerator; for a count indicator, the figure itself) is 1 to the
      threshold (zero is not disclosive);
  P2. it is a percentage whose complement (denominator minus numerator) is 1 to the
      threshold: 58 of 63 care leavers in suitable accommodation tells that 5 are not;
  P3. its publisher suppressed it (status c).

Secondary: for every total with its parts that are shown together,
  - a locality's LA figure with its localities, an LA's region with its LAs, England with
    its regions (area);
  - a financial or calendar year with its quarters, or its months, for a flow measure
    (period: events in the quarters add up to the year);
  - the quarters of a year-to-date (cumulative) measure, whose differences are the
    quarters' own events (cumulative);
and for each quantity that adds up (the count, and a percentage's complement):
  S1. a total that is shown with a suppressed part (or with parts not available that
      share a count of 1 to the threshold: the Isles of Scilly's against its region) has at
      least two parts suppressed, and the suppressed parts together are more than the
      threshold plus one for each further suppressed part: the total minus the shown parts
      then leaves any one suppressed part anywhere from 1 to above the threshold (58 minus 16, 20, 8 and 9 is 5: Sedgley; with
      Halesowen's 8 suppressed too it is 13, which Sedgley and Halesowen share unknown).
      Otherwise the next smallest part is suppressed too (DfE's "next smallest"), and the
      total itself when no part is left;
  S2. a suppressed total never has every part shown (their sum would give it back): the
      smallest part is suppressed too;
  S3. in a year-to-date series, no two neighbouring figures shown differ by 1 to the
      threshold (a quarter's own events); the later one is suppressed.
The rules are applied again until nothing changes, so a figure suppressed by one relation
is protected in every other it belongs to. A count a publisher rounded (to 5 or 10) gives
no exact difference and starts no secondary suppression.

Anything that shows figures applies the same decision, so no output can be set against
another: `shield(store, catalogue, areas).protect(frame)` on a frame of figures
(figures.with_figures), or `.withholds(indicator_id, area_code, period)` for one figure.

The threshold is the setting `disclosure_threshold` (default 5; 0 switches suppression
off). An indicator can be marked as not disclosive (for example a percentage of a large
cohort) by listing its id in the setting `not_disclosive` (comma-separated)."""

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scorecard import figures, settings

DEFAULT_THRESHOLD = 5
SUPPRESSED = "c"
ENGLAND = "E92000001"
YEARS = ("financial_year", "calendar_year")
PARTS = ("quarter", "month")


@dataclass(frozen=True)
class Rules:
    threshold: int = DEFAULT_THRESHOLD
    not_disclosive: frozenset[str] = frozenset()


def rules(store) -> Rules:
    return Rules(settings.value("disclosure_threshold", store), frozenset(settings.value("not_disclosive", store)))


# Primary suppression ------------------------------------------------------------------------


def _small(values, threshold: int) -> np.ndarray:
    values = np.asarray(values, dtype="float64")
    return (values >= 1) & (values <= threshold)


def primary(frame: pd.DataFrame, rules: Rules, count_indicators=frozenset(), percent_indicators=frozenset()) -> np.ndarray:
    """P1 and P2 for each row: a count of 1 to the threshold, or a percentage's complement."""
    if frame.empty or rules.threshold <= 0:
        return np.zeros(len(frame), dtype=bool)
    numerator = frame["numerator"].astype("float64").to_numpy()
    own_value = frame["figure_value"] if "figure_value" in frame else frame["value"]
    own_count = (frame["indicator_id"].isin(count_indicators) & frame["numerator"].isna()).to_numpy()
    count = np.where(own_count, own_value.astype("float64").to_numpy(), numerator)
    small = _small(count, rules.threshold)
    if percent_indicators:
        complement = frame["denominator"].astype("float64").to_numpy() - numerator
        small |= frame["indicator_id"].isin(percent_indicators).to_numpy() & _small(complement, rules.threshold)
    return small & ~frame["indicator_id"].isin(rules.not_disclosive).to_numpy()


def protect(frame: pd.DataFrame, rules: Rules, count_indicators=frozenset(), percent_indicators=frozenset(),
            withheld=frozenset(), hide_denominator=frozenset()) -> pd.DataFrame:
    """Suppress figures (as returned by figures.with_figures): the primary rules row by row,
    and every (indicator, area, period) in `withheld` (the secondary rules' decision).

    For count indicators (unit 'number') the figure itself is the count. A suppressed
    figure of an indicator in `hide_denominator` loses its denominator too, which would
    otherwise give the complement back."""
    if frame.empty or rules.threshold <= 0:
        return frame
    small = primary(frame, rules, count_indicators, percent_indicators)
    if withheld:
        keys = zip(frame["indicator_id"].tolist(), frame["area_code"].tolist(), frame["period"].tolist())
        small |= np.fromiter((key in withheld for key in keys), dtype=bool, count=len(frame))
    if "figure_status" in frame:
        status = frame["figure_status"]
        # a publisher's [c] loses its denominator too; a figure not available keeps its own symbol
        small = (small & (status == "").to_numpy()) | (status == SUPPRESSED).to_numpy()
    if not small.any():
        return frame
    frame = frame.copy()
    frame.loc[small, [c for c in ("figure_value", "numerator", "value") if c in frame]] = np.nan
    if hide_denominator:
        frame.loc[small & frame["indicator_id"].isin(hide_denominator).to_numpy(), "denominator"] = np.nan
    frame.loc[small, "figure_status"] = SUPPRESSED
    return frame


# Secondary suppression ----------------------------------------------------------------------


@dataclass
class _Group:
    kind: str  # 'area', 'period', 'cumulative', or 'same' (two labels of one figure)
    total: tuple | None  # the key of the total (None: a year-to-date series from zero)
    parts: list[tuple]


def secondary(cells: pd.DataFrame, rules: Rules, parents: dict[str, str], flows: set[str],
              cumulative: set[str], percents: set[str]) -> set[tuple]:
    """The (indicator, area, period) keys suppressed by the secondary rules S1 to S3.

    `cells` has one row per figure: indicator_id, area_code, period, period_type,
    period_start, period_end, count (NaN where there is none), denominator, rounded (a
    publisher rounded the count), hidden (suppressed: by its publisher or the primary rules)
    and missing (not available: unknown, but nothing to protect). `parents` maps an area to
    the area its figures add up to; `flows` and `cumulative` are the indicators whose
    periods add up or run year to date; `percents` those whose complement is protected too."""
    if cells.empty or rules.threshold <= 0:
        return set()
    t = rules.threshold
    exempt = rules.not_disclosive
    cells = cells[~cells["indicator_id"].isin(exempt)]
    keys = list(zip(*(cells[name].astype(str).tolist() for name in ("indicator_id", "area_code", "period"))))
    counted = cells["count"].astype("float64")
    count = dict(zip(keys, counted.tolist()))
    complement = dict(zip(keys, (cells["denominator"].astype("float64") - counted).tolist()))
    rounded = dict(zip(keys, cells["rounded"].astype(bool).tolist()))
    hidden = {key for key, flag in zip(keys, cells["hidden"].astype(bool).tolist()) if flag}
    missing = {key for key, flag in zip(keys, cells["missing"].astype(bool).tolist()) if flag} - hidden
    groups = _groups(cells, keys, parents, flows, cumulative)
    # A count a publisher rounded gives no exact difference: its groups start nothing.
    groups = [group for group in groups
              if not any(rounded.get(key) for key in ([group.total] if group.total else []) + group.parts)]
    member_of: dict[tuple, list[int]] = {}
    for number, group in enumerate(groups):
        for key in ([group.total] if group.total else []) + group.parts:
            member_of.setdefault(key, []).append(number)
    quantities = [(count, None), (complement, percents)]
    start = set(hidden)
    waiting = list(range(len(groups)))  # groups to look at again: each added figure wakes its own
    queued = set(waiting)
    while waiting:
        number = waiting.pop()
        queued.discard(number)
        group = groups[number]
        added: list[tuple] = []
        for values, only in quantities:
            if only is not None and group.parts[0][0] not in only:
                continue
            if group.kind == "same":
                found = [part for part in group.parts if part not in hidden] if hidden.intersection(group.parts) else []
            elif group.kind == "cumulative":
                found = _cumulative_rule(group, values, hidden | missing, t)
            else:
                found = _total_rule(group, values, hidden, missing, t)
            hidden.update(found)
            added += found
        for key in added:
            for other in member_of.get(key, ()):
                if other not in queued:
                    queued.add(other)
                    waiting.append(other)
    return hidden - start


def _total_rule(group: _Group, values: dict, hidden: set, missing: set, t: int) -> list[tuple]:
    """S1 and S2 for one total and its parts, on one quantity."""
    total = group.total
    if total in missing:
        return []
    known = [part for part in group.parts if part not in hidden and part not in missing and not math.isnan(values[part])]
    unknown = [part for part in group.parts if part not in known]
    if total in hidden:
        if unknown or not known:
            return []
        return _smallest(known, values)  # S2: the parts would add up to the suppressed total
    if not unknown or math.isnan(values[total]):
        return []
    left = values[total] - sum(values[part] for part in known)
    if not any(part in hidden for part in unknown) and not 1 <= left <= t:
        return []  # only figures not available, and what they share is not a small count
    if len(unknown) >= 2 and left - (len(unknown) - 1) > t:
        return []
    return _smallest(known, values) or [total]  # S1: the next smallest, else the total


def _smallest(known: list[tuple], values: dict) -> list[tuple]:
    positive = [part for part in known if values[part] > 0]
    return [min(positive, key=lambda part: (values[part], part))] if positive else []


def _cumulative_rule(group: _Group, values: dict, hidden: set, t: int) -> list[tuple]:
    """S3: neighbouring year-to-date figures shown never differ by 1 to the threshold."""
    previous = 0.0  # the year starts from nothing
    for part in group.parts:
        if part in hidden or math.isnan(values[part]):
            continue
        if 1 <= values[part] - previous <= t:
            return [part]
        previous = values[part]
    return []


def _groups(cells: pd.DataFrame, keys: list[tuple], parents: dict[str, str], flows: set[str],
            cumulative: set[str]) -> list[_Group]:
    groups: list[_Group] = []
    present = set(keys)
    by_total: dict[tuple, list[tuple]] = {}
    for key in keys:
        parent = parents.get(key[1])
        if parent is not None and (key[0], parent, key[2]) in present:
            by_total.setdefault((key[0], parent, key[2]), []).append(key)
    groups += [_Group("area", total, sorted(parts)) for total, parts in by_total.items()]
    timed = cells[cells["indicator_id"].isin(flows | cumulative)]
    # Only series with quarters or months have periods that add up: pick those out first.
    with_parts = timed[timed["period_type"].isin(PARTS)][["indicator_id", "area_code"]].drop_duplicates()
    timed = timed.merge(with_parts, on=["indicator_id", "area_code"])
    series: dict[tuple, list[tuple]] = {}
    columns = ["indicator_id", "area_code", "period", "period_type", "period_start", "period_end"]
    for indicator_id, area_code, period, kind, start, end in zip(*(timed[c].astype(object).tolist() for c in columns)):
        series.setdefault((indicator_id, area_code), []).append((period, kind, pd.Timestamp(start), pd.Timestamp(end)))
    for (indicator_id, area_code), rows in series.items():
        for year, year_kind, start, end in rows:
            if year_kind not in YEARS:
                continue
            total = (indicator_id, area_code, year)
            for kind in PARTS:
                inside = sorted((row for row in rows if row[1] == kind and row[2] >= start and row[3] <= end),
                                key=lambda row: row[3])
                if not inside:
                    continue
                parts = [(indicator_id, area_code, row[0]) for row in inside]
                if indicator_id in cumulative:
                    # the year's figure is its last quarter's: one series, and the two are one figure
                    groups.append(_Group("cumulative", None, parts + [total]))
                    if inside[-1][3] == end:
                        groups.append(_Group("same", None, [parts[-1], total]))
                elif _tiles(inside, start, end):
                    groups.append(_Group("period", total, parts))
    return groups


def _tiles(rows: list[dict], start, end) -> bool:
    """Whether the parts cover the year exactly, so they add up to it."""
    days = sum((row[3] - row[2]).days + 1 for row in rows)
    return days == (end - start).days + 1


# The shield: one decision for every output ---------------------------------------------------


@dataclass(frozen=True)
class Shield:
    """What may be shown: the rules, and the figures the secondary rules withhold.

    `protect(frame)` suppresses the figures of a frame from figures.with_figures (or any
    frame with indicator_id, area_code, period, numerator, denominator, value and
    figure_value, figure_status); `withholds(indicator, area, period)` says whether one
    figure is suppressed by the secondary rules."""

    rules: Rules
    counts: frozenset[str] = frozenset()  # count indicators: the figure is the count
    percents: frozenset[str] = frozenset()  # percentages: the complement is protected too
    rates: frozenset[str] = frozenset()  # rates per population: the denominator is a population
    withheld: frozenset[tuple] = field(default_factory=frozenset)  # by the secondary rules
    primary: frozenset[tuple] = field(default_factory=frozenset)  # figures of record the primary rules suppress

    def protect(self, frame: pd.DataFrame) -> pd.DataFrame:
        hide = frozenset(frame["indicator_id"].unique()) - self.rates if not frame.empty else frozenset()
        return protect(frame, self.rules, self.counts, self.percents, self.withheld, hide)

    def withholds(self, indicator_id: str, area_code: str, period: str) -> bool:
        """Whether the secondary rules suppress this figure (the primary ones are row by row)."""
        return (indicator_id, area_code, period) in self.withheld

    def hides(self, indicator_id: str, area_code: str, period: str, numerator=None, breakdown: str = "all") -> bool:
        """Whether a figure (of any source) is shown as [c]: its own count is small, or its
        figure of record is suppressed by a primary or a secondary rule."""
        if self.rules.threshold <= 0 or indicator_id in self.rules.not_disclosive:
            return False
        if numerator is not None and not pd.isna(numerator) and 1 <= float(numerator) <= self.rules.threshold:
            return True
        key = (indicator_id, area_code, period)
        return breakdown == "all" and (key in self.withheld or key in self.primary)


def kinds(catalogue) -> tuple[frozenset, frozenset, frozenset, frozenset, frozenset]:
    """Count, percentage, population-rate, flow and year-to-date indicators of a catalogue."""
    items = list(catalogue)
    return (
        frozenset(i.id for i in items if i.unit.value == "number"),
        frozenset(i.id for i in items if i.unit.value == "percent"),
        frozenset(i.id for i in items if i.population_age_band),
        frozenset(i.id for i in items if i.measure_type.value == "flow"),
        frozenset(i.id for i in items if i.measure_type.value == "cumulative"),
    )


def area_parents(areas) -> dict[str, str]:
    """Each area and the area its counts add up to: locality to LA, LA to region, region to England."""
    parents = {}
    for area in areas:
        if area.level == "local" and area.parent_code:
            parents[area.code] = area.parent_code
        elif area.level == "la" and area.region_code:
            parents[area.code] = area.region_code
        elif area.level == "region":
            parents[area.code] = ENGLAND
    return parents


def build(store, catalogue, areas, chosen: Rules | None = None, only: tuple[str, ...] | None = None) -> Shield:
    """Work the whole decision out from every figure of record (figures.observations), of
    every indicator of the catalogue or `only` those: each indicator's is its own."""
    chosen = chosen or rules(store)
    counts, percents, rates, flows, cumulative = kinds(catalogue)
    ids = [indicator.id for indicator in catalogue if only is None or indicator.id in only]
    if chosen.threshold <= 0 or not ids:
        return Shield(chosen, counts, percents, rates)
    frame = figures.observations(store, ids)
    if frame.empty:
        return Shield(chosen, counts, percents, rates)
    count = frame["numerator"].astype("float64")
    own = frame["indicator_id"].isin(counts) & count.isna()
    count = count.where(~own, frame["value"].astype("float64"))
    cells = pd.DataFrame({
        "indicator_id": frame["indicator_id"], "area_code": frame["area_code"], "period": frame["period"],
        "period_type": frame["period_type"], "period_start": frame["period_start"], "period_end": frame["period_end"],
        "count": count, "denominator": frame["denominator"].astype("float64").where(frame["indicator_id"].isin(percents)),
        "rounded": frame["count_rounding"].notna() & (frame["count_rounding"].astype("string").fillna("") != ""),
        "missing": (frame["status"] != "") & (frame["status"] != SUPPRESSED),
        "hidden": (frame["status"] == SUPPRESSED).to_numpy() | primary(frame.assign(figure_value=frame["value"]), chosen,
                                                                 counts, percents),
    })
    withheld = secondary(cells, chosen, area_parents(areas), set(flows), set(cumulative), set(percents))
    suppressed = cells[cells["hidden"]]
    primary_keys = frozenset(zip(*(suppressed[name].astype(str).tolist() for name in ("indicator_id", "area_code", "period"))))
    return Shield(chosen, counts, percents, rates, frozenset(withheld), primary_keys)


_CACHE: OrderedDict = OrderedDict()
_LOCK = threading.Lock()


def shield(store, catalogue, areas, only=None) -> Shield:
    """The decision for the store's data now, worked out once per data version and rules.

    `only` (indicator ids) limits the work to those, for a page about one benchmark
    indicator: the decision for an indicator does not depend on any other's figures."""
    chosen = rules(store)
    only = tuple(sorted(only)) if only is not None else None
    loads = store.data_version()[:-1]  # its last part counts commentary, which changes no figure
    key = (id(store), str(store.engine.url), loads, chosen,
           only or tuple(indicator.id for indicator in catalogue), id(areas))
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        found = build(store, catalogue, areas, chosen, only)
        _CACHE[key] = found
        while len(_CACHE) > 16:
            _CACHE.popitem(last=False)
        return found
