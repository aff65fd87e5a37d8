"""The read-only API (/api/v1) on the real app, through Flask's test client, against the demo
database: every endpoint with a viewer's token, as JSON and as CSV; refused tokens; plain JSON
errors with the right status; no count of 1 to 5 in any answer (and, as a control, that the
same check does see them with the disclosure threshold at 0); the OpenAPI description valid."""

import csv
import importlib
import io
import json
import re
from datetime import datetime

import pytest
import sqlalchemy as sa

from scorecard import schema
from scorecard.store import Store
from service import tokens, users
from service.cli import main

PASSWORD = "a long enough password"
QUARTER = "2025-26 Q2"
ENDPOINTS = [
    "/api/v1/indicators",
    "/api/v1/areas",
    f"/api/v1/scorecard?area=E08000027&quarter={QUARTER}",
    f"/api/v1/scorecard?area=Dudley&quarter={QUARTER}&framework=ecm&outcome=stay_safe",
    f"/api/v1/indicators/cla_rate/series?area=E08000027&quarter={QUARTER}",
    "/api/v1/loads",
    "/api/v1/openapi.json",
]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app on the demo database with sign-in on; vera a viewer with a token."""
    folder = tmp_path_factory.mktemp("api")
    db = folder / "demo.duckdb"
    assert main(["demo", "--db", str(db)]) == 0
    with Store.open(db) as store:
        users.add_user(store, "vera", "viewer", PASSWORD, by="test")
        users.add_user(store, "rita", "viewer", PASSWORD, by="test")
        # A note a spreadsheet would run as a formula, for the CSV test.
        store.add_commentary("cla_rate", "E08000027", QUARTER, "=HYPERLINK(\"http://x\")", "@mallory")
    patch = pytest.MonkeyPatch()
    patch.setenv("SCORECARD_DB", str(db))
    patch.setenv("SCORECARD_SIGN_IN", "on")
    import app as app_module
    from service.shared import shared

    shared.cache_clear()
    app_module = importlib.reload(app_module)
    token = tokens.new_token(shared().store, "vera", by="test")
    yield {"client": app_module.server.test_client(), "app": app_module, "token": token, "service": shared(), "db": db,
           "patch": patch}
    shared().store.close()
    shared.cache_clear()
    patch.undo()


def get(served, path, token=None, **options):
    token = served["token"] if token is None else token
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    headers.update(options.pop("headers", {}))
    return served["client"].get(path, headers=headers, **options)


def csv_rows(response) -> list[dict]:
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


@pytest.mark.parametrize("path", ENDPOINTS)
def test_every_endpoint_answers_a_viewers_token_in_json(served, path):
    response = get(served, path)
    assert response.status_code == 200, response.data
    assert response.content_type == "application/json"
    assert response.json  # not empty


@pytest.mark.parametrize("path", [path for path in ENDPOINTS if "openapi" not in path])
def test_every_listing_comes_as_csv_by_format_or_accept(served, path):
    as_json = get(served, path).json
    by_format = csv_rows(get(served, path + ("&" if "?" in path else "?") + "format=csv"))
    by_accept = csv_rows(get(served, path, headers={"Accept": "text/csv"}))
    assert by_format == by_accept
    assert len(by_format) == len(as_json)
    assert list(by_format[0]) == list(as_json[0])  # the same fields, in the same order


def test_the_scorecard_is_what_scorecard_show_gives(served, capsys):
    capsys.readouterr()
    assert main(["show", "--db", str(served["db"]), "--area", "E08000027", "--period", QUARTER,
                 "--outcome", "stay_safe", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    answered = get(served, f"/api/v1/scorecard?area=E08000027&quarter={QUARTER}&outcome=stay_safe").json
    assert answered == shown
    assert {row["outcome_area"] for row in answered} == {"stay_safe"}
    assert all(row["demonstration_data"] for row in answered)


def test_csv_cannot_run_a_formula_and_numbers_stay_numbers(served):
    rows = csv_rows(get(served, f"/api/v1/scorecard?area=E08000027&quarter={QUARTER}&format=csv"))
    cla = next(row for row in rows if row["indicator_id"] == "cla_rate")
    assert cla["commentary"] == "'=HYPERLINK(\"http://x\")"
    assert cla["commentary_author"] == "'@mallory"
    assert float(cla["value"]) > 0 and not cla["value"].startswith("'")


def test_the_series_has_its_comparators(served):
    points = get(served, f"/api/v1/indicators/cla_rate/series?area=E08000027&quarter={QUARTER}").json
    ends = [point["period_end"] for point in points]
    assert ends == sorted(ends) and len(points) > 4  # oldest first
    assert any(point["england"] is not None and point["region"] is not None and point["sn_mean"] is not None
               for point in points)
    assert all(point["period_end"] <= "2025-09-30" for point in points)


@pytest.mark.parametrize("token", ["not-a-token", "", "revoked", "removed"])
def test_a_revoked_unknown_or_removed_users_token_is_refused(served, token):
    store = served["service"].store
    if token == "revoked":
        token = tokens.new_token(store, "vera", by="test")
        assert get(served, "/api/v1/areas", token=token).status_code == 200
        tokens.revoke(store, "vera", by="test")
        served["token"] = tokens.new_token(store, "vera", by="test")  # the other tests go on with a new one
    elif token == "removed":
        token = tokens.new_token(store, "rita", by="test")
        assert get(served, "/api/v1/areas", token=token).status_code == 200
        users.remove_user(store, "rita", by="test")
        users.add_user(store, "rita", "admin", PASSWORD, by="test")  # the same name again gets no old token
    response = get(served, "/api/v1/areas", token=token) if token else served["client"].get("/api/v1/areas")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "token" in response.json["error"]


def test_a_signed_in_browser_is_taken_as_the_pages_take_it(served):
    browser = served["app"].server.test_client()
    page = browser.get("/signin", base_url="https://localhost")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    signed_in = browser.post("/signin", data={"username": "vera", "password": PASSWORD, "csrf": token},
                             base_url="https://localhost")
    assert signed_in.status_code == 302
    assert browser.get("/api/v1/areas", base_url="https://localhost").status_code == 200


def test_a_token_in_another_scheme_is_refused(served):
    response = served["client"].get("/api/v1/areas", headers={"Authorization": f"Basic {served['token']}"})
    assert response.status_code == 401 and response.json["error"]


def test_tokens_are_stored_only_hashed(served):
    kept = served["service"].store.table(schema.api_token)
    assert len(kept) >= 1
    assert served["token"] not in kept.to_string()
    assert all(len(value) == 64 for value in kept["token_hash"])


def test_with_users_sign_in_cannot_be_switched_off(served):
    """Users exist, so even SCORECARD_SIGN_IN=off leaves every request needing a token or a
    session (with no users, see tests/service/test_sign_in_when_users_exist.py)."""
    served["patch"].setenv("SCORECARD_SIGN_IN", "off")
    try:
        client = served["client"]
        assert client.get("/api/v1/areas").status_code == 401  # the test client comes from 127.0.0.1
        assert get(served, "/api/v1/areas", environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 200
        assert get(served, "/api/v1/areas", token="wrong").status_code == 401  # a bad token is never ignored
    finally:
        served["patch"].setenv("SCORECARD_SIGN_IN", "on")


@pytest.mark.parametrize("path, status, words", [
    ("/api/v1/scorecard?area=Atlantis", 400, "Atlantis"),
    ("/api/v1/scorecard?quarter=2024", 400, "quarter"),
    ("/api/v1/scorecard?quarter=2024-25%20Q9", 400, "Q9"),
    ("/api/v1/scorecard?framework=nope", 400, "framework"),
    ("/api/v1/scorecard?outcome=nothing", 400, "outcome"),
    ("/api/v1/scorecard?format=xml", 400, "format"),
    ("/api/v1/indicators/no_such_thing/series", 404, "no_such_thing"),
    ("/api/v1/indicators/cla_rate/series?area=Atlantis", 400, "Atlantis"),
    ("/api/v1/nothing/here", 404, "nothing"),
])
def test_errors_are_json_with_a_plain_message_and_the_right_status(served, path, status, words):
    response = get(served, path)
    assert response.status_code == status
    assert response.content_type == "application/json"
    assert set(response.json) == {"error"} and words in response.json["error"]
    assert "Traceback" not in response.json["error"]


def test_the_api_only_reads(served):
    for method in ("post", "put", "delete"):
        response = getattr(served["client"], method)("/api/v1/loads", headers={
            "Authorization": f"Bearer {served['token']}"})
        assert response.status_code == 405 and response.json["error"]


# Disclosure control ---------------------------------------------------------------------------

FIGURES = ("value", "previous_value", "year_ago_value", "england", "region", "sn_mean")


def small_counts(served, townships: bool = True) -> list[str]:
    """Every count of 1 to 5 children in the API's answers for the home LA (and its townships):
    numerators everywhere, and the figures themselves of indicators that are counts."""
    service = served["service"]
    counts = {indicator.id for indicator in service.catalogue if indicator.unit.value == "number"}
    areas = [service.home, *(local.code for local in service.areas.localities(service.home) if townships)]
    found = []

    def check(where: str, row: dict, is_count: bool) -> None:
        fields = ["numerator", *(FIGURES if is_count else ())]
        values = [(name, row.get(name)) for name in fields]
        values += [("trend", value) for value in (row.get("trend") or []) if is_count]
        for name, value in values:
            if isinstance(value, (int, float)) and 1 <= value <= 5:
                found.append(f"{where} {row.get('indicator_id')} {name}={value}")

    for area in areas:
        for quarter in ("2024-25 Q4", QUARTER):
            for row in get(served, f"/api/v1/scorecard?area={area}&quarter={quarter}").json:
                check(f"scorecard {area} {quarter}", row, row["unit"] == "number")
        # every indicator's series for the home LA; for one township (each works out all five,
        # so this is slow), those with township figures
        for indicator in service.catalogue:
            if area != service.home and (area != areas[1] or indicator.id not in service.with_localities()):
                continue
            response = get(served, f"/api/v1/indicators/{indicator.id}/series?area={area}&quarter={QUARTER}")
            for point in response.json:
                check(f"series {area}", point, indicator.id in counts)
    for row in csv_rows(get(served, f"/api/v1/scorecard?area={service.home}&quarter={QUARTER}&format=csv")):
        number = row["numerator"]
        if number and 1 <= float(number) <= 5:
            found.append(f"scorecard csv {row['indicator_id']} numerator={number}")
    return found


def test_no_count_of_1_to_5_leaves_the_api_and_the_check_would_see_one(served):
    store = served["service"].store
    store.set_setting("disclosure_threshold", "0")  # the control: nothing shielded
    try:
        leaked = small_counts(served, townships=False)  # enough to show the check sees a leak
    finally:
        store.set_setting("disclosure_threshold", "5")
    assert any(line.startswith("scorecard") for line in leaked)
    assert any(line.startswith("series") for line in leaked)
    assert small_counts(served) == []


# The description ------------------------------------------------------------------------------

def test_the_openapi_description_is_valid_and_lists_every_route(served):
    from openapi_spec_validator import validate

    assert served["client"].get("/api/v1/openapi.json").status_code == 401  # as every route
    description = get(served, "/api/v1/openapi.json").json
    validate(description)
    assert description["openapi"].startswith("3.1")
    served_rules = {rule.rule.removeprefix("/api/v1").replace("<indicator_id>", "{indicator_id}")
                    for rule in served["client"].application.url_map.iter_rules()
                    if rule.rule.startswith("/api/v1/") and "<path:" not in rule.rule}
    assert set(description["paths"]) == served_rules
    for path, item in description["paths"].items():
        assert set(item) == {"get"}, path
        assert "200" in item["get"]["responses"]


# The command line and the schema ------------------------------------------------------------------

def test_users_token_prints_a_token_once_and_revoke_stops_it(tmp_path, capsys):
    db = tmp_path / "tokens.duckdb"
    with Store.open(db, create=True) as store:
        users.add_user(store, "tess", "viewer", PASSWORD, by="test")
    capsys.readouterr()
    assert main(["users", "token", "tess", "--db", str(db)]) == 0
    printed = capsys.readouterr()
    token = printed.out.strip()
    assert len(token) >= 40 and "shown only this once" in printed.err
    with Store.open(db) as store:
        assert tokens.user_for(store, token) == {"username": "tess", "role": "viewer"}
    assert main(["users", "token", "tess", "--revoke", "--db", str(db)]) == 0
    assert "Revoked 1" in capsys.readouterr().out
    with Store.open(db) as store:
        assert tokens.user_for(store, token) is None
        assert [entry["action"] for entry in store.audit_entries()][-2:] == ["api token add", "api token revoke"]
    assert main(["users", "token", "nobody", "--db", str(db)]) == 2


def test_tokens_on_each_backend(store):
    """Made, found with the user's current role, revoked, and gone with a removed user."""
    users.add_user(store, "tess", "viewer", PASSWORD, by="test")
    first, second = (tokens.new_token(store, "tess", by="test") for _ in range(2))
    assert first != second
    assert tokens.user_for(store, first) == tokens.user_for(store, second) == {"username": "tess", "role": "viewer"}
    assert tokens.revoke(store, "tess", by="test") == 2
    assert tokens.user_for(store, first) is None and tokens.user_for(store, second) is None
    third = tokens.new_token(store, "tess", by="test")
    users.remove_user(store, "tess", by="test")
    users.add_user(store, "tess", "admin", PASSWORD, by="test")
    assert tokens.user_for(store, third) is None
    with pytest.raises(users.UserError):
        tokens.new_token(store, "nobody", by="test")


def test_a_version_3_database_gets_the_token_table_as_it_is_opened(tmp_path):
    db = tmp_path / "old.duckdb"
    Store.open(db, create=True).close()
    engine = sa.create_engine(f"duckdb:///{db}")
    with engine.begin() as connection:  # as Scorecard with schema version 3 left it
        connection.execute(sa.text("DROP TABLE api_token"))
        connection.execute(schema.schema_version.delete())
        connection.execute(schema.schema_version.insert().values(version=3, applied_at=datetime.now()))
    engine.dispose()
    with Store.open(db) as store:
        assert store.schema_version() == schema.SCHEMA_VERSION  # the newest, whatever it is
        users.add_user(store, "tess", "viewer", PASSWORD, by="test")
        assert tokens.user_for(store, tokens.new_token(store, "tess", by="test"))["username"] == "tess"
