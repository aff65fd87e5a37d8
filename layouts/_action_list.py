"""Actions on an exception (issue 16, point 3): each with what, owner, due date and status
(a word and a shape, never colour alone); analysts add them and mark them done here."""

import dash
from dash import MATCH, Input, Output, State, callback, ctx, dcc, html

from layouts._state import from_search
from service import clinic_actions, clinic_buttons
from service.errors import NotAllowed
from service.shared import shared

STATUS_SHAPES = {"open": "○", "overdue": "■", "done": "✓"}
STATUS_WORDS = {"open": "Open", "overdue": "Overdue", "done": "Done"}


def status_badge(status: str) -> html.Span:
    return html.Span([html.Span(STATUS_SHAPES[status], className="action-shape", **{"aria-hidden": "true"}),
                      STATUS_WORDS[status]], className=f"action-status action-{status}")


def action_line(action, editable: bool) -> html.Li:
    carried = f" (carried from {action.raised_quarter})" if action.carried else ""
    done = [] if not editable or action.status == "done" else [
        " ", html.Button("Mark done", id={"type": "clinic-action-done", "action": action.id},
                         className="button-secondary button-small", n_clicks=0,
                         **{"aria-label": f"Mark done: {action.what}"})]
    return html.Li([status_badge(action.status), " ", html.Span(action.what, className="action-what"),
                    html.Span(f" — {action.owner}, due {action.due:%d %b %Y}{carried}", className="period"),
                    *done])


SHOWN = 2  # an exception stays compact: the rest fold away


def action_items(actions: list, editable: bool) -> list:
    """Overdue first, then open, then done; beyond the first two, folded away."""
    if not actions:
        return [html.P("No actions.", className="no-data clinic-none")]
    ordered = sorted(actions, key=lambda action: (["overdue", "open", "done"].index(action.status), action.due))
    shown = [html.Ul([action_line(action, editable) for action in ordered[:SHOWN]], className="actions")]
    if len(ordered) > SHOWN:
        shown.append(html.Details([
            html.Summary(f"{len(ordered) - SHOWN} more action{'s' if len(ordered) - SHOWN > 1 else ''}"),
            html.Ul([action_line(action, editable) for action in ordered[SHOWN:]], className="actions"),
        ], className="clinic-editor clinic-more-actions"))
    return shown


def actions_box(indicator_id: str, short_title: str, actions: list) -> html.Div:
    """The actions on one exception, and a folded form to add one."""
    editable = clinic_buttons.may_change()
    key = {"indicator": indicator_id}
    parts = [html.Div(action_items(actions, editable), id={"type": "clinic-action-list", **key},
                      className="clinic-action-items")]
    if editable:
        parts.append(html.Details([
            html.Summary(["Add an action", html.Span(f" on {short_title}", className="visually-hidden")]),
            html.Div([
                _field("What is to be done", dcc.Input(id={"type": "clinic-action-what", **key}, type="text",
                                                        maxLength=clinic_actions.MAX_WORDS, className="action-input")),
                _field("Owner", dcc.Input(id={"type": "clinic-action-owner", **key}, type="text", maxLength=100)),
                _field("Due", dcc.Input(id={"type": "clinic-action-due", **key}, type="date")),
                html.Button("Add action", id={"type": "clinic-action-add", **key}, className="button", n_clicks=0),
            ], className="action-form"),
        ], className="clinic-editor clinic-action-editor"))
    parts.append(html.P("", id={"type": "clinic-action-status", **key}, role="status", className="note-status"))
    return html.Div(parts, className="clinic-actions")


def _field(label: str, control) -> html.Label:
    return html.Label([html.Span(label, className="picker-label"), control])


def _actions_now(state: dict, indicator_id: str) -> list:
    service = shared()
    area = service.checked_area(state.get("area"))
    quarter = service.checked_quarter(state.get("period"))
    return clinic_actions.actions_in(service, area, quarter, [indicator_id])


def add_action(clicks, what, owner, due, search):
    if not clicks:
        raise dash.exceptions.PreventUpdate
    state, indicator_id = from_search(search), ctx.triggered_id["indicator"]
    try:
        clinic_buttons.add_action(shared(), indicator_id, state, what, owner, due)
    except NotAllowed as problem:
        return str(problem), dash.no_update
    return "Action added.", action_items(_actions_now(state, indicator_id), True)


def mark_done(clicks, search):
    if not clicks:
        raise dash.exceptions.PreventUpdate
    try:
        clinic_buttons.set_action_status(shared(), ctx.triggered_id["action"], from_search(search), "done")
    except NotAllowed as problem:
        return str(problem), False
    return "Done", True


def register() -> None:
    """Called by a page module (layouts/exceptions.py): Dash imports pages anew for each app, so a
    callback registered there is registered once per app, also when tests build several."""
    callback(
        Output({"type": "clinic-action-status", "indicator": MATCH}, "children"),
        Output({"type": "clinic-action-list", "indicator": MATCH}, "children"),
        Input({"type": "clinic-action-add", "indicator": MATCH}, "n_clicks"),
        State({"type": "clinic-action-what", "indicator": MATCH}, "value"),
        State({"type": "clinic-action-owner", "indicator": MATCH}, "value"),
        State({"type": "clinic-action-due", "indicator": MATCH}, "value"),
        State("nav", "search"),
        prevent_initial_call=True,
    )(add_action)
    callback(
        Output({"type": "clinic-action-done", "action": MATCH}, "children"),
        Output({"type": "clinic-action-done", "action": MATCH}, "disabled"),
        Input({"type": "clinic-action-done", "action": MATCH}, "n_clicks"),
        State("nav", "search"),
        prevent_initial_call=True,
    )(mark_done)
