"""Exceptions: the indicators that meet the exception rule (data/exceptions.yaml), each with
why, its sentence and its commentary, which analysts write and edit here. Every version is
kept with its author and time."""

import dash
from dash import MATCH, Input, Output, State, callback, ctx, dcc, html

from layouts._parts import (
    chosen, direction_badge, no_data, number, page, problem_page, rag_badge, significance_badge, spc_badges, state_of,
    trend_badge,
)
from layouts._state import from_search, href
from service import actions
from service.application import MAX_COMMENTARY
from service.errors import NotAllowed
from service.shared import shared

dash.register_page(__name__, path="/exceptions", title="Exceptions - Scorecard", name="Exceptions", order=2, nav=True)


def layout(**query):
    state = state_of(query)
    try:
        card = chosen(state)
    except NotAllowed as problem:
        return problem_page("/exceptions", state, "Exceptions", problem)
    rows = shared().exceptions(card)
    intro = html.Div([
        html.P(f"{card.area.name}, {card.quarter.label}: the indicators that meet any of these.", className="lede"),
        html.Ul([html.Li(rule) for rule in shared().exception_rules()], className="exception-rules"),
    ])
    if not rows:
        body = html.Div([intro, no_data("There are no exceptions this quarter.")])
    else:
        body = html.Div([intro, *[exception(row, card, state) for row in rows]])
    return page("/exceptions", state, "Exceptions", body)


def exception(row, card, state) -> html.Section:
    key = {"indicator": row.indicator_id}
    editor = [
        html.Label([
            html.Span(f"Commentary on {row.short_title}", className="picker-label"),
            dcc.Textarea(id={"type": "note-text", **key}, value=row.commentary or "", rows=3, className="note-text",
                         maxLength=MAX_COMMENTARY),
        ]),
        html.Button("Save commentary", id={"type": "note-save", **key}, className="button", n_clicks=0),
        html.P("", id={"type": "note-status", **key}, role="status", className="note-status"),
    ]
    said = html.Blockquote([
        html.P(row.commentary),
        html.Footer(f"{row.commentary_author}"),
    ], className="commentary") if row.commentary else html.P("No commentary yet.", className="no-data")
    return html.Section([
        html.H2(dcc.Link(row.short_title, href=href("/indicator", state, indicator=row.indicator_id, view=None))),
        html.P([
            rag_badge(row.rag), " ", direction_badge(row.direction), " ",
            html.Span(f"{row.shown} ({row.period_label})", className="figure"),
            html.Span(f" against a target of {number(row.target, row.decimals)}" if row.target is not None else ""),
            html.Span(f"; {row.outcome_area_title}", className="period"),
        ], className="exception-summary"),
        html.P([html.Strong("Why: "), "; ".join(row.exception_reasons) + "."], className="exception-why"),
        html.P(row.narrative, className="narrative"),
        html.P([
            "England: ", significance_badge(row.vs_england, "England"), " Neighbours: ",
            significance_badge(row.vs_neighbours, "neighbours"), " Recent trend: ", trend_badge(row.recent_trend),
            " Variation and assurance: ", spc_badges(row.spc_variation, row.spc_assurance, row.spc_trial),
        ], className="exception-signals"),
        html.Div(said, id={"type": "note-shown", **key}),
        *editor,
    ], className=f"exception exception-{row.rag.replace(' ', '-')}", id=f"note-{row.indicator_id}")


@callback(
    Output({"type": "note-status", "indicator": MATCH}, "children"),
    Output({"type": "note-shown", "indicator": MATCH}, "children"),
    Input({"type": "note-save", "indicator": MATCH}, "n_clicks"),
    State({"type": "note-text", "indicator": MATCH}, "value"),
    State("nav", "search"),
    prevent_initial_call=True,
)
def save_commentary(clicks, text, search):
    if not clicks:
        raise dash.exceptions.PreventUpdate
    try:
        author = actions.save_commentary(shared(), ctx.triggered_id["indicator"], from_search(search), text)
    except NotAllowed as problem:
        return str(problem), dash.no_update
    shown = html.Blockquote([html.P(text.strip()), html.Footer(author)], className="commentary")
    return f"Saved by {author}. Earlier versions are kept.", shown
