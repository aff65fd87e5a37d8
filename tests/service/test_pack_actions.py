"""The clinic's actions travel with their exceptions into the deck and every pack (issue 11
point 2, issue 16 point 3): what, owner, due date and status, overdue said as overdue."""

import io
from datetime import date, timedelta

import openpyxl
from pptx import Presentation

from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.periods import latest_complete_quarter
from scorecard.reference import sync_reference
from scorecard.store import Store
from service import clinic_actions
from service.application import Service
from service.demo import write_demo
from service.packs import record

QUARTER = latest_complete_quarter(date.today())


def test_an_overdue_action_is_in_the_notes_and_the_workbook(tmp_path):
    with Store.open(tmp_path / "demo.duckdb", create=True) as store:
        catalogue, areas = load_catalogue(), load_areas()
        sync_reference(store, catalogue, areas)
        write_demo(store, catalogue, areas)
        service = Service(store, catalogue, areas)
        exception = service.exceptions(service.scorecard(service.home, QUARTER))[0]
        clinic_actions.add_action(service, exception.indicator_id, service.home, QUARTER.label,
                                  "Audit every re-referral since April", "Head of the front door",
                                  date.today() - timedelta(days=3), who="ana")
        content = record.content_for(service, None, QUARTER)
        assert content.deck.action_lines(exception)[0].startswith("Action (overdue): Audit every re-referral")
        deck = Presentation(io.BytesIO(record.render(content, "pptx")))
        notes = [slide.notes_slide.notes_text_frame.text for slide in deck.slides if slide.has_notes_slide]
        holding = [text for text in notes if exception.short_title in text and "Audit every re-referral" in text]
        assert holding and "Head of the front door" in holding[0]
        sheet = openpyxl.load_workbook(io.BytesIO(record.render(content, "xlsx")))["Exceptions"]
        header = [cell.value for cell in sheet[3]]
        line = next(row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] == exception.short_title)
        assert line[header.index("Action")] == "Audit every re-referral since April"
        assert line[header.index("Action owner")] == "Head of the front door"
        assert line[header.index("Action status")] == "overdue"
        others = [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] != exception.short_title]
        assert all(row[header.index("Action")] == "None agreed yet" for row in others)
