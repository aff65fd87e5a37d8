"""DfE Explore Education Statistics (EES) tidy CSVs, read as data/sources.yaml declares.

An EES file has one row per period, area and filter combination: `time_period`,
`time_identifier`, `geographic_level`, the geography codes, then filters (such as
`category` or `age`) and measures. sources.yaml says which dataset a file is (by its
columns and filter values, release by release), which rows and columns give each catalogue
indicator and how the publisher rounded its counts. Every other measure loads as a
benchmark indicator, labelled from EES's metadata file (`<name>.meta.csv`) when it sits
beside the data.

The published rate or percentage is kept as the observation's value (the figure of record
is the publisher's); the metrics layer works out its own only where none is published.
"""

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.context import LoadContext
from loaders.problems import Problem, Severity
from loaders.sources import Dataset, Mapping, first_present, load_sources
from loaders.tables import RawTable
from loaders.tidy import latest_year, observations, sourced
from loaders.values import ParsedValues, parse_values
from loaders.yearly import year_ending
from scorecard import periods
from scorecard.model import MeasureType, PeriodType, Polarity, Unit
from scorecard.provenance import DataSource, SourceKind
from scorecard.store import Batch

GEOGRAPHY_COLUMNS = ("time_period", "time_identifier", "geographic_level")
LEVELS = {"National": "england", "Regional": "region", "Local authority": "la"}
# EES's standard time and geography columns: never a filter or a measure.
PLACE_COLUMNS = {
    *GEOGRAPHY_COLUMNS, "country_code", "country_name", "region_code", "region_name", "old_la_code",
    "new_la_code", "la_name", "lad_code", "lad_name", "pcon_code", "pcon_name", "rsc_region_lead_name",
    "local_enterprise_partnership_code", "local_enterprise_partnership_name", "english_devolved_area_code",
    "english_devolved_area_name", "opportunity_area_code", "opportunity_area_name", "ward_code", "ward_name",
}
PERIOD_TYPES = {
    "Reporting year": PeriodType.FINANCIAL_YEAR,  # DfE social care: the year ending 31 March
    "Financial year": PeriodType.FINANCIAL_YEAR,
    "Academic year": PeriodType.ACADEMIC_YEAR,
    "Calendar year": PeriodType.CALENDAR_YEAR,
}


def sources():
    return load_sources()


# An EES file of a dataset sources.yaml does not declare: every measure a benchmark indicator.
UNDECLARED = "ees_other"
# Read when the loaders are imported: a broken sources.yaml stops every load with each of
# its problems listed, rather than failing on some files only.
KINDS = (*sources().kinds, UNDECLARED)


def detect(columns, rows: Callable[[], pd.DataFrame] | None = None) -> str | None:
    """The kind of the first dataset with a layout the file matches. `rows()` gives the
    file's rows; it is called only when a layout names filter values to look for."""
    columns = set(columns)
    if not set(GEOGRAPHY_COLUMNS) <= columns:
        return None
    for dataset in sources().datasets:
        for layout in dataset.layouts:
            missing, _ = dataset.layout_problems(layout, columns)
            if missing:
                continue
            if layout.values and rows is not None and dataset.layout_problems(layout, columns, rows())[1]:
                continue
            return dataset.kind
    # Near a declared layout (a column of its own present, or a filter value respelled), the
    # file is more likely a changed release than a new dataset: refuse it, naming the layout.
    if any(_near(dataset, layout, columns, rows) for dataset in sources().datasets for layout in dataset.layouts):
        return None
    return UNDECLARED


def _near(dataset: Dataset, layout, columns: set, rows) -> bool:
    own = [column for column in layout.columns if column not in GEOGRAPHY_COLUMNS]
    present = sum(column in columns for column in own)
    if own and present < len(own) and present >= len(own) / 2:  # 'number' alone is everywhere
        return True
    return bool(layout.values) and not dataset.layout_problems(layout, columns)[0] and rows is not None


def undeclared(file_name: str) -> Dataset:
    """A dataset for an EES file sources.yaml does not declare, named from the file with its
    years left out, so each release of it gives the same benchmark indicators."""
    stem = re.sub(r"\.[a-z]+$", "", file_name.lower())
    stem = re.sub(r"[_ -]*(19|20)\d{2}(\d{2})?([_ -]*(to|-)?[_ -]*(19|20)\d{2}(\d{2})?)?", "", stem)
    slug = _slug(stem) or "dataset"
    return Dataset(id=slug, kind=f"{UNDECLARED}_{slug}", title=f"{file_name} (an Explore Education Statistics file)",
                   publisher="DfE", layouts=())


def expected_columns(kind: str) -> list[tuple[str, tuple[str, ...]]]:
    """(layout name, columns) for each layout of a kind, the time and place columns first."""
    dataset = sources().by_kind(kind)
    if dataset is None:
        return []
    return [(f"{kind} ({layout.name})", (*GEOGRAPHY_COLUMNS, *layout.columns)) for layout in dataset.layouts]


def compare(columns, rows: Callable[[], pd.DataFrame] | None = None) -> list[tuple[float, str]]:
    """How near a file is to each EES layout: (share of the layout's columns it has, what it
    lacks), for telling someone why a file was not recognised."""
    columns = set(columns)
    found = []
    for dataset in sources().datasets:
        for layout in dataset.layouts:
            name = f"{dataset.kind} ({dataset.id}, {layout.name})"
            expected = (*GEOGRAPHY_COLUMNS, *layout.columns)
            missing = [column for column in expected if column not in columns]
            if missing:
                share = 1 - len(missing) / len(expected)
                found.append((share, f"{name} has {len(expected) - len(missing)} of its {len(expected)} "
                                     f"columns, lacking {', '.join(missing)}"))
            elif rows is not None and (unmatched := dataset.layout_problems(layout, columns, rows())[1]):
                found.append((0.99, f"{name} has every column, but {'; '.join(unmatched)}"))
    return found


# Areas and periods ------------------------------------------------------------------------


def area_codes(table: RawTable, context: LoadContext, problems: list[Problem]) -> pd.Series:
    """The GSS code of each row's area; '' where it could not be found (a problem is logged)."""
    frame = table.frame
    blank = pd.Series("", index=frame.index)
    level = frame["geographic_level"].str.strip()
    codes = pd.Series("", index=frame.index, dtype="object")
    codes[level == "National"] = context.areas.get("E92000001").code
    regional = level == "Regional"
    codes[regional] = frame.get("region_code", blank)[regional].str.strip()
    local = level == "Local authority"
    new_code = frame.get("new_la_code", blank).str.strip()
    old_code = frame.get("old_la_code", blank).str.strip()
    name = frame.get("la_name", blank).str.strip()
    keys = pd.DataFrame({"new": new_code, "old": old_code, "name": name})[local].drop_duplicates()
    resolved = {}
    for new, old, la_name in keys.itertuples(index=False):
        area = next(
            (found for text in (new, old, la_name) if text and (found := context.areas.resolve(text))),
            None,
        )
        resolved[(new, old, la_name)] = area.code if area else ""
    codes[local] = [
        resolved[key] for key in zip(new_code[local], old_code[local], name[local], strict=True)
    ]
    unknown = local & (codes == "")
    for index in frame.index[unknown][:20]:
        problems.append(
            Problem(
                table.file_name,
                table.location(index, "new_la_code" if "new_la_code" in frame else "geographic_level"),
                f"'{name[index]}' ({new_code[index] or old_code[index]}) is not an English local "
                "authority Scorecard knows",
                "Check the code against the DfE LA code list",
            )
        )
    # Sub-national levels such as 'Local authority district' are outside the scorecard.
    codes[~level.isin(list(LEVELS))] = ""
    return codes


def _period(text: str, identifier: str, period_type, measure_type) -> periods.Period | None:
    text, identifier = text.strip(), identifier.strip()
    if identifier in ("Reporting year", "Calendar year") and len(text) == 4 and text.isdigit():
        # A reporting year ends on 31 March; NCCIS's calendar year 2023 is its Dec-Feb average,
        # which LAIT labels 2023 too: both become the indicator's year ending then.
        found = year_ending(int(text), period_type, measure_type)
        if found is not None or identifier == "Reporting year":
            return found
        return periods.calendar_year(int(text))
    if identifier == "Academic year" and len(text) == 6 and text.isdigit():
        return periods.academic_year(int(text[:4]))
    if identifier == "Financial year" and len(text) == 6 and text.isdigit():
        return periods.financial_year(int(text[:4]))
    return None


def _periods(table: RawTable, rows: pd.Index, period_type, measure_type, problems, reported: set) -> list:
    """The period of each of `rows`; an unreadable period is reported once per file."""
    frame = table.frame
    pairs = list(zip(frame.loc[rows, "time_period"], frame.loc[rows, "time_identifier"], strict=True))
    found = {pair: _period(*pair, period_type, measure_type) for pair in set(pairs)}
    result = [found[pair] for pair in pairs]
    for index, period in zip(rows, result, strict=True):
        if period is None and "period" not in reported:
            reported.add("period")
            problems.append(
                Problem(
                    table.file_name,
                    table.location(index, "time_period"),
                    f"'{frame.at[index, 'time_period']}' ({frame.at[index, 'time_identifier']}) "
                    "is not a period Scorecard can read",
                    "Use the DfE time_period and time_identifier as published",
                )
            )
    return result


# Reading ----------------------------------------------------------------------------------


def read(table: RawTable, kind: str, context: LoadContext, problems: list[Problem]) -> Batch:
    """The file's figures as the dataset named by `kind`, naming the dataset as their source."""
    dataset = sources().by_kind(kind)
    if dataset is None:  # UNDECLARED
        dataset = undeclared(table.file_name)
        problems.append(Problem(
            table.file_name, "",
            "this Explore Education Statistics dataset is not declared in data/sources.yaml, so each of its "
            "measures loads as a benchmark indicator",
            "To show one as a catalogue indicator, declare the dataset in data/sources.yaml", Severity.WARNING,
        ))
    codes = area_codes(table, context, problems)
    if dataset.population:
        frame = read_population(table, dataset, codes, problems)
        batch = Batch({"population": frame})
    else:
        frame, indicators = read_observations(table, dataset, codes, context, problems)
        batch = Batch({"observation": frame}, indicators=indicators)
    release = latest_year(frame)
    source = DataSource(dataset.publisher, dataset.id, release, SourceKind.OFFICIAL, dataset.title)
    return sourced(batch, source)


def read_observations(table, dataset: Dataset, codes, context, problems) -> tuple[pd.DataFrame, list[dict]]:
    frame = table.frame
    known = (codes != "").to_numpy()
    rounding = frame["geographic_level"].str.strip().map(dataset.count_rounding).astype("Int64")
    taken: dict[str, np.ndarray] = {}  # measure column -> the rows a catalogue indicator used
    reported: set = set()
    frames = []
    for mapping in dataset.indicators:
        if mapping.indicator_id not in context.catalogue.indicators:
            continue  # a catalogue without this indicator (tests, a council's own catalogue)
        found = _mapped(table, dataset, mapping, codes, known, rounding, context, problems, taken, reported)
        if found is not None:
            frames.append(found)
    extra, indicators = _benchmarks(table, dataset, codes, known, rounding, context, problems, taken, reported)
    frames += extra
    if not frames:
        empty = observations(indicator_id=[], area_code=[], period=[], period_type=[], period_start=[],
                             period_end=[])
        return empty, indicators
    combined = pd.concat(frames, ignore_index=True)
    combined = combined[combined["period"] != ""].reset_index(drop=True)
    _check_duplicates(table, combined, problems)
    return combined, indicators


def _selected(frame: pd.DataFrame, dataset: Dataset, where: dict) -> np.ndarray | None:
    """Rows whose filters hold one of the wanted values; None when a filter has no column."""
    keep = np.ones(len(frame), dtype=bool)
    for name, wanted in where.items():
        column = dataset.filter_column(name, frame.columns)
        if column is None:
            return None
        keep &= frame[column].str.strip().isin(wanted).to_numpy()
    return keep


def _mapped(table, dataset, mapping: Mapping, codes, known, rounding, context, problems, taken, reported):
    """One catalogue indicator's observations, or None when the file does not give it."""
    frame = table.frame
    indicator = context.catalogue.indicators[mapping.indicator_id]
    selected = _selected(frame, dataset, mapping.where)
    chosen = {
        part: first_present(getattr(mapping, part), frame.columns) for part in ("numerator", "denominator", "value")
    }
    if selected is None or not (chosen["numerator"] or chosen["value"]):
        lacking = [name for name in mapping.where if dataset.filter_column(name, frame.columns) is None]
        wanted = lacking or [*mapping.numerator, *mapping.value]
        problems.append(
            Problem(
                table.file_name, "",
                f"{mapping.indicator_id} is not loaded: the file has no column "
                f"{' or '.join(wanted)}{' (a filter)' if lacking else ''}",
                "Check the file is a complete release of the dataset", Severity.WARNING,
            )
        )
        return None
    if mapping.where and not selected.any():
        wanted = "; ".join(f"{dataset.filter_column(name, frame.columns)} '{values[0]}'"
                           for name, values in mapping.where.items())
        problems.append(
            Problem(
                table.file_name, "", f"{mapping.indicator_id} is not loaded: no row has {wanted}",
                "If the release spells the value differently, add its spelling to data/sources.yaml",
                Severity.WARNING,
            )
        )
    keep = selected & known
    if not keep.any():
        return None
    rows = frame.index[keep]
    parsed = {}
    for part in ("numerator", "value"):
        if chosen[part]:
            parsed[part] = _parse(table, rows, chosen[part], problems)
            taken.setdefault(chosen[part], np.zeros(len(frame), dtype=bool))[keep] = True
    if chosen["denominator"] and mapping.denominator_where:
        parsed["denominator"] = _other_row(table, dataset, mapping, chosen["denominator"], rows, codes, known,
                                           problems, taken)
    elif chosen["denominator"]:
        parsed["denominator"] = _parse(table, rows, chosen["denominator"], problems)
        taken.setdefault(chosen["denominator"], np.zeros(len(frame), dtype=bool))[keep] = True
    row_periods = _periods(table, rows, indicator.period_type, indicator.measure_type, problems, reported)
    return _frame(mapping.indicator_id, codes[rows], row_periods, parsed, rounding[rows])


def _other_row(table, dataset, mapping, column, rows, codes, known, problems, taken):
    """The denominator from another row of the same area and period (the Total row of care
    leavers' activity), lined up with `rows`."""
    frame = table.frame
    other = _selected(frame, dataset, {**mapping.where, **mapping.denominator_where})
    other = (other if other is not None else np.zeros(len(frame), dtype=bool)) & known
    # The whole row is the mapping's total: none of its measures is a benchmark of its own
    # (its percentage is 100 everywhere).
    taken.setdefault("*", np.zeros(len(frame), dtype=bool))[other] = True
    source_rows = frame.index[other]
    parsed = _parse(table, source_rows, column, problems)
    key = lambda index: pd.MultiIndex.from_arrays(  # noqa: E731
        [codes[index], frame.loc[index, "time_period"], frame.loc[index, "time_identifier"]]
    )
    value = pd.Series(parsed.value.to_numpy(), index=key(source_rows))
    status = pd.Series(parsed.status.to_numpy(), index=key(source_rows))
    value, status = value[~value.index.duplicated()], status[~status.index.duplicated()]
    wanted = key(rows)
    parsed.value = pd.Series(value.reindex(wanted).to_numpy(), index=rows)
    parsed.status = pd.Series(status.reindex(wanted).fillna("").to_numpy(), index=rows)
    return parsed


def _frame(indicator_id: str, codes, row_periods, parsed: dict, rounding) -> pd.DataFrame:
    status = _combined_status(parsed)
    empty = np.full(len(row_periods), np.nan)
    return observations(
        indicator_id=indicator_id,
        area_code=np.asarray(codes),
        period=[p.label if p else "" for p in row_periods],
        period_type=[p.type.value if p else "" for p in row_periods],
        period_start=[p.start if p else None for p in row_periods],
        period_end=[p.end if p else None for p in row_periods],
        numerator=parsed["numerator"].value.to_numpy() if "numerator" in parsed else empty,
        denominator=parsed["denominator"].value.to_numpy() if "denominator" in parsed else empty,
        value=parsed["value"].value.to_numpy() if "value" in parsed else empty,
        status=status.to_numpy(),
        count_rounding=pd.array(rounding, dtype="Int64"),
    )


def _parse(table: RawTable, rows: pd.Index, column: str, problems: list[Problem], counts: bool = True):
    """A column's numbers and symbols on `rows`; text that is neither is reported. A count or a
    published rate cannot be negative (`counts`); a benchmark measure may be (progress 8)."""
    texts = table.frame.loc[rows, column]
    parsed = parse_values(texts)
    bad = parsed.not_a_number | parsed.excel_error
    for index in rows[bad.to_numpy()][:20]:
        problems.append(
            Problem(
                table.file_name,
                table.location(index, column),
                f"'{texts[index]}' is not a number or a known symbol",
                "Correct the value, or use a symbol such as c (suppressed) or x (not available)",
            )
        )
    if counts:
        for index in rows[(parsed.value < 0).to_numpy()][:20]:
            problems.append(
                Problem(
                    table.file_name,
                    table.location(index, column),
                    f"{texts[index]} is negative; a count or rate cannot be",
                    "Correct the value",
                )
            )
    return parsed


def _combined_status(parsed: dict) -> pd.Series:
    """The row's symbol: the headline count's symbol first, else the published value's."""
    for part in ("numerator", "value", "denominator"):
        if part in parsed:
            base = parsed[part].status.copy()
            break
    for part in ("numerator", "value"):
        if part in parsed:
            base = base.where(base != "", parsed[part].status)
    return base


def _check_duplicates(table: RawTable, frame: pd.DataFrame, problems: list[Problem]) -> None:
    duplicated = frame.duplicated(["indicator_id", "area_code", "period", "breakdown"], keep="first")
    for row in frame[duplicated].head(5).itertuples():
        problems.append(
            Problem(
                table.file_name, "",
                f"{row.indicator_id} for {row.area_code} in {row.period} appears more than once",
                "Remove the duplicate rows",
            )
        )


# Benchmark indicators: the measures no catalogue indicator takes ----------------------------


def read_meta(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
    """EES's metadata file beside the data (`<name>.meta.csv`): each column's type, label,
    unit and decimals. None when there is none (an uploaded file has no neighbours)."""
    meta_path = path.with_name(f"{path.stem}.meta.csv")
    if not meta_path.is_file():
        return None
    meta = pd.read_csv(meta_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    meta.columns = [str(column).strip() for column in meta.columns]
    if not {"col_name", "col_type", "label"} <= set(meta.columns):
        problems.append(
            Problem(
                meta_path.name, "", "this is not an EES metadata file (it needs col_name, col_type and label)",
                "Measures are described by their column names instead", Severity.WARNING,
            )
        )
        return None
    meta["col_name"] = meta["col_name"].str.strip()
    return meta.drop_duplicates("col_name").set_index("col_name")


def _measures_and_filters(frame: pd.DataFrame, dataset: Dataset, meta) -> tuple[list[str], list[str]]:
    """The measure and filter columns: as the metadata file says, else a column holding only
    numbers and symbols is a measure, unless sources.yaml names it as a filter."""
    others = [column for column in frame.columns if column not in PLACE_COLUMNS]
    if meta is not None:
        kinds = meta["col_type"].str.strip().str.lower()
        measures = [column for column in others if kinds.get(column) == "indicator"]
        filters = [column for column in others if kinds.get(column) == "filter"]
        return measures, filters
    declared = {
        dataset.filter_column(name, frame.columns)
        for mapping in dataset.indicators
        for name in (*mapping.where, *mapping.denominator_where)
    } | {dataset.filter_column(name, frame.columns) for layout in dataset.layouts for name in layout.values}
    declared |= {dataset.filter_column(name, frame.columns) for name in dataset.filters}
    measures, filters = [], []
    for column in others:
        if column in declared:
            filters.append(column)
            continue
        parsed = parse_values(frame[column])
        numeric = not (parsed.not_a_number | parsed.excel_error).any() and not parsed.blank.all()
        (measures if numeric else filters).append(column)
    return measures, filters


def _unit(column: str, meta_row) -> tuple[Unit, int]:
    unit = str(meta_row.get("indicator_unit", "") if meta_row is not None else "").strip()
    if unit == "%":
        return Unit.PERCENT, 100
    if unit.startswith("£"):
        return Unit.POUNDS, 1
    name = column.lower()
    if re.search(r"percent|(^|_)pt_|(^|_)pc$", name):
        return Unit.PERCENT, 100
    if "rate" in name:
        per = re.search(r"per_?(\d+)(k?)", name)
        # DfE's social care rates are per 10,000 children unless the column says otherwise.
        return Unit.RATE, (int(per.group(1)) * (1000 if per.group(2) else 1)) if per else 10_000
    if name.startswith("avg_") or "score" in name:
        return Unit.SCORE, 1
    return Unit.NUMBER, 1


def _decimals(texts: pd.Series, meta_row) -> int:
    """The metadata's decimals, else the most the file's own figures show (at most 4)."""
    dp = str(meta_row.get("indicator_dp", "") if meta_row is not None else "").strip()
    if dp.isdigit():
        return int(dp)
    shown = texts.str.extract(r"\.(\d+)\s*$")[0].str.len()
    return int(min(shown.max(), 4)) if shown.notna().any() else 0


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")


def _benchmarks(table, dataset, codes, known, rounding, context, problems, taken, reported):
    """One benchmark indicator per measure column and combination of the filters that vary,
    leaving out the rows a catalogue indicator took."""
    frame = table.frame
    meta = read_meta(table.path, problems)
    measures, filters = _measures_and_filters(frame, dataset, meta)
    measures = [column for column in measures if column not in dataset.benchmarks.skip]
    if not measures or not known.any():
        return [], []
    varying = [column for column in filters if frame.loc[known, column].nunique() > 1]
    if varying:
        keys = pd.DataFrame({column: frame.loc[known, column].str.strip() for column in varying})
        grouped = keys.groupby(varying[0] if len(varying) == 1 else varying, sort=False)
        groups = [((key if isinstance(key, tuple) else (key,)), index) for key, index in grouped.groups.items()]
    else:
        groups = [((), frame.index[known])]
    identifiers = frame["time_identifier"].str.strip()
    used_ids = set(context.catalogue.indicators)
    frames, rows = [], []
    for column in measures:
        meta_row = meta.loc[column] if meta is not None and column in meta.index else None
        label = column.replace("_", " ").capitalize() if meta_row is None else str(meta_row["label"]).strip()
        unit, multiplier = _unit(column, meta_row)
        decimals = _decimals(frame.loc[known, column], meta_row)
        parsed_all = _parse(table, frame.index[known], column, problems, counts=False)
        for values, index in groups:
            for used in (column, "*"):
                if used in taken:
                    index = index[~taken[used][frame.index.get_indexer(index)]]
            parsed = {"value": _subset(parsed_all, index)}
            has_data = parsed["value"].value.notna() | (parsed["value"].status != "")
            index = index[has_data.to_numpy()]  # blank cells are no data, not figures
            if index.empty:
                continue
            parsed = {"value": _subset(parsed_all, index)}
            words = " ".join([column, label, *values]).lower()
            measure_type = next(
                (MeasureType.SNAPSHOT for word in dataset.benchmarks.snapshot_when if word.lower() in words),
                dataset.benchmarks.measure_type,
            )
            period_type = dataset.benchmarks.period_type or PERIOD_TYPES.get(
                identifiers[index[0]], PeriodType.FINANCIAL_YEAR
            )
            slug = "_".join(_slug(text) for text in (column, *values))
            indicator_id = _unique(f"{dataset.kind}_{slug}", used_ids)
            title = label + (f" ({'; '.join(values)})" if values else "")
            row_periods = _periods(table, index, period_type, measure_type, problems, reported)
            frames.append(_frame(indicator_id, codes[index], row_periods, parsed, rounding[index]))
            # Where the figure is in the file, so an analyst can find it there.
            place = f"column {column}" + "".join(f", {name} '{value}'" for name, value in zip(varying, values))
            rows.append(_benchmark_row(dataset, indicator_id, title, f"{title}. In the file: {place}.", unit,
                                       multiplier, decimals, period_type, measure_type))
    return frames, rows


def _subset(parsed, index):
    """The parsed values of some rows, as the one part a benchmark observation has."""
    return ParsedValues(*(getattr(parsed, name).loc[index] for name in
                          ("value", "status", "blank", "percent", "excel_error", "not_a_number")))


def _unique(candidate: str, used: set[str]) -> str:
    found, number = candidate, 2
    while found in used:
        found, number = f"{candidate}_{number}", number + 1
    used.add(found)
    return found


def _benchmark_row(dataset, indicator_id, title, definition, unit, multiplier, decimals, period_type,
                   measure_type) -> dict:
    source = f"{dataset.publisher}, {dataset.title} (Explore Education Statistics dataset {dataset.id})"
    return {
        "id": indicator_id, "title": title, "short_title": title[:80], "polarity": Polarity.NONE.value,
        "unit": unit.value, "multiplier": multiplier, "decimals": decimals,
        "period_type": period_type.value, "measure_type": measure_type.value,
        "population_age_band": None, "population_sex": None,
        "definition": definition,
        "source": source, "ni_code": None, "lait_code": None, "has_localities": False, "is_benchmark": True,
    }


# Populations ------------------------------------------------------------------------------


def read_population(table: RawTable, dataset: Dataset, codes, problems: list[Problem]) -> pd.DataFrame:
    """ONS mid-year estimates as published in EES: time_period is the mid-year."""
    frame = table.frame
    age_column = first_present(dataset.population["age_group"], frame.columns)
    count_column = first_present(dataset.population["count"], frame.columns)
    if age_column is None or count_column is None:
        problems.append(
            Problem(table.file_name, "", "the file has no age group or population count column",
                    f"Scorecard reads {', '.join(dataset.population['count'])} by "
                    f"{', '.join(dataset.population['age_group'])}")
        )
        return pd.DataFrame(columns=["area_code", "mid_year", "age_band", "sex", "count", "status", "vintage"])
    bands = frame[age_column].map(_age_band)
    for index in frame.index[bands.isna()][:5]:
        problems.append(
            Problem(
                table.file_name,
                table.location(index, age_column),
                f"'{frame.at[index, age_column]}' is not an age band Scorecard uses",
                "Scorecard reads 'Children aged 0 to 17 years' and similar bands",
                Severity.WARNING,
            )
        )
    parsed = _parse(table, frame.index, count_column, problems)
    keep = (codes != "") & bands.notna()
    return pd.DataFrame(
        {
            "area_code": codes[keep],
            "mid_year": pd.to_numeric(frame.loc[keep, "time_period"], errors="coerce").astype("Int64"),
            "age_band": bands[keep],
            "sex": "persons",
            "count": parsed.value[keep],
            "status": parsed.status[keep],
            "vintage": f"ONS mid-year estimates, as published by DfE in {table.file_name}",
        }
    ).reset_index(drop=True)


def _age_band(text: str) -> str | None:
    match = re.search(r"(\d+)\s*(?:to|-)\s*(\d+)", str(text))
    return f"{match.group(1)}-{match.group(2)}" if match else None
