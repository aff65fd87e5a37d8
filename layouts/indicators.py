"""The indicator catalogue, searchable, with definitions."""

import dash
from dash import Input, Output, callback, dcc, html

from layouts._parts import no_data, page, state_of
from layouts._service import views
from layouts._state import href

dash.register_page(__name__, path="/indicators", title="Indicators - Scorecard", name="Indicators")


def layout(**query):
    state = state_of(query)
    body = html.Div([
        html.Label("Search the catalogue", htmlFor="catalogue-search", className="picker-label"),
        dcc.Input(id="catalogue-search", type="search", debounce=True, placeholder="for example NEET or NI 62"),
        html.Div(catalogue(state, ""), id="catalogue"),
    ])
    return page("/indicators", state, "Indicators", body, with_controls=False)


def catalogue(state, text):
    found = views().search_indicators(text)
    if not found:
        return no_data(f"No indicator matches '{text}'.")
    return html.Dl([
        part
        for indicator in found
        for part in (
            html.Dt(dcc.Link(indicator.title, href=href("/indicator", state, indicator=indicator.id))),
            html.Dd([
                html.P(indicator.definition or ""),
                html.P(
                    f"Id {indicator.id}. Polarity: {indicator.polarity.value.replace('_', ' ')}. "
                    + (f"Former {indicator.ni_code}. " if indicator.ni_code else "")
                    + (f"Also known as: {'; '.join(indicator.aliases)}." if indicator.aliases else ""),
                    className="period",
                ),
            ]),
        )
    ], className="catalogue")


@callback(Output("catalogue", "children"), Input("catalogue-search", "value"), prevent_initial_call=True)
def search(text):
    return catalogue({}, text or "")
