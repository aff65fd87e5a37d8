"""The board pack as an Excel workbook, following the Analysis Function's guidance on releasing
statistics in spreadsheets: a cover sheet, a contents sheet, a notes sheet, then one table per
sheet in the deck's order (the summary, the exceptions, then each outcome area); no merged
cells, no formulas, no blank rows inside a table; numbers are numbers (rounded as shown) and a
figure that is not shown is its symbol in brackets ([c], [x]), explained on the notes sheet."""

import io

import xlsxwriter

from scorecard.metrics import round_half_away
from service import deck
from service.packs import frozen
from service.packs.content import (
    RAG_WORDS,
    PackContent,
    is_suppressed,
    legend,
    target_text,
    why_text,
)

NONE_WRITTEN, NOT_RECORDED = "None written", "Not recorded"  # no blank cells in a table
TITLE_FORMAT = {"bold": True, "font_size": 15}
HEADING_FORMAT = {"bold": True, "font_size": 12}


def render(content: PackContent) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False})
    book.set_properties({"title": content.title, "author": "Scorecard", "created": content.stamp,
                         "comments": content.vintage})
    formats = {"title": book.add_format(TITLE_FORMAT), "heading": book.add_format(HEADING_FORMAT),
               "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
               **{places: book.add_format({"num_format": "#,##0" + ("." + "0" * places if places else ""),
                                           "valign": "top"}) for places in range(4)}}
    tables = _tables(content)
    _cover(book.add_worksheet("Cover"), content, formats)
    _contents(book.add_worksheet("Contents"), tables, formats)
    _notes(book.add_worksheet("Notes"), formats)
    for number_of, (sheet, title, header, rows) in enumerate(tables, start=1):
        _table(book, sheet, f"Table {number_of}: {title}", header, rows, formats, content)
    book.close()
    return frozen.fixed(out.getvalue(), content.stamp)


def _cover(sheet, content: PackContent, formats) -> None:
    cover = content.deck.cover
    lines = [
        (content.title, "title"),
        ((f"{content.framework_title}: the scorecard for {cover.area_name}, quarter {cover.quarter}, as "
          "presented to the board."), None),
        ("Data", "heading"),
        (f"Data as at {cover.data_as_at:%-d %B %Y}." if cover.data_as_at else "No figures to date.", None),
        (f"This workbook holds {content.vintage}.", None),
        ("Demonstration data: these figures are invented, not real ones." if content.is_demo else
         "Figures as published, or worked out from published counts where no publisher gives a value.", None),
        ("Presented by", "heading"),
        (cover.presenter or "Not named", None),
        ("Symbols and RAG", "heading"),
        (("Figures not shown are a symbol in square brackets: [c] suppressed (1 to 5 children or worked out "
          "from them), [x] not available. The Notes sheet explains every symbol and the RAG words."), None),
        ("This workbook has no formulas and no merged cells; each table is on its own sheet.", None),
    ]
    sheet.set_column(0, 0, 110)
    for index, (text, style) in enumerate(lines):
        sheet.write_string(index, 0, text, formats[style] if style else formats["wrap"])


def _contents(sheet, tables, formats) -> None:
    sheet.write_string(0, 0, "Contents", formats["title"])
    sheet.write_string(1, 0, "Each table is on its own sheet, in the order of the board deck.")
    header = ["Sheet", "Table"]
    rows = [[name, f"Table {number_of}: {title}"] for number_of, (name, title, _, _) in enumerate(tables, start=1)]
    rows += [["Notes", "The symbols and RAG words used"]]
    _write_table(sheet, 2, header, rows, "contents", formats)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 70)


def _notes(sheet, formats) -> None:
    sheet.write_string(0, 0, "Notes: symbols and RAG", formats["title"])
    sheet.write_string(1, 0, "What each symbol and RAG word in the tables means.")
    rows = [[mark.split(" ", 1)[-1] if not mark.startswith("[") else mark, meaning] for mark, meaning in legend()]
    _write_table(sheet, 2, ["Symbol or word", "Meaning"], rows, "notes", formats)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 70)


def _tables(content: PackContent) -> list[tuple[str, str, list[str], list[list]]]:
    """(sheet, title, header, rows) in the deck's order: a sheet per section, not per slide."""
    tables = [("Summary", "Red and amber indicators by outcome area",
               ["Outcome area", "Red", "Amber", "Green", "No judgement", "Red indicators", "Amber indicators"],
               [[summary.title, *(summary.counts.get(rag, 0) for rag in RAG_WORDS),
                 "; ".join(row.short_title for row in summary.red) or "None",
                 "; ".join(row.short_title for row in summary.amber) or "None"]
                for summary in content.deck.summaries])]
    if content.exceptions:
        tables.append(("Exceptions", "Exceptions: what is off track and why", EXCEPTION_HEADER,
                       [_exception_row(row, content.deck.actions.get(row.indicator_id, []))
                        for row in content.exceptions]))
    seen = set()
    for slide in content.deck.slides:
        if slide.kind != deck.DETAIL or slide.outcome_id in seen:
            continue
        seen.add(slide.outcome_id)
        rows = [row for row in content.card.rows if row.outcome_area == slide.outcome_id]
        title = slide.title.split(" (")[0] if slide.parts > 1 else slide.title
        tables.append((title[:31], f"{title}: every indicator", DETAIL_HEADER, [_detail_row(row) for row in rows]))
    return tables


EXCEPTION_HEADER = ["Indicator", "Outcome area", "Period", "Figure", "Target", "RAG", "Direction", "England",
                    "Why an exception", "Commentary", "Commentary by", "Action", "Action owner", "Action due",
                    "Action status"]
DETAIL_HEADER = ["Indicator", "Period", "Figure", "Previous period", "Previous figure", "Target", "RAG",
                 "Direction", "England", "Region", "Statistical neighbours (mean)", "Rank among LAs",
                 "Quartile (A best)", "Commentary"]


def _figure(value: float | None, shown: str | None, decimals: int):
    """A number rounded as shown, or the symbol in brackets shown in its place: never a zero."""
    if value is None or is_suppressed(shown):
        return (shown or "[x]"), decimals
    return round_half_away(value, decimals), decimals


def _number(value: float | None, decimals: int):
    return ("[x]" if value is None else round_half_away(value, decimals)), decimals


def _exception_row(row, actions: list) -> list:
    """The clinic's actions go in the last four columns, several joined with '; '."""
    def joined(values):
        return "; ".join(values) or NOT_RECORDED

    return [row.short_title, row.outcome_area_title or "", row.period_label or "[x]", _figure(row.value, row.shown, row.decimals),
            _number(row.target, row.decimals) if row.target is not None else target_text(row),
            RAG_WORDS[row.rag], row.direction.capitalize(), _number(row.england, row.decimals), why_text(row),
            row.commentary or NONE_WRITTEN, row.commentary_author or NOT_RECORDED,
            "; ".join(action.what for action in actions) or "None agreed yet",
            joined([action.owner for action in actions]), joined([f"{action.due:%d %b %Y}" for action in actions]),
            joined([action.status for action in actions])]


def _detail_row(row) -> list:
    return [row.short_title, row.period_label or "[x]", _figure(row.value, row.shown, row.decimals),
            row.previous_period or "[x]", _figure(row.previous_value, row.previous_shown, row.decimals),
            _number(row.target, row.decimals) if row.target is not None else target_text(row),
            RAG_WORDS[row.rag], row.direction.capitalize(), _number(row.england, row.decimals),
            _number(row.region, row.decimals), _number(row.sn_mean, row.decimals),
            f"{row.rank} of {row.rank_of}" if row.rank else "[x]", row.quartile or "[x]", row.commentary or NONE_WRITTEN]


def _table(book, name: str, title: str, header: list[str], rows: list[list], formats, content: PackContent) -> None:
    sheet = book.add_worksheet(name)
    sheet.write_string(0, 0, title, formats["title"])
    sheet.write_string(1, 0, f"{len(rows)} rows. {content.footer} Symbols in brackets are explained on the Notes sheet.")
    _write_table(sheet, 2, header, rows, f"table_{name}", formats)
    for column, label in enumerate(header):
        wide = label in ("Commentary", "Why an exception", "Red indicators", "Amber indicators", "Action")
        sheet.set_column(column, column, 60 if wide else 30 if column == 0 else max(12, len(label) + 2))
    sheet.freeze_panes(3, 1)


def _write_table(sheet, top: int, header: list[str], rows: list[list], name: str, formats) -> None:
    """An Excel table (header row and rows): numbers written as numbers, text as text, never a formula."""
    for line, values in enumerate(rows, start=top + 1):
        for column, value in enumerate(values):
            if isinstance(value, tuple):  # (number or symbol, decimals)
                value, places = value
                if isinstance(value, str):
                    sheet.write_string(line, column, value, formats["wrap"])
                else:
                    sheet.write_number(line, column, value, formats[min(places, 3)])
            elif isinstance(value, (int, float)):
                sheet.write_number(line, column, value, formats[0])
            else:
                sheet.write_string(line, column, str(value), formats["wrap"])
    safe = "".join(character if character.isalnum() else "_" for character in name)
    sheet.add_table(top, 0, top + max(len(rows), 1), len(header) - 1, {
        "name": safe, "style": "Table Style Light 1", "columns": [{"header": label} for label in header],
    })
