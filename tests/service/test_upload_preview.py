"""The upload preview (service/preview.py) and the template's empty cells (issue 16): a typed
target keeps the stored tolerance, a typed value keeps the stored count and denominator, and the
preview names each figure, shows it as the scorecard would before and after, lists new figures
and states every side effect. On DuckDB and PostgreSQL."""

import pandas as pd
import pytest

from loaders.context import LoadContext
from loaders.pipeline import load_file
from scorecard import schema
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.reference import sync_reference
from service import preview
from service.application import Service
from tests.workbooks import DUDLEY, filled_template

CLA = ("cla_rate", DUDLEY)
NEET = ("neet_16_17", DUDLEY)


@pytest.fixture
def service(store):
    catalogue, areas = load_catalogue(), load_areas()
    sync_reference(store, catalogue, areas)
    return Service(store, catalogue, areas)


def load(service, path, dry_run=False):
    context = LoadContext(service.catalogue, service.areas, DUDLEY)
    return load_file(service.store, path, context, dry_run=dry_run, user="analyst")


def stored(service, table, key):
    frame = service.store.table(table)
    return frame[(frame["indicator_id"] == key[0]) & (frame["area_code"] == key[1])].to_dict("records")


def test_typed_target_keeps_the_tolerance_and_typed_value_keeps_the_count(service, tmp_path):
    first = tmp_path / "first.xlsx"
    filled_template(first, LoadContext(service.catalogue, service.areas, DUDLEY), {
        CLA: {"Numerator": 580, "Denominator": 71124, "Target": 80},
        NEET: {"Value": "4.5", "Target": 5},
    })
    assert load(service, first).status == "loaded"
    # An analyst sets a tolerance some other way (the targets page): a later template must keep it.
    with service.store.engine.begin() as connection:
        connection.execute(schema.target.update().where(schema.target.c.indicator_id == "cla_rate")
                           .values(tolerance=1.0, tolerance_type="percent"))
    second = tmp_path / "second.xlsx"
    filled_template(second, LoadContext(service.catalogue, service.areas, DUDLEY), {
        CLA: {"Value": "81.9", "Target": 79},  # a value and a target only
    })
    checked = load(service, second, dry_run=True)
    assert checked.status == "dry run"
    shown = preview.preview(service, checked.change)
    assert shown.effects == []  # nothing cleared: the file asked for nothing of the kind
    (figure,) = [line for line in shown.figures if line.indicator.startswith("Children looked after")]
    assert (figure.area, figure.kind) == ("Dudley", "Revised")
    assert figure.before == "82" and figure.after == "82"  # 580 of 71,124 is 81.5 -> 82; then DfE-style 81.9 -> 82
    assert (figure.count_before, figure.count_after) == ("580", "580")
    assert (figure.denominator_before, figure.denominator_after) == ("71,124", "71,124")
    (target,) = shown.targets
    assert (target.before, target.after, target.tolerance_before, target.tolerance_after) == ("80", "79", "1%", "1%")
    assert load(service, second).status == "loaded"
    (row,) = stored(service, schema.target, CLA)
    assert (row["value"], row["tolerance"], row["tolerance_type"]) == (79.0, 1.0, "percent")
    (observation,) = stored(service, schema.observation, CLA)
    assert (observation["value"], observation["numerator"], observation["denominator"]) == (81.9, 580.0, 71124.0)


def test_preview_names_new_figures_and_states_what_a_symbol_clears(service, tmp_path):
    context = LoadContext(service.catalogue, service.areas, DUDLEY)
    first = tmp_path / "first.xlsx"
    filled_template(first, context, {CLA: {"Numerator": 580, "Denominator": 71124}})
    assert load(service, first).status == "loaded"
    second = tmp_path / "second.xlsx"
    filled_template(second, context, {CLA: {"Symbol": "c"}, NEET: {"Value": "4.5"}})
    checked = load(service, second, dry_run=True)
    shown = preview.preview(service, checked.change)
    lines = {line.indicator: line for line in shown.figures}
    neet = next(line for title, line in lines.items() if "NEET" in title)
    assert (neet.kind, neet.before, neet.after, neet.area) == ("New", "–", "4.5", "Dudley")
    cla = next(line for title, line in lines.items() if "looked after" in title)
    assert (cla.before, cla.after, cla.count_after) == ("82", "[c]", "–")
    # A symbol replaces the figure whole: what it clears is said, with the indicator's title.
    assert any("the count 580 would be cleared" in effect and "Children looked after" in effect
               for effect in shown.effects), shown.effects
    assert any("replaced by the symbol [c]" in effect for effect in shown.effects)
    words = " ".join(str(value) for line in shown.figures for value in vars(line).values())
    assert "nan" not in words.lower() and "None" not in words


def test_a_version_4_database_keeps_warnings_once_opened(tmp_path):
    import sqlalchemy as sa

    from scorecard.store import Store
    from tests.workbooks import council_workbook

    db = tmp_path / "old.duckdb"
    Store.open(db, create=True).close()
    engine = sa.create_engine(f"duckdb:///{db}")
    with engine.begin() as connection:  # as Scorecard with schema version 4 left it
        connection.execute(sa.text("DROP TABLE load_warning"))
        connection.execute(schema.schema_version.delete())
        connection.execute(schema.schema_version.insert().values(version=4, applied_at=pd.Timestamp.now()))
    engine.dispose()
    with Store.open(db) as store:
        assert store.schema_version() == schema.SCHEMA_VERSION == 5
        catalogue, areas = load_catalogue(), load_areas()
        sync_reference(store, catalogue, areas)
        report = load_file(store, council_workbook(tmp_path / "council.xlsx"), LoadContext(catalogue, areas, DUDLEY),
                           user="analyst")
        assert report.status == "loaded" and report.warnings
        (said,) = store.load_warnings().values()
        assert [message for _, message in said] == [
            problem.message + (f". {problem.action}" if problem.action else "") for problem in report.warnings]


def test_each_load_keeps_its_warnings_in_full(service, tmp_path):
    from tests.workbooks import council_workbook

    report = load(service, council_workbook(tmp_path / "council.xlsx"))
    assert report.status == "loaded" and report.warnings
    assert service.load_warnings() == {report.load_id: [
        f"{problem.location}: {problem.message}. {problem.action}" for problem in report.warnings]}
