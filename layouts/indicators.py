"""The indicator catalogue, searchable, with definitions; then the benchmark indicators
loaded from LAIT, which are not on the scorecard but can be looked at one by one."""

import dash
from dash import Input, Output, callback, dcc, html

from layouts._parts import no_data, page, state_of
from layouts._state import href
from service.shared import shared

dash.register_page(__name__, path="/indicators", title="Indicators - Scorecard", name="Indicators", order=3, nav=True)


def layout(**query):
    state = state_of(query)
    body = html.Div([
        html.Label("Search the catalogue", htmlFor="catalogue-search", className="picker-label"),
        dcc.Input(id="catalogue-search", type="search", debounce=True, placeholder="for example NEET or NI 62"),
        html.Div(catalogue(state, ""), id="catalogue"),
    ])
    return page("/indicators", state, "Indicators", body, with_controls=False)


def catalogue(state, text):
    found, benchmarks = shared().catalogue_search(text)
    if not found:
        return no_data(f"No indicator matches '{text}'.")
    listed = [indicator for indicator in found if not indicator.is_benchmark]
    extra = [indicator for indicator in found if indicator.is_benchmark]
    parts = [described(listed, state, "catalogue")] if listed else []
    if extra:
        # LAIT's measures, and those of DfE statistics files (EES) and Fingertips no catalogue indicator takes.
        origin = " from LAIT" if all(indicator.lait_code for indicator in extra) else ""
        parts += [
            html.H2(f"Benchmark indicators{origin} ({len(extra):,} of {benchmarks:,})",
                    id="benchmarks"),
            html.P("Loaded from LAIT and publishers' statistics files to compare areas. They are not on the "
                   "scorecard and have no targets.", className="lede"),
            described(extra, state, "catalogue benchmarks"),
        ]
    return html.Div(parts)


def described(indicators, state, class_name: str) -> html.Dl:
    return html.Dl([
        part
        for indicator in indicators
        for part in (
            html.Dt(dcc.Link(indicator.title, href=href("/indicator", state, indicator=indicator.id))),
            html.Dd([
                html.P(indicator.definition or ""),
                html.P(
                    f"Id {indicator.id}. Polarity: {indicator.polarity.value.replace('_', ' ')}. "
                    + (f"Former {indicator.ni_code}. " if indicator.ni_code else "")
                    + (f"LAIT code {indicator.lait_code}. " if indicator.is_benchmark and indicator.lait_code else "")
                    + (f"From {indicator.source}. " if indicator.is_benchmark and not indicator.lait_code else "")
                    + (f"Also known as: {'; '.join(indicator.aliases)}." if indicator.aliases else ""),
                    className="period",
                ),
            ]),
        )
    ], className=class_name)


@callback(Output("catalogue", "children"), Input("catalogue-search", "value"), prevent_initial_call=True)
def search(text):
    return catalogue({}, text or "")
