"""One indicator in depth: its trend against target and comparators, every figure with its
symbol and the load it came from, localities, and its definition."""

import dash
import plotly.graph_objects as go
from dash import dcc, html

from layouts._commentary import indicator_section
from layouts._parts import direction_badge, no_data, number, page, problem_page, rag_badge, state_of
from layouts._state import href
from service.errors import NotAllowed
from service.shared import shared

# Reached from a scorecard row or the catalogue, never from the navigation (nav=False).
dash.register_page(__name__, path="/indicator", title="Indicator - Scorecard", name="Indicator", order=8, nav=False)

POLARITY_WORDS = {
    "higher_is_better": "Higher is better",
    "lower_is_better": "Lower is better",
    "none": "None: a higher or lower figure is neither good nor bad in itself, so it gets no RAG",
}
LINES = [("england", "England", "dash"), ("region", "Region", "dot"), ("sn_mean", "Statistical neighbours", "dashdot")]


def layout(**query):
    state = state_of(query)
    service = shared()
    try:
        indicator = service.checked_indicator(state.get("indicator"))  # a LAIT benchmark indicator too
        area = service.checked_area(state.get("area"))
        quarter = service.checked_quarter(state.get("period"))
    except NotAllowed as problem:
        return problem_page("/indicator", state, "Indicator", problem)
    detail = service.indicator_detail(indicator, area, quarter)
    about = html.Dl([
        html.Dt("Definition"), html.Dd(indicator.definition or "Not recorded"),
        html.Dt("Source"), html.Dd(indicator.source or "Not recorded"),
        html.Dt("Polarity"), html.Dd(POLARITY_WORDS[indicator.polarity.value]),
        html.Dt("Unit"), html.Dd(f"{indicator.unit.value}" + (f", per {indicator.multiplier:,}" if indicator.is_rate else "")),
        html.Dt("Population base"), html.Dd(indicator.denominator or indicator.population_age_band or "Not a rate"),
        html.Dt("Former National Indicator"), html.Dd(indicator.ni_code or "None"),
    ], className="about")
    if not detail.points:
        body = html.Div([no_data(f"There are no figures for {detail.area_name} up to {quarter.label}."), about])
        return page("/indicator", state, indicator.title, body)
    body = html.Div([
        html.P(f"{detail.area_name}, figures up to the end of {quarter.label}.", className="lede"),
        dcc.Graph(figure=trend_figure(detail), config={"displayModeBar": False}, className="trend",
                  responsive=True),
        *spc_section(detail),
        html.H2("Figures"),
        figures_table(detail),
        symbol_legend(detail),
        *localities(detail, state),
        *indicator_section(indicator, state),  # this quarter's commentary, with its editor
        html.H2("About this indicator"),
        about,
        *history(detail, quarter.label),
    ])
    return page("/indicator", state, indicator.title, body)


def trend_figure(detail) -> go.Figure:
    points = detail.points
    x = [p.period_end for p in points]
    figure = go.Figure()
    targets = [p for p in points if p.target is not None]
    if targets:
        figure.add_trace(go.Scatter(
            x=[p.period_end for p in targets] + [p.period_end for p in reversed(targets)],
            y=[p.tolerance_high for p in targets] + [p.tolerance_low for p in reversed(targets)],
            fill="toself", fillcolor="rgba(255, 191, 71, 0.35)", line={"width": 0}, name="Tolerance band",
            hoverinfo="skip",
        ))
        figure.add_trace(go.Scatter(x=[p.period_end for p in targets], y=[p.target for p in targets],
                                    name="Target", mode="lines", line={"color": "#0b0c0c", "width": 2, "dash": "longdash"}))
    for attribute, name, dash_style in LINES:
        values = [getattr(p, attribute) for p in points]
        if any(v is not None for v in values):
            figure.add_trace(go.Scatter(x=x, y=values, name=name, mode="lines+markers", connectgaps=True,
                                        line={"dash": dash_style, "width": 2}))
    figure.add_trace(go.Scatter(
        x=x, y=[p.value for p in points], name=detail.area_name, mode="lines+markers",
        line={"color": "#1d70b8", "width": 4}, marker={"size": 9},
        text=[f"{p.period}: {p.shown}" for p in points], hoverinfo="text",
    ))
    figure.update_layout(
        margin={"l": 50, "r": 20, "t": 20, "b": 40}, height=420, font={"size": 16},
        legend={"orientation": "h", "y": -0.15}, plot_bgcolor="white",
    )
    figure.update_yaxes(gridcolor="#e5e5e5", zeroline=False)
    return figure


# Special causes: a colour AND a symbol each (never colour alone; blue and orange, as
# Making Data Count, never red or green).
SPC_MARKS = {
    "common cause": ("#505a5f", "circle"),
    "special cause improvement": ("#1d70b8", "diamond"),
    "special cause concern": ("#f47738", "square"),
    "special cause high": ("#4c2c92", "triangle-up"),
    "special cause low": ("#4c2c92", "triangle-down"),
}


def spc_section(detail) -> list:
    chart = detail.spc
    if chart is None:
        return []
    heading = "Statistical process control" + (" (trial limits)" if chart.trial else "")
    return [
        html.H2(heading, id="spc"),
        html.Figure([
            dcc.Graph(figure=spc_figure(chart), config={"displayModeBar": False}, className="trend spc",
                      responsive=True, id="spc-chart"),
            html.Figcaption(chart.summary, className="spc-summary", id="spc-summary"),  # the text alternative
        ], className="spc-figure"),
    ]


def spc_figure(chart) -> go.Figure:
    """The XmR chart: points, mean, process limits, 2-sigma lines, special causes marked."""
    figure = go.Figure()
    x = chart.periods
    for values, name, style in ((chart.upper, "Process limits", "dash"), (chart.lower, None, "dash"),
                                (chart.upper_2sigma, "2 sigma", "dot"), (chart.lower_2sigma, None, "dot"),
                                (chart.mean, "Average", "solid")):
        if any(v is not None for v in values):
            figure.add_trace(go.Scatter(
                x=x, y=values, mode="lines", name=name or "", showlegend=name is not None,
                line={"color": "#0b0c0c" if name == "Average" else "#505a5f", "dash": style, "width": 2},
                hoverinfo="skip", line_shape="hv",
            ))
    figure.add_trace(go.Scatter(x=x, y=chart.values, mode="lines", line={"color": "#b1b4b6", "width": 2},
                                showlegend=False, hoverinfo="skip"))
    for kind, (colour, symbol) in SPC_MARKS.items():
        chosen = [i for i, found in enumerate(chart.point_types) if found == kind]
        if chosen:
            figure.add_trace(go.Scatter(
                x=[x[i] for i in chosen], y=[chart.values[i] for i in chosen], mode="markers",
                name=kind.capitalize(), marker={"color": colour, "symbol": symbol, "size": 12},
                text=[f"{x[i]}: {chart.shown[i]} ({kind})" for i in chosen], hoverinfo="text",
            ))
    for period, reason in chart.rebases:  # an analyst's recorded rebase: where the limits start again
        figure.add_shape(type="line", xref="x", yref="paper", x0=period, x1=period, y0=0, y1=1,
                         line={"color": "#0b0c0c", "width": 2, "dash": "longdash"})
        figure.add_annotation(text=f"Rebased: {reason}", x=period, xref="x", yref="paper", y=1.0,
                              showarrow=False, xanchor="left", yanchor="top", bgcolor="white")
    words = (f"Trial limits: fewer than 13 {chart.noun}s" if chart.trial
             else f"Variation: {chart.variation}" + (f"; assurance: {chart.assurance}" if chart.assurance != "none" else ""))
    figure.add_annotation(text=words, xref="paper", yref="paper", x=0, y=1.08, showarrow=False, xanchor="left")
    figure.update_layout(
        margin={"l": 50, "r": 20, "t": 40, "b": 40}, height=460, font={"size": 16},
        legend={"orientation": "h", "y": -0.4, "yanchor": "top"}, plot_bgcolor="white",
    )
    figure.update_xaxes(tickangle=-45, automargin=True)  # whole period labels, clear of the legend
    figure.update_yaxes(gridcolor="#e5e5e5", zeroline=False)
    return figure


def figures_table(detail) -> html.Table:
    decimals = detail.indicator.decimals
    head = ["Period", "Figure", "Count", "Denominator", "Target", "England", "Region", "Neighbours", "Load"]
    rows = [
        html.Tr([
            html.Th(p.period, scope="row"), html.Td(p.shown), html.Td(number(p.numerator, 0)),
            html.Td(number(p.denominator, 0)), html.Td(number(p.target, decimals)),
            html.Td(number(p.england, decimals)), html.Td(number(p.region, decimals)),
            html.Td(number(p.sn_mean, decimals)), html.Td(str(p.load_id or "")),
        ])
        for p in reversed(detail.points)
    ]
    return html.Table([
        html.Caption(f"{detail.indicator.short_title}: every figure for {detail.area_name}"),
        html.Thead(html.Tr([html.Th(name, scope="col") for name in head])),
        html.Tbody(rows),
    ], className="table")


def symbol_legend(detail):
    if not detail.symbols_used:
        return html.P("No figure here is suppressed or missing.", className="period")
    return html.Div([
        html.H3("Symbols"),
        html.Ul([html.Li(f"[{symbol}] {meaning}") for symbol, meaning in detail.symbols_used.items()]),
    ], className="legend")


def localities(detail, state) -> list:
    if not detail.localities:
        return []
    rows = [
        html.Tr([html.Th(name, scope="row"), html.Td(f"{row.shown} ({row.period_label or 'no figure'})"),
                 html.Td(rag_badge(row.rag)), html.Td(direction_badge(row.direction))])
        for name, row in detail.localities
    ]
    return [html.H2("Localities", id="localities"), html.Table([
        html.Thead(html.Tr([html.Th(n, scope="col") for n in ("Locality", "Latest", "RAG", "Direction of travel")])),
        html.Tbody(rows),
    ], className="table")]


def history(detail, shown_quarter: str) -> list:
    """Earlier quarters' commentary and earlier versions: the current one is shown above, once."""
    current = next((note for note in detail.commentary_history if note["period"] == shown_quarter), None)
    earlier = [note for note in detail.commentary_history if note is not current]
    if not earlier:
        return []
    return [html.H2("Earlier commentary, newest first"), html.Ul([
        html.Li([html.Strong(f"{note['period']}, {note['author']}, {note['written_at']:%d %b %Y %H:%M}: "), note["text"]])
        for note in earlier
    ], className="history")]
