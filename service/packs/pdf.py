"""The board pack as a PDF, A4 landscape, in the deck's order: cover with the legend, a
summary per outcome area, the exceptions with their trend, then the detail tables, which run
over pages with their header row repeated. Every page carries its number and the data's
vintage ("Demonstration data" too where it is).

Rendered with reportlab, not Chromium: the server then needs no browser at run time (Chromium
is a test-only dependency), a table's header repeats with `repeatRows`, and `invariant=1`
makes the same content give the same bytes. RAG shapes are drawn, not taken from a font."""

import io
from functools import lru_cache
from pathlib import Path

import reportlab
from reportlab.graphics.charts.legends import LineLegend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tables import LongTable

from service import deck
from service.display import number
from service.packs.content import (
    DETAIL_HEADER,
    RAG_COLOURS,
    RAG_TEXT_COLOURS,
    RAG_WORDS,
    PackContent,
    action_text,
    commentary_text,
    detail_cells,
    england_text,
    figure_with_period,
    legend,
    target_text,
    why_text,
)

PAGE = landscape(A4)
MARGIN = 14 * mm
# DejaVu (Debian's fonts-dejavu-core) reads most of what commentary holds; reportlab's own Vera otherwise.
FONT_FILES = [
    (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")),
    (Path(reportlab.__file__).parent / "fonts" / "Vera.ttf", Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf"),
]
GREY, TEXT, RULE = colors.HexColor("#505A5F"), colors.HexColor("#0B0C0C"), colors.HexColor("#B1B4B6")
HEAD = colors.HexColor("#F3F2F1")


@lru_cache(maxsize=1)
def fonts() -> tuple[str, str]:
    regular, bold = next(pair for pair in FONT_FILES if pair[0].exists() and pair[1].exists())
    pdfmetrics.registerFont(TTFont("PackSans", str(regular)))
    pdfmetrics.registerFont(TTFont("PackSans-Bold", str(bold)))
    pdfmetrics.registerFontFamily("PackSans", normal="PackSans", bold="PackSans-Bold")
    return "PackSans", "PackSans-Bold"


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=24, leading=29, spaceAfter=8, textColor=TEXT),
        "h1": ParagraphStyle("h1", fontName=bold, fontSize=17, leading=21, spaceBefore=4, spaceAfter=6, textColor=TEXT),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=12.5, leading=16, spaceBefore=8, spaceAfter=3, textColor=TEXT),
        "body": ParagraphStyle("body", fontName=regular, fontSize=10.5, leading=14, textColor=TEXT),
        "lede": ParagraphStyle("lede", fontName=regular, fontSize=14, leading=19, spaceAfter=4, textColor=TEXT),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8.5, leading=11, textColor=TEXT),
        "head": ParagraphStyle("head", fontName=bold, fontSize=8.5, leading=11, textColor=TEXT),
    }


class RagMark(Flowable):
    """The RAG's shape, drawn, and its word: never the colour alone."""

    def __init__(self, rag: str, size: float = 8.5):
        super().__init__()
        self.rag, self.size = rag, size
        self.width, self.height = 30 * mm, size + 2

    def wrap(self, available_width, available_height):
        return min(self.width, available_width), self.height

    def draw(self):
        ink = colors.HexColor("#" + RAG_TEXT_COLOURS[self.rag])
        pen = self.canv
        pen.setFillColor(ink)
        pen.setStrokeColor(ink)
        side = self.size * 0.8
        if self.rag == "red":
            pen.rect(0, 1, side, side, stroke=0, fill=1)
        elif self.rag == "amber":
            path = pen.beginPath()
            path.moveTo(0, 1)
            path.lineTo(side, 1)
            path.lineTo(side / 2, 1 + side)
            path.close()
            pen.drawPath(path, stroke=0, fill=1)
        elif self.rag == "green":
            pen.circle(side / 2, 1 + side / 2, side / 2, stroke=0, fill=1)
        else:
            pen.setLineWidth(1)
            pen.circle(side / 2, 1 + side / 2, side / 2 - 0.5, stroke=1, fill=0)
        pen.setFont(fonts()[1], self.size)
        pen.drawString(side + 3, 1.5, RAG_WORDS[self.rag])


def render(content: PackContent) -> bytes:
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=14 * mm, bottomMargin=16 * mm,
        title=content.title, author="Scorecard", subject=content.vintage, creator="Scorecard", invariant=1,
    )
    story = []
    for kind, slides in _sections(content.deck.slides):
        story += SECTIONS[kind](slides, content)
    document.build(story, canvasmaker=_numbered(content))
    return out.getvalue()


def _sections(slides: list[deck.Slide]) -> list[tuple[str, list[deck.Slide]]]:
    """The deck's slides in order, a section's parts ("Stay safe (2 of 3)") joined: on paper a
    table runs over pages with its header repeated instead."""
    sections: list[tuple[str, list[deck.Slide]]] = []
    for slide in slides:
        same = sections and sections[-1][0] == slide.kind and slide.part > 1
        if same:
            sections[-1][1].append(slide)
        else:
            sections.append((slide.kind, [slide]))
    return sections


def _numbered(content: PackContent):
    """A canvas that writes "Page n of N" and the vintage once it knows how many pages there are."""
    regular, bold = fonts()

    class Numbered(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for number_of, page in enumerate(self._pages, start=1):
                self.__dict__.update(page)
                self.setFont(bold if content.is_demo else regular, 8.5)
                self.setFillColor(GREY)
                self.drawString(MARGIN, 8 * mm, content.footer)
                self.setFont(regular, 8.5)
                self.drawRightString(PAGE[0] - MARGIN, 8 * mm, f"Page {number_of} of {len(self._pages)}")
                self.drawString(MARGIN, PAGE[1] - 8 * mm, content.title)
                super().showPage()
            super().save()

    return Numbered


def _cell(text: str, style: str = "cell") -> Paragraph:
    return Paragraph(_escape(text), styles()[style])


def _escape(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def _table(header: list[str], rows: list[list], widths: list[float], rags: list[str] | None = None,
           rag_column: int | None = None, usable: float = PAGE[0] - 2 * MARGIN) -> Table:
    """A table whose header row repeats on every page it runs over; RAG cells in their colours."""
    data = [[_cell(text, "head") for text in header]]
    data += [[cell if isinstance(cell, Flowable) else _cell(cell) for cell in row] for row in rows]
    total = sum(widths)
    table = LongTable(data, colWidths=[usable * share / total for share in widths], repeatRows=1)
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD), ("LINEBELOW", (0, 0), (-1, 0), 1, TEXT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for index, rag in enumerate(rags or []):
        if rag in RAG_COLOURS:
            style.append(("BACKGROUND", (rag_column, index + 1), (rag_column, index + 1), colors.HexColor("#" + RAG_COLOURS[rag])))
    table.setStyle(TableStyle(style))
    return table


def _rag_cells(rows, column: int, cells: list[list]) -> list[list]:
    for row, line in zip(rows, cells):
        line[column] = RagMark(row.rag)
    return cells


def _cover(slides, content: PackContent) -> list:
    cover, said = content.deck.cover, styles()
    story = [Spacer(1, 8 * mm), Paragraph(_escape(content.title), said["title"]),
             Paragraph(_escape(f"{content.framework_title}: {cover.quarter}"), said["lede"])]
    if cover.data_as_at:
        story.append(Paragraph(_escape(f"Data as at {cover.data_as_at:%-d %B %Y}; {content.vintage}."), said["lede"]))
    if cover.presenter:
        story.append(Paragraph(_escape(f"Presented by {cover.presenter}"), said["lede"]))
    if content.is_demo:
        story.append(Paragraph("<b>Demonstration data: these figures are invented, not real ones.</b>", said["lede"]))
    story.append(Paragraph("How to read this pack: the RAG and symbols legend", said["h1"]))
    keys = legend()
    marks = [RagMark(rag) for rag in RAG_WORDS] + [_cell(mark) for mark, _ in keys[4:]]
    story.append(_table(["Mark", "Means"], [[mark, meaning] for mark, (_, meaning) in zip(marks, keys)], [1.2, 5],
                        rags=[*RAG_WORDS, *(["none"] * (len(keys) - 4))], rag_column=0))
    story.append(Spacer(1, 3 * mm))
    story.append(Paragraph(
        "Counts of 1 to 5 children, and figures worked out from them, are shown as [c] to protect confidentiality. "
        "A symbol is never a zero.", said["body"]))
    return story + [PageBreak()]


def _summary(slides, content: PackContent) -> list:
    said = styles()
    slide = slides[0]
    summary = next(found for found in content.deck.summaries if found.outcome_id == slide.outcome_id)
    counts = ", ".join(f"{summary.counts.get(rag, 0)} {RAG_WORDS[rag].lower()}" for rag in RAG_WORDS)
    story = [CondPageBreak(60 * mm), Paragraph(_escape(slide.title), said["h1"]),
             Paragraph(_escape(f"{counts}."), said["body"]), Spacer(1, 2 * mm)]
    if not summary.off_track:
        return story + [Paragraph("On track: no indicator in this outcome area is red or amber.", said["body"])]
    cells = [[row.short_title, "", figure_with_period(row.shown, row.period_label), target_text(row),
              row.direction.capitalize(), why_text(row) if row.exception else ""] for row in slide.rows]
    story.append(_table(["Red and amber indicators", "RAG", "Figure (period)", "Target", "Direction", "Exception because"],
                        _rag_cells(slide.rows, 1, cells), [3.2, 1.3, 1.8, 1.0, 1.2, 4.0],
                        rags=[row.rag for row in slide.rows], rag_column=1))
    return story


def _exceptions(slides, content: PackContent) -> list:
    said = styles()
    rows = [row for slide in slides for row in slide.rows]
    story = [PageBreak(), Paragraph("Exceptions: what is off track and why", said["h1"]),
             Paragraph(f"{len(rows)} exceptions, each with its figure, target, RAG, direction, England, the "
                       "commentary and the action.", said["body"])]
    for row in rows:
        facts = _table(["Figure (period)", "Target", "RAG", "Direction", "England"],
                       [[figure_with_period(row.shown, row.period_label), target_text(row), RagMark(row.rag),
                         row.direction.capitalize(), england_text(row)]], [1.6, 0.9, 1.2, 1.0, 2.0],
                       rags=[row.rag], rag_column=2, usable=(PAGE[0] - 2 * MARGIN) * 0.62)  # beside the chart
        words = [facts, Spacer(1, 2 * mm),
                 Paragraph(f"<b>Why an exception:</b> {_escape(why_text(row))}.", said["body"]),
                 Paragraph(f"<b>Commentary:</b> {_escape(commentary_text(row))}", said["body"]),
                 Paragraph(_escape(action_text(row, content.deck)), said["body"])]
        side = Table([[words, _chart(row, content)]], colWidths=[(PAGE[0] - 2 * MARGIN) * 0.64, None])
        side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
        story.append(KeepTogether([Paragraph(_escape(f"{row.short_title} ({row.outcome_area_title})"), said["h2"]), side]))
    return story


def _chart(row, content: PackContent) -> Flowable:
    """The trend, its target and England as a small line chart."""
    trend = content.trends.get(row.indicator_id)
    if trend is None or not trend.lines(content.card.area.name):
        return _cell("No figures to chart.")
    regular, _ = fonts()
    drawing = Drawing(88 * mm, 44 * mm)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 12 * mm, 13 * mm, 72 * mm, 26 * mm
    steps = range(len(trend.periods))
    colours = {"Target": colors.HexColor("#B10E1E"), "England": colors.HexColor("#1D70B8")}
    lines = [(name, values, colours.get(name, TEXT)) for name, values in trend.lines(content.card.area.name)]
    plot.data = [[(step, value) for step, value in zip(steps, values) if value is not None] for _, values, _ in lines]
    known = [value for _, values, _ in lines for value in values if value is not None] or [0]
    low, high = min(known), max(known)
    pad = (high - low) * 0.15 or abs(high) * 0.1 or 1
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = low - pad, high + pad
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = -0.3, max(len(trend.periods) - 0.7, 0.7)
    # Every period labelled up to five; beyond, every other one back from the latest, so none overlap.
    plot.xValueAxis.valueSteps = list(steps) if len(steps) <= 5 else sorted(steps[::-2])
    plot.xValueAxis.labelTextFormat = lambda step: trend.periods[int(step)] if 0 <= int(step) < len(trend.periods) else ""
    plot.yValueAxis.labelTextFormat = lambda value: number(value, row.decimals)
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName, axis.labels.fontSize = regular, 6.5
    for index, (_, _, colour) in enumerate(lines):
        plot.lines[index].strokeColor, plot.lines[index].strokeWidth = colour, 1.6
    for index, (name, _, _) in enumerate(lines):
        if name == "Target":
            plot.lines[index].strokeDashArray = [3, 2]
    drawing.add(plot)
    key = LineLegend()
    key.x, key.y, key.fontName, key.fontSize, key.columnMaximum = 12 * mm, 3 * mm, regular, 7, 1
    key.colorNamePairs = [(colour, name) for name, _, colour in lines]
    key.dx, key.dy = 10, 2
    drawing.add(key)
    drawing.add(String(12 * mm, 41.5 * mm, "Trend, with target and England", fontName=regular, fontSize=7.5))
    return drawing


def _detail(slides, content: PackContent) -> list:
    said = styles()
    rows = [row for slide in slides for row in slide.rows]
    title = slides[0].title.split(" (")[0] if slides[0].parts > 1 else slides[0].title
    cells = [[*detail_cells(row), row.commentary or ""] for row in rows]
    story = [PageBreak(), Paragraph(_escape(f"{title}: every indicator"), said["h1"])]
    story.append(_table([*DETAIL_HEADER, "Commentary"], _rag_cells(rows, DETAIL_HEADER.index("RAG"), cells),
                        [2.4, 1.0, 0.9, 1.1, 0.9, 1.65, 1.2, 1.1, 1.05, 1.4, 2.7],
                        rags=[row.rag for row in rows], rag_column=DETAIL_HEADER.index("RAG")))
    return story


SECTIONS = {deck.COVER: _cover, deck.SUMMARY: _summary, deck.EXCEPTIONS: _exceptions, deck.DETAIL: _detail}
