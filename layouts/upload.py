"""Upload: drop a workbook, read the validation report and what would change, then confirm;
progress is shown while a file is checked or loaded."""

import dash
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html

from layouts._parts import page, state_of
from layouts._state import from_search, href
from service import actions
from service.shared import shared
from service.uploads import max_bytes

dash.register_page(__name__, path="/upload", title="Upload - Scorecard", name="Upload", order=5, nav=True)


def layout(**query):
    state = state_of(query)
    body = html.Div([
        html.P("Upload a filled template, a council scorecard workbook, a DfE file or LAIT data. Scorecard checks "
               "it first and shows what would change; nothing is saved until you confirm.", className="lede"),
        dcc.Upload(
            id="upload-file",
            children=html.Div(["Drag a file here, or ", html.Span("choose a file", className="link-like")]),
            className="upload-drop", max_size=max_bytes(), multiple=False,
        ),
        # Filled in by assets/upload.js: the upload box drops a file over the limit silently.
        html.P(id="upload-too-big", hidden=True, role="alert", className="error-summary",
               **{"data-max-bytes": str(max_bytes())}),
        progress("upload-checking"),
        html.Div(id="upload-report", role="status"),
        dcc.Store(id="upload-token"),
        html.Div([
            html.Button("Confirm and load", id="upload-confirm", className="button", disabled=True, n_clicks=0),
            html.Button("Cancel", id="upload-cancel", className="button-secondary", disabled=True, n_clicks=0),
        ], className="buttons"),
        progress("upload-loading"),
        html.Div(id="upload-result", role="status"),
    ])
    return page("/upload", state, "Upload a workbook", body, with_controls=False)


def progress(name: str) -> html.Div:
    """An indeterminate progress bar named by its words. The live region is always on the page
    and only its inside is hidden, so screen readers announce the words when they appear."""
    return html.Div(
        html.Div([
            html.P(id=f"{name}-words", className="progress-words"),
            html.Progress(id=f"{name}-bar", className="progress-bar", **{"aria-labelledby": f"{name}-words"}),
        ], id=f"{name}-shown", hidden=True),
        id=name, role="status", className="progress", **{"aria-live": "polite"},
    )


def busy(name: str) -> list:
    """What changes while a check or load runs: the progress shows, and nothing else can be started.
    The callback's own outputs, sent after these, set the buttons as the result needs."""
    return [
        (Output(f"{name}-shown", "hidden"), False, True),
        (Output("upload-file", "disabled"), True, False),
        (Output("upload-confirm", "disabled"), True, True),
        (Output("upload-cancel", "disabled"), True, True),
    ]


# The words name the file, which only the browser knows before the callback answers (assets/upload.js).
clientside_callback(ClientsideFunction("upload", "checking"), Output("upload-checking-words", "children"),
                    Input("upload-file", "filename"), prevent_initial_call=True)
clientside_callback(ClientsideFunction("upload", "loading"), Output("upload-loading-words", "children"),
                    Input("upload-token", "data"), prevent_initial_call=True)


def report(result, filename: str) -> html.Div:
    problems = [html.Li(str(problem), className=f"problem-{problem.severity}")
                for problem in result.problems]
    parts = []
    if result.status == "refused":
        parts.append(html.H2(f"{filename} cannot be loaded"))
        parts.append(html.P("Nothing from this file has been loaded. Put right each problem below, then upload it again."))
    elif result.status == "already loaded":
        parts.append(html.H2(f"{filename} is already loaded (load {result.load_id}). Nothing would change."))
    else:
        change = result.change
        parts.append(html.H2(f"{filename} is ready to load ({result.kind})"))
        parts.append(html.Ul([
            html.Li(_count(change.new, "new figure")), html.Li(_count(change.revised, "revised figure")),
            html.Li(_count(change.unchanged, "unchanged figure")),
        ]))
        if change.revisions is not None and not change.revisions.empty:
            parts.append(revisions_table(change.revisions))
    if problems:
        parts.append(html.H3("Problems found"))
        parts.append(html.Ul(problems, className="problems"))
    return html.Div(parts, className="error-summary" if result.status == "refused" else "report")


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def revisions_table(revisions) -> html.Table:
    shown = revisions.head(50)
    keys = [c for c in shown.columns if not c.startswith(("old_", "new_"))]
    pairs = [c[4:] for c in shown.columns if c.startswith("old_") and f"new_{c[4:]}" in shown.columns]
    return html.Table([
        html.Caption(f"Revised figures, old -> new ({len(revisions):,} in all; first {len(shown)} shown)"),
        html.Thead(html.Tr([html.Th(k, scope="col") for k in keys + pairs])),
        html.Tbody([
            html.Tr([html.Td(str(row[k])) for k in keys] + [html.Td(f"{row['old_' + p]} -> {row['new_' + p]}") for p in pairs])
            for row in shown.to_dict("records")
        ]),
    ], className="table")


@callback(
    Output("upload-report", "children"),
    Output("upload-token", "data"),
    Output("upload-confirm", "disabled"),
    Output("upload-cancel", "disabled"),
    Input("upload-file", "contents"),
    State("upload-file", "filename"),
    State("nav", "search"),
    running=busy("upload-checking"),
    prevent_initial_call=True,
)
def check_upload(contents, filename, search):
    if not contents:
        raise dash.exceptions.PreventUpdate
    checked = actions.check_upload(shared(), contents, filename, from_search(search))
    if checked.problem:
        return html.P(checked.problem, className="error-summary"), None, True, True
    ready = checked.token is not None
    return report(checked.report, filename), checked.token, not ready, not ready


@callback(
    Output("upload-result", "children"),
    Output("upload-confirm", "disabled", allow_duplicate=True),
    Output("upload-cancel", "disabled", allow_duplicate=True),
    Output("upload-report", "children", allow_duplicate=True),
    Input("upload-confirm", "n_clicks"),
    State("upload-token", "data"),
    State("nav", "search"),
    running=busy("upload-loading"),
    prevent_initial_call=True,
)
def confirm_upload(confirm, pending, search):
    state = from_search(search)
    result = actions.confirm_upload(shared(), pending, state)
    if result is None:
        raise dash.exceptions.PreventUpdate
    if result.status != "loaded":
        return report(result, pending["name"]), True, True, ""
    change = result.change
    return html.Div([
        html.P(f"Loaded {pending['name']} as load {result.load_id}: {change.new:,} new, {change.revised:,} revised, "
               f"{change.unchanged:,} unchanged."),
        html.P(dcc.Link("See the outcome scorecard", href=href("/scorecard", state))),
    ], className="report"), True, True, ""


@callback(
    Output("upload-result", "children", allow_duplicate=True),
    Output("upload-confirm", "disabled", allow_duplicate=True),
    Output("upload-cancel", "disabled", allow_duplicate=True),
    Output("upload-report", "children", allow_duplicate=True),
    Input("upload-cancel", "n_clicks"),
    State("upload-token", "data"),
    prevent_initial_call=True,
)
def cancel_upload(cancel, pending):
    """Its own callback, so that cancelling never flashes the words for a load."""
    if not actions.cancel_upload(pending):
        raise dash.exceptions.PreventUpdate
    return html.P("Cancelled. Nothing was loaded."), True, True, ""
