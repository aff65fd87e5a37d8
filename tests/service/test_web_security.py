"""Sign-in, roles and headers on the real app, served by Flask's test client against a real
database: anonymous requests refused everywhere, a viewer's forged callbacks refused with
nothing changed, sign-in rate-limited, cookies and headers as they should be."""

import csv
import io
import json
import re

import pytest
import sqlalchemy as sa

from scorecard import schema
from scorecard.store import Store
from service import audit, users
from service.cli import main

PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    folder = tmp_path_factory.mktemp("secured")
    db = folder / "demo.duckdb"
    assert main(["demo", "--db", str(db)]) == 0
    with Store.open(db) as store:
        users.add_user(store, "vera", "viewer", PASSWORD, by="test")
        users.add_user(store, "anna", "analyst", PASSWORD, by="test")
        users.add_user(store, "ada", "admin", PASSWORD, by="test")
        # An entry a spreadsheet would run as a formula, for the download test.
        store.add_commentary("cla_rate", "E08000027", "2025-26 Q3", "=HYPERLINK(\"http://x\")", "@mallory")
    patch = pytest.MonkeyPatch()
    patch.setenv("SCORECARD_DB", str(db))
    patch.setenv("SCORECARD_SIGN_IN", "on")
    import importlib

    import app as app_module
    from service.shared import shared

    shared.cache_clear()
    app_module = importlib.reload(app_module)
    yield app_module, db
    shared().store.close()
    shared.cache_clear()
    patch.undo()


def client(secured):
    return secured[0].server.test_client()


def sign_in(test_client, name):
    return test_client.post("/signin", data={"username": name, "password": PASSWORD},
                            base_url="https://localhost")


@pytest.mark.parametrize("path", ["/", "/scorecard", "/exceptions", "/indicator?indicator=cla_rate", "/upload",
                                  "/loads", "/indicators", "/_dash-layout", "/_dash-dependencies"])
def test_anonymous_requests_are_refused(secured, path):
    response = client(secured).get(path, base_url="https://localhost")
    assert response.status_code in (302, 401)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/signin")


def test_anonymous_callbacks_are_refused(secured):
    response = client(secured).post("/_dash-update-component", json={"output": "x.children"},
                                    base_url="https://localhost")
    assert response.status_code == 401


def test_healthz_and_sign_in_are_open(secured):
    test_client = client(secured)
    assert test_client.get("/healthz").status_code == 200
    page = test_client.get("/signin", base_url="https://localhost")
    assert page.status_code == 200 and b'lang="en-GB"' in page.data


def test_session_cookie_is_secure_httponly_samesite(secured):
    response = sign_in(client(secured), "anna")
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_security_headers(secured):
    response = client(secured).get("/signin", base_url="https://localhost")
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert "''" not in policy and "'sha256-" in policy  # Dash's inline scripts allowed by hash
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_wrong_passwords_are_rate_limited(secured):
    test_client = client(secured)
    for _ in range(5):
        wrong = test_client.post("/signin", data={"username": "vera", "password": "nope"}, base_url="https://localhost")
        assert wrong.status_code == 401
    blocked = sign_in(test_client, "vera")
    assert blocked.status_code == 429  # even the right password waits now


def forged_revert(test_client, load_id: int):
    """The request the Loads page's revert button sends, built by hand."""
    button = {"type": "revert", "load": load_id}
    body = {
        "output": "..revert-status.children...loads-table.children..",
        "outputs": [{"id": "revert-status", "property": "children"}, {"id": "loads-table", "property": "children"}],
        "inputs": [[{"id": button, "property": "submit_n_clicks", "value": 1}]],
        "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".submit_n_clicks"],
        "state": [],
    }
    return test_client.post("/_dash-update-component", json=body, base_url="https://localhost")


def load_status(db) -> str:
    with Store.open(db) as store:
        return store.frame(sa.select(schema.load.c.status).where(schema.load.c.id == 1)).iloc[0, 0]


def test_a_viewers_forged_revert_changes_nothing(secured):
    app_module, db = secured
    viewer = app_module.server.test_client()
    # A fresh address for the viewer, so the rate-limit test above does not block this.
    response = viewer.post("/signin", data={"username": "vera", "password": PASSWORD},
                           base_url="https://localhost", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert response.status_code == 302
    forged = forged_revert(viewer, 1)
    assert b"reverted" not in forged.data
    assert load_status(db) == "loaded"


def test_the_same_request_from_an_analyst_does_revert(secured):
    """The control for the test above: the forged request is well formed."""
    app_module, db = secured
    analyst = app_module.server.test_client()
    response = analyst.post("/signin", data={"username": "anna", "password": PASSWORD},
                            base_url="https://localhost", environ_base={"REMOTE_ADDR": "10.0.0.3"})
    assert response.status_code == 302
    done = forged_revert(analyst, 1)
    assert b"reverted" in done.data
    assert load_status(db) == "reverted"
    with Store.open(db) as store:
        from service.audit import entries
        assert any(e["action"] == "revert" and e["who"] == "anna" for e in entries(store))


def test_every_route_the_server_has_refuses_anonymous_requests(secured):
    """Walks the Flask URL map, so a route added later is covered without editing this test."""
    server = secured[0].server
    anonymous = server.test_client()
    checked = 0
    for rule in server.url_map.iter_rules():
        if rule.rule in ("/signin", "/healthz"):
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<path:{argument}>", "x/y.js").replace(f"<string:{argument}>", "dash")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = anonymous.open(path, method=method, base_url="https://localhost", json={})
            assert response.status_code in (302, 401), (method, path, response.status_code)
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/signin"), path
            checked += 1
    assert checked >= 10  # the Dash routes, the pages, assets and sign-out


def rendered(test_client, path: str, search: str = ""):
    """The page the browser would draw: the response to Dash Pages' routing callback."""
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
    return test_client.post("/_dash-update-component", json=body, base_url="https://localhost")


def components(tree, kind: str, **props) -> list[dict]:
    """The props of every component of this type, with these props, in a callback response."""
    found = []

    def walk(node):
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            if node.get("type") == kind and all(node.get("props", {}).get(k) == v for k, v in props.items()):
                found.append(node["props"])
            for value in node.values():
                walk(value)

    walk(tree)
    return found


def signed_in_client(secured, name: str, address: str):
    test_client = secured[0].server.test_client()
    response = test_client.post("/signin", data={"username": name, "password": PASSWORD},
                                base_url="https://localhost", environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 302
    return test_client


def test_sign_out_button_in_the_header_then_pages_are_refused(secured):
    analyst = signed_in_client(secured, "anna", "10.0.0.4")
    page = rendered(analyst, "/scorecard")
    assert page.status_code == 200
    assert "Signed in as anna (analyst)" in page.text
    (form,) = components(page.get_json(), "Form", action="/signout")
    assert form["method"] == "post" and form["children"]["props"]["children"] == "Sign out"
    assert analyst.get("/scorecard", base_url="https://localhost").status_code == 200
    out = analyst.post("/signout", base_url="https://localhost")
    assert out.status_code == 302 and out.headers["Location"] == "/signin"
    again = analyst.get("/scorecard", base_url="https://localhost")
    assert again.status_code == 302 and again.headers["Location"].startswith("/signin")
    assert rendered(analyst, "/scorecard").status_code == 401
    assert forged_revert(analyst, 1).status_code == 401


def test_sign_out_is_a_post_only(secured):
    """A GET (an image or link on another site) must not sign anyone out."""
    analyst = signed_in_client(secured, "anna", "10.0.0.5")
    analyst.get("/signout", base_url="https://localhost")  # Dash answers any path with its page shell
    assert analyst.get("/scorecard", base_url="https://localhost").status_code == 200
    assert rendered(analyst, "/scorecard").status_code == 200


def forged_audit_download(test_client):
    """The request the audit page's download button sends, built by hand."""
    body = {
        "output": "audit-download.data",
        "outputs": {"id": "audit-download", "property": "data"},
        "inputs": [{"id": "audit-download-button", "property": "n_clicks", "value": 1}],
        "changedPropIds": ["audit-download-button.n_clicks"],
        "state": [],
    }
    return test_client.post("/_dash-update-component", json=body, base_url="https://localhost")


def audit_entries(db) -> list[dict]:
    with Store.open(db) as store:
        from service.audit import entries
        return entries(store)


def test_an_admin_sees_every_audit_entry_and_the_link(secured):
    admin = signed_in_client(secured, "ada", "10.0.1.1")
    page = rendered(admin, "/audit").get_json()
    logged = audit_entries(secured[1])
    assert len(logged) >= 4  # the demo load, three users and the commentary
    (table,) = components(page, "Table", className="table audit-table")
    rows = components(table, "Tr")[1:]  # after the heading row
    assert len(rows) == len(logged)
    shown = json.dumps(table)
    for entry in logged:
        assert entry["subject"] in shown and entry["who"] in shown
    assert components(page, "A", href="/audit")  # in the navigation


@pytest.mark.parametrize(("name", "address"), [("vera", "10.0.1.2"), ("anna", "10.0.1.3")])
def test_viewers_and_analysts_are_refused_the_audit_log(secured, name, address):
    someone = signed_in_client(secured, name, address)
    page = rendered(someone, "/audit")
    assert page.status_code == 200
    assert "Only admins can see the audit log" in page.text
    assert not components(page.get_json(), "Table") and "@mallory" not in page.text
    assert not components(rendered(someone, "/scorecard").get_json(), "A", href="/audit")
    forged = forged_audit_download(someone)
    assert "@mallory" not in forged.text and "happened_at" not in forged.text
    assert "permission" in forged.text  # the plain message in the error banner


def test_the_admins_audit_download_has_no_formulas(secured):
    admin = signed_in_client(secured, "ada", "10.0.1.4")
    response = forged_audit_download(admin)
    assert response.status_code == 200
    download = response.get_json()["response"]["audit-download"]["data"]
    assert download["filename"].endswith(".csv")
    rows = list(csv.reader(io.StringIO(download["content"])))
    assert rows[0] == audit.COLUMNS and len(rows) == len(audit_entries(secured[1])) + 1
    cells = [cell for row in rows for cell in row]
    assert "'@mallory" in cells and "'=HYPERLINK(\"http://x\")" in cells
    assert not [cell for cell in cells if cell.startswith(audit_export_risky())]


def audit_export_risky():
    from service.exports import RISKY_STARTS
    return RISKY_STARTS


def test_an_upload_over_the_limit_is_refused_before_it_is_decoded(secured, tmp_path, monkeypatch):
    """The browser's own limit can be skipped by a forged request: the server checks too."""
    from service import uploads

    monkeypatch.setenv("SCORECARD_UPLOADS", str(tmp_path / "uploads"))
    limit = uploads.max_bytes() * 4 // 3  # as base64
    with pytest.raises(ValueError, match="larger than 50 MB"):
        uploads.keep("data:text/csv;base64," + "A" * (limit + 4096), "big.csv")
    saved = uploads.keep("data:text/csv;base64," + "QUJD" * 1000, "fine.csv")
    assert saved.read_bytes() == b"ABC" * 1000 and saved.parent == tmp_path / "uploads"


@pytest.mark.parametrize(("name", "suffix"), [("macros.xlsm", ".xlsm"), ("../../etc/passwd", ""),
                                               ("odd.x y", ""), ("figures.CSV", ".csv")])
def test_uploads_are_saved_under_a_generated_name_keeping_only_a_plain_extension(secured, tmp_path, monkeypatch,
                                                                                  name, suffix):
    from service import uploads

    monkeypatch.setenv("SCORECARD_UPLOADS", str(tmp_path / "uploads"))
    saved = uploads.keep("data:application/octet-stream;base64,QUJD", name)
    assert saved.parent == tmp_path / "uploads" and saved.suffix == suffix
    assert re.fullmatch(r"[0-9a-f]{32}", saved.stem)
