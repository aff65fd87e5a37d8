"""Overview: one tile per outcome area with its RAG counts, and the biggest movers."""

import dash
from dash import dcc, html

from layouts._judgement import gaps_notice
from layouts._parts import chosen, direction_badge, no_data, page, problem_page, rag_badge, state_of
from layouts._state import href
from service.errors import NotAllowed
from service.shared import shared
from service.summaries import RAG_ORDER

dash.register_page(__name__, path="/", title="Overview - Scorecard", name="Overview", order=0, nav=True)


def layout(**query):
    state = state_of(query)
    try:
        card = chosen({**state, "outcome": None})
    except NotAllowed as problem:
        return problem_page("/", state, "Overview", problem)
    service = shared()
    heading = f"{card.area.name}, {card.quarter.label}"
    if not any(row.value is not None for row in card.rows):
        return page("/", state, "Overview", no_data(f"There are no figures for {heading}. Load a workbook, or choose another quarter."))
    tiles = [
        html.Section([
            html.H2(dcc.Link(tile.title, href=href("/scorecard", state, outcome=tile.id))),
            html.Ul([
                html.Li([rag_badge(word), html.Span(f" {tile.counts[word]}", className="tile-count")])
                for word in RAG_ORDER
            ], className="tile-counts"),
        ], className="tile", **{"aria-label": tile.title})
        for tile in service.overview(card)
    ]
    movers = service.movers(card)
    mover_rows = [
        html.Tr([
            html.Td(dcc.Link(m.row.short_title, href=href("/indicator", state, indicator=m.row.indicator_id))),
            html.Td(f"{m.row.previous_shown} ({m.row.previous_period})"),
            html.Td(f"{m.row.shown} ({m.row.period_label})"),
            html.Td(direction_badge(m.row.direction)),
        ])
        for m in movers
    ]
    body = html.Div([
        html.P(heading, className="lede"),
        gaps_notice(card, state),  # no RAG is not "all well": say how many lack a target
        html.Div(tiles, className="tiles"),
        html.H2("Biggest movers since the previous figure"),
        html.Table([
            html.Thead(html.Tr([html.Th("Indicator", scope="col"), html.Th("Previous", scope="col"),
                                html.Th("Latest", scope="col"), html.Th("Direction of travel", scope="col")])),
            html.Tbody(mover_rows),
        ], className="table") if mover_rows else no_data("No indicator has moved since its previous figure."),
    ])
    return page("/", state, "Overview", body)
