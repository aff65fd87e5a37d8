"""The clinic's buttons with sign-in on, on DuckDB and PostgreSQL: a viewer's forged request
to set a target, save commentary, add an action or mark one done is refused and the database
is unchanged; the same request from an analyst does change it (so the forgery is well formed)."""

import json
from datetime import date

import pytest

from scorecard import schema
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.reference import sync_reference
from scorecard.store import Store
from service import users
from tests.signing import app_signed_in_on, signed_in_client

PASSWORD = "a long enough password"
DUDLEY, JUDGED = "E08000027", "re_referrals_12_months"
SEARCH = f"?area={DUDLEY}&period=2025-26%20Q1"
CLINIC_TABLES = [schema.target, schema.target_agreement, schema.commentary, schema.action_item, schema.audit]


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def secured(request, tmp_path_factory):
    if request.param == "duckdb":
        db = str(tmp_path_factory.mktemp("forged") / "clinic.duckdb")
    else:
        db = request.getfixturevalue("postgres_server").new_database()
    with Store.open(db, create=True) as store:
        sync_reference(store, load_catalogue(), load_areas())
        users.add_user(store, "vera", "viewer", PASSWORD, by="test")
        users.add_user(store, "anna", "analyst", PASSWORD, by="test")
        store.add_action({"indicator_id": JUDGED, "area_code": DUDLEY, "raised_quarter": "2025-26 Q1",
                          "raised_start": date(2025, 4, 1), "what": "Audit re-referrals", "owner": "Head of MASH",
                          "due": date(2025, 7, 31)}, "test")
    yield from app_signed_in_on(db)


def signed_in(secured, name: str, address: str):
    return signed_in_client(secured[0], name, PASSWORD, address)


def _key(component_id, pattern: bool = False) -> str:
    """An id as Dash names it; `pattern`: as the callback declared it, each wildcard MATCH."""
    if not isinstance(component_id, dict):
        return component_id
    if pattern:
        component_id = {key: value if key == "type" else ["MATCH"] for key, value in component_id.items()}
    return json.dumps(component_id, separators=(",", ":"), sort_keys=True)


def forged(client, outputs: list[tuple], button, states: list[tuple]):
    """The request a page's button sends, built by hand: outputs (id, property), the button's
    id, and states (id, property, value); the page's URL search comes last."""
    body = {
        "output": "..." .join(f"{_key(found, pattern=True)}.{prop}" for found, prop in outputs).join(["..", ".."]),
        "outputs": [{"id": found, "property": prop} for found, prop in outputs],
        "inputs": [{"id": button, "property": "n_clicks", "value": 1}],
        "changedPropIds": [f"{_key(button)}.n_clicks"],
        "state": [{"id": found, "property": prop, "value": value} for found, prop, value in states]
        + [{"id": "nav", "property": "search", "value": SEARCH}],
    }
    return client.post("/_dash-update-component", json=body, base_url="https://localhost")


def set_target(client):
    return forged(client, [("target-status", "children"), ("targets-tables", "children")], "target-save", [
        ("target-indicator", "value", JUDGED), ("target-year", "value", "2024-25"), ("target-value", "value", "1"),
        ("target-tolerance", "value", "5%"), ("target-agreed", "value", ""),
    ])


def save_note(client):
    key = {"indicator": JUDGED}
    return forged(client, [({**key, "type": "clinic-note-status"}, "children"),
                           ({**key, "type": "clinic-note-shown"}, "children")],
                  {**key, "type": "clinic-note-save"}, [({**key, "type": "clinic-note-text"}, "value", "Forged note")])


def add_action(client):
    key = {"indicator": JUDGED}
    return forged(client, [({**key, "type": "clinic-action-status"}, "children"),
                           ({**key, "type": "clinic-action-list"}, "children")],
                  {**key, "type": "clinic-action-add"},
                  [({**key, "type": "clinic-action-what"}, "value", "Forged action"),
                   ({**key, "type": "clinic-action-owner"}, "value", "Mallory"),
                   ({**key, "type": "clinic-action-due"}, "value", "2026-01-31")])


def mark_done(client):
    button = {"type": "clinic-action-done", "action": 1}
    return forged(client, [(button, "children"), (button, "disabled")], button, [])


def clinic_rows(db) -> dict[str, list]:
    with Store.open(db) as store:
        return {table.name: sorted(map(str, store.table(table).itertuples(index=False))) for table in CLINIC_TABLES}


BUTTONS = {"target": set_target, "commentary": save_note, "action add": add_action, "action done": mark_done}


@pytest.mark.parametrize("name", list(BUTTONS))
def test_a_viewers_forged_clinic_request_changes_nothing(secured, name):
    viewer = signed_in(secured, "vera", f"10.1.0.{list(BUTTONS).index(name) + 1}")
    before = clinic_rows(secured[1])
    response = BUTTONS[name](viewer)
    assert "permission" in response.text
    assert clinic_rows(secured[1]) == before


def test_the_same_requests_from_an_analyst_do_change_it(secured):
    analyst = signed_in(secured, "anna", "10.2.0.1")
    for name, press in BUTTONS.items():
        before = clinic_rows(secured[1])
        response = press(analyst)
        assert response.status_code == 200 and "permission" not in response.text, (name, response.text[:300])
        assert clinic_rows(secured[1])["audit"] != before["audit"], name
    with Store.open(secured[1]) as store:
        actions = {entry["action"] for entry in store.audit_entries() if entry["who"] == "anna"}
        assert {"target set", "commentary", "action add", "action update"} <= actions
