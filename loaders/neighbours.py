"""DfE statistical neighbour lists: each LA's ten nearest LAs, keyed on old LA codes.

DfE has published them as CSV (header on the first line) and as a workbook whose header
sits on row 3 under rows of column letters and numbers, with 'LA num'/'SN1' or
'old_la_code'/'SN_1' headings. The header is found by its content, in either. The model
is named from its year: in a title above the header, else the file's name, else the layout.
"""

import re

import pandas as pd

from loaders.context import LoadContext
from loaders.problems import Problem
from loaders.tables import HEAD_ROWS, WORKBOOK_SUFFIXES, RawTable, read_table
from scorecard.store import Batch

KINDS = ("neighbours_2021", "neighbours_2025")
NEIGHBOUR = re.compile(r"^SN[_ ]?(\d+)$", re.IGNORECASE)  # 'SN1' or 'SN_1'; closeness follows each
OWN_CODE = {"la num", "la number", "la code", "old la code", "old la number"}
# A year standing alone: 'may_2025' and 'April 2021' name one, a generated upload name never does.
YEAR = re.compile(r"(?<![0-9a-z])(20\d{2})(?![0-9a-z])", re.IGNORECASE)
COLUMNS = ["model", "area_code", "member_code", "position", "closeness"]
AS_PUBLISHED = ("Load the list as DfE publishes it: the LA's old code ('LA num' or 'old_la_code'), "
                "then SN1 to SN10 each followed by its closeness")


def _header_index(rows: list[list[str]]) -> int | None:
    """The first row naming three or more neighbour columns."""
    return next(
        (index for index, row in enumerate(rows[:HEAD_ROWS]) if sum(bool(NEIGHBOUR.match(cell)) for cell in row) >= 3),
        None,
    )


def detect(source) -> str | None:
    if source.suffix not in (".csv", *WORKBOOK_SUFFIXES):
        return None
    rows = source.head
    header = _header_index(rows)
    if header is None:
        return None
    return f"neighbours_{_model_year(rows[:header], source.name, rows[header])}"


def _model_year(title_rows: list[list[str]], file_name: str, header: list[str]) -> str:
    titles = [cell for row in title_rows for cell in row if re.search("[a-z]", cell, re.IGNORECASE)]
    for text in [*titles, file_name]:
        if match := YEAR.search(text):
            return match.group(1)
    # No year given: DfE's 2021 list wrote 'SN1', its 2025 CSV 'SN_1'.
    return "2025" if any(cell.upper().startswith("SN_") for cell in header) else "2021"


def read(source, kind: str, context: LoadContext, problems: list[Problem]) -> Batch:
    sheet = source.sheet_names[0] if source.sheet_names else None
    header = _header_index(source.head)
    if header is None:
        where = f"{sheet}!A1:A{HEAD_ROWS}" if sheet else f"lines 1 to {HEAD_ROWS}"
        problems.append(Problem(source.name, where, "no header row with neighbour columns SN1, SN2 ... "
                                f"(or SN_1, SN_2 ...) in the first {HEAD_ROWS} rows", AS_PUBLISHED))
        return Batch({"comparator": pd.DataFrame(columns=COLUMNS)})
    table = read_table(source.path, sheet, header + 1)
    source.rows_read = len(table.frame)
    model = "sn_" + kind.removeprefix("neighbours_")
    return Batch({"comparator": read_neighbours(table, model, context, problems)})


def read_neighbours(table: RawTable, model: str, context: LoadContext, problems: list[Problem]) -> pd.DataFrame:
    frame = table.frame
    columns = list(frame.columns)
    own_column = next(
        (column for column in columns if re.sub(r"[\s_]+", " ", column).strip().lower() in OWN_CODE), None
    )
    if own_column is None:
        problems.append(Problem(table.file_name, table.header_location(),
                                "the header row has no column with each LA's own code ('LA num' or 'old_la_code')",
                                AS_PUBLISHED))
        return pd.DataFrame(columns=COLUMNS)
    own_position = columns.index(own_column)
    # Closeness sits in the column after each neighbour (headed 'SNP' or 'SN_1P').
    neighbour_columns = [
        (int(match.group(1)), position)
        for position, column in enumerate(columns)
        if (match := NEIGHBOUR.match(column))
    ]
    rows = []
    for index in range(len(frame)):
        members = [(number, position, frame.iat[index, position].strip()) for number, position in neighbour_columns]
        own_text = frame.iat[index, own_position].strip()
        if not own_text or not any(text for _, _, text in members):
            continue  # a blank row, or a note below the list
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
        for number, position, member_text in members:
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
    return pd.DataFrame(rows, columns=COLUMNS)
