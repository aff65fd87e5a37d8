"""A read-only API for analysts' own tools (R, Power BI, Excel), on the app's Flask server
under /api/v1: the indicator catalogue, areas, an area's scorecard for a quarter, an
indicator's series with its comparators, and the loads, as JSON or as CSV that Excel opens
cleanly (UTF-8 with a BOM, no cell that runs as a formula); /api/v1/openapi.json describes it.

Every route calls the service, so its checks and its disclosure control apply as on the
pages. Who may ask:
- a request with `Authorization: Bearer <token>` (`scorecard users token NAME`) is answered
  for a live token of an existing user, with that user's role read now; any other token is
  refused (401), even where sign-in is off;
- with sign-in on, a signed-in browser session is taken as the pages take it;
- with sign-in off (no users yet), a request with no token is answered only from this
  machine (loopback): pages then have no check at all, but an analyst's tool on another
  machine has no reason to reach a server that was never meant to be shared.
Errors are JSON, {"error": "..."}, with the status code that fits.
"""

import ipaddress
import json
from collections.abc import Callable

import flask

from service import arguments, exports, records, tokens, users, web_security
from service.errors import NotAllowed

PREFIX = "/api/v1"
CSV = "text/csv"
JSON = "application/json"


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def install(server: flask.Flask, service: Callable) -> None:
    """Mount the API on `server`; `service()` gives the Service to ask (opened on first use)."""
    api = flask.Blueprint("api", __name__, url_prefix=PREFIX)

    def answer(rows: list[dict], name: str, fields: list[str] | None = None, text: str | None = None):
        """JSON (`text` when the caller already has it) or CSV, as the request asks."""
        if _wants_csv():
            return _csv_response(rows, name, fields)
        return flask.Response(text or json.dumps(rows, default=str), mimetype=JSON)

    @api.before_request
    def authorise():
        # The description too: every route but sign-in and /healthz needs sign-in (web_security).
        caller = _caller(service())
        if caller is None:
            raise Refused(401, "Send an API token: 'Authorization: Bearer <token>'. "
                               "An administrator makes one with 'scorecard users token NAME'.")
        if not users.has_role(caller["role"], "viewer"):
            raise Refused(403, "Your role cannot read the API.")

    @api.get("/indicators")
    def indicators():
        found = service().search_indicators(None)  # the catalogue, then LAIT's benchmark indicators
        return answer([{**records.indicator_record(item), "is_benchmark": item.is_benchmark} for item in found],
                      "indicators")

    @api.get("/areas")
    def areas():
        return answer(records.area_records(service()), "areas")

    @api.get("/scorecard")
    def scorecard():
        chosen = service()
        area = chosen.checked_area(_area_code(chosen, _param("area")))
        quarter = chosen.checked_quarter(_param("quarter"))
        framework = chosen.checked_framework(_param("framework"))
        outcome = arguments.outcome_id(chosen.catalogue.frameworks[framework], _param("outcome"))
        card = chosen.in_basket(chosen.scorecard(area, quarter, framework, outcome), _param("basket"))
        rows = records.ordered(records.scorecard_records(card))
        # exactly what `scorecard show --format json` prints, without its indentation
        return answer(rows, f"scorecard {card.area.code} {quarter.label}", records.JSON_FIELDS_FIRST,
                      json.dumps(rows, default=str))

    @api.get("/indicators/<indicator_id>/series")
    def series(indicator_id: str):
        chosen = service()
        try:
            indicator = chosen.checked_indicator(indicator_id)
        except NotAllowed as unknown:
            raise Refused(404, str(unknown)) from unknown
        area = chosen.checked_area(_area_code(chosen, _param("area")))
        quarter = chosen.checked_quarter(_param("quarter"))
        return answer(records.series_records(chosen, indicator, area, quarter), f"{indicator.id} {area}")

    @api.get("/loads")
    def loads():
        return answer(records.load_records(service()), "loads")

    @api.get("/openapi.json")
    def openapi():
        return flask.Response(json.dumps(description()), mimetype=JSON)

    @api.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def unknown(rest: str):
        if flask.request.method != "GET":
            raise Refused(405, "The API only reads: use GET.")
        raise Refused(404, f"There is nothing at {PREFIX}/{rest}. {PREFIX}/openapi.json lists what there is.")

    @api.errorhandler(Refused)
    def refused(problem: Refused):
        response = _error(problem.message, problem.status)
        if problem.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="scorecard"'
        return response

    @api.errorhandler(NotAllowed)
    def not_allowed(problem: NotAllowed):
        return _error(str(problem), 400)

    @api.errorhandler(405)
    def wrong_method(_problem):
        return _error("The API only reads: use GET.", 405)

    @api.errorhandler(Exception)
    def fault(problem: Exception):
        status = getattr(problem, "code", None)
        if isinstance(status, int) and 400 <= status < 500:  # werkzeug's own: a bad request and the like
            return _error(getattr(problem, "description", None) or "That request could not be read.", status)
        flask.current_app.logger.exception("API request failed", exc_info=problem)
        return _error("Something went wrong inside Scorecard; nothing was changed. "
                      "Try again; if it keeps happening, tell the performance team.", 500)

    server.register_blueprint(api)


def _caller(service) -> dict | None:
    """{username, role} of who is asking, or None; a bad token is refused outright."""
    header = flask.request.headers.get("Authorization")
    if header is not None:
        scheme, _, token = header.strip().partition(" ")
        found = tokens.user_for(service.store, token.strip()) if scheme.lower() == "bearer" else None
        if found is None:
            raise Refused(401, "That API token is not known or has been revoked.")
        return found
    if web_security.sign_in_required():
        found = web_security.signed_in_user()  # the session and role as the database has them now
        return found if found and found["role"] in users.ROLES else None
    if _is_loopback(flask.request.remote_addr):
        return {"username": web_security.current_username(), "role": "viewer"}
    return None


def _is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


def _param(name: str) -> str | None:
    return (flask.request.args.get(name) or "").strip() or None


def _area_code(service, text: str | None) -> str | None:
    """An area by code, old code or name, as the command line takes it."""
    return None if text is None else arguments.area_code(service.areas, text, service.home)


def _wants_csv() -> bool:
    chosen = (flask.request.args.get("format") or "").lower()
    if chosen in ("csv", "json"):
        return chosen == "csv"
    if chosen:
        raise Refused(400, f"'{chosen}' is not a format: use format=json or format=csv.")
    accept = flask.request.accept_mimetypes
    return accept.best_match([JSON, CSV], default=JSON) == CSV and accept[CSV] > accept[JSON]


def _csv_response(rows: list[dict], name: str, fields: list[str] | None):
    header = list(rows[0]) if rows else list(fields or [])
    values = [[_cell(row.get(field)) for field in header] for row in rows]
    body = "\ufeff" + exports.csv_text(header, values)  # the BOM tells Excel it is UTF-8
    filename = "".join(c if c.isalnum() or c in "-_" else "_" for c in name) + ".csv"
    return flask.Response(body.encode("utf-8"), mimetype=CSV, headers={
        "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f'attachment; filename="{filename}"'})


def _cell(value):
    """A list or a mapping in one cell, as `scorecard show --format csv` writes a list."""
    if isinstance(value, dict):
        return "; ".join(f"{key}: {item}" for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(json.dumps(item, default=str) if isinstance(item, dict) else str(item) for item in value)
    return value


def _error(message: str, status: int) -> flask.Response:
    return flask.Response(json.dumps({"error": message}), status=status, mimetype=JSON)


# The OpenAPI description ---------------------------------------------------------------------

def _query(name: str, description: str, example: str | None = None) -> dict:
    found = {"name": name, "in": "query", "required": False, "description": description, "schema": {"type": "string"}}
    if example:
        found["example"] = example
    return found


FORMAT = {"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": ["json", "csv"]},
          "description": "json (the default) or csv (UTF-8 with a BOM; Accept: text/csv does the same)"}
AREA = _query("area", "An area by code (E08000027), old code (332) or name; default the home LA", "E08000027")
QUARTER = _query("quarter", "A financial quarter like 2024-25 Q4; default the latest complete one", "2024-25 Q4")


def _listing(summary: str, description: str, parameters: list[dict], item: dict) -> dict:
    return {"get": {
        "summary": summary, "description": description, "parameters": [*parameters, FORMAT],
        "responses": {
            "200": {"description": summary, "content": {
                JSON: {"schema": {"type": "array", "items": item}},
                CSV: {"schema": {"type": "string"}}}},
            "400": {"$ref": "#/components/responses/Error"},
            "401": {"$ref": "#/components/responses/Error"},
            "404": {"$ref": "#/components/responses/Error"},
        },
    }}


def description() -> dict:
    """The OpenAPI 3.1 description of the routes above."""
    record = {"type": "object", "additionalProperties": True}
    scorecard_row = {"type": "object", "additionalProperties": True, "properties": {
        name: {} for name in records.JSON_FIELDS_FIRST}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Scorecard API", "version": "1",
                 "description": "Read-only: counts of 1 to 5 children, and figures worked out from them, come as "
                                "null with status 'c', as on the pages. CSV is UTF-8 with a BOM."},
        "servers": [{"url": PREFIX}],
        "security": [{"token": []}],
        "paths": {
            "/indicators": _listing("The indicator catalogue", "The catalogue's indicators, then benchmark "
                                    "indicators loaded from LAIT.", [], record),
            "/areas": _listing("Areas", "The areas a scorecard can be asked for: the home LA, its localities, "
                               "every current LA, the regions and England.", [], record),
            "/scorecard": _listing("An area's scorecard for a quarter", "Every field `scorecard show --format "
                                   "json` gives, one row per indicator.", [
                                       AREA, QUARTER, _query("framework", "Outcome framework; default the setting framework (ecm unless changed)", "ecm"),
                                       _query("outcome", "One outcome area, by id or title", "stay_safe"),
                                       _query("basket", "Only one basket's indicators (baskets.yaml)", "corporate_basket")],
                                   scorecard_row),
            "/indicators/{indicator_id}/series": _listing(
                "An indicator's series with its comparators", "Every figure for the area up to the quarter's "
                "end, with England, the region, the statistical-neighbour mean and the target.", [
                    {"name": "indicator_id", "in": "path", "required": True, "schema": {"type": "string"},
                     "example": "cla_rate"}, AREA, QUARTER], record),
            "/loads": _listing("Loads", "Every load, newest first.", [], record),
            "/openapi.json": {"get": {"summary": "This description", "responses": {
                "200": {"description": "OpenAPI 3.1", "content": {JSON: {"schema": {"type": "object"}}}}}}},
        },
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                          "description": "A token from `scorecard users token NAME`"}},
            "responses": {"Error": {"description": "Refused, with why", "content": {JSON: {"schema": {
                "type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}}}}},
        },
    }
