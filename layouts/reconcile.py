"""Reconciliation: where sources disagree, or a published figure differs from the one its
count would give, each difference with its reason (scorecard reconcile on the command line)."""

import dash
from dash import html

from layouts._parts import no_data, number, page, picker, problem_page, state_of
from service.errors import NotAllowed
from service.shared import shared

dash.register_page(__name__, path="/reconcile", title="Reconciliation - Scorecard", name="Reconciliation",
                   order=4, nav=True)
LISTED = 200


def layout(**query):
    state = state_of(query)
    indicator = query.get("indicator") or None
    service = shared()
    area = state.get("area") or service.home
    try:
        reasons, compared, agree, differences = service.reconciliation(indicator, area)
    except NotAllowed as problem:
        return problem_page("/reconcile", state, "Reconciliation", problem)
    choose = html.Form([
        picker("Area", "area", service.area_choices(), area),
        picker("Indicator", "indicator", [("", "All indicators"), *service.indicator_choices()], indicator or ""),
        html.Button("Show", type="submit", className="button", id="show-button"),
    ], action="/reconcile", method="get", className="controls", **{"aria-label": "Choose what to reconcile"})
    intro = html.P(
        "Scorecard shows each publisher's figure as printed. Here are the figures that more than one source "
        "gives and differ, and the published figures that differ from the one their count gives now, with why.",
        className="lede",
    )
    if not compared:
        return page("/reconcile", state, "Reconciliation",
                    html.Div([choose, intro, no_data("No figure has a second source or a count to check yet.")]),
                    with_controls=False)
    if not reasons:
        body = [choose, intro, html.P(f"All {compared:,} figures compared agree.", className="no-data")]
        return page("/reconcile", state, "Reconciliation", html.Div(body), with_controls=False)
    summary = html.Table([
        html.Caption(f"{compared:,} figures compared, {agree:,} agree"),
        html.Thead(html.Tr([html.Th("Reason", scope="col"), html.Th("Figures", scope="col")])),
        html.Tbody([html.Tr([html.Td(reason), html.Td(f"{count:,}")])
                    for reason, count in sorted(reasons.items(), key=lambda item: -item[1])]),
    ], className="table")
    body = [choose, intro, summary]
    if differences:
        head = ["Indicator", "Area", "Period", "Source", "Compared with", "Figure", "Other figure", "Reason"]
        rows = [html.Tr([
            html.Th(row["indicator_title"], scope="row"), html.Td(row["area_name"]), html.Td(row["period"]),
            html.Td(row["source"]), html.Td(row["check"]), html.Td(_shown(row, "published")),
            html.Td(_shown(row, "computed")), html.Td(row["reason"]),
        ]) for row in differences[:LISTED]]
        caption = f"Differences, newest first ({min(LISTED, len(differences)):,} of {len(differences):,})"
        body.append(html.Table([html.Caption(caption), html.Thead(html.Tr([html.Th(n, scope="col") for n in head])),
                                html.Tbody(rows)], className="table"))
    return page("/reconcile", state, "Reconciliation", html.Div(body), with_controls=False)


def _shown(row: dict, name: str) -> str:
    return "[c]" if row["suppressed"] else number(row[name], row["decimals"])
