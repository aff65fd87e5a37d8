"""Sign-in whenever users exist, on the embedded DuckDB default as on PostgreSQL: with no users,
Scorecard opens without sign-in to this computer only (loopback, and a Host header it knows, so
DNS rebinding cannot reach it), and the page says so; once a user is added, every route needs
sign-in."""

import importlib

import pytest

from scorecard.store import Store
from service import users
from service.cli import main

PASSWORD = "a long enough password"
PATHS = ["/", "/scorecard", "/loads", "/upload", "/indicators", "/_dash-layout", "/_dash-dependencies"]


def routing_callback(test_client, path="/scorecard", **options):
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": ""}],
        "changedPropIds": ["_pages_location.pathname"], "state": [],
    }
    return test_client.post("/_dash-update-component", json=body, **options)


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def embedded(request, tmp_path_factory):
    """The app on a demo database with no users and no sign-in setting at all."""
    folder = tmp_path_factory.mktemp("embedded")
    db = str(folder / "demo.duckdb") if request.param == "duckdb" else \
        request.getfixturevalue("postgres_server").new_database()
    assert main(["demo", "--db", db]) == 0
    patch = pytest.MonkeyPatch()
    patch.setenv("SCORECARD_DB", db)
    patch.delenv("SCORECARD_SIGN_IN", raising=False)
    patch.setenv("SCORECARD_SESSION_KEY_FILE", str(folder / "session.key"))
    patch.setenv("SCORECARD_SESSION_CHECK_SECONDS", "0")
    import app as app_module
    from service.shared import shared

    shared.cache_clear()
    app_module = importlib.reload(app_module)
    yield app_module, db
    shared().store.close()
    shared.cache_clear()
    patch.undo()


def test_with_no_users_this_computer_needs_no_sign_in_and_the_page_says_so(embedded):
    test_client = embedded[0].server.test_client()
    for path in PATHS:
        assert test_client.get(path).status_code == 200, path
    page = routing_callback(test_client)
    assert page.status_code == 200 and "Sign-in is off because no users have been added" in page.text


def test_with_no_users_another_computer_is_refused(embedded):
    test_client = embedded[0].server.test_client()
    far = {"environ_base": {"REMOTE_ADDR": "192.168.1.20"}}
    for path in PATHS:
        answer = test_client.get(path, **far)
        assert answer.status_code in (302, 401), path
    assert routing_callback(test_client, **far).status_code == 401


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8050", "127.0.0.1.evil.example", "attacker.test"])
def test_with_no_users_an_unknown_host_header_is_refused(embedded, host):
    """DNS rebinding: a page on evil.example whose name now points at 127.0.0.1."""
    test_client = embedded[0].server.test_client()
    assert test_client.get("/scorecard", headers={"Host": host}).status_code == 400
    assert routing_callback(test_client, headers={"Host": host}).status_code == 400
    for known in ("localhost:8050", "127.0.0.1:8050", "[::1]:8050", "localhost"):
        assert test_client.get("/scorecard", headers={"Host": known}).status_code == 200, known


def test_once_a_user_exists_every_route_needs_sign_in(embedded):
    """The issue's case: `scorecard users add alice` then serve on DuckDB: 8 of 8 answered anyone."""
    app_module, db = embedded
    with Store.open(db) as store:
        users.add_user(store, "alice", "viewer", PASSWORD, by="test")
    try:
        anonymous = app_module.server.test_client()
        for path in PATHS:
            answer = anonymous.get(path, base_url="https://localhost")
            assert answer.status_code in (302, 401), path
            if answer.status_code == 302:
                assert answer.headers["Location"].startswith("/signin")
        assert routing_callback(anonymous, base_url="https://localhost").status_code == 401
        api = anonymous.get("/api/v1/areas", base_url="https://localhost")
        assert api.status_code == 401
    finally:
        with Store.open(db) as store:
            users.remove_user(store, "alice", by="test")


def test_with_no_users_the_api_needs_no_token_on_this_machine_only(embedded):
    test_client = embedded[0].server.test_client()
    assert test_client.get("/api/v1/areas").status_code == 200  # the test client comes from 127.0.0.1
    assert test_client.get("/api/v1/areas", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    far = test_client.get("/api/v1/areas", environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert far.status_code == 401 and far.json["error"]
    assert test_client.get("/api/v1/areas", headers={"Authorization": "Bearer wrong"}).status_code == 401
