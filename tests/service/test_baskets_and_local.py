"""Baskets on the command line and the pages, the council's own indicators added and audited,
and the scorecard grouped by outcomes-based accountability."""

import json
import shutil
from datetime import date

import pytest

from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.periods import latest_complete_quarter
from service import council
from service.application import Service
from service.cli import main
from service.errors import NotAllowed
from tests.layouts.trees import app_on, texts
from tests.paths import REPO

EXAMPLES = REPO / "data" / "examples"
QUARTER = latest_complete_quarter(date.today())


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """The demo, with the example baskets beside the database."""
    folder = tmp_path_factory.mktemp("baskets")
    assert main(["demo", "--db", str(folder / "scorecard.duckdb")]) == 0
    shutil.copy(EXAMPLES / "baskets.yaml", folder / "baskets.yaml")
    return folder / "scorecard.duckdb"


def show(capsys, db, *options):
    capsys.readouterr()
    assert main(["show", "--db", str(db), "--format", "json", *options]) == 0
    return json.loads(capsys.readouterr().out)


def test_show_for_a_basket(db, capsys):
    everything = show(capsys, db)
    corporate = show(capsys, db, "--basket", "corporate_basket")
    assert [row["indicator_id"] for row in corporate] == [
        row["indicator_id"] for row in everything
        if row["indicator_id"] in {"cla_rate", "cin_rate", "cpp_rate", "re_referrals_12_months", "care_leavers_eet"}]
    assert len(corporate) == 5 < len(everything)
    capsys.readouterr()
    assert main(["show", "--db", str(db), "--basket", "nope"]) == 2
    assert "There is no basket 'nope'. The baskets are: priority_targets, corporate_basket, safeguarding_board." \
        in capsys.readouterr().err


def test_baskets_lists_them_with_their_owners(db, capsys):
    capsys.readouterr()
    assert main(["baskets", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "corporate_basket" in out and "Director of Children's Services" in out


def test_a_broken_baskets_file_is_refused_with_its_lines(db, tmp_path, capsys, monkeypatch):
    broken = tmp_path / "baskets.yaml"
    broken.write_text("baskets:\n  - id: x\n    title: X\n    owner: Y\n    indicators: [cla_rat]\n")
    monkeypatch.setenv("SCORECARD_BASKETS", str(broken))
    capsys.readouterr()
    assert main(["baskets", "--db", str(db)]) == 2
    assert "baskets.yaml:5: basket 'x': 'cla_rat' is not an indicator in the catalogue" in capsys.readouterr().err


def test_scorecard_grouped_by_oba(db, capsys):
    rows = show(capsys, db, "--framework", "oba")
    questions = [row["outcome_area"] for row in rows]
    assert set(questions) == {"how_much", "how_well", "better_off"}
    assert questions == sorted(questions, key=["how_much", "how_well", "better_off"].index)


def test_pages_for_a_basket(db):
    import dash

    for _app in app_on(db):
        for module in ("scorecard", "overview", "exceptions"):
            page = next(p for p in dash.page_registry.values() if p["module"] == f"layouts.{module}")
            shown = texts(page["layout"](basket="safeguarding_board", period=QUARTER.label))
            assert "Basket: Safeguarding partnership board." in shown, module
            assert "Owned by Chair of the safeguarding children partnership; 4 indicators." in shown
        page = next(p for p in dash.page_registry.values() if p["module"] == "layouts.scorecard")
        whole = texts(page["layout"](period=QUARTER.label))
        cut = texts(page["layout"](basket="safeguarding_board", period=QUARTER.label))
        assert "Looked after children" in whole or "Children looked after rate" in whole
        assert "Children looked after rate" not in cut and "Child protection plan rate" in cut


def test_local_indicator_added_checked_and_audited(tmp_path, capsys):
    db = tmp_path / "scorecard.duckdb"
    assert main(["setup", "--home", "Walsall", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["indicators", "add", str(EXAMPLES / "local-indicators.yaml"), "--db", str(db)]) == 0
    assert f"Added 1 indicator to {tmp_path / 'local-indicators.yaml'}: cap_referrals." in capsys.readouterr().out
    assert main(["indicators", "add", str(EXAMPLES / "local-indicators.yaml"), "--db", str(db)]) == 2
    assert "local-indicators.yaml:8: indicator 'cap_referrals': the catalogue has this id already" \
        in capsys.readouterr().err
    assert main(["indicators", "check", "--db", str(db)]) == 0
    assert "1 indicator, no problems (cap_referrals)" in capsys.readouterr().out
    assert main(["indicators", "--db", str(db), "--format", "json"]) == 0
    listed = {item["id"]: item for item in json.loads(capsys.readouterr().out)}
    assert listed["cap_referrals"]["is_local"] and not listed["cla_rate"]["is_local"]
    # An edit by hand is audited the next time Scorecard reads the file.
    overlay = tmp_path / "local-indicators.yaml"
    overlay.write_text(overlay.read_text().replace("decimals: 0", "decimals: 1"))
    assert main(["show", "--db", str(db), "--indicator", "cap_referrals", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["indicator_id"] == "cap_referrals"
    assert main(["audit", "--db", str(db), "--format", "csv"]) == 0
    audit = capsys.readouterr().out
    assert audit.count("local indicator add,cap_referrals") == 1
    assert audit.count("local indicator change,cap_referrals") == 1
    assert '\\"decimals\\": 0' in audit or '""decimals"": 0' in audit


def test_a_broken_overlay_stops_with_every_problem(store, tmp_path, monkeypatch):
    """On both backends: the overlay is read with the service, its changes audited once."""
    overlay = tmp_path / "mine.yaml"
    monkeypatch.setenv("SCORECARD_LOCAL_INDICATORS", str(overlay))
    overlay.write_text((EXAMPLES / "local-indicators.yaml").read_text())
    service = Service(store, load_catalogue(), load_areas())
    assert "cap_referrals" in service.catalogue.indicators
    Service(store, load_catalogue(), load_areas())  # read again, unchanged: no second entry
    assert [entry["action"] for entry in store.audit_entries()] == ["local indicator add"]
    overlay.write_text(overlay.read_text().replace("unit: number", "unit: lots"))
    with pytest.raises(NotAllowed, match=r"mine.yaml:13: indicator 'cap_referrals': unit 'lots' is not one of"):
        Service(store, load_catalogue(), load_areas())
    overlay.unlink()
    Service(store, load_catalogue(), load_areas())
    assert [entry["action"] for entry in store.audit_entries()] == ["local indicator add", "local indicator remove"]
    assert council.local_indicators_file(store) == overlay


def test_api_scorecard_for_a_basket(db):
    for app in app_on(db):
        client = app.server.test_client()
        answered = client.get(f"/api/v1/scorecard?quarter={QUARTER.label}&basket=safeguarding_board")
        assert answered.status_code == 200, answered.get_data(as_text=True)
        assert [row["indicator_id"] for row in answered.json] == [
            "cpp_rate", "cpp_second_or_subsequent", "cpp_reviewed_in_time", "hospital_admissions_injury_0_14"]
        refused = client.get("/api/v1/scorecard?basket=nope")
        assert refused.status_code == 400 and "no basket 'nope'" in refused.json["error"]


def test_a_local_indicator_goes_through_the_template_to_the_scorecard(tmp_path, capsys):
    """Walsall's own indicator, by ward: in the template, filled in, loaded, shown."""
    import openpyxl

    from tests.service.test_any_council import ONS_LOOKUP
    from tests.workbooks import column_of, template_rows

    db, lookup = tmp_path / "scorecard.duckdb", tmp_path / "wards.csv"
    lookup.write_text(ONS_LOOKUP, encoding="utf-8")
    assert main(["setup", "--home", "Walsall", "--localities", str(lookup), "--db", str(db)]) == 0
    assert main(["indicators", "add", str(EXAMPLES / "local-indicators.yaml"), "--db", str(db)]) == 0
    path = tmp_path / "template.xlsx"
    assert main(["template", "--db", str(db), "--period", QUARTER.label, "-o", str(path)]) == 0
    rows = template_rows(path)
    book = openpyxl.load_workbook(path)
    book["Data"][f"{column_of('Value')}{rows[('cap_referrals', 'E08000030')]}"] = 140
    book["Data"][f"{column_of('Value')}{rows[('cap_referrals', 'E05015104')]}"] = 31  # Pelsall
    book.save(path)
    capsys.readouterr()
    assert main(["load", str(path), "--db", str(db)]) == 0, capsys.readouterr()
    for area, value in (("Walsall", 140), ("E05015104", 31)):
        capsys.readouterr()
        assert main(["show", "--db", str(db), "--area", area, "--period", QUARTER.label, "--indicator",
                     "cap_referrals", "--format", "json"]) == 0
        (row,) = json.loads(capsys.readouterr().out)
        assert row["value"] == value and row["outcome_area"] == "stay_safe"
