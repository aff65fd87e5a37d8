"""The board pack on the demo data: the PowerPoint read back with python-pptx (native tables and
charts, speaker notes with the commentary, RAG as word and shape, no figure from 1 to 5 children),
LibreOffice opening it, the PDF as text (legend, vintage footer on every page, every exception,
headers repeated), the Excel read back (numbers as numbers, symbols in brackets, no formulas or
merged cells). PNGs of the PDF's pages and of the slides go to test-artefacts/."""

import io
import os
import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from lxml import etree
from pptx import Presentation
from pypdf import PdfReader

from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.periods import latest_complete_quarter
from scorecard.reference import sync_reference
from scorecard.store import Store
from service import deck
from service.application import Service
from service.demo import write_demo
from service.packs import content as pack_content
from service.packs import record
from tests.paths import ARTEFACTS

QUARTER = latest_complete_quarter(date.today())
SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The demo scorecard's pack in all three formats, and the true figures behind each [c]."""
    path = tmp_path_factory.mktemp("packs") / "demo.duckdb"
    store = Store.open(path, create=True)
    catalogue, areas = load_catalogue(), load_areas()
    sync_reference(store, catalogue, areas)
    write_demo(store, catalogue, areas)
    service = Service(store, catalogue, areas)
    # What disclosure control hides: the same scorecard with no threshold (the database keeps true figures).
    store.set_setting("disclosure_threshold", "0")
    bare = {row.indicator_id: row for row in service.scorecard(service.home, QUARTER).rows}
    store.set_setting("disclosure_threshold", "5")
    content = record.content_for(service, None, QUARTER, presenter="Pat Presenter")
    hidden = {row.indicator_id: bare[row.indicator_id] for row in content.card.rows if row.shown == "[c]"}
    files = {name: record.render(content, name) for name in record.FORMATS}
    ARTEFACTS.mkdir(exist_ok=True)
    for name, data in files.items():
        (ARTEFACTS / f"board-pack.{name}").write_bytes(data)
    yield service, content, files, hidden
    store.close()


def _slide_text(slide) -> list[str]:
    texts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            texts.append(shape.text_frame.text)
        if shape.has_table:
            texts += [cell.text for row in shape.table.rows for cell in row.cells]
    return texts


def test_powerpoint_has_the_decks_slides_native_tables_charts_and_notes(made):
    _service, content, files, _hidden = made
    deck_file = Presentation(io.BytesIO(files["pptx"]))
    slides = list(deck_file.slides)
    planned = content.deck.slides
    assert [slide.shapes.title.text for slide in slides[1:]] == [slide.title for slide in planned[1:]]
    assert content.card.area.name in slides[0].shapes.title.text
    tables = [shape for slide in slides for shape in slide.shapes if shape.has_table]
    charts = [shape.chart for slide in slides for shape in slide.shapes if shape.has_chart]
    assert len(tables) >= len(planned) - 1  # every slide but none has its table
    exceptions = content.exceptions
    assert exceptions and len(charts) == len(exceptions)  # a trend chart per exception
    by_title = {f"{row.short_title}: trend": row for row in exceptions}
    for chart in charts:
        row = by_title[chart.chart_title.text_frame.text]
        trend = content.trends[row.indicator_id]
        names = [series.name for series in chart.plots[0].series]
        assert names[0] == content.card.area.name
        assert list(chart.plots[0].series[0].values) == trend.values  # the [c]-controlled figures
        # England wherever it has figures of the row's kind; the target as a level where one is set
        assert ("England" in names) == any(value is not None for value in trend.england)
        assert ("Target" in names) == (row.target is not None)
    assert sum("England" in [series.name for series in chart.plots[0].series] for chart in charts) > len(charts) / 2
    exception_slides = [slide for slide, plan in zip(slides, planned) if plan.kind == deck.EXCEPTIONS]
    for row in exceptions:
        holding = [slide for slide in exception_slides if any(row.short_title in text for text in _slide_text(slide))]
        assert holding, row.short_title
        notes = holding[0].notes_slide.notes_text_frame.text
        if row.commentary:
            assert row.commentary in notes  # the whole commentary, even where the slide shortens it
        assert pack_content.NO_ACTION in notes  # no action agreed in the demo: said, not left blank
    # RAG as a word and a shape, not only colour: shapes named for screen readers, words in the cells.
    named = {shape.name for slide in slides for shape in slide.shapes}
    assert {"Red (square)", "Amber (triangle)", "Green (circle)"} <= named
    cells = [text for slide in slides for text in _slide_text(slide)]
    assert "■ Red" in cells and "▲ Amber" in cells and "● Green" in cells
    assert any("Demonstration data" in text for text in cells)
    assert any(content.vintage in text for text in cells)


def test_powerpoint_shows_no_figure_from_1_to_5_children(made):
    _service, _content, files, hidden = made
    assert hidden, "the demo data has suppressed figures"
    deck_file = Presentation(io.BytesIO(files["pptx"]))
    checked = 0
    for slide in deck_file.slides:
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            lines = [[cell.text for cell in row.cells] for row in shape.table.rows]
            figures = [index for index, name in enumerate(lines[0]) if name.startswith(("Figure", "Previous"))]
            for cells in lines[1:]:
                true = next((hidden[key] for key in hidden if hidden[key].short_title == cells[0]), None)
                if true is None:
                    continue
                checked += 1
                shown = [cells[index] for index in figures]
                assert shown[0].startswith("[c]")
                # neither the true figure, rounded as it would have been shown, nor its count
                assert not any(true.shown in cell for cell in shown)
                assert not any(re.fullmatch(r"[1-5]", cell) for cell in cells)
        notes = slide.notes_slide.notes_text_frame.text
        for line in notes.splitlines():
            if line.startswith("Commentary:"):  # the analyst's own words, kept as written
                continue
            for true in hidden.values():
                if true.short_title in line:
                    assert "[c]" in line and true.shown not in line
    assert checked == len(hidden)


def test_powerpoint_xml_is_valid_and_libreoffice_opens_it(made, tmp_path):
    _service, content, files, _hidden = made
    with zipfile.ZipFile(io.BytesIO(files["pptx"])) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(package.read(name))  # well-formed, or this raises
    source = tmp_path / "pack.pptx"
    source.write_bytes(files["pptx"])
    profile = tmp_path / "libreoffice-profile"
    done = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(source)], check=False, capture_output=True, text=True,
                          timeout=180)
    converted = tmp_path / "pack.pdf"
    assert done.returncode == 0 and converted.exists(), done.stderr
    assert len(PdfReader(converted).pages) == len(content.deck.slides)
    _pngs(converted, "board-pack-slide", resolution=80)


def test_pdf_is_a4_landscape_with_legend_vintage_footer_and_every_exception(made):
    _service, content, files, hidden = made
    pages = PdfReader(io.BytesIO(files["pdf"])).pages
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    assert (round(width), round(height)) == (842, 595)
    texts = [page.extract_text() for page in pages]
    whole = "\n".join(texts)
    for number_of, text in enumerate(texts, start=1):
        assert content.vintage in text and f"Page {number_of} of {len(pages)}" in text
        assert "Demonstration data" in text
    assert re.search(r"figures loaded up to load \d+, \d{1,2} \w{3} \d{4}", content.vintage)
    for mark, meaning in pack_content.legend():
        assert meaning in whole
    for row in content.exceptions:
        assert row.short_title in whole
    # The detail tables run over pages with their header row repeated on each.
    first = next(index for index, text in enumerate(texts) if "every indicator" in text)
    assert len(texts) - first > 5
    assert all("Neighbours" in text and "Commentary" in text for text in texts[first:])
    flat = " ".join(whole.split())
    titles = [row.short_title for row in content.card.rows]
    for true in hidden.values():  # a title may wrap in its cell: look just after its first words
        found = []
        for at in re.finditer(re.escape(true.short_title[:20]), flat):
            after = flat[at.start():at.start() + 90]
            owner = max(titles, key=lambda title: len(os.path.commonprefix([title, after])))
            if owner == true.short_title:
                found.append(after)
        assert found and all("[c]" in after and f" {true.shown} " not in after for after in found), found
    _pngs_from_bytes(files["pdf"], "board-pack-pdf-page")


def test_excel_follows_the_spreadsheet_conventions(made):
    _service, content, files, hidden = made
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    assert book.sheetnames[:4] == ["Cover", "Contents", "Notes", "Summary"]
    assert "Exceptions" in book.sheetnames
    numbers = symbols = 0
    for sheet in book.worksheets:
        assert not sheet.merged_cells.ranges, sheet.title
        for line in sheet.iter_rows():
            for cell in line:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str) and cell.value.startswith("[") and len(cell.value) < 6:
                    assert re.fullmatch(r"\[(c|x|z|u|low)\]", cell.value)
        if sheet.title not in ("Cover", "Contents", "Notes"):
            assert len(sheet.tables) == 1  # one table per sheet
    notes = [tuple(line) for line in book["Notes"].iter_rows(values_only=True)]
    assert ("[c]", "suppressed to protect confidentiality") in notes
    rows = {row.short_title: row for row in content.card.rows}
    for sheet in book.worksheets[5:]:
        header = [cell.value for cell in sheet[3]]
        figure = header.index("Figure")
        for line in sheet.iter_rows(min_row=4, values_only=True):
            row = rows[line[0]]
            if row.shown == "[c]":
                symbols += 1
                assert line[figure] == "[c]"
            elif row.value is not None:
                numbers += 1
                assert isinstance(line[figure], (int, float)) and f"{line[figure]:,.{row.decimals}f}" == row.shown
    assert numbers > 30 and symbols == len(hidden)


def test_the_same_content_gives_the_same_bytes(made):
    _service, content, files, _hidden = made
    for name in record.FORMATS:
        assert record.render(content, name) == files[name], name
    assert content.stamp == content.loaded_at.replace(microsecond=0) and isinstance(content.stamp, datetime)


def _pngs(pdf_path, stem: str, resolution: int = 70) -> None:
    for old in ARTEFACTS.glob(f"{stem}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", str(resolution), "-png", str(pdf_path), str(ARTEFACTS / stem)], check=True,
                   timeout=120)


def _pngs_from_bytes(data: bytes, stem: str) -> None:
    path = ARTEFACTS / f"{stem}.pdf"
    path.write_bytes(data)
    _pngs(path, stem)
    path.unlink()
