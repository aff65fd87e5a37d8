"""Loads: every load with who, when and what it changed; an analyst can revert one."""

import dash
from dash import ALL, Input, Output, callback, ctx, dcc, html

from layouts._parts import no_data, page, state_of
from service import actions
from service.errors import NotAllowed
from service.shared import shared

dash.register_page(__name__, path="/loads", title="Loads - Scorecard", name="Loads", order=6, nav=True)


def layout(**query):
    state = state_of(query)
    body = html.Div([
        html.P("Each load is one file. Reverting a load puts back exactly the figures it replaced.", className="lede"),
        html.P("", id="revert-status", role="status"),
        html.Div(loads_table(shared().loads()), id="loads-table"),
    ])
    return page("/loads", state, "Loads", body, with_controls=False)


def loads_table(loads: list[dict]):
    if not loads:
        return no_data("Nothing has been loaded yet.")
    head = ["Load", "File", "Layout", "Who", "When", "New", "Revised", "Unchanged", "Warnings", "Status", "Action"]
    rows = []
    for load in loads:
        action = ""
        if load["status"] == "loaded":
            action = dcc.ConfirmDialogProvider(
                html.Button(f"Revert load {load['id']}", className="button-secondary"),
                id={"type": "revert", "load": int(load["id"])},
                message=f"Revert load {load['id']} ({load['file_name']})? Its figures are taken out and the ones it "
                        "replaced are put back.",
            )
        rows.append(html.Tr([
            html.Th(str(load["id"]), scope="row"), html.Td(load["file_name"]), html.Td(load["kind"]),
            html.Td(load["user_name"]), html.Td(f"{load['loaded_at']:%d %b %Y %H:%M}"),
            html.Td(f"{load['rows_new']:,}"), html.Td(f"{load['rows_revised']:,}"),
            html.Td(f"{load['rows_unchanged']:,}"), html.Td(str(load["warnings"])),
            html.Td(load["status"].capitalize()), html.Td(action),
        ]))
    return html.Table([html.Caption("Loads, newest first"),
                       html.Thead(html.Tr([html.Th(n, scope="col") for n in head])), html.Tbody(rows)],
                      className="table")


@callback(
    Output("revert-status", "children"),
    Output("loads-table", "children"),
    Input({"type": "revert", "load": ALL}, "submit_n_clicks"),
    prevent_initial_call=True,
)
def revert(clicks):
    if not any(clicks or []):
        raise dash.exceptions.PreventUpdate
    load_id = int(ctx.triggered_id["load"])
    try:
        loads = actions.revert_load(shared(), load_id)
    except NotAllowed as refused:
        return str(refused), dash.no_update
    return f"Load {load_id} reverted. The figures are as they were before it.", loads_table(loads)
