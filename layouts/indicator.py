"""One indicator in depth: its trend against target and comparators, every figure with its
symbol and the load it came from, localities, and its definition."""

import dash
from dash import dcc, html

from layouts._commentary import indicator_section
from layouts import _colours as colours
from layouts._parts import direction_badge, no_data, number, page, problem_page, rag_badge, state_of
from layouts._state import is_projector
from service.detail import SERIES
from service.display import (
    NO_FIGURE_MEANING, NO_FIGURE_SHOWN, OUT_OF_DATE_SHAPE, OUT_OF_DATE_WORDS, UPDATE_CYCLE_MONTHS, title_at,
)
from service.errors import NotAllowed
from service.shared import shared

# Reached from a scorecard row or the catalogue, never from the navigation (nav=False).
dash.register_page(__name__, path="/indicator", title="Indicator - Scorecard", name="Indicator", order=8, nav=False)

POLARITY_WORDS = {
    "higher_is_better": "Higher is better",
    "lower_is_better": "Lower is better",
    "none": "None: a higher or lower figure is neither good nor bad in itself, so it gets no RAG",
}
COMPARATOR_NAMES = {"england": "England", "region": "Region", "sn_mean": "Statistical neighbours"}
SERIES_MARKERS = ["circle", "diamond-open", "square-open", "x"]  # the area's lines: the main one first


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
        html.Dt("Updated"), html.Dd(f"{CYCLE_WORDS.get(indicator.period_type.value, '')}: a figure more than "
                                    f"{UPDATE_CYCLE_MONTHS[indicator.period_type]} months old at the end of the "
                                    "quarter is marked out of date"),
        html.Dt("Former National Indicator"), html.Dd(indicator.ni_code or "None"),
    ], className="about")
    if not detail.points:
        body = html.Div([no_data(f"There are no figures for {detail.area_name} up to {quarter.label}."), about])
        return page("/indicator", state, indicator.title, body)
    newest = detail.newest
    projector = is_projector(state)
    body = html.Div([
        html.P(newest_words(detail, quarter.label), className="lede", id="indicator-newest"),
        html.Figure([
            dcc.Graph(figure=trend_figure(detail, projector), config={"displayModeBar": False, "staticPlot": projector},
                      className="trend", responsive=True, id="trend-chart"),
            html.Figcaption(detail.summary, className="trend-summary", id="trend-summary"),  # the text alternative
        ], className="trend-figure"),
        *spc_section(detail, projector),
        html.H2("Figures"),
        figures_table(detail, quarter.label),
        symbol_legend(detail),
        *localities(detail, state),
        *indicator_section(indicator, state),  # this quarter's commentary, with its editor
        html.H2("About this indicator"),
        about,
        *history(detail, quarter.label),
    ])
    return page("/indicator", state, title_at(indicator.title, newest.period_end), body)


CYCLE_WORDS = {"quarter": "Quarterly", "month": "Monthly", "financial_year": "Yearly (financial year)",
               "academic_year": "Yearly (academic year)", "calendar_year": "Yearly (calendar year)",
               "multi_year": "Yearly (rolling three years)"}


def newest_words(detail, quarter_label: str) -> list:
    """The heading's date: the newest figure's own, with its age, marked when out of date."""
    newest = detail.newest
    said = [f"{detail.area_name}. Newest figure: {newest.shown} for {newest.period_shown}, "
            f"{newest.age.words} at the end of {quarter_label}."]
    if newest.age.out_of_date:
        said += [" ", out_of_date_mark(f"older than the {newest.age.cycle_months} months this indicator "
                                       "normally takes to be updated")]
    return said


def out_of_date_mark(why: str) -> html.Span:
    return html.Span([html.Span(OUT_OF_DATE_SHAPE, className="stale-shape", **{"aria-hidden": "true"}),
                      f" {OUT_OF_DATE_WORDS}"], className="stale", title=why)


def axis_title(indicator) -> str:
    """The y axis names the unit: 'Rate per 10,000 children aged 0-17', 'Percentage (%)'."""
    unit = indicator.unit.value
    if indicator.is_rate:
        base = indicator.denominator or (f"aged {indicator.population_age_band}" if indicator.population_age_band else "")
        return f"Rate per {indicator.multiplier:,}" + (f" ({base})" if base else "")
    return {"percent": "Percentage (%)", "number": "Number", "days": "Days", "weeks": "Weeks",
            "score": "Score", "pounds": "Pounds (£)"}.get(unit, unit.capitalize())


def _scatter(**properties) -> dict:
    """A plotly trace as a plain dict: plotly's own objects validate every property, which took
    a fifth of the page's server time."""
    return {"type": "scatter", **properties}


def _days(days) -> list:
    return [None if day is None else day.isoformat() for day in days]


def trend_figure(detail, projector: bool = False) -> dict:
    """One line per kind of period (a quarter's figure is never joined to a year's), the target
    and its tolerance over each year it is set for, each comparator in its own colour; markers
    on figures only."""
    traces = []
    banded = [span for span in detail.targets if span.high > span.low]
    for span in banded:
        traces.append(_scatter(
            x=_days([span.start, span.end, span.end, span.start, span.start]),
            y=[span.high, span.high, span.low, span.low, span.high],
            fill="toself", fillcolor=colours.TOLERANCE_FILL, mode="lines", line={"width": 0},
            name="Tolerance", legendgroup="tolerance", showlegend=span is banded[0], hoverinfo="skip",
        ))
    if detail.targets:
        xs, ys = [], []
        for span in detail.targets:
            xs += [span.start, span.end, None]
            ys += [span.target, span.target, None]
        traces.append(_scatter(x=_days(xs), y=ys, mode="lines", name="Target", hoverinfo="skip",
                               line={"color": colours.TARGET, "width": 2, "dash": "longdash"}))
    keys = sorted({p.series for p in detail.points}, key=lambda k: k != detail.main_series)
    decimals = detail.indicator.decimals
    for attribute, name in COMPARATOR_NAMES.items():
        colour, dash_style, symbol = colours.COMPARATORS[attribute]
        for key in keys:
            points = [p for p in detail.points if p.series == key]
            values = [getattr(p, attribute) for p in points]
            if all(v is None for v in values):
                continue
            traces.append(_scatter(
                x=_days(p.period_end for p in points), y=values, mode="lines+markers", connectgaps=True,
                name=name if len(keys) == 1 else f"{name}, {SERIES[key]}", legendgroup=attribute,
                line={"color": colour, "dash": dash_style, "width": 2}, marker={"symbol": symbol, "size": 7},
                text=[f"{name}, {p.period_shown}: {number(v, decimals)}" for p, v in zip(points, values)],
                hoverinfo="text",
            ))
    for position, local in enumerate(detail.localities):
        if local.series:
            traces.append(_scatter(
                x=_days(end for end, _ in local.series), y=[value for _, value in local.series],
                mode="lines+markers", name=f"{local.name} (township)", visible="legendonly", hoverinfo="x+y",
                line={"color": colours.locality_colour(position), "width": 2}, marker={"size": 6},
            ))
    for index, key in enumerate(keys):
        points = [p for p in detail.points if p.series == key]
        main = index == 0
        traces.append(_scatter(
            x=_days(p.period_end for p in points), y=[p.value for p in points], mode="lines+markers",
            name=f"{detail.area_name}, {SERIES[key]}",
            line={"color": colours.AREA, "width": 4 if main else 2, "dash": "solid" if main else "dot"},
            marker={"size": 10 if main else 9, "symbol": SERIES_MARKERS[min(index, len(SERIES_MARKERS) - 1)]},
            text=[f"{p.period_shown}: {p.shown}" for p in points], hoverinfo="text",
        ))
    size = 22 if projector else 16
    return {"data": traces, "layout": {
        "margin": {"l": 80 if projector else 70, "r": 20, "t": 20, "b": 60}, "height": 640 if projector else 440,
        "font": {"size": size}, "plot_bgcolor": "white",
        "legend": {"orientation": "h", "y": -0.32 if projector else -0.22, "font": {"size": size - 2}},
        "yaxis": {"gridcolor": "#e5e5e5", "zeroline": False, "title": {"text": axis_title(detail.indicator)}},
        "xaxis": {"type": "date", "title": {"text": "Date the figure's period ends"}},
    }}


# Special causes: a colour AND a symbol each (never colour alone; blue and orange, as
# Making Data Count, never red or green).
SPC_MARKS = {
    "common cause": ("#505a5f", "circle"),
    "special cause improvement": ("#1d70b8", "diamond"),
    "special cause concern": ("#f47738", "square"),
    "special cause high": ("#4c2c92", "triangle-up"),
    "special cause low": ("#4c2c92", "triangle-down"),
}


def spc_section(detail, projector: bool = False) -> list:
    chart = detail.spc
    if chart is None:
        return []
    heading = "Statistical process control" + (" (trial limits)" if chart.trial else "")
    return [
        html.H2(heading, id="spc"),
        html.Figure([
            dcc.Graph(figure=spc_figure(chart, projector), config={"displayModeBar": False}, className="trend spc",
                      responsive=True, id="spc-chart"),
            html.Figcaption(chart.summary, className="spc-summary", id="spc-summary"),  # the text alternative
        ], className="spc-figure"),
    ]


def spc_figure(chart, projector: bool = False) -> dict:
    """The XmR chart: points, mean, process limits, 2-sigma lines, special causes marked."""
    traces = []
    x = chart.periods
    for values, name, style in ((chart.upper, "Process limits", "dash"), (chart.lower, None, "dash"),
                                (chart.upper_2sigma, "2 sigma", "dot"), (chart.lower_2sigma, None, "dot"),
                                (chart.mean, "Average", "solid")):
        if any(v is not None for v in values):
            traces.append(_scatter(
                x=x, y=values, mode="lines", name=name or "", showlegend=name is not None,
                line={"color": "#0b0c0c" if name == "Average" else "#505a5f", "dash": style, "width": 2,
                      "shape": "hv"},
                hoverinfo="skip",
            ))
    traces.append(_scatter(x=x, y=chart.values, mode="lines", line={"color": "#b1b4b6", "width": 2},
                           showlegend=False, hoverinfo="skip"))
    for kind, (colour, symbol) in SPC_MARKS.items():
        chosen = [i for i, found in enumerate(chart.point_types) if found == kind]
        if chosen:
            traces.append(_scatter(
                x=[x[i] for i in chosen], y=[chart.values[i] for i in chosen], mode="markers",
                name=kind.capitalize(), marker={"color": colour, "symbol": symbol, "size": 12},
                text=[f"{x[i]}: {chart.shown[i]} ({kind})" for i in chosen], hoverinfo="text",
            ))
    # An analyst's recorded rebase: a line where the limits start again, and why.
    shapes = [{"type": "line", "xref": "x", "yref": "paper", "x0": period, "x1": period, "y0": 0, "y1": 1,
               "line": {"color": "#0b0c0c", "width": 2, "dash": "longdash"}} for period, _ in chart.rebases]
    notes = [{"text": f"Rebased: {reason}", "x": period, "xref": "x", "yref": "paper", "y": 1.0, "showarrow": False,
              "xanchor": "left", "yanchor": "top", "bgcolor": "white"} for period, reason in chart.rebases]
    words = (f"Trial limits: fewer than 13 {chart.noun}s" if chart.trial
             else f"Variation: {chart.variation}" + (f"; assurance: {chart.assurance}" if chart.assurance != "none" else ""))
    size = 22 if projector else 16
    return {"data": traces, "layout": {
        "margin": {"l": 80, "r": 20, "t": 40, "b": 90}, "height": 560 if projector else 440, "font": {"size": size},
        "legend": {"orientation": "h", "y": -0.3}, "plot_bgcolor": "white",
        "annotations": [{"text": words, "xref": "paper", "yref": "paper", "x": 0, "y": 1.08, "showarrow": False,
                         "xanchor": "left"}, *notes],
        "shapes": shapes,
        "yaxis": {"gridcolor": "#e5e5e5", "zeroline": False},
        "xaxis": {"type": "category", "tickangle": -45},
    }}


def figures_table(detail, quarter_label: str) -> html.Table:
    decimals = detail.indicator.decimals
    head = ["Period", "Figure", "Count", "Denominator", "Target", "England", "Region", "Neighbours", "Load",
            f"Age at the end of {quarter_label}"]
    newest = detail.newest
    rows = [
        html.Tr([
            html.Th(p.period_shown, scope="row"), html.Td(p.shown), html.Td(number(p.numerator, 0)),
            html.Td(number(p.denominator, 0)), html.Td(number(p.target, decimals)),
            html.Td(_compared(p.england, decimals)), html.Td(_compared(p.region, decimals)),
            html.Td(_compared(p.sn_mean, decimals)), html.Td(str(p.load_id or "")),
            html.Td([p.age.words, *([html.Br(), out_of_date_mark("the newest figure is older than its update cycle")]
                                    if p is newest and p.age.out_of_date else [])]),
        ])
        for p in sorted(detail.points, key=lambda p: (p.period_end, p.series == detail.main_series), reverse=True)
    ]
    return html.Div(html.Table([
        html.Caption(f"{detail.indicator.short_title}: every figure for {detail.area_name}"),
        html.Thead(html.Tr([html.Th(name, scope="col") for name in head])),
        html.Tbody(rows),
    ], className="table"), className="table-scroll", tabIndex="0", role="region",
        **{"aria-label": "Every figure (scrolls sideways on narrow screens)"})


def _compared(value, decimals: int) -> str:
    """A comparator's figure for the same period, or the mark for none loaded."""
    return NO_FIGURE_SHOWN if value is None else number(value, decimals)


def symbol_legend(detail):
    items = [html.Li(f"[{symbol}] {meaning}") for symbol, meaning in detail.symbols_used.items()]
    items.append(html.Li(f"{NO_FIGURE_SHOWN} {NO_FIGURE_MEANING} for that period (a comparator with no figure)"))
    items.append(html.Li([out_of_date_mark("out of date"), ": the newest figure is older than the indicator's "
                          "update cycle allows (yearly figures 15 months, quarterly 6, monthly 3)"]))
    return html.Div([html.H3("Symbols"), html.Ul(items)], className="legend")


def localities(detail, state) -> list:
    """Townships' figures, only where they have some."""
    if not detail.localities:
        return []
    rows = [
        html.Tr([html.Th(local.name, scope="row"), html.Td([html.Span(local.shown, className="figure"),
                                                            html.Span(local.period_shown, className="period")]),
                 html.Td([local.age.words, *([html.Br(), out_of_date_mark("older than its update cycle")]
                                             if local.age.out_of_date else [])]),
                 html.Td(rag_badge(local.rag)), html.Td(direction_badge(local.direction))])
        for local in detail.localities
    ]
    return [html.H2("Localities", id="localities"), html.Table([
        html.Caption(f"{detail.indicator.short_title}: the latest figure for each township"),
        html.Thead(html.Tr([html.Th(n, scope="col") for n in ("Locality", "Latest", "Age", "RAG", "Direction of travel")])),
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
