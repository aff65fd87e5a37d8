"""DfE Explore Education Statistics CSVs: CLA, CIN, CPP, NEET, and ONS populations.

Columns are renamed and dropped between releases, so each measure lists the names it
has gone by; the first present wins. The file's published rate is kept as the
observation's value; the metrics layer computes its own from counts and populations.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from loaders.context import LoadContext
from loaders.problems import Problem, Severity
from loaders.tables import RawTable
from loaders.tidy import observations
from loaders.values import parse_values
from loaders.yearly import year_ending
from scorecard import periods

GEOGRAPHY_COLUMNS = {"time_period", "time_identifier", "geographic_level"}
LEVELS = {"National": "england", "Regional": "region", "Local authority": "la"}


@dataclass(frozen=True)
class Measure:
    indicator_id: str
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    value: tuple[str, ...] = ()
    only_where: tuple[str, str] | None = None  # (filter column, value)


@dataclass(frozen=True)
class Layout:
    kind: str
    signature: tuple[str, ...]  # columns that identify the release family
    measures: tuple[Measure, ...]


CLA_ON_31_MARCH = "Children looked after on 31 March each year"
LAYOUTS = (
    Layout(
        "ees_cla",
        ("children_count", "population_type"),
        (
            Measure(
                "cla_rate",
                numerator=("children_count", "number"),
                denominator=("population_estimate", "population_count"),
                value=("rate_per_10000", "rate"),
                only_where=("population_type", CLA_ON_31_MARCH),
            ),
        ),
    ),
    Layout(
        "ees_cin",
        ("At31_episodes",),
        (Measure("cin_rate", numerator=("At31_episodes",), value=("At31_episodes_rate",)),),
    ),
    Layout(
        "ees_cpp",
        ("CPP_At31",),
        (
            Measure("cpp_rate", numerator=("CPP_At31",)),
            # Open plans at 31 March lasting 2 years or more (not plans ended in the year).
            Measure(
                "cpp_two_years_or_more_at_31_march",
                numerator=("2_years_or_more",),
                denominator=("CPP_At31",),
                value=("2_years_or_more_percent",),
            ),
        ),
    ),
    Layout(
        "ees_neet",
        ("NEET_not_known_percent",),
        (
            Measure(
                "neet_not_known_16_17",
                denominator=("Cohort_DJFavg",),
                value=("NEET_not_known_percent",),
            ),
        ),
    ),
)


KINDS = ("ees_population", *(layout.kind for layout in LAYOUTS))


def detect(table: RawTable) -> str | None:
    columns = set(table.frame.columns)
    if not GEOGRAPHY_COLUMNS <= columns:
        return None
    if {"population_estimate", "age_group"} <= columns and "population_type" not in columns:
        return "ees_population"
    for layout in LAYOUTS:
        if set(layout.signature) <= columns:
            return layout.kind
    return None


def area_codes(table: RawTable, context: LoadContext, problems: list[Problem]) -> pd.Series:
    """The GSS code of each row's area; '' where it could not be found (a problem is logged)."""
    frame = table.frame
    level = frame["geographic_level"]
    codes = pd.Series("", index=frame.index, dtype="object")
    codes[level == "National"] = context.areas.get("E92000001").code
    regional = level == "Regional"
    codes[regional] = frame.loc[regional, "region_code"]
    local = level == "Local authority"
    new_code = frame.get("new_la_code", pd.Series("", index=frame.index))
    old_code = frame.get("old_la_code", pd.Series("", index=frame.index))
    name = frame.get("la_name", pd.Series("", index=frame.index))
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
                table.location(index, "new_la_code"),
                f"'{name[index]}' ({new_code[index] or old_code[index]}) is not an English local "
                "authority Scorecard knows",
                "Check the code against the DfE LA code list",
            )
        )
    other = ~(level.isin(list(LEVELS)))
    # Sub-national levels such as 'Local authority district' are outside the scorecard.
    codes[other] = ""
    return codes


def reporting_periods(table: RawTable, indicator, problems: list[Problem]):
    """Period label, type, start and end for each row's time_period."""
    frame = table.frame
    labels = {}
    for text, identifier in frame[["time_period", "time_identifier"]].drop_duplicates().itertuples(index=False):
        labels[(text, identifier)] = _period(text, identifier, indicator)
    result = [labels[key] for key in zip(frame["time_period"], frame["time_identifier"], strict=True)]
    for index, period in enumerate(result):
        if period is None:
            problems.append(
                Problem(
                    table.file_name,
                    table.location(index, "time_period"),
                    f"'{frame['time_period'].iloc[index]}' ({frame['time_identifier'].iloc[index]}) "
                    "is not a period Scorecard can read",
                    "Use the DfE time_period and time_identifier as published",
                )
            )
            break
    return result


def _period(text: str, identifier: str, indicator) -> periods.Period | None:
    text = text.strip()
    if identifier in ("Reporting year", "Calendar year") and len(text) == 4 and text.isdigit():
        # A reporting year ends on 31 March; NCCIS's calendar year 2023 is its Dec-Feb average,
        # which LAIT labels 2023 too: both become the indicator's year ending then.
        found = year_ending(int(text), indicator.period_type, indicator.measure_type)
        if found is not None or identifier == "Reporting year":
            return found
        return periods.calendar_year(int(text))
    if identifier == "Academic year" and len(text) == 6 and text.isdigit():
        return periods.academic_year(int(text[:4]))
    if identifier == "Financial year" and len(text) == 6 and text.isdigit():
        return periods.financial_year(int(text[:4]))
    return None


def _first(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    return next((name for name in names if name in frame.columns), None)


def read_measures(table: RawTable, kind: str, context: LoadContext, problems: list[Problem]) -> pd.DataFrame:
    layout = next(layout for layout in LAYOUTS if layout.kind == kind)
    codes = area_codes(table, context, problems)
    frames = []
    for measure in layout.measures:
        if measure.indicator_id not in context.catalogue.indicators:
            continue
        indicator = context.catalogue.indicators[measure.indicator_id]
        frame = table.frame
        keep = codes != ""
        if measure.only_where:
            column, wanted = measure.only_where
            keep &= frame[column] == wanted
        if not keep.any():
            continue
        chosen = {
            part: _first(frame, getattr(measure, part)) for part in ("numerator", "denominator", "value")
        }
        if not any(chosen.values()):
            continue
        rows = frame[keep]
        row_periods = [p for p, k in zip(reporting_periods(table, indicator, problems), keep, strict=True) if k]
        parsed = {part: _parse(table, rows, column, problems) for part, column in chosen.items() if column}
        status = _combined_status(parsed, chosen)
        frames.append(
            observations(
                indicator_id=measure.indicator_id,
                area_code=codes[keep].to_numpy(),
                period=[p.label if p else "" for p in row_periods],
                period_type=[p.type.value if p else "" for p in row_periods],
                period_start=[p.start if p else None for p in row_periods],
                period_end=[p.end if p else None for p in row_periods],
                numerator=parsed["numerator"].value.to_numpy() if "numerator" in parsed else np.nan,
                denominator=parsed["denominator"].value.to_numpy() if "denominator" in parsed else np.nan,
                value=parsed["value"].value.to_numpy() if "value" in parsed else np.nan,
                status=status.to_numpy(),
            )
        )
    if not frames:
        return observations(indicator_id=[], area_code=[], period=[], period_type=[], period_start=[], period_end=[])
    combined = pd.concat(frames, ignore_index=True)
    return combined[combined["period"] != ""]


def _parse(table: RawTable, rows: pd.DataFrame, column: str, problems: list[Problem]):
    parsed = parse_values(rows[column])
    bad = parsed.not_a_number | parsed.excel_error
    for index in rows.index[bad][:20]:
        problems.append(
            Problem(
                table.file_name,
                table.location(index, column),
                f"'{rows.at[index, column]}' is not a number or a known symbol",
                "Correct the value, or use a symbol such as c (suppressed) or x (not available)",
            )
        )
    negative = parsed.value < 0
    for index in rows.index[negative][:20]:
        problems.append(
            Problem(
                table.file_name,
                table.location(index, column),
                f"{rows.at[index, column]} is negative; a count or rate cannot be",
                "Correct the value",
            )
        )
    return parsed


def _combined_status(parsed: dict, chosen: dict) -> pd.Series:
    """The row's symbol: the headline count's symbol first, else the published value's."""
    for part in ("numerator", "value", "denominator"):
        if part in parsed:
            base = parsed[part].status.copy()
            break
    for part in ("numerator", "value"):
        if part in parsed:
            base = base.where(base != "", parsed[part].status)
    return base


def read_population(table: RawTable, context: LoadContext, problems: list[Problem]) -> pd.DataFrame:
    """ONS mid-year estimates as published in EES: time_period is the mid-year."""
    frame = table.frame
    codes = area_codes(table, context, problems)
    bands = frame["age_group"].map(_age_band)
    for index in frame.index[bands.isna()][:5]:
        problems.append(
            Problem(
                table.file_name,
                table.location(index, "age_group"),
                f"'{frame.at[index, 'age_group']}' is not an age band Scorecard uses",
                "Scorecard reads 'Children aged 0 to 17 years' and similar bands",
                Severity.WARNING,
            )
        )
    parsed = _parse(table, frame, "population_estimate", problems)
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
    import re

    match = re.search(r"(\d+)\s*(?:to|-)\s*(\d+)", str(text))
    return f"{match.group(1)}-{match.group(2)}" if match else None
