"""Commentary anywhere (issue 16, point 4): one indicator's note for the chosen area and quarter,
shown once with its author and time, and an editor folded away beneath it for analysts. The
Indicator page, the scorecard's rows and Exceptions all use this; every version is kept."""

import dash
from dash import MATCH, Input, Output, State, callback, ctx, dcc, html

from layouts._state import from_search, href
from service import actions, clinic_buttons
from service.errors import NotAllowed
from service.settings import value
from service.shared import shared


def said(note: dict | None) -> html.Div:
    """The note once, with who wrote it and when; or that there is none yet."""
    if not note:
        return html.P("No commentary yet for this quarter.", className="no-data clinic-none")
    return html.Blockquote([
        html.P(note["text"]),
        html.Footer(f"{note['author']}, {_when(note.get('written_at'))}"),
    ], className="commentary")


def commentary_box(indicator_id: str, short_title: str, note: dict | None, heading: bool = False) -> html.Div:
    """The note and, for those who may write, an editor folded away (so the text shows once)."""
    key = {"indicator": indicator_id}
    parts = [html.H2("Commentary this quarter", id="commentary")] if heading else []
    parts.append(html.Div(said(note), id={"type": "clinic-note-shown", **key}, className="clinic-note"))
    if clinic_buttons.may_change():
        parts.append(html.Details([
            html.Summary(["Edit commentary" if note else "Write commentary",
                          html.Span(f" on {short_title}", className="visually-hidden")]),
            html.Label([
                html.Span(f"Commentary on {short_title}", className="picker-label"),
                dcc.Textarea(id={"type": "clinic-note-text", **key}, value=(note or {}).get("text", ""), rows=3,
                             className="note-text",
                             maxLength=value("commentary_length", shared().store)),
            ]),
            html.Button("Save commentary", id={"type": "clinic-note-save", **key}, className="button", n_clicks=0),
            html.P("", id={"type": "clinic-note-status", **key}, role="status", className="note-status"),
        ], className="clinic-editor clinic-note-editor"))
    return html.Div(parts, className="clinic-commentary")


def notes_for(state: dict, indicator_ids: list[str] | None = None) -> dict[str, dict]:
    """The current note per indicator for the page's area and quarter."""
    service = shared()
    area = service.checked_area(state.get("area"))
    quarter = service.checked_quarter(state.get("period")).label
    return service.commentary_notes(area, quarter, indicator_ids)


def indicator_section(indicator, state: dict) -> list:
    """For the Indicator page: this quarter's note and its editor (benchmark indicators have none)."""
    if indicator.is_benchmark:
        return []
    note = notes_for(state, [indicator.id]).get(indicator.id)
    return [commentary_box(indicator.id, indicator.short_title, note, heading=True)]


def note_link(row, state: dict) -> html.A:
    """The scorecard row's way in: its note (read on hover) or a link to write one on the
    Indicator page (an editor in each of some 50 rows would weigh the table down)."""
    target = href("/indicator", state, indicator=row.indicator_id) + "#commentary"
    if row.commentary:
        return html.A("Note", href=target, title=f"{row.commentary} ({row.commentary_author})",
                      className="note-marker", **{"aria-label": f"Commentary on {row.short_title}"})
    # The same for every role: the scorecard's table is drawn once and shared.
    return html.A("Add", href=target, className="note-write",
                  **{"aria-label": f"Write commentary on {row.short_title}"})


def save_note(clicks, text, search):
    if not clicks:
        raise dash.exceptions.PreventUpdate
    state = from_search(search)
    try:
        author = actions.save_commentary(shared(), ctx.triggered_id["indicator"], state, text)
    except NotAllowed as problem:
        return str(problem), dash.no_update
    note = notes_for(state, [ctx.triggered_id["indicator"]]).get(ctx.triggered_id["indicator"])
    return f"Saved by {author}. Earlier versions are kept.", said(note)


def _when(moment) -> str:
    return "" if moment is None else f"{moment:%d %b %Y %H:%M}"


def register() -> None:
    """Called by a page module (layouts/exceptions.py): Dash imports pages anew for each app, so a
    callback registered there is registered once per app, also when tests build several."""
    callback(
        Output({"type": "clinic-note-status", "indicator": MATCH}, "children"),
        Output({"type": "clinic-note-shown", "indicator": MATCH}, "children"),
        Input({"type": "clinic-note-save", "indicator": MATCH}, "n_clicks"),
        State({"type": "clinic-note-text", "indicator": MATCH}, "value"),
        State("nav", "search"),
        prevent_initial_call=True,
    )(save_note)
