"""OHID Fingertips indicator exports (CSV or XLSX, 27 columns: value, confidence limits,
count, denominator, 'Value note', comparisons).

The indicator comes from the catalogue by Fingertips indicator id or name; an indicator the
catalogue lacks becomes a benchmark indicator named from the file. Persons with no
category is the 'all' breakdown; sex and deprivation deciles are breakdowns of it.
A value Fingertips does not present is kept as 'x' with a null value, never zero.

Exports saved from the website differ from the API's: columns named 'AreaCode',
'IndicatorID', 'Timeperiod', confidence limits written several ways, and cells holding the
page's HTML ('<div class="no-data">-</div>' where there is no value). Both read alike.
"""

import html
import re
from dataclasses import dataclass, field

import pandas as pd

from loaders.context import LoadContext
from loaders.problems import Problem, Severity, csv_location
from loaders.tables import RawTable
from loaders.tidy import latest_year, observations, sourced
from scorecard.provenance import DataSource, SourceKind
from scorecard.store import Batch
from loaders.values import parse_values
from scorecard import periods
from scorecard.model import MeasureType, PeriodType, Polarity, Unit

KINDS = ("fingertips",)
SIGNATURE = {"Indicator ID", "Indicator Name", "Area Code", "Time period"}  # a Fingertips export
REQUIRED = SIGNATURE | {"Area Name", "Sex", "Value", "Count", "Denominator"}  # what the reader uses
# Fingertips indicator ids of catalogue indicators whose titles differ from Fingertips' names.
CATALOGUE_IDS = {"90284": "hospital_admissions_injury_0_14"}


# The API's column names; the website's differ in spacing and case ('AreaCode', 'Timeperiod').
NAMES = (
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type",
    "Sex", "Age", "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit",
    "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit", "Count", "Denominator",
    "Value note", "Recent Trend", "Compared to England value or percentiles", "Compared to percentiles",
    "Time period Sortable", "New data", "Compared to goal", "Time period range",
)
_KEY = lambda name: re.sub(r"[^0-9a-z]", "", str(name).lower())  # noqa: E731
_BY_KEY = {_KEY(name): name for name in NAMES}
# 'Lower CI 95.0 limit', 'LowerCI95.0limit', 'Lower CI 95 limit', '95% Lower CI', 'Upper 99.8% CI'...
_LIMIT = re.compile(r"^(?=.*(?:ci|limit))(?=.*(lower|upper))(?=.*(998|95))")
# A cell holding a piece of the web page: an HTML tag ('<15 yrs' is not one).
_HTML = r"<\s*/?\s*[a-zA-Z][^>]*>"


def canonical(name: str) -> str:
    """A column's API name, whichever way the export wrote it."""
    name = str(name).lstrip("\ufeff").strip()
    if found := _BY_KEY.get(_KEY(name)):
        return found
    if match := _LIMIT.match(_KEY(name)):
        return f"{match.group(1).capitalize()} CI {'95.0' if match.group(2) == '95' else '99.8'} limit"
    return name


@dataclass
class _Renamed(RawTable):
    """The table under the API's column names; places in problems keep the file's own names."""

    shown: dict[str, str] = field(default_factory=dict)

    def location(self, row_index: int, column: str) -> str:
        if self.sheet is None:
            return csv_location(self.header_row + 1 + row_index, self.shown.get(column, column))
        return super().location(row_index, column)


def detect(source) -> str | None:
    return "fingertips" if SIGNATURE <= {canonical(name) for name in source.header} else None


def _without_html(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells holding the web page's HTML as their text; 'no data' ones (a dash, or the
    no-data class) become blank, which reads as not available, never as zero."""
    frame = frame.copy()
    for column in frame.columns:
        texts = frame[column]
        tagged = texts.str.contains(_HTML, regex=True)
        if not tagged.any():
            continue
        plain = texts[tagged].str.replace(_HTML, "", regex=True).map(html.unescape).str.strip()
        no_data = texts[tagged].str.contains("no-data", regex=False) | plain.isin(["-", "\u2013", "\u2014"])
        frame.loc[tagged, column] = plain.where(~no_data, "")
    return frame


def read(source, kind: str, context: LoadContext, problems: list[Problem]) -> Batch:
    raw = source.table
    shown = {canonical(name): name for name in raw.frame.columns}
    frame = _without_html(raw.frame.rename(columns=canonical))
    table = _Renamed(raw.path, raw.sheet, frame, raw.header_row, raw.name, shown=shown)
    source.rows_read = len(frame)
    if missing := sorted(REQUIRED - set(frame.columns)):
        named = ", ".join(repr(name) for name in missing)
        problems.append(Problem(source.name, table.header_location(),
                                f"the header has no column{'s' * (len(missing) > 1)} {named}",
                                "Export the indicator again from Fingertips with all its columns"))
        return Batch({"observation": observations(indicator_id=[], area_code=[], period=[], period_type=[],
                                                  period_start=[], period_end=[])})
    indicators, frames = [], []
    for (fingertips_id, name), rows in frame.groupby(["Indicator ID", "Indicator Name"], sort=False):
        indicator = _indicator(fingertips_id, name, context)
        if indicator is None:
            indicator_id = f"fingertips_{re.sub(r'[^0-9a-z]+', '_', fingertips_id.lower()).strip('_')}"
            indicators.append(_benchmark_row(indicator_id, fingertips_id, name))
            period_type = PeriodType.FINANCIAL_YEAR
        else:
            indicator_id, period_type = indicator.id, indicator.period_type
        frames.append(_observations(table, rows, indicator_id, period_type, context, problems))
    combined = pd.concat(frames, ignore_index=True)
    ids = sorted({str(fingertips_id).strip() for fingertips_id in frame["Indicator ID"]})
    return sourced(
        Batch({"observation": combined}, indicators=indicators),
        DataSource("OHID", "fingertips_" + "_".join(ids), latest_year(combined), SourceKind.OFFICIAL,
                   f"OHID Fingertips, indicator {', '.join(ids)}"),
    )


def _indicator(fingertips_id: str, name: str, context: LoadContext):
    catalogue = context.catalogue
    if fingertips_id.strip() in CATALOGUE_IDS and CATALOGUE_IDS[fingertips_id.strip()] in catalogue:
        return catalogue.get(CATALOGUE_IDS[fingertips_id.strip()])
    return catalogue.match(name)


def _benchmark_row(indicator_id: str, fingertips_id: str, name: str) -> dict:
    return {
        "id": indicator_id, "title": name, "short_title": name[:80], "polarity": Polarity.NONE.value,
        "unit": Unit.NUMBER.value, "multiplier": 1, "decimals": 1,
        "period_type": PeriodType.FINANCIAL_YEAR.value, "measure_type": MeasureType.FLOW.value,
        "population_age_band": None, "population_sex": None, "definition": name,
        "source": f"OHID Fingertips, indicator {fingertips_id}", "ni_code": None, "lait_code": None,
        "has_localities": False, "is_benchmark": True,
    }


def _breakdowns(rows: pd.DataFrame) -> pd.Series:
    sex = rows["Sex"].str.strip().str.lower()
    category_type = rows.get("Category Type", pd.Series("", index=rows.index)).str.strip()
    category = rows.get("Category", pd.Series("", index=rows.index)).str.strip()
    breakdown = pd.Series("all", index=rows.index)
    by_sex = (sex != "persons") & (category == "")
    breakdown[by_sex] = "sex " + sex[by_sex]
    grouped = category != ""
    breakdown[grouped] = (sex[grouped].where(sex[grouped] != "persons", "") + " ").str.lstrip() + (
        category_type[grouped] + ": " + category[grouped]
    )
    return breakdown


def _observations(table, rows, indicator_id, period_type, context, problems) -> pd.DataFrame:
    file_name = table.file_name
    codes = rows["Area Code"].str.strip()
    area_of = {code: context.areas.resolve(code) for code in codes.unique()}
    unknown = codes.map(lambda code: area_of[code] is None)
    for code in sorted(set(codes[unknown])):
        first = rows.index[codes == code][0]
        problems.append(
            Problem(file_name, table.location(first, "Area Code"),
                    f"'{code}' ({rows.at[first, 'Area Name']}) is not an area Scorecard knows; its rows are left out",
                    "Check the code against the ONS code list", Severity.WARNING)
        )
    labels = {}
    for text in rows["Time period"].unique():
        try:
            labels[text] = periods.parse_period(text, year_type=period_type)
        except ValueError as error:
            labels[text] = None
            first = rows.index[rows["Time period"] == text][0]
            problems.append(Problem(file_name, table.location(first, "Time period"), str(error),
                                    "Use the Fingertips export as published"))
    found = rows["Time period"].map(labels)
    value, count, denominator = (parse_values(rows[column]) for column in ("Value", "Count", "Denominator"))
    for parsed, column in ((value, "Value"), (count, "Count"), (denominator, "Denominator")):
        for index in rows.index[parsed.not_a_number | parsed.excel_error][:20]:
            problems.append(Problem(file_name, table.location(index, column),
                                    f"'{rows.at[index, column]}' is not a number or a known symbol",
                                    "Correct the value, or leave it blank with a Value note"))
    # Fingertips leaves a value out (with a 'Value note' saying why): not available, not zero.
    status = value.status.where(~value.blank, "x")
    keep = ~unknown & found.notna()
    frame = pd.DataFrame(
        {
            "area_code": codes.map(lambda code: area_of[code].code if area_of[code] else ""),
            "breakdown": _breakdowns(rows),
            "period": found.map(lambda p: p.label if p else ""),
            # England comes twice in an export (as an area and as every area's parent):
            # the same figures, differing only in the comparison columns.
            "figures": rows[["Value", "Count", "Denominator"]].astype(str).agg("\x1f".join, axis=1),
        }
    )
    key = ["area_code", "breakdown", "period"]
    repeated = frame.duplicated(key) & keep
    identical = frame.duplicated([*key, "figures"]) & keep
    if identical.any():
        problems.append(Problem(file_name, table.location(rows.index[identical][0], "Area Code"),
                                f"{int(identical.sum())} rows repeat the figures of earlier rows; each is loaded once",
                                "Nothing to do: Fingertips repeats England as each area's parent", Severity.WARNING))
    for index in rows.index[repeated & ~identical][:5]:
        problems.append(Problem(file_name, table.location(index, "Value"),
                                f"a second, different value for {frame.at[index, 'area_code']} "
                                f"({frame.at[index, 'breakdown']}) in {frame.at[index, 'period']}",
                                "Keep one row per area, breakdown and period"))
    keep &= ~identical
    chosen = found[keep]
    return observations(
        indicator_id=indicator_id,
        area_code=frame.loc[keep, "area_code"].to_numpy(),
        breakdown=frame.loc[keep, "breakdown"].to_numpy(),
        period=[p.label for p in chosen],
        period_type=[p.type.value for p in chosen],
        period_start=[p.start for p in chosen],
        period_end=[p.end for p in chosen],
        numerator=count.value[keep].to_numpy(),
        denominator=denominator.value[keep].to_numpy(),
        value=value.value[keep].to_numpy(),
        status=status[keep].to_numpy(),
    )
