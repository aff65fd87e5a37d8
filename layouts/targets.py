"""Targets (issue 16, point 1): every indicator's target for the chosen area and year, which
have none, and a form for analysts and admins to set one. A blank tolerance or "agreed by"
keeps what is there; every change is in the audit log with before and after."""

import dash
from dash import Input, Output, State, callback, dcc, html

from layouts._parts import no_data, number, page, problem_page, state_of
from layouts._state import from_search, href
from service import clinic_buttons, clinic_targets, judgements
from service.errors import NotAllowed
from service.shared import shared

dash.register_page(__name__, path="/targets", title="Targets - Scorecard", name="Targets", order=4, nav=True)


def layout(**query):
    state = state_of(query)
    service = shared()
    try:
        area = service.checked_area(state.get("area"))
        quarter = service.checked_quarter(state.get("period"))
    except NotAllowed as problem:
        return problem_page("/targets", state, "Targets", problem)
    year = _year_of(quarter)
    name = service.areas.get(area).name
    body = html.Div([
        html.P(f"{name}: targets for {year} and other years. A target is for a financial year or one quarter of "
               "it; its tolerance is how far short is still amber. Every change is in the audit log.",
               className="lede"),
        *form(state, year),
        html.Div(tables(area, year, state), id="targets-tables"),
    ])
    return page("/targets", state, "Targets", body)


def form(state: dict, year: str) -> list:
    if not clinic_buttons.may_change():
        return [html.P("Analysts and admins can set targets here.", className="no-data")]
    choices = [(indicator.id, indicator.short_title) for indicator in shared().catalogue
               if indicator.polarity.value != "none"]
    return [html.Section([
        html.H2("Set a target"),
        html.Div([
            _field("Indicator (its id; type to search)", "target-indicator",
                   dcc.Input(id="target-indicator", type="text", list="target-indicators", value=state.get("indicator", ""),
                             autoComplete="off")),
            html.Datalist([html.Option(title, value=key) for key, title in choices], id="target-indicators"),
            _field("Year or quarter", "target-year", dcc.Input(id="target-year", type="text", value=year)),
            _field("Target", "target-value", dcc.Input(id="target-value", type="text", inputMode="decimal")),
            _field("Tolerance: 2 in the unit, 5% of the target (blank keeps it; none removes it)",
                   "target-tolerance", dcc.Input(id="target-tolerance", type="text")),
            _field("Agreed by (blank keeps it)", "target-agreed", dcc.Input(id="target-agreed", type="text",
                                                                             maxLength=100)),
        ], className="target-fields"),
        html.Button("Save target", id="target-save", className="button", n_clicks=0),
        html.P("", id="target-status", role="status", className="note-status"),
    ], className="target-form")]


def _field(label: str, control_id: str, control) -> html.Div:
    return html.Div([html.Label(label, htmlFor=control_id, className="picker-label"), control], className="picker")


def tables(area: str, year: str, state: dict) -> list:
    service = shared()
    records = clinic_targets.target_records(service, area)
    held = {(row["indicator_id"], row["period"]) for row in records}
    missing = [indicator for indicator in service.catalogue if indicator.polarity.value != "none"
               and not any(key[0] == indicator.id and (key[1] == year or key[1].startswith(f"{year} Q")) for key in held)]
    parts = [html.H2(f"No target for {year} ({len(missing)})")]
    parts.append(html.Ul([html.Li(dcc.Link(f"{indicator.short_title} ({indicator.id})",  # fills in the form
                                           href=href("/targets", state, indicator=indicator.id)))
                          for indicator in missing],
                         className="no-target-list") if missing else html.P(f"Every indicator has a target for {year}."))
    parts.append(html.H2("Targets set"))
    if not records:
        parts.append(no_data("No targets are set for this area."))
        return parts
    head = ["Indicator", "Year or quarter", "Target", "Tolerance", "Agreed by", "Set by"]
    rows = [html.Tr([
        html.Th([row["title"], html.Span(row["indicator_id"], className="period")], scope="row"),
        html.Td(row["period"]), html.Td(number(row["value"], row["decimals"])),
        html.Td("None" if row["tolerance"] is None else f"{row['tolerance']:g} ({row['tolerance_type']})"),
        html.Td(row["agreed_by"] or ""),
        html.Td([row["set_by"] or "", html.Span(f"{row['set_at']:%d %b %Y %H:%M}" if row["set_at"] else "",
                                                className="period")]),
    ]) for row in sorted(records, key=lambda r: (r["period"], r["title"]), reverse=True)]
    parts.append(html.Table([
        html.Caption(f"Targets for {service.areas.get(area).name}, newest year first"),
        html.Thead(html.Tr([html.Th(name, scope="col") for name in head])), html.Tbody(rows),
    ], className="table"))
    return parts


@callback(
    Output("target-status", "children"),
    Output("targets-tables", "children"),
    Input("target-save", "n_clicks"),
    State("target-indicator", "value"), State("target-year", "value"), State("target-value", "value"),
    State("target-tolerance", "value"), State("target-agreed", "value"), State("nav", "search"),
    prevent_initial_call=True,
)
def save(clicks, indicator_id, year, value, tolerance, agreed_by, search):
    if not clicks:
        raise dash.exceptions.PreventUpdate
    state = from_search(search)
    service = shared()
    try:
        change = clinic_buttons.save_target(service, (indicator_id or "").strip(), year, value, tolerance,
                                            agreed_by, state.get("area"))
    except NotAllowed as problem:
        return str(problem), dash.no_update
    said = (f"{change.indicator_id}, {change.period}: unchanged." if not change.changed else
            f"Saved {change.indicator_id}, {change.period}: {clinic_targets.describe(change.before)} -> "
            f"{clinic_targets.describe(change.after)}.")
    area = service.checked_area(state.get("area"))
    return said, tables(area, _year_of(service.checked_quarter(state.get("period"))), state)


def _year_of(quarter) -> str:
    return judgements.financial_year_of(quarter.end)
