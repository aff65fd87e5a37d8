"""Older DfE 'underlying data' files in wide layouts (statistical first releases to about
2018): one row per area and one column per measure, the year often in the column name
(CLA_Mar2015, Elig_KS4_2012), and the areas coded however that release coded them:
New_geog_code with geog_l (level), geog_c (old LA code, region letter, 921 or 999 for
England) and geog_n (name); or country_code, gor_name, la_code, la_9digit and la_name.

Each family of files is declared in FAMILIES: for each catalogue indicator, the column
names (patterns) of its count, denominator and published value. A (?P<year>...) group in
a pattern gives the year the figure is for, (?P<mid_year>...) a population's mid-year (the
figure's year is the next). Without either, a year column gives the year, and failing that
the year in the file's name, which each family relates to its figures.
"""

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from loaders.context import LoadContext
from loaders.dfe_tables import heading_year
from loaders.problems import Problem, Severity
from loaders.tables import RawTable
from loaders.tidy import latest_year, observations, sourced
from loaders.values import parse_values
from loaders.yearly import year_ending
from scorecard.areas import normalise
from scorecard.provenance import DataSource, SourceKind
from scorecard.store import Batch

KINDS = ("dfe_underlying_wide",)


@dataclass(frozen=True)
class Measure:
    """Column-name patterns (whole name, any case) of one indicator's parts; the first
    pattern a column matches wins. Enough to make the figure is needed: the published
    value, or a count and what it is out of (its denominator, or an ONS population)."""

    indicator_id: str
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    value: tuple[str, ...] = ()


@dataclass(frozen=True)
class Family:
    dataset: str
    title: str
    measures: tuple[Measure, ...]
    # The figures' year is the year in the file's name plus this, when no column gives it;
    # None: such files always name the year in their columns.
    file_year_offset: int | None = None
    # DfE rounds national and regional counts in these files to the nearest 10; LA counts are exact.
    count_rounding: dict[str, int] = field(
        default_factory=lambda: {"england": 10, "region": 10, "subregion": 10})


FAMILIES = (
    # BenGoodair/childrens_social_care_data, Raw_Data/LA_level/Children_Placement_Characteristics/:
    # 2010/SFR27_2010_March.csv (geog_l, geog_c, geog_n; MarTotal_2010, Mid2009Pop0-17),
    # 2012/UnderlyingData/SFR20_CLA2012.csv and 2015/SFR34_CLA2015.csv (New_geog_code first; CLA_Mar2015).
    Family("cla_underlying_data", "Children looked after in England: underlying data", (
        Measure("cla_rate", numerator=(r"CLA_Mar(?P<year>\d{4})", r"MarTotal_(?P<year>\d{4})"),
                denominator=(r"Mid(?P<mid_year>\d{4})Pop0-17",)),
    )),
    # Outcomes for children looked after, offending (OC2), same repository, Children_Outcomes/:
    # 2012_underlying/SFR32_2012_OC2_LA_Tables_UD.csv (country, gor, la_code, la_9digit, la_name;
    # caution_conviction over CLA_12_months_2012_10plus) and 2016_LA/SFR41_OC22016.csv
    # (CLA_convicted over CLA_10over, the year only in the file's name).
    Family("cla_outcomes_underlying_data", "Outcomes for children looked after: underlying data", (
        Measure("cla_convicted", numerator=(r"caution_conviction", r"CLA_convicted"),
                denominator=(r"CLA_12_months_(?P<year>\d{4})_10plus", r"CLA_10over")),
    ), file_year_offset=0),
    # Key stage 4 of children looked after, same repository, Children_Outcomes/:
    # 2012_underlying/SFR32_2012_TableLA3_KS4_UD.csv (Elig_KS4_2012, 5_GCSE_EM_2012) and
    # 2017_underlying/SFR20_2018_Table3_KS4_UD.csv (KS4_Pass_EM_4_total_%, no year: published
    # in March 2018 for the 2016/17 academic year, so a year before the file's).
    Family("cla_ks4_underlying_data", "Key stage 4 outcomes of children looked after: underlying data", (
        Measure("cla_gcse_5ac_english_maths", numerator=(r"5_GCSE_EM_(?P<year>\d{4})",),
                denominator=(r"Elig_KS4_(?P<year>\d{4})",)),
        Measure("cla_gcse_english_maths_grade_4", numerator=(r"KS4_Pass_EM_4_total",),
                denominator=(r"Elig_KS4_total",), value=(r"KS4_Pass_EM_4_total_%",)),
    ), file_year_offset=-1),
)

# Column names, lower case with runs of other characters as '_', by what they identify.
LEVEL_COLUMN = re.compile(r"^(?:geog_l|geog_level|geographic_level|level)$")
LA_COLUMN = re.compile(
    r"^(?:(?:old|new)_)?(?:la|lea|local_authority)(?:_?(?:code|number|no|9digit|9_digit|name))?$")
REGION_COLUMN = re.compile(r"^(?:gor|region)(?:_(?:code|name))?$")
# Not country_code: DfE coded England 921, which is also Isle of Wight's LA code.
COUNTRY_COLUMN = re.compile(r"^country_name$")
ANY_LEVEL_COLUMN = re.compile(r"^(?:(?:new|old)_)?geog_(?:c|n|code|name)$|^(?:area|geography)_(?:code|name)$")
YEAR_COLUMN = re.compile(r"^(?:year|time_period|academic_year|financial_year|reporting_year)$")
CODE = re.compile(r"^(?:\d{3}|E\d{8}|[A-K])$")  # old LA code, GSS code, DfE's region letters
GSS = re.compile(r"^E\d{8}$")
FILE_YEAR = re.compile(r"(?:19|20)\d{2}(?!\d)")
ALLOWED = {"england": ("england",), "region": ("region", "subregion"), "la": ("la",),
           None: ("england", "region", "subregion", "la")}
SPECIFIC = {"la": 3, "subregion": 2, "region": 1, "england": 0}
# Region names as the 2012 files spell them that the area list does not know.
SPELLINGS = {"yorks and the humber": "Yorkshire and The Humber"}


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(name).lower()).strip("_")


def _family(columns) -> Family | None:
    """The family whose measures these columns hold, when there is an area column too."""
    keys = [_key(column) for column in columns]
    if {"time_period", "geographic_level"} <= set(keys):
        return None  # a tidy Explore Education Statistics file: loaders/ees.py reads those
    if not any(p.match(k) for k in keys for p in (LA_COLUMN, REGION_COLUMN, ANY_LEVEL_COLUMN)):
        return None
    names = [str(column).strip() for column in columns]
    for family in FAMILIES:
        for measure in family.measures:
            headline = measure.value + measure.numerator
            if any(re.fullmatch(pattern, name, re.IGNORECASE) for pattern in headline for name in names):
                return family
    return None


def detect(source) -> str | None:
    if source.suffix not in (".csv", ".xlsx", ".ods") or not source.header:
        return None
    return KINDS[0] if _family(source.header) else None


def read(source, kind: str, context: LoadContext, problems: list[Problem]) -> Batch:
    table = source.table
    frame = table.frame
    source.rows_read = len(frame)
    family = _family(frame.columns)
    empty = Batch({"observation": observations(indicator_id=[], area_code=[], period=[], period_type=[],
                                                 period_start=[], period_end=[])})
    if family is None:
        problems.append(Problem(source.name, _header_at(table), "no column holds a measure Scorecard reads "
                                "from DfE underlying data, or no column names the areas",
                                "Load the file as published; Scorecard reads " +
                                "; ".join(f.title for f in FAMILIES)))
        return empty
    codes, levels = _areas(table, context, problems)
    frames = []
    for measure in family.measures:
        indicator = context.catalogue.indicators.get(measure.indicator_id)
        columns = _columns(frame.columns, measure)
        if indicator is None or not (columns["numerator"] or columns["value"]):
            continue
        if not _enough(table, measure, indicator, columns, problems):
            continue
        years = sorted({year for found in columns.values() for year in found if year is not None})
        for year in years or [None]:
            picked = {part: found.get(year, found.get(None)) for part, found in columns.items()}
            picked = {part: column for part, column in picked.items() if column is not None}
            row_years = _row_years(source, table, family, year, problems)
            if row_years is None:
                return empty
            frames.append(_figures(table, indicator, picked, codes, levels, row_years, family, problems))
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty
    found = pd.concat(frames, ignore_index=True)
    duplicated = found.duplicated(["indicator_id", "area_code", "period"])
    for row in found[duplicated].head(5).itertuples():
        problems.append(Problem(source.name, "", f"{row.indicator_id} for {row.area_code} in {row.period} "
                                "appears more than once", "Remove the duplicate rows"))
    release = _file_year(source.name) or latest_year(found)  # DfE's names carry the publication year
    named = DataSource("DfE", family.dataset, release, SourceKind.OFFICIAL, family.title)
    return sourced(Batch({"observation": found}), named)


def _columns(names, measure: Measure) -> dict[str, dict[int | None, str]]:
    """For each part, its columns by the year their names give (None: no year)."""
    found = {"numerator": {}, "denominator": {}, "value": {}}
    for part in found:
        for name in names:
            for pattern in getattr(measure, part):
                if match := re.fullmatch(pattern, str(name).strip(), re.IGNORECASE):
                    groups = match.groupdict()
                    year = (int(groups["year"]) if groups.get("year") else
                            int(groups["mid_year"]) + 1 if groups.get("mid_year") else None)
                    found[part].setdefault(year, name)
                    break
    return found


def _enough(table: RawTable, measure: Measure, indicator, columns, problems: list[Problem]) -> bool:
    """A published value, or a count with what it is out of: else the missing column is named."""
    if columns["value"] or columns["denominator"] or indicator.is_rate:  # a rate: from ONS populations
        return True
    counts = ", ".join(sorted(set(columns["numerator"].values())))
    wanted = " or ".join(_like(pattern) for pattern in measure.denominator + measure.value)
    problems.append(Problem(table.file_name, _header_at(table),
                            f"{measure.indicator_id}: the file has the count ({counts}) but no column of the "
                            f"children it is out of, nor the published figure (a column named like {wanted})",
                            "Load the file as published, with all its columns"))
    return False


def _row_years(source, table: RawTable, family: Family, year: int | None,
               problems: list[Problem]) -> pd.Series | None:
    """Each row's year: the columns' year, else a year column, else the file name's year."""
    frame = table.frame
    if year is not None:
        return pd.Series(year, index=frame.index)
    column = next((c for c in frame.columns if YEAR_COLUMN.match(_key(c))), None)
    if column is not None:
        return frame[column].map(_year_text)
    named = _file_year(source.name)
    if named and family.file_year_offset is not None:
        figures = int(named) + family.file_year_offset
        problems.append(Problem(source.name, _header_at(table),
                                "no column names the year, so the figures are taken to be for the year "
                                f"ending {figures}, from the year {named} in the file's name",
                                "Check the year; keep the published file name", Severity.WARNING))
        return pd.Series(figures, index=frame.index)
    problems.append(Problem(source.name, _header_at(table),
                            "no column names the year (like CLA_Mar2015), there is no year column, "
                            "and the file's name has no year",
                            "Keep the published file name (it carries the year), "
                            "or add a column 'year' such as 2015"))
    return None


def _year_text(text: str) -> int | None:
    text = str(text).strip()
    if re.fullmatch(r"(?:19|20)\d{4}", text):  # EES's 201415 is 2014/15
        return int(text[:4]) + 1
    return heading_year(text)  # 2015, 2014/15, 2014-15


def _figures(table: RawTable, indicator, picked: dict[str, str], codes: pd.Series, levels: pd.Series,
             row_years: pd.Series, family: Family, problems: list[Problem]) -> pd.DataFrame:
    frame = table.frame
    texts = {part: frame[column].astype(str).str.strip() for part, column in picked.items()}
    keep = (codes != "") & row_years.notna()
    keep &= np.logical_or.reduce([text != "" for text in texts.values()])  # something published
    periods = {y: year_ending(int(y), indicator.period_type, indicator.measure_type)
               for y in row_years[keep].unique()}
    rows = frame.index[keep & row_years.map(lambda y: periods.get(y) is not None)]
    parsed = {}
    for part, column in picked.items():
        parsed[part] = values = parse_values(texts[part][rows])
        for index in rows[values.not_a_number.to_numpy() | values.excel_error.to_numpy()][:20]:
            problems.append(Problem(table.file_name, table.location(index, column),
                                    f"'{frame.at[index, column]}' is not a number or a known symbol",
                                    "Correct the value, or use a symbol such as x (suppressed) "
                                    "or . (not applicable)"))
        for index in rows[(values.value < 0).to_numpy()][:20]:
            problems.append(Problem(table.file_name, table.location(index, column),
                                    f"{frame.at[index, column]} is negative; a count or rate cannot be",
                                    "Correct the value"))
    statuses = [parsed[part].status for part in ("numerator", "value", "denominator") if part in parsed]
    status = statuses[0]
    for other in statuses[1:]:
        status = status.where(status != "", other)
    row_periods = [periods[y] for y in row_years[rows]]
    return observations(
        indicator_id=indicator.id,
        area_code=codes[rows].to_numpy(),
        period=[p.label for p in row_periods],
        period_type=[p.type.value for p in row_periods],
        period_start=[p.start for p in row_periods],
        period_end=[p.end for p in row_periods],
        **{part: parsed[part].value.to_numpy() for part in parsed},
        status=status.to_numpy(),
        count_rounding=pd.array([family.count_rounding.get(level) for level in levels[rows]], dtype="Int64"),
    )


def _areas(table: RawTable, context: LoadContext, problems: list[Problem]) -> tuple[pd.Series, pd.Series]:
    """Each row's area code and level ('' where the row is outside the scorecard)."""
    frame = table.frame
    kinds = {}
    for column in frame.columns:
        key = _key(column)
        for kind, pattern in (("level", LEVEL_COLUMN), ("la", LA_COLUMN), ("region", REGION_COLUMN),
                              ("country", COUNTRY_COLUMN), ("any", ANY_LEVEL_COLUMN)):
            if pattern.match(key):
                kinds.setdefault(kind, []).append(column)
                break
    # GSS codes first: where a row's codes disagree, the nine-character code is the one kept.
    ordered = {kind: sorted(columns, key=lambda c: "9digit" not in _key(c) and "new" not in _key(c))
               for kind, columns in kinds.items()}
    names = [c for columns in ordered.values() for c in columns]
    keys = frame[names].astype(str).apply(lambda column: column.str.strip())
    codes = pd.Series("", index=frame.index, dtype="object")
    levels = pd.Series("", index=frame.index, dtype="object")
    resolved = {}
    reported = 0
    for index, row in zip(frame.index, keys.itertuples(index=False, name=None), strict=True):
        if row not in resolved:
            resolved[row] = _area(dict(zip(names, row, strict=True)), ordered, context)
        area, level, problem = resolved[row]
        if area is not None:
            codes[index], levels[index] = area.code, area.level
        elif problem and reported < 20:
            reported += 1
            # Named at its first code or name column; an unknown LA loses figures, a region a comparator.
            column = next(name for name, text in zip(names, row, strict=True)
                          if text and name not in kinds.get("level", []))
            problems.append(Problem(table.file_name, table.location(index, column), problem,
                                    "Check the code against the DfE LA code list",
                                    Severity.ERROR if level == "la" else Severity.WARNING))
    return codes, levels


def _area(values: dict[str, str], columns: dict[str, list[str]], context: LoadContext):
    """(area or None, the row's level, a problem to report or '')."""
    def texts(*kinds):
        return [values[c] for kind in kinds for c in columns.get(kind, []) if values[c]]

    level = _level(texts("level")[0]) if texts("level") else None
    if texts("level") and level is None:
        return None, None, ""  # a level the scorecard has no place for (a district, a ward)
    if level is None:
        level = ("la" if texts("la") else "region" if texts("region") else
                 "england" if texts("country") else None)
        if level is None:  # only columns of any level: the name says which
            named = [a for t in texts("any") if not CODE.match(t) and (a := context.areas.resolve(t))]
            level = {"subregion": "region"}.get(named[0].level, named[0].level) if named else None
    if level == "england":
        return context.areas.resolve("E92000001"), "england", ""
    candidates = texts(*{"la": ("la", "any"), "region": ("region", "any")}.get(level, ("any",)))
    if not candidates:
        return None, level, ""  # a blank line
    found = []
    for text in candidates:
        if level != "la" and CODE.match(text) and not GSS.match(text):
            continue  # a region letter, or England's 921 and 999: never an LA code here
        area = context.areas.resolve(SPELLINGS.get(normalise(text), text))
        if area is not None and area.level in ALLOWED[level]:
            found.append(area)
    if not found:
        what = "local authority" if level == "la" else "area"
        return None, level, f"{', '.join(candidates)} is not an English {what} Scorecard knows"
    if level == "la":
        return found[0], "la", ""  # GSS code first (columns are ordered so)
    # Inner and Outer London carry London's region code: the most specific area is the row's.
    return max(found, key=lambda a: SPECIFIC.get(a.level, -1)), level, ""


def _level(text: str) -> str | None:
    text = text.strip().lower()
    if text.startswith(("nat", "england", "country")):
        return "england"
    if text.startswith(("reg", "gor")):
        return "region"
    if text in ("la", "lea", "local authority"):
        return "la"
    return None


def _like(pattern: str) -> str:
    """A column pattern as a name: 'CLA_12_months_(?P<year>\\d{4})_10plus' -> 'CLA_12_months_YYYY_10plus'."""
    return re.sub(r"\(\?P<\w+>\\d\{4\}\)", "YYYY", pattern).replace("\\", "")


def _header_at(table: RawTable) -> str:
    row = table.header_row
    return f"line {row}" if table.sheet is None else f"{table.sheet}!{row}:{row}"


def _file_year(name: str) -> str:
    found = FILE_YEAR.findall(name)
    return found[-1] if found else ""
