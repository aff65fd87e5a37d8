"""DfE Local Authority Interactive Tool (LAIT) long data and its data dictionary.

Every measure loads for every LA, region and England. A measure the catalogue names (its
`lait_code`) loads as that indicator; any other becomes a benchmark indicator described
by the dictionary, so it can be added to a scorecard later.

The file's quirks: `Data item` is filled only on a block's first row; `Values` is text
with float artefacts ('9.3699999999999992') and '-' for missing; regions and England
have pseudo LA numbers (970, 980-990); predecessor LAs ('Bournemouth (Pre LG)') keep
their own codes; year labels carry notes ('2016-17 (OT)', '2025 (prov)').

All work is column-wise: the 641,070 rows are never looped over in Python; only the
few hundred distinct measures, areas and year labels are.
"""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.context import LoadContext
from loaders.problems import Problem, Severity
from loaders.tidy import latest_year, observations, sourced
from scorecard.store import Batch
from loaders.values import parse_values
from loaders.yearly import year_ending
from scorecard import periods
from scorecard.model import MeasureType, PeriodType, Polarity, Unit
from scorecard.provenance import DataSource, SourceKind
from scorecard.reference import benchmark_indicators

KINDS = ("lait", "lait_dictionary")
DATA_COLUMNS = ("Short Desc", "Years", "LA Number", "Values")
DICTIONARY_COLUMNS = ("Measure_short", "Polarity", "Year_Type")
# What each kind reads: `--as KIND` on a file without them is refused before reading.
COLUMNS = {"lait": (*DATA_COLUMNS, "Data item", "LA and Regions"), "lait_dictionary": DICTIONARY_COLUMNS}
DICTIONARY_NAME = "lait_data_dictionary.csv"
SOURCE = "DfE Local Authority Interactive Tool (LAIT)"
# A year label's note: outturn, revised, final, provisional ('2016-17 (OT)', '2018 (Revised)',
# '2025 (prov)'). The figure is the same kind as the plain year's.
YEAR_NOTE = re.compile(
    r"\s*[(\[]\s*(?:ot|outturn|rev|revised|final|prov|provisional|p|r)\.?\s*[)\]]\s*$", re.IGNORECASE
)
# Any other note in brackets: still the year before it, with a warning to check the figures.
OTHER_NOTE = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")
POLARITY = {"high": Polarity.HIGHER_IS_BETTER, "low": Polarity.LOWER_IS_BETTER}
# The dictionary's Year_Type: the kind of period, and whether the figure is on a date.
YEAR_TYPES = {
    "academic year": (PeriodType.ACADEMIC_YEAR, MeasureType.FLOW),
    "financial year": (PeriodType.FINANCIAL_YEAR, MeasureType.FLOW),
    "calendar year": (PeriodType.CALENDAR_YEAR, MeasureType.FLOW),
    "annual": (PeriodType.FINANCIAL_YEAR, MeasureType.SNAPSHOT),  # at 31 March (CLA, CIN)
    "annual (end of sept)": (PeriodType.MONTH, MeasureType.SNAPSHOT),
    "annual - january": (PeriodType.MONTH, MeasureType.SNAPSHOT),  # the January school census
}
SNAPSHOT_DAY = {"annual (end of sept)": (9, 30), "annual - january": (1, 31)}


def detect(source) -> str | None:
    columns = source.columns
    if set(DATA_COLUMNS) <= columns:
        return "lait"
    if set(DICTIONARY_COLUMNS) <= columns:
        return "lait_dictionary"
    return None


def read(source, kind: str, context: LoadContext, problems: list[Problem]) -> Batch:
    if kind == "lait_dictionary":
        dictionary = read_dictionary(source.path)
        source.rows_read = len(dictionary)
        entries = dictionary.to_dict("index")
        # Measures a data load has described already keep what it found (their decimals): a
        # dictionary loaded alone, before or after, never changes them.
        described = {indicator.lait_code for indicator in benchmark_indicators(context.store)} if context.store else set()
        codes = set(dictionary["Measure_short"]) - described
        return Batch(indicators=benchmark_rows(entries, context, codes))
    # The sheet is parsed outside the GIL (fastexcel): read the dictionary meanwhile.
    with ThreadPoolExecutor(max_workers=1) as pool:
        reading = pool.submit(read_data, source.path)
        entries = _dictionary_beside(source.path, problems).to_dict("index")
        data = reading.result()
    source.rows_read = len(data)
    found = lait_observations(data, entries, context, source.name, problems)
    batch = Batch(
        {"observation": found},
        indicators=benchmark_rows(entries, context, set(data["Short Desc"].unique()), data, found),
    )
    # A compilation of DfE's releases: each extract is named by its latest year, so an older
    # extract loaded later never overrides a newer one.
    return sourced(batch, DataSource("DfE", "lait", latest_year(found), SourceKind.COMPILATION, SOURCE))


# Reading ----------------------------------------------------------------------------------


def read_data(path: Path) -> pd.DataFrame:
    """The long table with every column as text (None where a cell is empty)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        frame = pd.read_parquet(path)
    elif suffix in (".xlsx", ".ods"):  # fastexcel reads OpenDocument sheets too
        import fastexcel

        # Text where a symbol can stand in for a number: '-' must not be coerced to null.
        text = {name: "string" for name in ("Short Desc", "Data item", "Years", "LA and Regions", "Values")}
        wanted = lambda column: column.name.strip() in (*text, "LA Number")  # noqa: E731
        # Eager: straight to one Arrow record batch, then zero-copy into pandas.
        batch = fastexcel.read_excel(str(path)).load_sheet(0, dtypes=text, use_columns=wanted, eager=True)
        frame = batch.to_pandas(types_mapper=pd.ArrowDtype)
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [str(column).strip() for column in frame.columns]
    return frame


def read_dictionary(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [str(column).strip() for column in frame.columns]
    # A few measures are listed twice (once per topic): the first description serves.
    return frame.drop_duplicates("Measure_short").set_index("Measure_short", drop=False)


def _dictionary_beside(path: Path, problems: list[Problem]) -> pd.DataFrame:
    """LAIT publishes its dictionary as a separate file: look for it next to the data."""
    candidates = [path.parent / DICTIONARY_NAME, *sorted(path.parent.glob("*dictionary*.csv"))]
    found = next((candidate for candidate in candidates if candidate.is_file()), None)
    if found is None:
        problems.append(
            Problem(
                path.name,
                "",
                f"no LAIT data dictionary ({DICTIONARY_NAME}) next to the file, so measures "
                "outside the catalogue are described only by their LAIT name, with no polarity",
                f"Put {DICTIONARY_NAME} in the same folder and load again to describe them",
                Severity.WARNING,
            )
        )
        return pd.DataFrame(columns=[*DICTIONARY_COLUMNS, "Measure"]).set_index("Measure_short", drop=False)
    return read_dictionary(found)


# Measures ---------------------------------------------------------------------------------


def benchmark_id(code: str) -> str:
    return "lait_" + (re.sub(r"[^a-z0-9]+", "_", code.lower()).strip("_") or "measure")


def measure_ids(codes, context: LoadContext) -> dict[str, str]:
    """Each LAIT code's indicator id: the catalogue's where it has one, else a benchmark id."""
    ids: dict[str, str] = {}
    taken = set(context.catalogue.indicators)
    for code in sorted(codes):
        indicator = context.catalogue.by_lait_code(code)
        if indicator is not None:
            ids[code] = indicator.id
            continue
        candidate, number = benchmark_id(code), 2
        while candidate in taken:  # 'LAC_Stable%' and 'LAC_Stable' must stay apart
            candidate, number = f"{benchmark_id(code)}_{number}", number + 1
        taken.add(candidate)
        ids[code] = candidate
    return ids


def _kind_of_period(code: str, entries: dict[str, dict], context: LoadContext) -> tuple[PeriodType, MeasureType, str]:
    """entries: the dictionary's rows by measure code."""
    indicator = context.catalogue.by_lait_code(code)
    if indicator is not None:
        return indicator.period_type, indicator.measure_type, ""
    year_type = str(entries[code]["Year_Type"]).strip().lower() if code in entries else ""
    period_type, measure_type = YEAR_TYPES.get(year_type, (PeriodType.FINANCIAL_YEAR, MeasureType.FLOW))
    return period_type, measure_type, year_type


def _unit(axis: str, measure: str) -> tuple[Unit, int]:
    text = f"{axis} {measure}".lower()
    if "%" in axis or "percent" in text or "proportion" in text:
        return Unit.PERCENT, 100
    if match := re.search(r"per\s*([\d,]+)", text):
        return Unit.RATE, int(match.group(1).replace(",", ""))
    if "£" in text or "spend" in text or "cost" in text:
        return Unit.POUNDS, 1
    if "score" in text:
        return Unit.SCORE, 1
    if "days" in text:
        return Unit.DAYS, 1
    if "weeks" in text:
        return Unit.WEEKS, 1
    return Unit.NUMBER, 1


def benchmark_rows(entries: dict[str, dict], context: LoadContext, codes: set[str], data=None,
                   found: pd.DataFrame | None = None) -> list[dict]:
    """Indicator rows for the measures the catalogue does not name, from the dictionary's
    rows by measure code (`entries`); `found`, the observations read, gives the decimals of
    measures the dictionary gives none for."""
    ids = measure_ids(codes, context)
    titles, shown = {}, {}
    if data is not None:  # the data's own title, for measures the dictionary lacks
        firsts = data.loc[data["Data item"].notna(), ["Short Desc", "Data item"]]
        firsts = firsts[firsts["Data item"].str.strip() != ""].drop_duplicates("Short Desc")
        titles = dict(zip(firsts["Short Desc"], firsts["Data item"].str.strip(), strict=True))
    if found is not None:
        undeclared = {ids[code]: code for code in codes
                      if not str(entries.get(code, {}).get("dps", "") or "").strip().isdigit()}
        by_id = decimals_shown(found[found["indicator_id"].isin(list(undeclared))])
        shown = {undeclared[indicator_id]: places for indicator_id, places in by_id.items()}
    rows = []
    for code in sorted(codes):
        if context.catalogue.by_lait_code(code) is not None:
            continue
        entry = entries.get(code, {})
        get = lambda name: str(entry.get(name, "") or "").strip()  # noqa: E731
        title = get("Measure") or titles.get(code) or code
        unit, multiplier = _unit(get("y_axis_name"), title)
        period_type, measure_type, _ = _kind_of_period(code, entries, context)
        # LAIT shows a measure at its dictionary's decimals (dps); where it gives none, at those
        # its figures carry (2 at most: more are arithmetic, not precision).
        default = shown.get(code, 0 if unit == Unit.NUMBER else 1)
        decimals = int(get("dps")) if get("dps").isdigit() else min(default, 2)
        rows.append(
            {
                "id": ids[code],
                "title": title,
                "short_title": get("Chart_title") or title,
                "polarity": POLARITY.get(get("Polarity").lower(), Polarity.NONE).value,
                "unit": unit.value,
                "multiplier": multiplier,
                "decimals": decimals,
                "period_type": period_type.value,
                "measure_type": measure_type.value,
                "population_age_band": None,
                "population_sex": None,
                "definition": re.sub(r"\r+\n?", "\n", get("Description")) or title,
                "source": f"{SOURCE}; {get('Data Owner (DO) /Supplier and Contact Details')}".rstrip("; "),
                "ni_code": None,
                "lait_code": code,
                "has_localities": False,
                "is_benchmark": True,
            }
        )
    return rows


def decimals_shown(found: pd.DataFrame) -> dict[str, int]:
    """Per indicator, the fewest decimals that write every one of its figures exactly (up to
    6): LAIT's text carries float artefacts ('9.3699999999999992'), so the count is of the
    numbers read, not of the text."""
    found = found[["indicator_id", "value"]].dropna()
    places = np.full(len(found), 6)
    scaled = found["value"].to_numpy(dtype="float64")
    for decimals in range(6, -1, -1):  # the fewest decimals at which each figure is whole
        shifted = scaled * 10.0 ** decimals
        whole = np.abs(shifted - np.round(shifted)) < 1e-6 * np.maximum(1, np.abs(shifted))
        places = np.where(whole, decimals, places)
    return found.assign(places=places).groupby("indicator_id", observed=True)["places"].max().astype(int).to_dict()


# Periods ----------------------------------------------------------------------------------

_SINGLE = re.compile(r"^(\d{4})$")
_SPAN = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})$")
_MULTI_SPAN = re.compile(r"^(\d{4})/(\d{2})\s*-\s*(\d{2})/(\d{2})$")


def lait_period(label: str, period_type: PeriodType, measure_type: MeasureType, year_type: str = "") -> periods.Period | None:
    """A LAIT year label as the period its measure is kept in; None if it is not a year."""
    text = OTHER_NOTE.sub("", YEAR_NOTE.sub("", str(label))).strip()
    if match := _MULTI_SPAN.match(text):  # '2013/14-15/16': three years, Sep or Apr start
        first, last = int(match.group(1)), 2000 + int(match.group(4))
        start_month = 9 if period_type == PeriodType.ACADEMIC_YEAR else 4
        return periods.Period(_end_of(last, start_month), date(first, start_month, 1), PeriodType.MULTI_YEAR, text)
    if match := _SINGLE.match(text):
        year = int(match.group(1))
    elif match := _SPAN.match(text):
        first = int(match.group(1))
        second = int(match.group(2)) if len(match.group(2)) == 4 else first // 100 * 100 + int(match.group(2))
        if second - first > 1:  # '2014-16': a rolling average over calendar years
            return periods.multi_year(first, second)
        if second != first + 1:
            return None
        year = second
    else:
        return None
    if year_type in SNAPSHOT_DAY:
        month_number, day = SNAPSHOT_DAY[year_type]
        return periods.snapshot(date(year, month_number, day))
    return year_ending(year, period_type, measure_type) or periods.calendar_year(year)


def _end_of(year: int, start_month: int) -> date:
    """The last day before a year starting in `start_month` of `year` (31 Aug or 31 Mar)."""
    return date(year, 8, 31) if start_month == 9 else date(year, 3, 31)


# Observations -----------------------------------------------------------------------------


def _factorize_text(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Each row's position among the column's distinct values, spaces trimmed."""
    positions, distinct = pd.factorize(column.fillna(""))
    trimmed = [str(text).strip() for text in distinct]
    if len(set(trimmed)) < len(trimmed):  # ' LAC' and 'LAC' are one measure
        merged, trimmed = pd.factorize(pd.Series(trimmed))
        positions, trimmed = merged[positions], list(trimmed)
    return positions, trimmed


def _labels(labels, index: np.ndarray) -> pd.Series:
    """labels[index] for every row, kept as a category: each row holds a small integer and the
    few distinct labels are held once (no string per row, in Python or in Arrow). DuckDB reads
    the column as text."""
    distinct, position = np.unique(np.asarray(list(labels), dtype=object), return_inverse=True)
    return pd.Series(pd.Categorical.from_codes(position.astype(np.int32)[index], distinct))


def lait_observations(
    data: pd.DataFrame, entries: dict[str, dict], context: LoadContext, file_name: str, problems: list[Problem],
) -> pd.DataFrame:
    """Each column is reduced to its few distinct values (434 measures, 65 year labels,
    170 areas), those are worked out once, and rows pick theirs up by integer position."""
    measure_of_row, measures = _factorize_text(data["Short Desc"])
    year_of_row, year_labels = _factorize_text(data["Years"])
    ids = measure_ids(measures, context)

    # Areas: LA numbers (pseudo numbers for regions and England); names where there is none.
    numbers = data["LA Number"]
    if numbers.dtype.kind not in "fi":
        numbers = pd.to_numeric(numbers.astype(str).str.strip(), errors="coerce")
    if numbers.isna().any():
        names = data["LA and Regions"].astype(str).str.strip()
        place_of_row, places = pd.factorize(pd.Series(numbers).astype("float64").fillna(-1).astype(str) + "|" + names)
    else:
        place_of_row, places = pd.factorize(pd.Series(numbers).astype("float64"))
    # Each place's first row: factorize numbers places in order of appearance, so a place
    # first appears where the running highest number so far goes up.
    highest = np.maximum.accumulate(place_of_row)
    first_rows = np.flatnonzero(np.diff(highest, prepend=-1) > 0)
    # Names are needed only where each place first appears: trimmed there, not on every row.
    first_names = data["LA and Regions"].take(first_rows).astype(str).str.strip()
    area_of_place = []
    for row, name in zip(first_rows.tolist(), first_names.tolist(), strict=True):
        number = numbers.iat[row]
        area = context.areas.resolve(str(int(number))) if pd.notna(number) else None
        area = area or context.areas.resolve(name)
        area_of_place.append(area.code if area else "")
        if area is None:
            problems.append(
                Problem(
                    file_name, f"row {row + 2}, column LA and Regions",
                    f"'{name}' (LA number {number}) is not an area Scorecard knows",
                    "Check it against the DfE LA code list",
                )
            )
    area_known = np.asarray([code != "" for code in area_of_place], dtype=bool)[place_of_row]

    # Periods: one per measure and year label present, then picked up by each row.
    pair_of_row, pairs = pd.factorize(measure_of_row.astype(np.int64) * len(year_labels) + year_of_row)
    measures, year_labels = list(measures), list(year_labels)
    kinds = {code: _kind_of_period(code, entries, context) for code in measures}
    found = [
        lait_period(year_labels[pair % len(year_labels)], *kinds[measures[pair // len(year_labels)]])
        for pair in pairs.tolist()
    ]
    no_period = np.asarray([p is None for p in found])[pair_of_row]
    if no_period.any():
        labels = sorted({year_labels[index] for index in set(year_of_row[no_period].tolist())})
        problems.append(
            Problem(
                file_name, "column Years",
                f"{int(no_period.sum()):,} rows have a year Scorecard cannot read "
                f"({', '.join(repr(label) for label in labels[:5])}); they are left out",
                "Check those rows in LAIT; a year such as '2024', '2024-25' or '2014-16' loads",
                Severity.WARNING,
            )
        )

    parsed = parse_values(data["Values"])
    bad = (parsed.not_a_number | parsed.excel_error).to_numpy()
    for index in np.flatnonzero(bad)[:20]:
        problems.append(
            Problem(
                file_name, f"row {index + 2}, column Values",
                f"'{data['Values'].iat[index]}' is not a number or a known symbol",
                "Correct the value, or use a symbol such as - (missing) or c (suppressed)",
            )
        )
    unknown_note = np.asarray(
        [not YEAR_NOTE.search(label) and bool(OTHER_NOTE.search(label)) for label in year_labels], dtype=bool
    )[year_of_row] & ~no_period
    if unknown_note.any():
        labels = sorted({year_labels[index] for index in set(year_of_row[unknown_note].tolist())})
        problems.append(
            Problem(
                file_name, "column Years",
                f"{int(unknown_note.sum()):,} rows have a note on their year that Scorecard does not know "
                f"({', '.join(repr(label) for label in labels[:5])}); they are read as the year before the note",
                "Check in LAIT that those figures are the final ones for that year",
                Severity.WARNING,
            )
        )

    # Text like '7.0000000000000007E-2' means 0.07: drop the artefact, keep real precision.
    values = parsed.value.round(10).to_numpy()

    keep = np.flatnonzero(~no_period & area_known)
    indicator_of_measure = [ids[code] for code in measures]
    period_of_pair = [p.label if p else "" for p in found]
    # Two labels of one year ('2018' and '2018 (Rev)') would be the same observation twice.
    period_code_of_pair = pd.factorize(pd.Series(period_of_pair))[0]
    key = (measure_of_row[keep].astype(np.int64) * 100_000 + period_code_of_pair[pair_of_row[keep]]) * 10_000 + place_of_row[keep]
    duplicated = pd.Series(key).duplicated().to_numpy()
    if duplicated.any():
        row = keep[int(np.flatnonzero(duplicated)[0])]
        problems.append(
            Problem(
                file_name, "",
                f"{int(duplicated.sum()):,} rows repeat a measure, area and year already in the file "
                f"(first: {indicator_of_measure[measure_of_row[row]]} for {area_of_place[place_of_row[row]]} "
                f"in {period_of_pair[pair_of_row[row]]})",
                "Remove the repeated rows",
            )
        )

    # Rows in the order of the observation key (indicator, area, period): the database builds
    # its key index faster from ordered rows. Sorted on small integer ranks, not on text.
    keep = keep[
        np.lexsort(
            (
                _ranks(period_of_pair)[pair_of_row[keep]],
                _ranks(area_of_place)[place_of_row[keep]],
                _ranks(indicator_of_measure)[measure_of_row[keep]],
            )
        )
    ]
    status_of_row, statuses = pd.factorize(parsed.status)
    pair_kept = pair_of_row[keep]
    starts = pd.to_datetime([p.start if p else None for p in found]).to_numpy()
    ends = pd.to_datetime([p.end if p else None for p in found]).to_numpy()
    return observations(
        indicator_id=_labels(indicator_of_measure, measure_of_row[keep]),
        area_code=_labels(area_of_place, place_of_row[keep]),
        breakdown=_labels(["all"], np.zeros(len(keep), dtype=np.intp)),
        period=_labels(period_of_pair, pair_kept),
        period_type=_labels([p.type.value if p else "" for p in found], pair_kept),
        period_start=starts[pair_kept],
        period_end=ends[pair_kept],
        value=values[keep],
        status=_labels(list(statuses), status_of_row[keep]),
    )


def _ranks(labels: list[str]) -> np.ndarray:
    """Each label's position in sorted order (equal labels share one)."""
    return np.unique(np.asarray(labels, dtype=object), return_inverse=True)[1].astype(np.int64)
