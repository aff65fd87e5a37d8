"""ONS mid-year population estimates as ONS publishes them (mye23tablesew.xlsx and its
successors): sheet 'MYE2 - Persons' with one column per single year of age (0 to 90+)
under title rows, a row per country, region, county and district of England and Wales.

Scorecard keeps the bases its rates use: children aged 0-17 and 10-17, and females aged
15-17 (from 'MYE2 - Females' when the workbook has it), for England, the regions and every
LA. Welsh areas, non-metropolitan districts and metropolitan counties are not LAs with
children's services: they are passed over without a word. An English LA code Scorecard
does not know is named in a warning, so a new LA is noticed.
"""

import re

import numpy as np
import pandas as pd

from loaders.context import LoadContext
from loaders.problems import Problem, Severity
from loaders.tables import HEAD_ROWS, WORKBOOK_SUFFIXES, RawTable, cell_text, sheet_rows, table_from_rows
from loaders.tidy import POPULATION_COLUMNS, sourced
from loaders.values import parse_values
from scorecard.provenance import DataSource, SourceKind
from scorecard.store import Batch

KINDS = ("ons_mid_year_estimates",)
PERSONS = re.compile(r"^mye\s*2\b.*\bpersons\b", re.IGNORECASE)  # 'MYE2 - Persons'
FEMALES = re.compile(r"^mye\s*2\b.*\bfemales\b", re.IGNORECASE)
# (age band, sex, first age, last age): the populations Scorecard's rates are per.
BANDS = {
    "persons": (("0-17", "persons", 0, 17), ("10-17", "persons", 10, 17)),
    "female": (("15-17", "female", 15, 17),),
}
AGE = re.compile(r"^(?:age\s*)?(\d{1,3})\+?$", re.IGNORECASE)
CODE = re.compile(r"^(?:area |geography |la )?code$", re.IGNORECASE)
NAME = re.compile(r"^(?:area |geography |la )?name$", re.IGNORECASE)
MID_YEAR = re.compile(r"\bmid[-\s]?((?:19|20)\d{2})\b", re.IGNORECASE)
FILE_YEAR = re.compile(r"mye(\d{2})(?!\d)", re.IGNORECASE)  # mye23tablesew.xlsx
# Unitary authorities, metropolitan districts, London boroughs and counties run children's services.
LA_PREFIXES = ("E06", "E08", "E09", "E10")
AS_PUBLISHED = "Load the workbook as ONS publishes it, with its columns Code, Name, Geography, All ages and 0 to 90+"


def detect(source) -> str | None:
    if source.suffix not in WORKBOOK_SUFFIXES:
        return None
    return KINDS[0] if any(PERSONS.match(name.strip()) for name in source.sheet_names) else None


def read(source, kind: str, context: LoadContext, problems: list[Problem]) -> Batch:
    persons = next((name for name in source.sheet_names if PERSONS.match(name.strip())), None)
    females = next((name for name in source.sheet_names if FEMALES.match(name.strip())), None)
    if persons is None:
        problems.append(Problem(source.name, "", "the workbook has no 'MYE2 - Persons' sheet", AS_PUBLISHED))
        return Batch({"population": pd.DataFrame(columns=POPULATION_COLUMNS)})
    if females is None:
        problems.append(
            Problem(source.name, "", "the workbook has no 'MYE2 - Females' sheet, so the population of "
                    "females aged 15 to 17 (under-18 conceptions) is not loaded from it",
                    "Load the full ONS workbook to have it", Severity.WARNING)
        )
    frames, source.rows_read, years = [], 0, []
    for sex, sheet in (("persons", persons), ("female", females)):
        if sheet is None:
            continue
        rows = sheet_rows(source.path, sheet)
        header = _header_index(rows)
        if header is None:
            problems.append(
                Problem(source.name, f"{sheet}!A1:A{HEAD_ROWS}",
                        "no header row (Code, Name, then a column for each age 0, 1, 2 ...) "
                        f"in the first {HEAD_ROWS} rows",
                        AS_PUBLISHED)
            )
            continue
        year = _mid_year(rows[:header], sheet, source.name)
        if year is None:
            problems.append(
                Problem(source.name, f"{sheet}!A1",
                        "the sheet does not say which mid-year its estimates are for",
                        "Keep ONS's title row, which ends with the year, such as '..., mid-2023'")
            )
            continue
        table = table_from_rows(source.path, sheet, rows, header)
        source.rows_read += len(table.frame)
        years.append(year)
        frames.append(_bands(table, year, BANDS[sex], source.name, context, problems))
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=POPULATION_COLUMNS)
    release = str(max(years)) if years else ""
    return sourced(
        Batch({"population": frame}),
        DataSource("ONS", "mid_year_estimates", release, SourceKind.OFFICIAL,
                   f"ONS mid-year population estimates, mid-{release}"),
    )


def _header_index(rows: list[list]) -> int | None:
    """The first row with a word heading (Code, Name or All ages) and ten or more ages: title
    rows have no ages, rows of column numbers no words, data rows neither heading."""
    for index, row in enumerate(rows[:HEAD_ROWS]):
        texts = [cell_text(value).strip() for value in row]
        if sum(bool(AGE.match(text)) for text in texts) >= 10 and any(
            CODE.match(text) or NAME.match(text) or text.lower() == "all ages" for text in texts
        ):
            return index
    return None


def _mid_year(title_rows: list[list], sheet: str, file_name: str) -> int | None:
    """The mid-year from the sheet's title ('..., mid-2023'), else its name, else the file's."""
    titles = [str(value) for row in title_rows for value in row if isinstance(value, str)]
    for text in [*titles, sheet]:
        if match := MID_YEAR.search(text):
            return int(match.group(1))
    match = FILE_YEAR.search(file_name)
    return 2000 + int(match.group(1)) if match else None


def _bands(table: RawTable, year: int, bands, file_name: str, context: LoadContext,
           problems: list[Problem]) -> pd.DataFrame:
    frame = table.frame
    columns = list(frame.columns)
    code_column = next((column for column in columns if CODE.match(column)), None)
    name_column = next((column for column in columns if NAME.match(column)), None)
    ages = {int(match.group(1)): column for column in columns if (match := AGE.match(column))}
    header_cell = table.header_location()
    if code_column is None:
        problems.append(Problem(file_name, header_cell, "the header row has no 'Code' column (the ONS area code)",
                                AS_PUBLISHED))
        return pd.DataFrame(columns=POPULATION_COLUMNS)
    wanted = sorted({age for _band, _sex, first, last in bands for age in range(first, last + 1)})
    if missing := [age for age in wanted if age not in ages]:
        problems.append(Problem(file_name, header_cell,
                                f"the header row has no column for age {', '.join(map(str, missing))}",
                                AS_PUBLISHED))
        return pd.DataFrame(columns=POPULATION_COLUMNS)

    codes = frame[code_column].str.strip().str.upper()
    names = frame[name_column].str.strip() if name_column else codes
    area_codes = pd.Series("", index=frame.index, dtype=object)
    for index in frame.index[codes.str.startswith("E")]:
        area = context.areas.resolve(codes[index])
        if area is not None and area.level in ("england", "region", "la"):
            area_codes[index] = area.code
        elif area is None and codes[index][:3] in LA_PREFIXES:
            message = (f"'{names[index]}' ({codes[index]}) is an English local authority Scorecard does not "
                       "know; its estimates are left out")
            if not any(problem.message == message for problem in problems):  # once, not once a sheet
                problems.append(Problem(file_name, table.location(index, code_column), message,
                                        "Check the code against the ONS code list; a new LA is added to "
                                        "data/areas.csv", Severity.WARNING))
    # An area given under a former code as well as its own (a reorganised county) is kept once, as its own.
    known = pd.DataFrame({"area": area_codes, "former": area_codes != codes})[area_codes != ""]
    rows = frame.loc[known.sort_values("former", kind="stable").drop_duplicates("area").index.sort_values()]

    counts, statuses = {}, {}
    for age in wanted:
        column = ages[age]
        parsed = parse_values(rows[column])
        for index in rows.index[parsed.not_a_number | parsed.excel_error][:20]:
            problems.append(Problem(file_name, table.location(index, column),
                                    f"'{rows.at[index, column]}' is not a number or a known symbol",
                                    "Correct the estimate, or use a symbol such as x (not available)"))
        for index in rows.index[parsed.value < 0][:20]:
            problems.append(Problem(file_name, table.location(index, column),
                                    f"{rows.at[index, column]} is negative; a population cannot be",
                                    "Correct the estimate"))
        counts[age] = parsed.value
        # A blank is no estimate, not none: the band it falls in is not available.
        statuses[age] = parsed.status.where(~parsed.blank, "x")

    out = []
    for band, sex, first, last in bands:
        span = range(first, last + 1)
        total = sum(counts[age] for age in span)  # NaN where any age has no number: never a zero
        status = pd.Series("", index=rows.index, dtype=object)
        for age in reversed(span):  # the youngest age's symbol shows
            status = status.where(statuses[age] == "", statuses[age])
        out.append(pd.DataFrame({
            "area_code": area_codes[rows.index], "mid_year": year, "age_band": band, "sex": sex,
            "count": np.where(status == "", total, np.nan), "status": status,
            "vintage": f"ONS mid-{year} population estimates ({file_name})",
        }))
    return pd.concat(out, ignore_index=True)
