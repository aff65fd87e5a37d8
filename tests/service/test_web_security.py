"""Sign-in, roles and headers on the real app, served by Flask's test client against a real
database: anonymous requests refused everywhere, a viewer's forged callbacks refused with
nothing changed, sign-in rate-limited, cookies and headers as they should be; sessions that
end (sign-out, a removed or demoted user, idle and lifetime limits) and that no backup can
mint; `next` kept on the site; forms that another site cannot post."""

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
from tests import signing
from tests.signing import form_token, next_field

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
    patch.setenv("SCORECARD_SESSION_KEY_FILE", str(folder / "keys" / "session.key"))
    patch.setenv("SCORECARD_SESSION_CHECK_SECONDS", "0")  # every request asks the database (one test checks the cache)
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


def sign_in(test_client, name, address="127.0.0.1", password=PASSWORD, next_path=None):
    """Sign in as a browser does: open the sign-in page, then post its form with its token."""
    return signing.sign_in(test_client, name, password, address, next_path)


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
    with Store.open(secured[1]) as store:
        users.add_user(store, "rita", "viewer", PASSWORD, by="test")
    test_client = client(secured)
    for number in range(5):  # from five addresses: the limit is the username's, wherever guesses come from
        wrong = sign_in(test_client, "rita", address=f"10.9.0.{number}", password="nope")
        assert wrong.status_code == 401
    blocked = sign_in(test_client, "rita", address="10.9.0.99")
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
    assert sign_in(viewer, "vera", address="10.0.0.2").status_code == 302
    forged = forged_revert(viewer, 1)
    assert b"reverted" not in forged.data
    assert load_status(db) == "loaded"


def test_the_same_request_from_an_analyst_does_revert(secured):
    """The control for the test above: the forged request is well formed."""
    app_module, db = secured
    analyst = app_module.server.test_client()
    assert sign_in(analyst, "anna", address="10.0.0.3").status_code == 302
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
    assert sign_in(test_client, name, address=address).status_code == 302
    return test_client


def test_sign_out_button_in_the_header_then_pages_are_refused(secured):
    analyst = signed_in_client(secured, "anna", "10.0.0.4")
    page = rendered(analyst, "/scorecard")
    assert page.status_code == 200
    assert "Signed in as anna (analyst)" in page.text
    (form,) = components(page.get_json(), "Form", action="/signout")
    assert form["method"] == "post" and components(form, "Button")[0]["children"] == "Sign out"
    (token,) = components(form, "Input", name="csrf", type="hidden")
    assert analyst.get("/scorecard", base_url="https://localhost").status_code == 200
    out = analyst.post("/signout", data={"csrf": token["value"]}, base_url="https://localhost")
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


# Sessions that end (issue 14) -------------------------------------------------------------------

def session_cookie(test_client) -> str:
    return test_client.get_cookie("session", domain="localhost").value


def with_cookie(secured, value: str):
    """A new browser holding a copied (or forged) session cookie."""
    test_client = secured[0].server.test_client()
    test_client.set_cookie("session", value, domain="localhost")
    return test_client


def admin_can_download_audit(test_client) -> bool:
    answer = forged_audit_download(test_client)
    return answer.status_code == 200 and "happened_at" in answer.text


def test_a_removed_users_cookie_is_refused(secured):
    with Store.open(secured[1]) as store:
        users.add_user(store, "tempanalyst", "analyst", PASSWORD, by="test")
    temp = signed_in_client(secured, "tempanalyst", "10.0.2.1")
    assert rendered(temp, "/scorecard").status_code == 200
    with Store.open(secured[1]) as store:
        users.remove_user(store, "tempanalyst", by="test")
    assert rendered(temp, "/scorecard").status_code == 401
    again = temp.get("/scorecard", base_url="https://localhost")
    assert again.status_code == 302 and again.headers["Location"].startswith("/signin")
    assert forged_revert(temp, 1).status_code == 401


@pytest.mark.parametrize("how", ["removed and added again", "role changed"])
def test_a_demoted_users_old_cookie_is_refused(secured, how):
    name = "dee" if how == "role changed" else "dan"
    with Store.open(secured[1]) as store:
        users.add_user(store, name, "admin", PASSWORD, by="test")
    admin = signed_in_client(secured, name, "10.0.2.2")
    assert admin_can_download_audit(admin)
    with Store.open(secured[1]) as store:
        if how == "role changed":
            users.change_role(store, name, "viewer", by="test")
        else:
            users.remove_user(store, name, by="test")
            users.add_user(store, name, "viewer", PASSWORD, by="test")
    assert not admin_can_download_audit(admin)
    assert forged_audit_download(admin).status_code == 401
    viewer = signed_in_client(secured, name, "10.0.2.3")  # signing in again gives the new role
    assert not admin_can_download_audit(viewer)
    assert "Signed in as " + name + " (viewer)" in rendered(viewer, "/scorecard").text


def test_a_signed_out_cookie_replayed_is_refused(secured):
    analyst = signed_in_client(secured, "anna", "10.0.2.4")
    kept = session_cookie(analyst)
    page = analyst.get("/signin", base_url="https://localhost")  # any page of the site gives the form token
    token = components(rendered(analyst, "/scorecard").get_json(), "Input", name="csrf")[0]["value"]
    assert page.status_code == 200
    assert analyst.post("/signout", data={"csrf": token}, base_url="https://localhost").status_code == 302
    replayed = with_cookie(secured, kept)
    assert rendered(replayed, "/scorecard").status_code == 401
    assert forged_revert(replayed, 1).status_code == 401


def test_a_password_change_ends_sessions(secured):
    with Store.open(secured[1]) as store:
        users.add_user(store, "paula", "analyst", PASSWORD, by="test")
    paula = signed_in_client(secured, "paula", "10.0.2.5")
    assert rendered(paula, "/scorecard").status_code == 200
    with Store.open(secured[1]) as store:
        users.change_password(store, "paula", "another long password", by="test")
    assert rendered(paula, "/scorecard").status_code == 401


@pytest.mark.parametrize("column, hours", [("seen_at", 2), ("started_at", 9)])
def test_sessions_end_when_idle_and_at_their_lifetime(secured, column, hours):
    """Idle for 2 hours (the limit is 60 minutes), or started 9 hours ago (the limit is 8)."""
    from datetime import datetime, timedelta

    import hashlib

    analyst = signed_in_client(secured, "anna", "10.0.2.6")
    assert rendered(analyst, "/scorecard").status_code == 200
    hashed = hashlib.sha256(cookie_content(secured, analyst)["sid"].encode()).hexdigest()
    table = schema.user_session
    with Store.open(secured[1]) as store, store.engine.begin() as connection:
        connection.execute(sa.update(table).where(table.c.session_hash == hashed)
                           .values({column: datetime.now() - timedelta(hours=hours)}))
    assert rendered(analyst, "/scorecard").status_code == 401
    with Store.open(secured[1]) as store:
        assert store.table(table, session_hash=hashed).empty  # ended, not only refused


def cookie_content(secured, test_client) -> dict:
    from flask.sessions import SecureCookieSessionInterface

    return SecureCookieSessionInterface().get_signing_serializer(secured[0].server).loads(session_cookie(test_client))


def test_the_cookie_carries_no_name_or_role(secured):
    analyst = signed_in_client(secured, "anna", "10.0.2.7")
    opened = cookie_content(secured, analyst)
    assert set(opened) == {"sid", "csrf", "_permanent"}
    assert "anna" not in json.dumps(opened) and "analyst" not in json.dumps(opened)


def forged_cookie(server, key: str, content: dict) -> str:
    from flask.sessions import SecureCookieSessionInterface

    original = server.secret_key
    server.secret_key = key
    try:
        return SecureCookieSessionInterface().get_signing_serializer(server).dumps(content)
    finally:
        server.secret_key = original


def test_a_cookie_forged_with_a_key_read_from_a_backup_is_refused(secured, tmp_path):
    """An older Scorecard kept its cookie key in the `setting` table, so every backup held it.
    Whatever a backup holds, no cookie signed with it gets in."""
    import zipfile

    import pandas as pd

    from service import backup

    app_module, db = secured
    with Store.open(db) as store:
        store.set_setting("session_secret", "an old key that an earlier Scorecard kept in the database")
        backup.backup(store, tmp_path / "backup.zip")
    with zipfile.ZipFile(tmp_path / "backup.zip") as archive:
        settings_kept = pd.read_parquet(io.BytesIO(archive.read("setting.parquet")))
        everything = b"".join(archive.read(name) for name in archive.namelist())
    candidates = [*settings_kept["value"], "an old key that an earlier Scorecard kept in the database"]
    assert app_module.server.secret_key.encode() not in everything
    for key in candidates:
        for content in ({"user": "ghost", "role": "admin"}, {"user": "ada", "role": "admin"},
                        {"sid": "x" * 43, "csrf": "y" * 43}):
            forged = with_cookie(secured, forged_cookie(app_module.server, key, content))
            assert not admin_can_download_audit(forged)
            assert rendered(forged, "/audit").status_code == 401


def test_the_key_file_is_the_owners_only_and_outside_the_database(secured, tmp_path):
    from service import sessions

    key_file = sessions.key_path()
    assert key_file.is_file() and key_file.stat().st_mode & 0o777 == 0o600
    assert key_file.read_text().strip() == secured[0].server.secret_key
    with Store.open(secured[1]) as store:
        assert secured[0].server.secret_key not in json.dumps(store.table(schema.setting).to_dict("records"))
    loose = tmp_path / "loose.key"
    loose.write_text("k" * 64)
    loose.chmod(0o644)
    assert sessions.key_from_file(loose) == "k" * 64 and loose.stat().st_mode & 0o777 == 0o600


def test_a_workers_check_of_a_session_lasts_a_few_seconds_at_most(secured, monkeypatch):
    import time

    monkeypatch.setenv("SCORECARD_SESSION_CHECK_SECONDS", "1")
    with Store.open(secured[1]) as store:
        users.add_user(store, "cara", "analyst", PASSWORD, by="test")
    cara = signed_in_client(secured, "cara", "10.0.2.8")
    assert rendered(cara, "/scorecard").status_code == 200
    with Store.open(secured[1]) as store:
        users.remove_user(store, "cara", by="test")
    time.sleep(1.05)
    assert rendered(cara, "/scorecard").status_code == 401


# Sign-in that holds -------------------------------------------------------------------------------

OPEN_REDIRECTS = ["//evil.example", "/\t/evil.example", "/%09/evil.example", "/\\evil.example", "\\\\evil.example",
                  "https://evil.example/", "http:evil.example", "javascript:alert(1)", "/%2F/evil.example",
                  "/%5Cevil.example", " //evil.example", "/\r\nLocation: https://evil.example", "/.//evil.example",
                  "/../../evil.example", "///evil.example", "/\u3002evil.example", "evil.example"]


@pytest.mark.parametrize("payload", OPEN_REDIRECTS)
def test_next_never_leaves_the_site(secured, payload):
    """As a query parameter, raw and percent-encoded once: after sign-in the browser stays here."""
    from urllib.parse import quote, urljoin, urlsplit

    for sent in (payload, quote(payload, safe="")):
        test_client = secured[0].server.test_client()
        page = test_client.get("/signin?next=" + quote(sent, safe="/%:"), base_url="https://localhost")
        assert page.status_code == 200
        answer = sign_in(test_client, "anna", address="10.0.3.1", next_path=sent)
        assert answer.status_code == 302, (payload, answer.status_code)
        location = answer.headers["Location"]
        assert all(33 <= ord(character) < 127 for character in location), location  # nothing a browser strips
        assert location.startswith("/") and location[1:2] not in ("/", "\\"), location
        assert urlsplit(urljoin("https://localhost/signin", location)).netloc == "localhost"


def test_a_deep_link_keeps_its_whole_query_through_sign_in(secured):
    test_client = secured[0].server.test_client()
    deep = "/scorecard?area=E08000027&period=2024-25%20Q4&outcome=stay_safe"
    first = test_client.get(deep, base_url="https://localhost")
    assert first.status_code == 302
    page = test_client.get(first.headers["Location"], base_url="https://localhost")
    fields = {"username": "anna", "password": PASSWORD, "csrf": form_token(page.text), "next": next_field(page.text)}
    answer = test_client.post("/signin", data=fields, base_url="https://localhost",
                              environ_base={"REMOTE_ADDR": "10.0.3.2"})
    assert answer.status_code == 302 and answer.headers["Location"] == deep


def test_a_sign_in_posted_from_another_site_is_refused(secured):
    """Login CSRF: another site's form has no token of this session's (and no cookie: SameSite)."""
    test_client = secured[0].server.test_client()
    answer = test_client.post("/signin", data={"username": "anna", "password": PASSWORD, "next": "/"},
                              base_url="https://localhost", environ_base={"REMOTE_ADDR": "10.0.3.3"})
    assert answer.status_code == 400
    assert test_client.get_cookie("session", domain="localhost") is None or \
        "sid" not in test_client.get_cookie("session", domain="localhost").value
    assert test_client.get("/scorecard", base_url="https://localhost").status_code == 302
    wrong_token = {"username": "anna", "password": PASSWORD, "csrf": "guessed"}
    test_client.get("/signin", base_url="https://localhost")
    assert test_client.post("/signin", data=wrong_token, base_url="https://localhost",
                            environ_base={"REMOTE_ADDR": "10.0.3.3"}).status_code == 400


def test_a_sign_out_posted_from_another_site_changes_nothing(secured):
    analyst = signed_in_client(secured, "anna", "10.0.3.4")
    assert analyst.post("/signout", base_url="https://localhost").status_code == 400
    assert analyst.post("/signout", data={"csrf": "guessed"}, base_url="https://localhost").status_code == 400
    assert rendered(analyst, "/scorecard").status_code == 200


def test_a_huge_username_is_refused_unread(secured):
    test_client = secured[0].server.test_client()
    page = test_client.get("/signin", base_url="https://localhost")
    huge = {"username": "u" * (5 * 1024 * 1024), "password": "x", "csrf": form_token(page.text)}
    answer = test_client.post("/signin", data=huge, base_url="https://localhost", environ_base={"REMOTE_ADDR": "10.0.3.5"})
    assert answer.status_code == 413
    long = {"username": "u" * 64, "password": "x", "csrf": form_token(page.text)}
    assert test_client.post("/signin", data=long, base_url="https://localhost",
                            environ_base={"REMOTE_ADDR": "10.0.3.5"}).status_code == 401
    with Store.open(secured[1]) as store:
        kept = store.table(schema.sign_in_attempt)["key"].tolist()
    assert all(len(key) <= 80 for key in kept) and "address:10.0.3.5" in kept


def test_one_address_trying_many_usernames_is_stopped(secured):
    test_client = secured[0].server.test_client()
    statuses = [sign_in(test_client, f"guess{number}", address="10.0.3.6", password="wrong").status_code
                for number in range(25)]
    assert statuses.count(401) == 20 and statuses[20:] == [429] * 5
    assert sign_in(test_client, "anna", address="10.0.3.7").status_code == 302  # another address is not held up
