"""Scorecard's web app. `scorecard serve` (and `make run`) serves it under gunicorn; `python
app.py` serves it in one process with Flask's own server, for development and tests. The
database comes from the setting `database`, as for the command line.

Here the pages (layouts/) are wired to the service: sign-in and security headers, the DuckDB
file held only while a request uses it (so the command line can take its turn), the service
worked out ahead of the first visitor, and /healthz."""

import logging
import sys
from pathlib import Path

import dash
import flask
from dash import dcc, html, set_props

from service import api, serve, web_security
from service.errors import DatabaseBusyError, NotAllowed
from service.settings import value
from service.shared import shared

HERE = Path(__file__).resolve().parent
# assets/ beside app.py in a checkout; installed, the wheel keeps them as layouts/assets.
ASSETS = HERE / "assets" if (HERE / "assets").is_dir() else HERE / "layouts" / "assets"
log = logging.getLogger("scorecard.app")

INDEX = """<!DOCTYPE html>
<html lang="en-GB">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
{%app_entry%}
<footer>{%config%}{%scripts%}{%renderer%}</footer>
</body>
</html>"""


def plain_error(error: Exception) -> None:
    """A callback failed: say so in plain words, log the detail, never show a traceback."""
    log.exception("Callback failed", exc_info=error)
    if isinstance(error, PermissionError):
        message = "You do not have permission to do that. Ask an administrator if you need it."
    elif isinstance(error, (ValueError, DatabaseBusyError)):
        message = f"That could not be done: {error}"
    else:
        message = "Something went wrong and nothing was changed. Try again; if it keeps happening, tell the performance team."
    set_props("error-banner", {"children": message, "hidden": False})


def create_app() -> dash.Dash:
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "layouts"),
        assets_folder=str(ASSETS),
        suppress_callback_exceptions=True,
        title="Scorecard",
        update_title=None,
        on_error=plain_error,
    )
    app.index_string = INDEX
    app.layout = html.Div([
        dcc.Location(id="nav", refresh="callback-nav"),
        html.P(id="error-banner", hidden=True, role="alert", className="error-summary"),
        dash.page_container,
    ])
    web_security.install(app)  # sign-in and security headers
    hold_database_per_request(app.server)
    return app


def hold_database_per_request(server: flask.Flask) -> None:
    """A request's queries share one open DuckDB file, let go when the request ends."""

    @server.before_request
    def database_in_use():
        flask.g.database = shared().store.in_use()
        flask.g.database.__enter__()

    @server.teardown_request
    def database_let_go(_error):
        held = flask.g.pop("database", None)
        if held is not None:
            held.__exit__(None, None, None)


def port_is_free(host: str, port: int) -> None:
    try:
        serve.check_port(host, port)
    except NotAllowed as taken:
        sys.exit(f"python app.py: {taken}")


if __name__ == "__main__":  # before anything opens the database: a taken port is one plain line
    port_is_free(value("host"), value("port"))
app = create_app()
server = app.server
# A server works out the home scorecard as it starts, so the first visitor does not wait;
# `scorecard serve` and `python app.py` do, an import for tests does not. The setting warm_start.
if value("warm_start") or (value("warm_start") is None and __name__ == "__main__"):
    shared().warm_in_background()


api.install(server, shared)  # /api/v1: read-only JSON and CSV for analysts' own tools


@server.route("/healthz")
def healthz():
    return serve.healthz(shared())

if __name__ == "__main__":
    app.run(host=value("host"), port=value("port"), debug=False)
