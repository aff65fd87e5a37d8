"""Reconciliation: where sources disagree, or a published figure differs from the one its
count would give, each difference with its reason (scorecard reconcile on the command line)."""

import dash
from dash import html

from layouts._parts import no_data, number, page, problem_page, state_of
from service.errors import NotAllowed
from service.shared import shared

dash.register_page(__name__, path="/reconcile", title="Reconciliation - Scorecard", name="Reconciliation",
                   order=4, nav=True)
LISTED = 200


def layout(**query):
    state = state_of(query)
    indicator = query.get("indicator") or None
    try:
        service = shared()
        reasons, compared, agree, differences = service.reconciliation(indicator, state.get("area") or service.home)
    except NotAllowed as problem:
        return problem_page("/reconcile", state, "Reconciliation", problem)
    intro = html.P(
        "Scorecard shows each publisher's figure as printed. Here are the figures that more than one source "
        "gives and differ, and the published figures that differ from the one their count gives now, with why.",
        className="lede",
    )
    if not compared:
        return page("/reconcile", state, "Reconciliation", html.Div([intro, no_data("No figure has a second source or a count to check yet.")]))
    summary = html.Table([
        html.Caption(f"{compared:,} figures compared, {agree:,} agree"),
        html.Thead(html.Tr([html.Th("Reason", scope="col"), html.Th("Figures", scope="col")])),
        html.Tbody([html.Tr([html.Td(reason), html.Td(f"{count:,}")])
                    for reason, count in sorted(reasons.items(), key=lambda item: -item[1])]),
    ], className="table")
    body = [intro, summary]
    if differences:
        head = ["Indicator", "Area", "Period", "Source", "Compared with", "Figure", "Other figure", "Reason"]
        rows = [html.Tr([
            html.Th(row["indicator_id"], scope="row"), html.Td(row["area_code"]), html.Td(row["period"]),
            html.Td(row["source"]), html.Td(row["check"]), html.Td(_shown(row, "published")),
            html.Td(_shown(row, "computed")), html.Td(row["reason"]),
        ]) for row in differences[:LISTED]]
        caption = f"Differences, newest first ({min(LISTED, len(differences)):,} of {len(differences):,})"
        body.append(html.Table([html.Caption(caption), html.Thead(html.Tr([html.Th(n, scope="col") for n in head])),
                                html.Tbody(rows)], className="table"))
    return page("/reconcile", state, "Reconciliation", html.Div(body))


def _shown(row: dict, name: str) -> str:
    return "[c]" if row["suppressed"] else number(row[name], row["decimals"])
