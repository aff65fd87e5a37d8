"""The performance clinic on DuckDB and PostgreSQL (issue 16): targets set, changed and
audited with before and after, never touching a tolerance or a figure unless asked; actions
carried to the next quarter until done; commentary with its author and time; and a saved
note or target redoing only what it changes."""

from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from scorecard import schema
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.periods import parse_period
from scorecard.reference import sync_reference
from scorecard.store import Batch
from service import clinic_actions, clinic_targets
from service.application import Service
from service.errors import NotAllowed

DUDLEY, ENGLAND = "E08000027", "E92000001"
JUDGED, OTHER = "re_referrals_12_months", "cpp_second_or_subsequent"  # both lower is better
QUARTER = parse_period("2025-26 Q1")


def figure(indicator_id: str, area: str, value: float) -> dict:
    return {"indicator_id": indicator_id, "area_code": area, "period": "2024-25", "breakdown": "all",
            "source": "test", "period_type": "financial_year", "period_start": date(2024, 4, 1),
            "period_end": date(2025, 3, 31), "numerator": None, "denominator": None, "value": value, "status": ""}


def load(store, tables: dict[str, pd.DataFrame]) -> int:
    row = {"file_name": "test.csv", "sha256": str(datetime.now().timestamp()), "kind": "test", "user_name": "test",
           "loaded_at": datetime.now(), "rows_read": 1, "rows_new": 0, "rows_revised": 0, "rows_unchanged": 0,
           "warnings": 0, "status": "loaded"}
    load_id, _change = store.apply(Batch(tables=tables), row)
    return load_id


@pytest.fixture
def service(store):
    catalogue, areas = load_catalogue(), load_areas()
    sync_reference(store, catalogue, areas)
    observations = pd.DataFrame([figure(JUDGED, DUDLEY, 22.5), figure(JUDGED, ENGLAND, 22.6),
                                 figure(OTHER, DUDLEY, 27.6), figure(OTHER, ENGLAND, 24.5)])
    # A target as a template load writes it, with a tolerance, for the other indicator.
    targets = pd.DataFrame([{"indicator_id": OTHER, "area_code": DUDLEY, "period": "2024-25", "value": 30.0,
                             "tolerance": 1.0, "tolerance_type": "absolute"}])
    load(store, {"observation": observations, "target": targets})
    return Service(store, catalogue, areas, home=DUDLEY)


def audit(store, action: str) -> list[dict]:
    return [entry for entry in store.audit_entries() if entry["action"] == action]


def test_a_target_is_set_changed_and_audited_with_before_and_after(service):
    first = clinic_targets.set_target(service, "anna", indicator_id=JUDGED, value="15", period="2024-25",
                                      tolerance="2", agreed_by="Trust board")
    assert first.before is None and first.changed
    changed = clinic_targets.set_target(service, "ada", indicator_id=JUDGED, value="14", period="2024-25")
    assert changed.after["tolerance"] == 2.0 and changed.after["agreed_by"] == "Trust board"  # kept, not asked
    again = clinic_targets.set_target(service, "ada", indicator_id=JUDGED, value="14", period="2024-25")
    assert not again.changed
    entries = audit(service.store, "target set")
    assert [(entry["who"], entry["before_value"], entry["after_value"]) for entry in entries] == [
        ("anna", None, "target 15, tolerance 2 (absolute), agreed by Trust board"),
        ("ada", "target 15, tolerance 2 (absolute), agreed by Trust board",
         "target 14, tolerance 2 (absolute), agreed by Trust board"),
    ]  # the unchanged one wrote nothing
    listed = clinic_targets.target_records(service, DUDLEY)
    mine = next(row for row in listed if row["indicator_id"] == JUDGED)
    assert (mine["value"], mine["tolerance"], mine["agreed_by"], mine["set_by"]) == (14.0, 2.0, "Trust board", "ada")


def test_setting_a_target_changes_no_tolerance_figure_or_other_target_unless_asked(service):
    store = service.store
    figures_before = store.table(schema.observation).sort_values(["indicator_id", "area_code"]).reset_index(drop=True)
    clinic_targets.set_target(service, "anna", indicator_id=OTHER, value="25", period="2024-25")
    row = next(row for row in clinic_targets.target_records(service, DUDLEY) if row["indicator_id"] == OTHER)
    assert (row["value"], row["tolerance"], row["tolerance_type"]) == (25.0, 1.0, "absolute")
    after = store.table(schema.observation).sort_values(["indicator_id", "area_code"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(figures_before, after)
    clinic_targets.set_target(service, "anna", indicator_id=OTHER, value="25", period="2024-25",
                              tolerance_type="percent")
    clinic_targets.set_target(service, "anna", indicator_id=OTHER, value="25", period="2024-25", tolerance="none")
    row = next(row for row in clinic_targets.target_records(service, DUDLEY) if row["indicator_id"] == OTHER)
    assert (row["tolerance"], row["tolerance_type"]) == (None, "percent")  # removed only when asked


def test_a_target_refused_in_plain_words_writes_nothing(service):
    for asked, words in [({"indicator_id": "cla_rate", "value": "60"}, "no polarity"),
                         ({"indicator_id": JUDGED, "value": "lots"}, "is not a number"),
                         ({"indicator_id": JUDGED, "value": "15", "period": "2024"}, "not a financial year"),
                         ({"indicator_id": JUDGED, "value": "15", "tolerance": "-1"}, "below zero"),
                         ({"indicator_id": "nonsense", "value": "15"}, "not an indicator")]:
        with pytest.raises(NotAllowed, match=words):
            clinic_targets.set_target(service, "anna", **{"period": "2024-25", **asked})
    assert audit(service.store, "target set") == []


def test_a_clinic_target_survives_reverting_an_earlier_load(service):
    clinic_targets.set_target(service, "anna", indicator_id=OTHER, value="26", period="2024-25")
    service.revert(1, by="test")  # the load that wrote the template's target for OTHER
    row = next(row for row in clinic_targets.target_records(service, DUDLEY) if row["indicator_id"] == OTHER)
    assert row["value"] == 26.0


def test_a_targets_workbook_round_trip_changes_only_what_was_edited(service, tmp_path):
    clinic_targets.set_target(service, "anna", indicator_id=JUDGED, value="15", period="2024-25", tolerance="2")
    path = tmp_path / "targets.xlsx"
    assert clinic_targets.write_workbook(service, path, DUDLEY) == 2
    book = openpyxl.load_workbook(path)
    sheet = book[clinic_targets.SHEET]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == JUDGED)
    sheet.cell(row, 6).value = 12  # Target
    sheet.cell(row, 7).value = None  # a blank tolerance keeps it
    book.save(path)
    changes = clinic_targets.load_workbook(service, path, "anna")
    assert sorted((change.indicator_id, change.changed) for change in changes) == [(OTHER, False), (JUDGED, True)]
    mine = next(row for row in clinic_targets.target_records(service, DUDLEY) if row["indicator_id"] == JUDGED)
    assert (mine["value"], mine["tolerance"]) == (12.0, 2.0)
    sheet.cell(row, 6).value = "twelve"
    book.save(path)
    entries = len(service.store.audit_entries())
    with pytest.raises(NotAllowed, match=rf"sheet Targets, row {row}: The target 'twelve' is not a number"):
        clinic_targets.load_workbook(service, path, "anna")
    assert len(service.store.audit_entries()) == entries


def test_actions_are_carried_forward_until_done_and_audited(service):
    action = clinic_actions.add_action(service, JUDGED, DUDLEY, "2025-26 Q1", "Audit re-referrals", "Head of MASH",
                                       "2025-07-31", "anna")
    today = date(2025, 10, 15)
    q1, q2, q3, q4 = (parse_period(f"2025-26 Q{n}") for n in range(1, 5))
    assert clinic_actions.actions_in(service, DUDLEY, parse_period("2024-25 Q4"), today=today) == []
    shown = clinic_actions.actions_in(service, DUDLEY, q2, today=today)
    assert [(a.id, a.status, a.carried, a.raised_quarter) for a in shown] == [(action, "overdue", True, "2025-26 Q1")]
    assert clinic_actions.actions_in(service, DUDLEY, q1, today=date(2025, 6, 1))[0].status == "open"
    clinic_actions.update_action(service, action, "ada", "2025-26 Q3", status="done")
    assert [a.status for a in clinic_actions.actions_in(service, DUDLEY, q3, today=today)] == ["done"]
    assert clinic_actions.actions_in(service, DUDLEY, q4, today=today) == []  # done: no longer carried
    added, updated = audit(service.store, "action add"), audit(service.store, "action update")
    assert added[0]["before_value"] is None and added[0]["after_value"].endswith("due 31 Jul 2025; open")
    assert (updated[0]["who"], updated[0]["before_value"].endswith("; open"),
            updated[0]["after_value"].endswith("; done")) == ("ada", True, True)
    with pytest.raises(NotAllowed, match="not a date"):
        clinic_actions.add_action(service, JUDGED, DUDLEY, "2025-26 Q1", "x", "y", "soon", "anna")
    with pytest.raises(NotAllowed, match="no action 999"):
        clinic_actions.update_action(service, 999, "ada", "2025-26 Q3", status="done")


def test_commentary_is_set_changed_and_audited_with_its_time(service):
    service.add_commentary(JUDGED, DUDLEY, QUARTER.label, "First.", "anna")
    service.add_commentary(JUDGED, DUDLEY, QUARTER.label, "Second.", "ada")
    note = service.commentary_notes(DUDLEY, QUARTER.label)[JUDGED]
    assert (note["text"], note["author"]) == ("Second.", "ada") and note["written_at"] is not None
    entries = audit(service.store, "commentary")
    assert [(e["before_value"], e["after_value"]) for e in entries] == [(None, "First."), ("First.", "Second.")]


def test_a_note_rebuilds_nothing_and_a_target_rejudges_one_indicator(service, monkeypatch):
    card = service.scorecard(DUDLEY, QUARTER)
    national = service.national()
    row = {r.indicator_id: r for r in card.rows}
    assert row[JUDGED].rag == "no judgement" and row[OTHER].rag == "green"
    built = []
    from service import application

    real = application.quarterly_scorecard
    monkeypatch.setattr(application, "quarterly_scorecard",
                        lambda *args, **kwargs: built.append(kwargs.get("only")) or real(*args, **kwargs))
    service.add_commentary(JUDGED, DUDLEY, QUARTER.label, "Looked at in clinic.", "anna")
    noted = service.scorecard(DUDLEY, QUARTER)
    assert built == [] and service.national() is national  # a note judges nothing again
    assert next(r for r in noted.rows if r.indicator_id == JUDGED).commentary == "Looked at in clinic."
    untouched = [r for r in noted.rows if r.indicator_id != JUDGED]
    assert all(a is b for a, b in zip(untouched, [r for r in card.rows if r.indicator_id != JUDGED]))
    clinic_targets.set_target(service, "anna", indicator_id=JUDGED, value="15", period="2024-25")
    judged = service.scorecard(DUDLEY, QUARTER)
    assert built == [{JUDGED}]  # one indicator judged again, not the scorecard
    assert service.national() is national
    mine = next(r for r in judged.rows if r.indicator_id == JUDGED)
    assert (mine.target, mine.rag, mine.exception) == (15.0, "red", True)
    assert mine.commentary == "Looked at in clinic."
    assert next(r for r in judged.rows if r.indicator_id == OTHER) is next(r for r in noted.rows if r.indicator_id == OTHER)


def test_a_version_4_database_gets_the_clinic_tables_as_it_is_opened(tmp_path):
    import sqlalchemy as sa

    from scorecard.store import Store

    db = tmp_path / "old.duckdb"
    Store.open(db, create=True).close()
    engine = sa.create_engine(f"duckdb:///{db}")
    with engine.begin() as connection:  # as Scorecard with schema version 4 left it
        connection.execute(sa.text("DROP TABLE action_item"))
        connection.execute(sa.text("DROP TABLE target_agreement"))
        connection.execute(schema.schema_version.delete())
        connection.execute(schema.schema_version.insert().values(version=4, applied_at=datetime.now()))
    engine.dispose()
    with Store.open(db) as store:
        assert store.schema_version() == schema.SCHEMA_VERSION == 5
        assert store.actions_for(DUDLEY) == [] and store.all_targets().empty


def test_the_targets_form_reads_a_tolerance_as_absolute_or_percent(service):
    from service import clinic_buttons

    def saved(tolerance):
        change = clinic_buttons.save_target(service, JUDGED, "2024-25", "15", tolerance, "", DUDLEY)
        return change.after["tolerance"], change.after["tolerance_type"]

    assert saved("2") == (2.0, "absolute")
    assert saved("5%") == (5.0, "percent")
    assert saved("") == (5.0, "percent")  # blank keeps it and its type
    assert saved("none") == (None, "percent")


def test_a_change_that_rejudges_every_row_rebuilds_the_scorecard_but_not_the_national_figures(service, monkeypatch):
    """What changes a row's signals without a load (an SPC rebase, audited where a branch adds
    them) judges the whole scorecard again, still from the national figures already built."""
    from scorecard.versioned import record_audit
    from service import application

    card = service.scorecard(DUDLEY, QUARTER)
    national = service.national()
    built = []
    real = application.quarterly_scorecard
    monkeypatch.setattr(application, "quarterly_scorecard",
                        lambda *args, **kwargs: built.append(kwargs.get("only")) or real(*args, **kwargs))
    with service.store.engine.begin() as connection:
        record_audit(connection, "anna", "spc rebase", f"{JUDGED} {DUDLEY} 2024-25", None, "New front door")
    again = service.scorecard(DUDLEY, QUARTER)
    assert built == [None] and again is not card and service.national() is national


def test_reverting_a_load_that_revised_a_target_keeps_the_target_the_clinic_set_since(service):
    """Load 2 revises load 1's target; the clinic then sets it; reverting load 2 must neither
    fail nor undo the clinic's decision."""
    revised = pd.DataFrame([{"indicator_id": OTHER, "area_code": DUDLEY, "period": "2024-25", "value": 28.0,
                             "tolerance": 1.0, "tolerance_type": "absolute"}])
    second = load(service.store, {"target": revised})
    clinic_targets.set_target(service, "anna", indicator_id=OTHER, value="25", period="2024-25")
    service.revert(second, by="test")
    row = next(row for row in clinic_targets.target_records(service, DUDLEY) if row["indicator_id"] == OTHER)
    assert (row["value"], row["tolerance"]) == (25.0, 1.0)
    assert len(service.store.table(schema.target_revision)) == 0
