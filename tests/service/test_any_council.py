"""Any council can run it (issue 13): Walsall set up as home from a clean database with a
localities file, its demo built, and Walsall (not Dudley) the default area of `scorecard show`,
the template and the pages; a demo for any LA; the set-up kept, audited, on both backends."""

import json
from datetime import date

import pytest

from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.periods import latest_complete_quarter
from service import setup
from service.application import Service
from service.cli import main
from service.errors import NotAllowed
from tests.layouts.trees import app_on, texts
from tests.workbooks import template_rows

WALSALL, DUDLEY = "E08000030", "E08000027"
QUARTER = latest_complete_quarter(date.today()).label
# ONS's ward to local authority district lookup as published (header and column order of the
# 2023 release); a few of Walsall's wards, and one of Dudley's that must be left out. The ward
# codes here are made up for the test.
ONS_LOOKUP = """\ufeffWD23CD,WD23NM,WD23NMW,LAD23CD,LAD23NM,LAD23NMW,ObjectId
E05015101,Aldridge Central and South,,E08000030,Walsall,,1
E05015102,Bloxwich East,,E08000030,Walsall,,2
E05015103,Darlaston South,,E08000030,Walsall,,3
E05015104,Pelsall,,E08000030,Walsall,,4
E05015105,Willenhall North,,E08000030,Walsall,,5
E05015105,Willenhall North,,E08000030,Walsall,,6
E05001234,Brockmoor and Pensnett,,E08000027,Dudley,,7
"""


@pytest.fixture(scope="module")
def walsall_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("walsall")
    lookup = folder / "WD23_LAD23_EW_LU.csv"
    lookup.write_text(ONS_LOOKUP, encoding="utf-8")
    db = folder / "walsall.duckdb"
    assert main(["setup", "--home", "Walsall", "--localities", str(lookup), "--db", str(db)]) == 0
    assert main(["demo", "--db", str(db)]) == 0
    return db


def test_show_defaults_to_walsall(walsall_db, capsys):
    capsys.readouterr()
    assert main(["show", "--db", str(walsall_db)]) == 0
    out = capsys.readouterr().out
    assert "DEMONSTRATION DATA" in out
    assert f"Walsall ({WALSALL}), quarter {QUARTER}" in out
    assert "Dudley" not in out
    assert main(["show", "--db", str(walsall_db), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {row["area_code"] for row in rows} == {WALSALL}
    assert sum(row["value"] is not None for row in rows) > len(rows) / 2  # the demo is Walsall's


def test_the_setup_is_listed_and_audited(walsall_db, capsys):
    capsys.readouterr()
    assert main(["setup", "--db", str(walsall_db)]) == 0
    out = capsys.readouterr().out
    assert f"Walsall ({WALSALL})" in out and "5 wards" in out
    assert main(["audit", "--db", str(walsall_db), "--format", "csv"]) == 0
    audit = capsys.readouterr().out
    assert f"setting,home_area,,{WALSALL}" in audit
    assert "localities,WD23_LAD23_EW_LU.csv (ons ward lookup),0 localities of E08000030,5 localities of E08000030" in audit


def test_wards_have_demo_figures(walsall_db):
    with Service.open(str(walsall_db)) as service:
        wards = service.areas.localities(WALSALL)
        assert [ward.name for ward in wards] == [
            "Aldridge Central and South", "Bloxwich East", "Darlaston South", "Pelsall", "Willenhall North"]
        assert all(ward.kind == "ward" and ward.parent_code == WALSALL for ward in wards)
        assert service.areas.resolve("E05001234") is None  # Dudley's ward was left out
        card = service.scorecard("E05015102", latest_complete_quarter(date.today()))
        assert any(row.shown not in ("", None) for row in card.rows)
        assert ("E05015102", "Bloxwich East (Walsall)") in service.area_choices()


def test_template_defaults_to_walsall_and_its_wards(walsall_db, tmp_path, capsys):
    capsys.readouterr()
    path = tmp_path / "walsall.xlsx"
    assert main(["template", "--db", str(walsall_db), "--period", QUARTER, "-o", str(path)]) == 0
    assert f"Template for Walsall, {QUARTER}" in capsys.readouterr().out
    codes = {code for _indicator, code in template_rows(path)}
    assert WALSALL in codes and "E05015104" in codes
    assert DUDLEY not in codes


def test_pages_default_to_walsall(walsall_db):
    import dash

    for _app in app_on(walsall_db):
        for module in ("scorecard", "overview", "exceptions"):
            page = next(p for p in dash.page_registry.values() if p["module"] == f"layouts.{module}")
            tree = page["layout"]()
            selected = _selected(tree, "pick-area")
            assert selected == (WALSALL, "Walsall"), module
            shown = texts(tree)
            assert "not real figures for Walsall" in shown
            assert shown.count("Dudley") == 1, module  # only as a choice in the area picker


def _selected(tree, select_id):
    """The (value, text) of the chosen option of a select in a component tree."""
    found = []

    def walk(node):
        if isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
            return
        if getattr(node, "id", None) == select_id:
            found.extend((option.value, option.children) for option in node.children if option.selected)
            return
        if hasattr(node, "children"):
            walk(node.children)

    walk(tree)
    return found[0] if found else None


def test_demo_for_any_home_la(tmp_path, capsys):
    db = tmp_path / "any.duckdb"
    assert main(["demo", "--home", "E08000030", "--db", str(db)]) == 0
    assert "Demonstration data for Walsall" in capsys.readouterr().out
    with Service.open(str(db)) as service:
        assert service.home == WALSALL
        assert service.areas.localities(WALSALL) == []  # none set up: the demo invents none
        neighbours = service.store.neighbours(WALSALL)
    # DfE's 2021 model lists Walsall's neighbours: Derby (831) closest, Dudley (332) among them.
    assert neighbours[0] == "E06000015" and DUDLEY in neighbours and len(neighbours) == 10


def test_home_area_refusals_are_plain(tmp_path, capsys):
    db = str(tmp_path / "x.duckdb")
    assert main(["setup", "--home", "Walsal", "--db", db]) == 2
    assert "Did you mean: Walsall (E08000030)?" in capsys.readouterr().err
    assert main(["setup", "--home", "West Midlands", "--db", db]) == 2
    assert "is not a local authority" in capsys.readouterr().err
    assert main(["setup", "--home", "Northamptonshire", "--db", db]) == 2
    assert "no longer exists: set up North Northamptonshire" in capsys.readouterr().err


def test_setup_on_both_backends(store, tmp_path):
    """Home and localities in the database (DuckDB and PostgreSQL), with partnerships holding
    wards, read back by a new service; a bad file changes nothing."""
    service = Service(store, load_catalogue(), load_areas())
    assert service.home == "E92000001" and not service.is_set_up()  # England until set up
    setup.set_home(service, "335", by="test")
    own = tmp_path / "partnerships.csv"
    own.write_text("code,name,kind,parent\nCAP-N,North,area partnership,\nCAP-S,South,area partnership,Walsall\n"
                   "W1,Pelsall,ward,CAP-N\nW2,Darlaston South,ward,cap-s\n")
    loaded = setup.load_localities(service, own, by="test")
    assert loaded.counts == {"area partnership": 2, "ward": 2}
    again = Service(store, load_catalogue(), load_areas())
    assert again.home == WALSALL
    assert [(a.code, a.parent_code, a.la_code) for a in again.areas.localities(WALSALL)] == [
        ("CAP-N", WALSALL, WALSALL), ("CAP-S", WALSALL, WALSALL), ("W1", "CAP-N", WALSALL), ("W2", "CAP-S", WALSALL)]
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,kind,parent\nW1,Pelsall,ward,NOWHERE\n")
    with pytest.raises(NotAllowed, match=r"bad.csv: line 2, column parent: 'NOWHERE' is neither"):
        setup.load_localities(again, bad, by="test")
    assert len(Service(store, load_catalogue(), load_areas()).areas.localities(WALSALL)) == 4
    actions = [(entry["action"], entry["subject"]) for entry in store.audit_entries()]
    assert ("setting", "home_area") in actions and ("localities", "partnerships.csv (scorecard)") in actions
