"""DfE statistical neighbour lists: each LA's ten nearest LAs, keyed on old LA codes."""

import re

import pandas as pd

from loaders.context import LoadContext
from loaders.problems import Problem
from loaders.tables import RawTable

# (model name, column with the LA's old code, neighbour column pattern, closeness column pattern)
MODELS = {
    "sn_2021": ("LA num", r"^SN(\d+)$"),
    "sn_2025": ("old_la_code", r"^SN_(\d+)$"),
}


KINDS = ("neighbours_2021", "neighbours_2025")


def detect(table: RawTable) -> str | None:
    columns = list(table.frame.columns)
    if "SN1" in columns and "LA num" in columns:
        return "neighbours_2021"
    if "SN_1" in columns and "old_la_code" in columns:
        return "neighbours_2025"
    return None


def read_neighbours(table: RawTable, kind: str, context: LoadContext, problems: list[Problem]) -> pd.DataFrame:
    model = "sn_" + kind.removeprefix("neighbours_")
    own_column, pattern = MODELS[model]
    frame = table.frame
    columns = list(frame.columns)
    # Closeness sits in the column after each neighbour (headed 'SNP' or 'SN_1P').
    neighbour_columns = [
        (int(match.group(1)), position)
        for position, column in enumerate(columns)
        if (match := re.match(pattern, column))
    ]
    rows = []
    for index in frame.index:
        own_text = frame.iat[index, columns.index(own_column)].strip()
        if not own_text:
            continue
        own = context.areas.resolve(own_text)
        if own is None:
            problems.append(
                Problem(
                    table.file_name,
                    table.location(index, own_column),
                    f"LA code '{own_text}' is not an English local authority Scorecard knows",
                    "Check the code against the DfE LA code list",
                )
            )
            continue
        for number, position in neighbour_columns:
            member_text = frame.iat[index, position].strip()
            if not member_text:
                continue
            member = context.areas.resolve(member_text)
            if member is None:
                problems.append(
                    Problem(
                        table.file_name,
                        table.location(index, columns[position]),
                        f"neighbour code '{member_text}' is not an English local authority Scorecard knows",
                        "Check the code against the DfE LA code list",
                    )
                )
                continue
            closeness = frame.iat[index, position + 1].strip() if position + 1 < len(columns) else ""
            rows.append(
                {
                    "model": model,
                    "area_code": own.code,
                    "member_code": member.code,
                    "position": number,
                    "closeness": closeness or None,
                }
            )
    return pd.DataFrame(rows, columns=["model", "area_code", "member_code", "position", "closeness"])
