"""The outcome scorecard: every indicator grouped by outcome area, with its RAG, direction of
travel and comparators. Projector mode is the board deck (layouts/projector.py)."""

from collections import OrderedDict

import dash
from dash import Input, Output, State, callback, ctx, dcc, html

from layouts._commentary import note_link
from layouts._judgement import gaps_notice, rag_cell
from layouts._parts import (
    chosen,
    direction_badge,
    no_data,
    number,
    page,
    picker,
    problem_page,
    significance_badge,
    sparkline,
    spc_badges,
    state_of,
    trend_badge,
)
from layouts._print import printed_notes
from layouts._state import href
from service import actions, ages
from service.display import (
    NO_FIGURE_MEANING, NO_FIGURE_SHOWN, OUT_OF_DATE_SHAPE, OUT_OF_DATE_WORDS, age_words, shown_label,
)
from service.errors import NotAllowed
from service.legend import entries as legend_entries
from service.shared import shared
from service.summaries import RAG_ORDER

dash.register_page(__name__, path="/scorecard", title="Outcome scorecard - Scorecard", name="Outcome scorecard",
                   order=1, nav=True)

COLUMNS = ["Indicator", "Latest", "Previous", "Same time last year", "Target", "RAG",
           "Direction of travel", "England", "Region", "Statistical neighbours", "Quartile and rank",
           "Recent trend", "Variation and assurance", "Trend", "Note"]
FILTERS = [("all", "All indicators"), ("red", "Red only"), ("amber", "Amber only"), ("green", "Green only"),
           ("no judgement", "No judgement only")]
ORDERS = [("outcome", "By outcome area"), ("rag", "Red first"), ("direction", "Worsening first"), ("name", "By name")]


def layout(**query):
    state = state_of(query)
    try:
        card = chosen(state)
    except NotAllowed as problem:
        return problem_page("/scorecard", state, "Outcome scorecard", problem)
    rag, text, order = _filters(state)
    filters = [
        picker("Show", "rag", FILTERS, rag),
        picker("Order", "order", ORDERS, order),
        html.Div([
            html.Label("Find an indicator", htmlFor="pick-q", className="picker-label"),
            dcc.Input(id="pick-q", name="q", type="search", value=text, placeholder="for example looked after"),
        ], className="picker"),
    ]
    body = html.Div([
        html.P(f"{card.area.name}, {card.quarter.label}. Each figure is the latest available at the end of the "
               "quarter, with its own period.", className="lede"),
        gaps_notice(card, state),
        html.P(ages.of(card).words, className="lede", id="scorecard-ages"),
        html.Div(scorecard_table(card, state, rag, text, order), id="scorecard-table"),
        legend(),
        downloads(state),
    ])
    return page("/scorecard", state, "Outcome scorecard", body, extra_controls=filters)


def _filters(state: dict) -> tuple[str, str, str]:
    """The table's filter and order from the URL; anything unknown falls back to all."""
    rag = state.get("rag") if state.get("rag") in {key for key, _ in FILTERS} else "all"
    order = state.get("order") if state.get("order") in {key for key, _ in ORDERS} else "outcome"
    return rag, state.get("q", "")[:100], order


def legend() -> html.Details:
    return html.Details([
        html.Summary("What the symbols and bands mean"),
        html.Ul([html.Li(entry) for entry in legend_entries(shared().exception_rules())]),
    ], className="legend")


def downloads(state: dict) -> html.Div:
    return html.Div([
        html.H2("Download this scorecard"),
        html.P("Every indicator shown above, whatever the filter. Suppressed figures stay as [c]."),
        html.Button("Download as CSV", id="download-csv", className="button-secondary", n_clicks=0),
        html.Button("Download as Excel", id="download-xlsx", className="button-secondary", n_clicks=0),
        dcc.Store(id="scorecard-choice", data=state),
        dcc.Download(id="scorecard-download"),
    ], className="downloads")


@callback(
    Output("scorecard-download", "data"),
    Input("download-csv", "n_clicks"), Input("download-xlsx", "n_clicks"),
    State("scorecard-choice", "data"), prevent_initial_call=True,
)
def download(_csv_clicks, _xlsx_clicks, state):
    sent = actions.scorecard_download(shared(), state, excel=ctx.triggered_id == "download-xlsx")
    if isinstance(sent.content, bytes):
        return dcc.send_bytes(sent.content, sent.filename)
    return {"content": sent.content, "filename": sent.filename, "type": sent.media_type}


def with_localities(area_code: str) -> set[str]:
    """Indicators with township figures for the area's LA, linked from the table."""
    return shared().with_localities(area_code)


def _latest(row) -> list:
    """The figure, its own period as pages write it and its age; a dash where none is loaded."""
    if row.period_label is None:
        return [html.Span(NO_FIGURE_SHOWN, className="figure no-figure", title=NO_FIGURE_MEANING),
                html.Span(NO_FIGURE_MEANING, className="period")]
    stale = [html.Span([html.Span(OUT_OF_DATE_SHAPE, className="stale-shape", **{"aria-hidden": "true"}),
                        f" {OUT_OF_DATE_WORDS}"], className="stale", title=f"{row.age_months} months old")
             ] if row.out_of_date else []
    return [html.Span(row.shown, className="figure"),
            html.Span(f"{shown_label(row.period_label)} ({age_words(row.age_months)})", className="period"), *stale]


def _row_cells(row, state, linked: set[str] = frozenset()) -> dict:
    decimals = row.decimals
    note = note_link(row, state)  # the note, or a link to write one on the Indicator page
    cells = [
        html.Th([
            dcc.Link(row.short_title, href=href("/indicator", state, indicator=row.indicator_id)),
            *([html.Br(), dcc.Link(["By locality", html.Span(f": {row.short_title}", className="visually-hidden")],
                                   href=href("/indicator", state, indicator=row.indicator_id) + "#localities",
                                   className="locality-link")]
              if row.indicator_id in linked else []),
        ], scope="row"),
        html.Td(_latest(row)),
        html.Td([row.previous_shown, html.Span(shown_label(row.previous_period), className="period")]),
        html.Td([row.year_ago_shown, html.Span(shown_label(row.year_ago_period), className="period")]),
        html.Td(number(row.target, decimals)),
        html.Td(rag_cell(row)),  # with why, where there is no RAG
        html.Td(direction_badge(row.direction)),
        html.Td([*_listed(_compared(row.england, decimals, row, "England")), html.Br(),
                 significance_badge(row.vs_england, "England")]),
        html.Td([*_listed(_compared(row.region, decimals, row, "Region")), html.Br(),
                 significance_badge(row.vs_region, "the region")]),
        html.Td([number(row.sn_mean, decimals), html.Br(), significance_badge(row.vs_neighbours, "neighbours")]),
        html.Td(_quartile_and_rank(row)),
        html.Td(trend_badge(row.recent_trend)),
        html.Td(spc_badges(row.spc_variation, row.spc_assurance, row.spc_trial)),
        html.Td(sparkline(row.trend, row.decimals)),
        html.Td(note),
    ]
    return dict(zip(COLUMNS, cells))


def _listed(shown) -> list:
    return shown if isinstance(shown, list) else [shown]


def _quartile_and_rank(row):
    if not row.quartile and not row.rank:
        return ""
    rank = f"rank {row.rank} of {row.rank_of}" if row.rank else ""
    return [html.Span(row.quartile or "", className="figure"), html.Span(rank, className="period")]


def _compared(value, decimals: int, row, who: str):
    """A comparator's figure, marked when it is far out of line with its peers."""
    why = next((text.split(": ", 1)[1] for text in row.out_of_line if text.startswith(f"{who}: ")), None)
    shown = number(value, decimals)
    if why is None:
        return shown
    return [shown, html.Br(), html.Span("⚠ Check", title=why, className="check-marker",
                                         **{"aria-label": f"Check this figure: {why}"})]


_drawn: OrderedDict = OrderedDict()  # (id of scorecard, choices) -> (scorecard, table)


def scorecard_table(card, state, rag: str = "all", text: str = "", order: str = "outcome", columns=COLUMNS):
    """The table for a scorecard, drawn once: the service hands back the same Scorecard object until
    the data change, so a repeat visit reuses the components (some 1,500 of them)."""
    key = (id(card), tuple(sorted(state.items())), rag, text, order, tuple(columns))
    found = _drawn.get(key)
    if found is not None and found[0] is card:  # `is`: an id can be reused once a card is gone
        _drawn.move_to_end(key)
        return found[1]
    table = _draw_table(card, state, rag, text, order, columns)
    _drawn[key] = (card, table)
    if len(_drawn) > 32:
        _drawn.popitem(last=False)
    return table


def _draw_table(card, state, rag, text, order, columns):
    rows = [row for row in card.rows if rag == "all" or row.rag == rag]
    words = (text or "").lower().split()
    rows = [row for row in rows if all(word in f"{row.title} {row.short_title}".lower() for word in words)]
    if not rows:
        return no_data("No indicator matches what you chose to show.")
    if order != "outcome":
        keys = {
            "rag": lambda r: RAG_ORDER.index(r.rag),
            "direction": lambda r: r.direction != "worsening",
            "name": lambda r: r.short_title.lower(),
        }
        rows = sorted(rows, key=keys[order])
        groups = [("", rows)]
    else:
        groups = []
        for row in rows:
            if not groups or groups[-1][0] != row.outcome_area_title:
                groups.append((row.outcome_area_title, []))
            groups[-1][1].append(row)
    head = html.Thead(html.Tr([html.Th(name, scope="col") for name in columns]))
    bodies = []
    linked = with_localities(card.area.code)
    for title, members in groups:
        lines = []
        if title:
            lines.append(html.Tr(html.Th(title, colSpan=len(columns), scope="colgroup", className="group")))
        for row in members:
            cells = _row_cells(row, state, linked)
            lines.append(html.Tr([cells[name] for name in columns], className=f"row-{row.rag.replace(' ', '-')}"))
        bodies.append(html.Tbody(lines))
    caption = html.Caption(f"Outcome scorecard for {card.area.name}, {card.quarter.label}")
    # A wide table scrolls inside its own box, not the page; the box takes the keyboard focus
    # so it can be scrolled without a mouse, and its indicator names stay in view.
    return [html.Div(html.Table([caption, head, *bodies], className="table scorecard"),
                     className="table-scroll", tabIndex="0", role="region",
                     **{"aria-label": "Outcome scorecard (scrolls sideways on narrow screens)"}),
            printed_notes([row for _, members in groups for row in members])]

