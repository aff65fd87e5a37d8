"""A board pack is frozen as presented, on DuckDB and on PostgreSQL: signed off once; after a
new load that revises a figure and an edited commentary, the signed-off pack downloads byte for
byte as it did, while a pack made now shows the change, and comparing the two says what changed."""

from datetime import date, datetime

import pytest

from loaders.context import LoadContext
from loaders.pipeline import load_file
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.periods import latest_complete_quarter
from scorecard.reference import sync_reference
from service.application import Service
from service.demo import write_demo
from service.errors import NotAllowed
from service.packs import record
from tests.workbooks import DUDLEY, filled_template

QUARTER = latest_complete_quarter(date.today())
REVISED = "mmr_two_doses_age_5"  # a quarterly figure for the quarter itself, red in the demo


@pytest.fixture
def service(store):
    catalogue, areas = load_catalogue(), load_areas()
    sync_reference(store, catalogue, areas)
    write_demo(store, catalogue, areas)
    return Service(store, catalogue, areas)


def test_a_signed_off_pack_downloads_the_same_bytes_after_a_new_load_and_edited_commentary(service, tmp_path):
    content = record.content_for(service, None, QUARTER, presenter="Pat Presenter")
    pack_id, made = record.make(service, content, "anna", datetime(2026, 10, 14, 9, 30))
    assert record.packs(service, drafts=False) == []  # a draft until signed off
    signed = record.sign_off(service, pack_id, "ada")
    assert [found["id"] for found in record.packs(service, drafts=False)] == [pack_id]
    with pytest.raises(NotAllowed, match="signed off by ada already"):
        record.sign_off(service, pack_id, "anna")
    with pytest.raises(NotAllowed, match="no board pack 99"):
        record.file_of(service, 99, "pdf")
    assert (signed["signed_off_by"], signed["made_by"], signed["quarter"]) == ("ada", "anna", QUARTER.label)
    assert signed["latest_load_id"] == 1 and "1" in signed["load_ids"].split(",")
    first = {name: record.file_of(service, pack_id, name)[1] for name in record.FORMATS}
    assert first == made
    exception = content.exceptions[0]
    assert exception.indicator_id in signed["commentary"] or not exception.commentary

    # The board has seen it. Then a corrected figure is loaded and the commentary rewritten.
    context = LoadContext(service.catalogue, service.areas, DUDLEY)
    workbook = tmp_path / "corrected.xlsx"
    filled_template(workbook, context, {(REVISED, DUDLEY): {"Value": 97.5}}, quarter=QUARTER.label)
    report = load_file(service.store, workbook, context, user="anna")
    assert report.status == "loaded", report.problems
    service.add_commentary(exception.indicator_id, DUDLEY, QUARTER.label, "Rewritten after the board met.", "anna")

    again = {name: record.file_of(service, pack_id, name)[1] for name in record.FORMATS}
    for name in record.FORMATS:
        assert again[name] == first[name], name

    # The control: a pack made now carries the new figure and commentary, so its files differ.
    now = record.content_for(service, None, QUARTER, presenter="Pat Presenter")
    assert next(row for row in now.card.rows if row.indicator_id == REVISED).shown == "97.5"
    later_id, later = record.make(service, now, "anna", datetime(2026, 10, 15, 9, 30))
    assert all(later[name] != first[name] for name in record.FORMATS)
    earlier, changes = record.compare(service, later_id)
    assert earlier["id"] == pack_id
    changed = {change.indicator: change for change in changes}
    mmr = service.catalogue.indicators[REVISED].short_title
    assert "revised" in changed[mmr].what and "RAG changed" in changed[mmr].what
    assert "97.5" in changed[mmr].after and "97.5" not in changed[mmr].before
    assert "commentary changed" in changed[exception.short_title].what
    assert len(changes) == 2  # nothing else moved
