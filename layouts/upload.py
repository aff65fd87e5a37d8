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


def report(result, filename: str, preview=None) -> html.Div:
    errors = [html.Li(str(problem)) for problem in result.problems if problem.severity != "warning"]
    warnings = [html.Li(str(problem)) for problem in result.problems if problem.severity == "warning"]
    parts = []
    if result.status == "refused":
        parts.append(html.H2(f"{filename} cannot be loaded"))
        parts.append(html.P("Nothing from this file has been loaded. Put right each problem below, then upload it again."))
    elif result.status == "already loaded":
        parts.append(html.H2(f"{filename} is already loaded (load {result.load_id}). Nothing would change."))
    else:
        parts.append(html.H2(f"{filename} is ready to load ({result.kind})"))
        if preview is not None:
            parts += preview_parts(preview)
    if errors:
        parts += [html.H3("Problems found"), html.Ul(errors, className="problems problem-error")]
    if warnings:
        parts += [html.H3(f"Warnings ({len(warnings):,})", id="upload-warnings"),
                  html.P("The file can be loaded with these; each says what to check."),
                  html.Ul(warnings, className="problems problem-warning")]
    return html.Div(parts, className="error-summary" if result.status == "refused" else "report")


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def preview_parts(preview) -> list:
    """The counts, every side effect, then each figure and target as it is shown now and after."""
    parts = [html.Ul([
        html.Li(_count(preview.new, "new row")), html.Li(_count(preview.revised, "revised row")),
        html.Li(_count(preview.unchanged, "unchanged row")),
        *[html.Li(line) for line in preview.others],
    ], className="upload-counts")]
    parts.append(html.H3("Side effects", id="upload-effects"))
    if preview.effects:
        parts.append(html.Ul([html.Li(effect) for effect in preview.effects], className="upload-effects"))
    else:
        parts.append(html.P("None: no stored count, denominator, figure or tolerance would be cleared.",
                            className="upload-effects-none"))
    if preview.targets:
        parts.append(_table(
            "Targets", "upload-targets",
            ["Indicator", "Area", "Year", "Change", "Target now", "Target after", "Tolerance now", "Tolerance after"],
            [[t.indicator, t.area, t.year, t.kind, t.before, t.after, t.tolerance_before, t.tolerance_after]
             for t in preview.targets]))
    if preview.figures:
        more = f" {preview.unlisted:,} more rows are counted above but not listed." if preview.unlisted else ""
        parts.append(_table(
            "Figures, as the scorecard would show them", "upload-figures",
            ["Indicator", "Area", "Period", "Change", "Figure now", "Figure after", "Count now", "Count after",
             "Denominator now", "Denominator after"],
            [[f.indicator, f.area + (f" ({f.breakdown})" if f.breakdown else ""), f.period, f.kind, f.before, f.after,
              f.count_before, f.count_after, f.denominator_before, f.denominator_after] for f in preview.figures],
            note=("A dash (–) means no figure is held. The figure is the one the scorecard would show: the "
                  "publisher's, else a rate worked out from the count." + more)))
    return parts


def _table(title: str, name: str, head: list[str], rows: list[list[str]], note: str = "") -> html.Div:
    return html.Div([
        html.H3(title, id=f"{name}-heading"),
        *([html.P(note, className="period")] if note else []),
        html.Div(html.Table([
            html.Thead(html.Tr([html.Th(cell, scope="col") for cell in head])),
            html.Tbody([html.Tr([html.Th(row[0], scope="row"), *[html.Td(cell) for cell in row[1:]]]) for row in rows]),
        ], className="table upload-table", id=name, **{"aria-labelledby": f"{name}-heading"}),
            className="table-scroll", tabIndex="0", role="region", **{"aria-label": title}),
    ])


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
    return report(checked.report, filename, checked.preview), checked.token, not ready, not ready


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
