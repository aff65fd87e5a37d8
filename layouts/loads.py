"""Loads: every load with who, when, what it changed and its warnings in full; an analyst can
revert one. The table fits a 1280-pixel screen: the counts share a cell and long names wrap."""

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
    said = shared().load_warnings()
    head = ["Load", "File and layout", "Who and when", "Rows", "Warnings", "Status"]
    rows = []
    for load in loads:
        action = ""
        if load["status"] == "loaded":
            action = dcc.ConfirmDialogProvider(
                html.Button(["Revert", html.Span(f" load {load['id']}", className="visually-hidden")],
                            className="button-secondary button-small"),
                id={"type": "revert", "load": int(load["id"])},
                message=f"Revert load {load['id']} ({load['file_name']})? Its figures are taken out and the ones it "
                        "replaced are put back.",
            )
        rows.append(html.Tr([
            html.Th(str(load["id"]), scope="row"),
            html.Td([html.Span(load["file_name"], className="load-file"), html.Span(load["kind"], className="period")]),
            html.Td([load["user_name"], html.Span(f"{load['loaded_at']:%d %b %Y %H:%M}", className="period")]),
            html.Td(f"{load['rows_new']:,} new, {load['rows_revised']:,} revised, {load['rows_unchanged']:,} unchanged"),
            html.Td(warnings_cell(int(load["id"]), int(load["warnings"]), said.get(int(load["id"]), []))),
            html.Td([html.Span(load["status"].capitalize()), html.Br(), action]),
        ]))
    return html.Table([html.Caption("Loads, newest first"),
                       html.Thead(html.Tr([html.Th(n, scope="col") for n in head])), html.Tbody(rows)],
                      className="table loads-table")


def warnings_cell(load_id: int, count: int, warnings: list[str]):
    """Every warning the load reported, folded under its count when there are several."""
    if not count:
        return "None"
    if not warnings:  # a load made before Scorecard kept warnings' words
        return f"{count:,} (their words were not kept by the Scorecard that loaded it)"
    items = html.Ul([html.Li(text) for text in warnings], className="load-warnings")
    if count == 1:
        return items
    return html.Details([html.Summary(f"{count:,} warnings"), items], open=count <= 3, id=f"warnings-{load_id}")


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
