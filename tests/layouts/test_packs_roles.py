"""Only analysts and admins make and sign off board packs, and drafts are theirs: the Board pack
page's callbacks, forged by hand by a signed-in viewer, make nothing, sign nothing off and send
no draft; the same requests from an analyst do (the control), and a viewer may download a pack
once it is signed off. The real app, served by Flask's test client, with sign-in on."""

import json
from datetime import date, datetime

import pytest

from scorecard.periods import latest_complete_quarter
from scorecard.store import Store
from service import users
from service.application import Service
from service.cli import main
from service.packs import record
from tests.signing import app_signed_in_on, signed_in_client

PASSWORD = "a long enough password"
QUARTER = latest_complete_quarter(date.today())


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    db = tmp_path_factory.mktemp("packs-roles") / "demo.duckdb"
    assert main(["demo", "--db", str(db)]) == 0
    with Service.open(str(db)) as service:
        users.add_user(service.store, "vera", "viewer", PASSWORD, by="test")
        users.add_user(service.store, "anna", "analyst", PASSWORD, by="test")
        record.make(service, record.content_for(service, None, QUARTER), "anna", datetime(2026, 10, 14, 9, 0))
    yield from app_signed_in_on(db)


def signed_in(secured, name: str, address: str):
    return signed_in_client(secured[0], name, PASSWORD, address)


def forged(client, input_id, input_property: str, state: list | None = None):
    """The request the page's button sends, built by hand from the app's own callback list."""
    dependencies = json.loads(client.get("/_dash-dependencies", base_url="https://localhost").data)
    wanted = json.dumps({key: ["ALL"] for key in input_id if key != "type"} | {"type": input_id["type"]},
                        separators=(",", ":"), sort_keys=True) if isinstance(input_id, dict) else input_id
    callback = next(found for found in dependencies if found["inputs"][0]["id"] == wanted)
    outputs = [dict(zip(("id", "property"), part.split(".", 1))) for part in callback["output"].strip(".").split("...")]
    trigger = {"id": input_id, "property": input_property, "value": 1}
    body = {
        "output": callback["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": [[trigger]] if isinstance(input_id, dict) else [trigger],
        "changedPropIds": [(json.dumps(input_id, separators=(",", ":"), sort_keys=True)
                            if isinstance(input_id, dict) else input_id) + "." + input_property],
        "state": state or [],
    }
    return client.post("/_dash-update-component", json=body, base_url="https://localhost")


MAKE_STATE = [{"id": "pack-presenter", "property": "value", "value": "Mallory"},
              {"id": "pack-choice", "property": "data", "value": {"period": QUARTER.label}}]


def packs(db) -> list[dict]:
    with Store.open(db) as store:
        return store.board_packs()


def test_a_viewers_forged_requests_make_sign_and_send_nothing(secured):
    _app, db = secured
    viewer = signed_in(secured, "vera", "10.0.1.1")
    made = forged(viewer, "make-pack", "n_clicks", MAKE_STATE)
    signed = forged(viewer, {"type": "pack-sign-off", "pack": 1}, "submit_n_clicks")
    sent = forged(viewer, {"type": "pack-file", "pack": 1, "format": "pdf"}, "n_clicks")
    assert [found["id"] for found in packs(db)] == [1]  # still the one pack, still a draft
    assert packs(db)[0]["signed_off_by"] is None
    assert b"made and kept" not in made.data and b"signed off" not in signed.data
    assert b"JVBERi" not in sent.data  # no PDF (base64 of "%PDF") in the answer
    assert b"draft" in sent.data


def test_the_same_requests_from_an_analyst_do_it_and_then_a_viewer_may_download(secured):
    _app, db = secured
    analyst = signed_in(secured, "anna", "10.0.1.2")
    made = forged(analyst, "make-pack", "n_clicks", MAKE_STATE)
    assert b"made and kept" in made.data
    assert [found["id"] for found in packs(db)] == [2, 1]
    assert packs(db)[0]["made_by"] == "anna"
    signed = forged(analyst, {"type": "pack-sign-off", "pack": 1}, "submit_n_clicks")
    assert b"signed off by anna" in signed.data
    viewer = signed_in(secured, "vera", "10.0.1.3")
    sent = forged(viewer, {"type": "pack-file", "pack": 1, "format": "pdf"}, "n_clicks")
    assert b"JVBERi" in sent.data  # the signed-off pack's PDF, for everyone
