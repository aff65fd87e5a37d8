"""Scorecard's web app. `python app.py` serves it on http://127.0.0.1:8050; `gunicorn app:server`
serves it in production. The database comes from SCORECARD_DB, as for the command line.

Here the pages (layouts/) are wired to the service: sign-in and security headers, the
service worked out ahead of the first visitor, and /healthz."""

import logging
import os
from pathlib import Path

import dash
from dash import dcc, html, set_props

from service import api, serve, web_security
from service.shared import shared

HERE = Path(__file__).resolve().parent
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
    elif isinstance(error, ValueError):
        message = f"That could not be done: {error}"
    else:
        message = "Something went wrong and nothing was changed. Try again; if it keeps happening, tell the performance team."
    set_props("error-banner", {"children": message, "hidden": False})


def create_app() -> dash.Dash:
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "layouts"),
        assets_folder=str(HERE / "assets"),
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
    return app


app = create_app()
server = app.server
# A server works out the home scorecard as it starts, so the first visitor does not wait;
# `scorecard serve` and `python app.py` do, an import for tests does not. SCORECARD_WARM=off stops it.
if os.environ.get("SCORECARD_WARM", "on" if __name__ == "__main__" else "off") == "on":
    shared().warm_in_background()


api.install(server, shared)  # /api/v1: read-only JSON and CSV for analysts' own tools


@server.route("/healthz")
def healthz():
    return serve.healthz(shared())

if __name__ == "__main__":
    app.run(
        host=os.environ.get("SCORECARD_HOST", "127.0.0.1"),
        port=int(os.environ.get("SCORECARD_PORT", "8050")),
        debug=False,
    )
