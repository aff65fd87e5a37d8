"""The board pack as a PowerPoint deck (python-pptx), slide for slide the deck's plan: native
tables and line charts a presenter can edit, the commentary in the speaker notes, RAG as a
word, a shape and a colour. 16:9, one slide per planned slide."""

import io
import re

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from service import deck
from service.display import number
from service.packs import frozen
from service.packs.content import (
    DETAIL_HEADER,
    RAG_COLOURS,
    RAG_SHAPE_NAMES,
    RAG_TEXT_COLOURS,
    RAG_WORDS,
    PackContent,
    action_text,
    commentary_text,
    detail_cells,
    england_text,
    figure_with_period,
    legend,
    notes_for,
    rag_text,
    target_text,
    why_text,
)

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.4)
ROW, MARK = Inches(0.4), Inches(0.3)  # a table row's height; a RAG shape's size
TEXT, GREY = "0B0C0C", "505A5F"
LINE_STYLES = {None: ("0B0C0C", False), "Target": ("B10E1E", True), "England": ("1D70B8", False)}  # None: the area
SHAPES = {"red": MSO_SHAPE.RECTANGLE, "amber": MSO_SHAPE.ISOSCELES_TRIANGLE, "green": MSO_SHAPE.OVAL,
          "no judgement": MSO_SHAPE.OVAL}
CELL_MARGINS = [("marL", str(Inches(0.06))), ("marR", str(Inches(0.06))), ("marT", str(Inches(0.03))),
                ("marB", str(Inches(0.03)))]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML
SLIDE_COMMENTARY = 330  # characters of commentary that fit under an exception's table
TITLE_ONLY = 5  # the default template's "Title Only" layout: a real title, read by screen readers


def render(content: PackContent) -> bytes:
    deck_file = Presentation()
    deck_file.slide_width, deck_file.slide_height = WIDTH, HEIGHT
    slides = content.deck.slides
    for number_of, planned in enumerate(slides, start=1):
        slide = deck_file.slides.add_slide(deck_file.slide_layouts[TITLE_ONLY])
        _title(slide, planned.title if planned.kind != deck.COVER else content.title)
        DRAW[planned.kind](slide, planned, content)
        _footer(slide, content, number_of, len(slides))
        slide.notes_slide.notes_text_frame.text = notes_for(planned, content)
    properties = deck_file.core_properties
    properties.title, properties.author, properties.last_modified_by = content.title, "Scorecard", "Scorecard"
    properties.created = properties.modified = content.stamp
    properties.revision = 1
    out = io.BytesIO()
    deck_file.save(out)
    return frozen.fixed(out.getvalue(), content.stamp)


def _title(slide, text: str) -> None:
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = MARGIN, Inches(0.25), WIDTH - 2 * MARGIN, Inches(0.8)
    title.text = text
    paragraph = title.text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    paragraph.runs[0].font.size = Pt(30)
    paragraph.runs[0].font.bold = True
    title.text_frame.word_wrap = True


def _text(slide, left, top, width, height, lines: list[tuple[str, int, bool]], colour: str = TEXT):
    """A text box of (text, points, bold) paragraphs that wraps."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    body = frame._txBody
    for index, (text, size, bold) in enumerate(lines):
        paragraph = body.p_lst[0] if index == 0 else body.add_p()
        _run(paragraph, text, size, bold, colour)
    return box


def _run(paragraph, text: str, size: int, bold: bool = False, colour: str | None = None) -> None:
    """A run of text written as XML directly: the pack has over a thousand, and python-pptx's
    property setters would take most of its time."""
    run = paragraph.makeelement(qn("a:r"), {})
    font = run.makeelement(qn("a:rPr"), {"lang": "en-GB", "sz": str(size * 100), **({"b": "1"} if bold else {})})
    if colour:
        fill = font.makeelement(qn("a:solidFill"), {})
        fill.append(fill.makeelement(qn("a:srgbClr"), {"val": colour}))
        font.append(fill)
    words = run.makeelement(qn("a:t"), {})
    words.text = _CONTROL.sub("", text)
    run.extend([font, words])
    paragraph.append(run)


def _footer(slide, content: PackContent, number_of: int, slides: int) -> None:
    _text(slide, MARGIN, HEIGHT - Inches(0.45), WIDTH - 2 * MARGIN, Inches(0.35),
          [(f"{content.footer}  Slide {number_of} of {slides}.", 11, content.is_demo)], GREY)


def _rag_shape(slide, rag: str, left, top, size=MARK) -> None:
    """The RAG's own shape in its colour (a hollow circle for no judgement), named for screen readers."""
    shape = slide.shapes.add_shape(SHAPES[rag], left, top, size, size)
    shape.name = f"{RAG_WORDS[rag]} ({RAG_SHAPE_NAMES[rag]})"
    shape.shadow.inherit = False
    colour = RGBColor.from_string(RAG_COLOURS[rag])
    if rag == "no judgement":
        shape.fill.background()
    else:
        shape.fill.solid()
        shape.fill.fore_color.rgb = colour
    shape.line.color.rgb = colour
    shape.line.width = Pt(2)


def _table(slide, header: list[str], rows: list[list[str]], left, top, width, widths: list[float], size: int,
           rags: list[str] | None = None, rag_column: int | None = None, row_height=ROW):
    """A native table; the RAG column's cells in the RAG's colours, with the shape and the word."""
    frame = slide.shapes.add_table(len(rows) + 1, len(header), left, top, width, row_height * (len(rows) + 1))
    table = frame.table
    # Sizes set on the XML: python-pptx's setters add up the whole table again at each row and column.
    for line in table._tbl.tr_lst:
        line.set("h", str(int(row_height)))
    total = sum(widths)
    for column, share in zip(table._tbl.tblGrid.gridCol_lst, widths):
        column.set("w", str(int(width * share / total)))
    lines = table._tbl.tr_lst  # the XML's rows: table.cell() looks every row up again
    for cell, text in zip(lines[0].tc_lst, header):
        _cell(cell, text, size - 1, bold=True)
    for row_number, (line, cells) in enumerate(zip(lines[1:], rows)):
        for column, (cell, text) in enumerate(zip(line.tc_lst, cells)):
            rag = rags[row_number] if rags is not None and column == rag_column else None
            if rag in RAG_COLOURS:
                _cell(cell, text, size, bold=True, colour=RAG_TEXT_COLOURS[rag], fill=RAG_COLOURS[rag])
            else:
                _cell(cell, text, size)
    return frame


def _cell(cell, text: str, size: int, bold: bool = False, colour: str | None = None, fill: str | None = None) -> None:
    """A cell (the XML a:tc) with its text, centred on its line, margins and fill (as _run, for speed)."""
    properties = cell.get_or_add_tcPr()
    for name, value in CELL_MARGINS:
        properties.set(name, value)
    properties.set("anchor", "ctr")
    if fill:
        solid = properties.makeelement(qn("a:solidFill"), {})
        solid.append(solid.makeelement(qn("a:srgbClr"), {"val": fill}))
        properties.append(solid)
    paragraph = cell.txBody.p_lst[0]
    if text:
        _run(paragraph, text, size, bold, colour)
    # An empty cell's height comes from its paragraph's end mark: at the default 18 pt it would
    # make its row taller than the rest.
    paragraph.append(paragraph.makeelement(qn("a:endParaRPr"), {"lang": "en-GB", "sz": str(size * 100)}))


def _cover(slide, planned: deck.Slide, content: PackContent) -> None:
    cover = content.deck.cover
    lines = [(f"{content.framework_title}: {cover.quarter}", 24, False)]
    if cover.data_as_at:
        lines.append((f"Data as at {cover.data_as_at:%-d %B %Y}; {content.vintage}", 18, False))
    if cover.presenter:
        lines.append((f"Presented by {cover.presenter}", 18, False))
    if content.is_demo:
        lines.append(("Demonstration data: these figures are invented, not real ones.", 18, True))
    _text(slide, MARGIN, Inches(1.2), Inches(12.5), Inches(1.6), lines)
    _text(slide, MARGIN, Inches(2.95), Inches(6), Inches(0.4), [("How to read this pack", 18, True)])
    keys = legend()
    _table(slide, ["Mark", "Means"], [[mark, meaning] for mark, meaning in keys], MARGIN, Inches(3.4),
           Inches(9), [2.0, 7.0], 12, rags=[*RAG_WORDS, *(["none"] * (len(keys) - 4))], rag_column=0,
           row_height=Inches(0.3))


def _summary(slide, planned: deck.Slide, content: PackContent) -> None:
    summary = next(found for found in content.deck.summaries if found.outcome_id == planned.outcome_id)
    left = MARGIN
    for rag in RAG_WORDS:
        _rag_shape(slide, rag, left, Inches(1.2))
        _text(slide, left + Inches(0.35), Inches(1.12), Inches(2.7), Inches(0.5),
              [(f"{summary.counts.get(rag, 0)} {RAG_WORDS[rag]}", 18, True)])
        left += Inches(3.1)
    if not summary.off_track:
        _text(slide, MARGIN, Inches(1.9), Inches(12), Inches(0.6),
              [("On track: no indicator in this outcome area is red or amber.", 20, False)])
        return
    rows = [[row.short_title, rag_text(row), figure_with_period(row.shown, row.period_label), target_text(row),
             row.direction.capitalize(), why_text(row) if row.exception else ""] for row in planned.rows]
    # One slide names them all (issue 11), so a long list gets smaller rows rather than running off it.
    size = 14 if len(rows) <= 7 else 11 if len(rows) <= 11 else 9
    row_height = min(ROW, int((HEIGHT - Inches(2.4)) / (len(rows) + 1)))
    _table(slide, ["Red and amber indicators", "RAG", "Figure (period)", "Target", "Direction", "Exception because"],
           rows, MARGIN, Inches(1.8), WIDTH - 2 * MARGIN, [3.2, 1.4, 1.8, 1.0, 1.3, 3.8], size,
           rags=[row.rag for row in planned.rows], rag_column=1, row_height=row_height)


def _exceptions(slide, planned: deck.Slide, content: PackContent) -> None:
    block = Inches(2.95)
    for index, row in enumerate(planned.rows):
        top = Inches(1.1) + block * index
        _rag_shape(slide, row.rag, MARGIN, top + Inches(0.05), Inches(0.28))
        _text(slide, MARGIN + Inches(0.4), top - Inches(0.02), Inches(7.9), Inches(0.4),
              [(f"{row.short_title} ({row.outcome_area_title})", 16, True)])
        _table(slide, ["Figure (period)", "Target", "RAG", "Direction", "England"],
               [[figure_with_period(row.shown, row.period_label), target_text(row), rag_text(row),
                 row.direction.capitalize(), england_text(row)]],
               MARGIN, top + Inches(0.42), Inches(8.2), [1.9, 1.0, 1.4, 1.3, 2.6], 13,
               rags=[row.rag], rag_column=2)
        # The "why" beside the "what": the rules met, the commentary and, in its marked place, the action.
        _text(slide, MARGIN, top + Inches(1.3), Inches(8.2), Inches(1.5), [
            (f"Why an exception: {why_text(row)}.", 12, True),
            (f"Commentary: {_shortened(commentary_text(row))}", 12, False),
            (action_text(row, content.deck), 12, False),
        ])
        _chart(slide, row, content, WIDTH - MARGIN - Inches(4.3), top, Inches(4.3), block - Inches(0.1))


def _shortened(text: str, limit: int = SLIDE_COMMENTARY) -> str:
    """What fits beside the chart; the speaker notes hold the whole commentary."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "… (the whole commentary is in the speaker notes)"


def _chart(slide, row, content: PackContent, left, top, width, height) -> None:
    """A native line chart of the row's recent figures with its target and England."""
    trend = content.trends.get(row.indicator_id)
    if trend is None or not trend.lines(content.card.area.name):
        _text(slide, left, top, width, Inches(0.5), [("No figures to chart.", 12, False)])
        return
    data = CategoryChartData(number_format="#,##0" + ("." + "0" * row.decimals if row.decimals else ""))
    data.categories = trend.periods
    lines = trend.lines(content.card.area.name)
    for name, values in lines:
        data.add_series(name, values)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, left, top, width, height, data)
    chart = frame.chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(11)
    chart.font.size = Pt(10)
    chart.has_title = True
    chart.chart_title.text_frame.text = f"{row.short_title}: trend"
    chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
    for series, (name, _values) in zip(chart.plots[0].series, lines):
        colour, dashed = LINE_STYLES.get(name, LINE_STYLES[None])
        series.smooth = False
        series.format.line.color.rgb = RGBColor.from_string(colour)
        series.format.line.width = Pt(2.25)
        if dashed:
            series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH  # the target is a level, not figures
            series.marker.style = XL_MARKER_STYLE.NONE
    said = ", ".join(f"{period}: {number(value, row.decimals) or '[c] or missing'}"
                     for period, value in zip(trend.periods, trend.values))
    frame._element.nvGraphicFramePr.cNvPr.set(
        "descr", f"Line chart of {row.short_title} for {content.card.area.name}, with target "
                 f"{target_text(row)} and England. {said}.")


def _detail(slide, planned: deck.Slide, content: PackContent) -> None:
    rows = [detail_cells(row) for row in planned.rows]
    _table(slide, DETAIL_HEADER, rows, MARGIN, Inches(1.2), WIDTH - 2 * MARGIN,
           [2.6, 1.15, 0.95, 1.15, 0.95, 1.65, 1.2, 1.05, 1.0, 1.35], 13,
           rags=[row.rag for row in planned.rows], rag_column=DETAIL_HEADER.index("RAG"))
    noted = [row for row in planned.rows if row.commentary]
    if noted:
        _text(slide, MARGIN, HEIGHT - Inches(0.9), WIDTH - 2 * MARGIN, Inches(0.4),
              [(f"Commentary on {len(noted)} of these indicators is in the speaker notes.", 12, False)], GREY)


DRAW = {deck.COVER: _cover, deck.SUMMARY: _summary, deck.EXCEPTIONS: _exceptions, deck.DETAIL: _detail}
