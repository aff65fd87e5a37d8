"""OHID Fingertips indicator exports (CSV or XLSX, 27 columns: value, confidence limits,
count, denominator, 'Value note', comparisons).

The indicator comes from the catalogue by Fingertips indicator id or name; an indicator the
catalogue lacks becomes a benchmark indicator named from the file. Persons with no
category is the 'all' breakdown; sex and deprivation deciles are breakdowns of it.
A value Fingertips does not present is kept as 'x' with a null value, never zero.
"""

import re

import pandas as pd

from loaders.context import LoadContext
from loaders.problems import Problem, Severity
from loaders.tidy import FileBatch, observations
from loaders.values import parse_values
from scorecard import periods
from scorecard.model import MeasureType, PeriodType, Polarity, Unit

KINDS = ("fingertips",)
SIGNATURE = {"Indicator ID", "Indicator Name", "Area Code", "Time period", "Value", "Count", "Denominator"}
# Fingertips indicator ids of catalogue indicators whose titles differ from Fingertips' names.
CATALOGUE_IDS = {"90284": "hospital_admissions_injury_0_14"}


def detect(source) -> str | None:
    return "fingertips" if SIGNATURE <= source.columns else None


def read(source, kind: str, context: LoadContext, problems: list[Problem]) -> FileBatch:
    table = source.table
    frame = table.frame
    source.rows_read = len(frame)
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
    return FileBatch({"observation": pd.concat(frames, ignore_index=True)}, indicators=indicators)


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
