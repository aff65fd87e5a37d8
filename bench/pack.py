"""Time the board pack's PowerPoint for Dudley on the demo data against a bare python-pptx deck
of the same number of slides: median of each and their ratio (issue 11 asks for under 3x).

The pack is timed as the Board pack page makes it: the scorecard already worked out (the server
keeps it per data version), then the pack's content (the deck's plan, each exception's trend),
the slides with their tables, charts, shapes and notes, and the pass that fixes the file's dates.
The bare deck has the same slides, each with a title and a native table of the same rows and
columns, and a native line chart of the same points where the pack has one: what python-pptx
itself costs for those objects, with no data, formatting, notes or dates. A titles-only deck is
printed too, for scale. The PDF and the Excel are timed for information.

    .venv/bin/python bench/pack.py [--runs 7]
"""

import argparse
import io
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.periods import latest_complete_quarter
from scorecard.reference import sync_reference
from scorecard.store import Store
from service.application import Service
from service.demo import write_demo
from service.packs import content as pack_content
from service.packs import excel, pdf, powerpoint


def bare_deck(shapes: list[tuple[list[tuple[int, int]], list[list[str]]]], with_objects: bool) -> bytes:
    """Slides with a title, and (with_objects) tables of the given sizes and charts of the given categories."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    for tables, charts in shapes:
        slide = deck.slides.add_slide(deck.slide_layouts[5])
        slide.shapes.title.text = "A slide"
        if not with_objects:
            continue
        for rows, columns in tables:
            table = slide.shapes.add_table(rows, columns, Inches(0.4), Inches(1.2), Inches(12), Inches(4)).table
            for row in range(rows):
                for column in range(columns):
                    table.cell(row, column).text = "x"
        for categories in charts:
            data = CategoryChartData()
            data.categories = categories
            for name in ("Area", "Target", "England"):
                data.add_series(name, [1.0] * len(categories))
            slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, Inches(8), Inches(1), Inches(4), Inches(3), data)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def shapes_of(made: bytes) -> list[tuple[list[tuple[int, int]], list[list[str]]]]:
    """Each slide's tables (rows, columns) and charts (categories) in the pack, to copy barely."""
    found = []
    for slide in Presentation(io.BytesIO(made)).slides:
        tables = [(len(shape.table.rows), len(shape.table.columns)) for shape in slide.shapes if shape.has_table]
        charts = [list(shape.chart.plots[0].categories) for shape in slide.shapes if shape.has_chart]
        found.append((tables, charts))
    return found


def median_ms(work, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--runs", type=int, default=7)
    runs = options.parse_args().runs
    catalogue, areas = load_catalogue(), load_areas()
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "bench.duckdb", create=True)
        sync_reference(store, catalogue, areas)
        write_demo(store, catalogue, areas)
        service = Service(store, catalogue, areas)
        quarter = latest_complete_quarter(date.today())
        card = service.scorecard(service.home, quarter)  # as the server keeps it

        def pack() -> bytes:
            return powerpoint.render(pack_content.build(service, card, presenter="Bench"))

        made = pack()
        shapes = shapes_of(made)
        slides = len(shapes)
        pack_ms = median_ms(pack, runs)
        bare_ms = median_ms(lambda: bare_deck(shapes, with_objects=True), runs)
        titles_ms = median_ms(lambda: bare_deck(shapes, with_objects=False), runs)
        content = pack_content.build(service, card, presenter="Bench")
        pdf_ms = median_ms(lambda: pdf.render(content), runs)
        xlsx_ms = median_ms(lambda: excel.render(content), runs)
        tables = sum(len(tables) for tables, _ in shapes)
        charts = sum(len(charts) for _, charts in shapes)
        print(f"board pack PowerPoint, {slides} slides ({tables} tables, {charts} charts), {runs} runs: "
              f"median {pack_ms:.0f} ms")
        print(f"bare python-pptx deck, the same {slides} slides, tables and charts: median {bare_ms:.0f} ms")
        print(f"board pack / bare deck: {pack_ms / bare_ms:.2f}x (issue 11 asks for under 3x)")
        print(f"for scale: a bare deck of {slides} slides with titles only: median {titles_ms:.0f} ms")
        print(f"for information: the pack's PDF median {pdf_ms:.0f} ms, its Excel median {xlsx_ms:.0f} ms")
        store.close()


if __name__ == "__main__":
    main()
