"""The audit log, for admins only: who did what, when, with before and after, and a download.

The page and the download both ask for the admin role on the server, so a viewer or analyst
who types the address or forges the download request gets nothing from the log."""

import dash
from dash import Input, Output, callback, dcc, html

from layouts._parts import no_data, page, state_of
from service import actions
from service.access import is_admin
from service.shared import shared

dash.register_page(__name__, path="/audit", title="Audit log - Scorecard", name="Audit log", order=7, nav=True,
                   admin_only=True)

SHOWN = 500  # the page stays quick; the download has every entry


def layout(**query):
    state = state_of(query)
    if not is_admin():
        body = html.P("Only admins can see the audit log. Ask an admin if you need to know who changed something.",
                      className="no-data", role="alert")
        return page("/audit", state, "Audit log", body, with_controls=False)
    body = html.Div([
        html.P("Every load, revert, commentary, user and restore change, newest first. "
               "Entries are never changed or removed.", className="lede"),
        html.Button("Download the whole log (CSV)", id="audit-download-button", className="button", n_clicks=0),
        dcc.Download(id="audit-download"),
        audit_table(),
    ])
    return page("/audit", state, "Audit log", body, with_controls=False)


def audit_table():
    entries, total = shared().audit_log(SHOWN)
    if not entries:
        return no_data("Nothing has been recorded yet.")
    counted = "1 entry" if total == 1 else f"{total:,} entries"
    caption = f"Audit log, newest first ({counted}" + (f"; the latest {SHOWN:,} shown)" if total > SHOWN else ")")
    head = ["When", "Who", "What", "Subject", "Before", "After"]
    return html.Table([
        html.Caption(caption),
        html.Thead(html.Tr([html.Th(name, scope="col") for name in head])),
        html.Tbody([
            html.Tr([
                html.Td(f"{entry['happened_at']:%d %b %Y %H:%M:%S}"), html.Td(entry["who"]),
                html.Td(entry["action"].capitalize()), html.Td(entry["subject"]),
                html.Td(entry["before_value"] or "", className="audit-value"),
                html.Td(entry["after_value"] or "", className="audit-value"),
            ])
            for entry in entries
        ]),
    ], className="table audit-table")


@callback(Output("audit-download", "data"), Input("audit-download-button", "n_clicks"), prevent_initial_call=True)
def download(clicks):
    if not clicks:
        raise dash.exceptions.PreventUpdate
    sent = actions.audit_download(shared())  # asks for the admin role again: the request can be forged
    return {"content": sent.content, "filename": sent.filename, "type": sent.media_type}
