"""The council scorecard layout: one row per indicator, one column per period.

Above the header row there are title rows; within the table, section rows ('STAYING SAFE'
merged across the sheet); beside the periods, columns such as Ref, Polarity, Target, RAG
and Comments; below it, notes. A row is an indicator row when it has something in a period,
target or comments column; every such row must match the catalogue (by id, title, alias or
former NI code, ignoring case, spacing and punctuation). The figures are for the home LA
(or `--area`). RAG typed by hand is not loaded: Scorecard judges RAG from the target.
"""

import difflib
import re

import pandas as pd

from loaders.context import LoadContext
from loaders.problems import Problem, Severity
from loaders.tables import column_letter
from loaders.template import KEPT, target_frame
from loaders.validation import Candidates, Grid, changed_commentary, observations_from, period_for, read_grids
from scorecard import periods
from scorecard.model import PeriodType, Polarity
from scorecard.periods import Period
from scorecard.store import Batch

KINDS = ("council",)
HEADER_SEARCH_ROWS = 30
NAME_HEADERS = {"indicator", "indicators", "measure", "measures", "description", "title", "performance indicator",
                "indicator title", "indicator name", "pi", "pi description"}
REF_HEADERS = {"ref", "reference", "ni", "ni ref", "ni code", "pi ref", "code", "id", "indicator id"}
EXTRA = {
    "target": ("target",),
    "comments": ("comment", "comments", "commentary", "note", "notes", "narrative"),
    "rag": ("rag", "rag rating", "rag status", "status"),
    "polarity": ("polarity", "good is", "aim"),
}
# Words around a period in a header cell: 'Outturn 2009/10', '2010/11 target'.
_PERIOD_NOISE = re.compile(r"\b(outturn|actual|actuals|year end|ytd|position|as at|target)\b", re.IGNORECASE)


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(text).lower()).split())


def header_period(text: str) -> Period | None:
    """The period a header cell names, reading 'YYYY/YY' as a financial year, as councils do."""
    text = str(text).strip()
    if not text:
        return None
    for candidate in (text, _PERIOD_NOISE.sub(" ", text).strip(" -:")):
        try:
            return periods.parse_period(candidate, year_type=PeriodType.FINANCIAL_YEAR)
        except ValueError:
            continue
    return None


def _find_header(rows: list[list[str]]) -> int | None:
    """The first row, near the top, with period columns and a name column to their left."""
    best = None
    for r, line in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = [c for c, text in enumerate(line) if header_period(text) is not None and "target" not in _key(text)]
        names = [c for c, text in enumerate(line) if _key(text) in NAME_HEADERS | REF_HEADERS]
        if found and names and min(names) < min(found):
            if best is None or len(found) > best[1]:
                best = (r, len(found))
    return None if best is None else best[0]


def detect(source) -> str | None:
    if source.suffix != ".xlsx":
        return None
    import openpyxl

    book = openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    try:
        for sheet in book.worksheets[:5]:
            rows = [
                ["" if value is None else str(value) for value in row]
                for row in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
            ]
            if _find_header(rows) is not None:
                return "council"
    finally:
        book.close()
    return None


def read(source, kind: str, context: LoadContext, problems: list[Problem]) -> Batch:
    if source.suffix != ".xlsx":  # `--as council` on another file: the layout is a workbook's
        problems.append(Problem(source.name, "", "the council layout is an Excel workbook (.xlsx)",
                                "Load the council's workbook, or leave out --as to let Scorecard recognise the file"))
        return Batch({})
    grids = read_grids(source.path)
    candidates, targets, notes = [], [], []
    for grid in grids.values():
        header_row = _find_header(grid.rows)
        if header_row is not None:
            _read_sheet(source, grid, header_row, context, problems, candidates, targets, notes)
    if source.rows_read == 0:
        problems.append(Problem(source.name, "", "no sheet has indicator rows with figures under period columns",
                                "Put one indicator per row, with a header row of periods such as 'Q1 2010/11'"))
        return Batch({})
    tables = {}
    if candidates:
        frame = pd.DataFrame(candidates)
        tables["observation"] = observations_from(Candidates(source.name, frame), context, problems)
    if targets:
        tables["target"] = target_frame(targets, source.name, problems)
    return Batch(tables, changed_commentary(notes, context), keep=KEPT)  # no tolerance column either


def _read_sheet(source, grid: Grid, header_row: int, context, problems, candidates, targets, notes) -> None:
    file_name = source.name
    header = grid.rows[header_row]

    def where(r: int, c: int) -> str:
        return f"{grid.sheet}!{column_letter(c + 1)}{r + 1}"

    period_columns = {c: header_period(text) for c, text in enumerate(header)}
    period_columns = {c: p for c, p in period_columns.items() if p is not None and "target" not in _key(header[c])}
    names = [c for c, text in enumerate(header) if _key(text) in NAME_HEADERS]
    refs = [c for c, text in enumerate(header) if _key(text) in REF_HEADERS]
    extra = {role: next((c for c, text in enumerate(header) if _key(text).startswith(words)), None)
             for role, words in EXTRA.items()}
    name_column = names[0] if names else min(period_columns) - 1
    latest = max(period_columns.values(), key=lambda p: p.end)
    target_year = _target_year(header, extra["target"], latest)
    comment_period = periods.quarter_containing(latest.end).label
    if extra["rag"] is not None:
        problems.append(Problem(file_name, where(header_row, extra["rag"]),
                                "the RAG column is not loaded: Scorecard judges RAG itself from the target",
                                "Nothing to do; give targets in the Target column", Severity.WARNING))
    area = context.areas.resolve(context.home_area)
    for r in range(header_row + 1, len(grid.rows)):
        in_periods = {c: grid.text(r, c) for c in period_columns if grid.text(r, c)}
        uncalculated = [c for c in period_columns if (r, c) in grid.uncalculated]
        target_text = grid.text(r, extra["target"]) if extra["target"] is not None else ""
        comment = grid.text(r, extra["comments"]) if extra["comments"] is not None else ""
        if not in_periods and not uncalculated and not target_text and not comment:
            continue  # blank, a section row ('STAYING SAFE') or a note under the table
        source.rows_read += 1
        name = grid.text(r, name_column)
        ref = grid.text(r, refs[0]) if refs else ""
        indicator = _match(context.catalogue, ref, name)
        if indicator is None:
            shown = " ".join(part for part in (ref, name) if part) or "(no name)"
            names = {text.lower(): i.short_title for i in context.catalogue for text in (i.title, i.short_title, *i.aliases)}
            close = difflib.get_close_matches(name.lower(), list(names), n=1, cutoff=0.6)
            hint = f" (did you mean '{names[close[0]]}'?)" if close else ""
            problems.append(Problem(file_name, where(r, name_column), f"'{shown}' is not an indicator in the catalogue{hint}",
                                    "Use the indicator's title, alias or NI code, add it to the catalogue, "
                                    "or delete the row"))
            continue
        if extra["polarity"] is not None:
            _check_polarity(grid.text(r, extra["polarity"]), indicator, where(r, extra["polarity"]), file_name, problems)
        for c in uncalculated:
            problems.append(Problem(file_name, where(r, c), "the cell has a formula but no saved result",
                                    "Open the workbook in Excel so it calculates, save it and load it again"))
        for c, text in in_periods.items():
            period, reason = period_for(indicator, period_columns[c])
            if period is None:
                problems.append(Problem(file_name, where(r, c), reason,
                                        "Move the figure to a column for a period the indicator has, or delete it"))
                continue
            candidates.append({
                "indicator_id": indicator.id, "area_code": area.code, "period": period, "breakdown": "all",
                "numerator": "", "denominator": "", "value": text, "symbol": "",
                "where_row": where(r, name_column), "where_numerator": where(r, c),
                "where_denominator": where(r, c), "where_value": where(r, c), "where_symbol": where(r, c),
            })
        if target_text:
            targets.append((indicator.id, area.code, target_year, target_text, where(r, extra["target"])))
        if comment:
            notes.append({"indicator_id": indicator.id, "area_code": area.code, "period": comment_period,
                          "text": comment, "author": f"Council workbook {file_name}",
                          "written_at": pd.Timestamp.now().floor("s").to_pydatetime(), "supersedes": None})


POLARITY_WORDS = {
    "high": Polarity.HIGHER_IS_BETTER, "higher": Polarity.HIGHER_IS_BETTER, "higher is better": Polarity.HIGHER_IS_BETTER,
    "up": Polarity.HIGHER_IS_BETTER, "low": Polarity.LOWER_IS_BETTER, "lower": Polarity.LOWER_IS_BETTER,
    "lower is better": Polarity.LOWER_IS_BETTER, "down": Polarity.LOWER_IS_BETTER, "neither": Polarity.NONE,
    "none": Polarity.NONE, "n a": Polarity.NONE,
}


def _check_polarity(text: str, indicator, where: str, file_name: str, problems: list[Problem]) -> None:
    """The catalogue decides polarity; say so when the workbook thinks otherwise."""
    said = POLARITY_WORDS.get(_key(text))
    if said is not None and said != indicator.polarity:
        words = {Polarity.HIGHER_IS_BETTER: "higher is better", Polarity.LOWER_IS_BETTER: "lower is better",
                 Polarity.NONE: "no polarity"}
        problems.append(Problem(
            file_name, where,
            f"the workbook says {words[said]} for {indicator.short_title}; the catalogue says {words[indicator.polarity]}",
            "Scorecard judges by the catalogue; change the catalogue if the workbook is right", Severity.WARNING,
        ))


# Units councils add to titles: 'CLA rate per 10,000', 'NEET (%)'.
_UNIT_SUFFIX = re.compile(r"\s*(\(\s*%\s*\)|%|\bper\s+[\d,]+\b.*)$", re.IGNORECASE)


def _match(catalogue, ref: str, name: str):
    """By Ref (an NI code or id), then by title, then by the title without a unit on the end."""
    return (
        (catalogue.match(ref) if ref else None)
        or catalogue.match(name)
        or (catalogue.match(_UNIT_SUFFIX.sub("", name)) if name else None)
    )


def _target_year(header: list[str], column: int | None, latest: Period) -> str:
    """The financial year a Target column is for: named in its header ('Target 2010/11'),
    else the year of the latest period column."""
    if column is not None:
        named = header_period(header[column])
        if named is not None and named.type == PeriodType.FINANCIAL_YEAR:
            return named.label
    return periods.financial_year_containing(latest.end).label
