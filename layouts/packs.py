"""Board packs: make a pack of the chosen scorecard (PowerPoint, PDF and Excel, kept as made),
sign it off, download it again byte for byte, and see which figures changed since the board
last saw them. Analysts and admins make and sign off; everyone downloads packs signed off.
The buttons are drawn only for those who may use them, and every callback asks again
(service.packs.actions), so a forged request from a viewer changes nothing."""

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from layouts._parts import no_data, page, state_of
from service.errors import NotAllowed
from service.packs import actions
from service.shared import shared

dash.register_page(__name__, path="/packs", title="Board packs - Scorecard", name="Board packs", order=2.5, nav=True)

FORMATS = [("pptx", "PowerPoint"), ("pdf", "PDF"), ("xlsx", "Excel")]


def layout(**query):
    state = state_of(query)
    service = shared()
    maker = actions.may_make()
    parts = [html.P("A board pack is the scorecard chosen above as a PowerPoint deck, an A4 PDF and an Excel "
                    "workbook, in the board deck's order: the cover, a summary per outcome area, the exceptions, "
                    "then every indicator. Each pack is kept as it was made, so downloading it later gives the same "
                    "files, whatever has been loaded or written since.", className="lede")]
    if maker:
        parts.append(html.Div([
            html.H2("Make a pack"),
            html.Label("Who presents it (for the cover)", htmlFor="pack-presenter", className="picker-label"),
            dcc.Input(id="pack-presenter", type="text", maxLength=80, className="input",
                      placeholder="Your name if left empty"),
            html.Button(f"Make a board pack of {_scope(service, state)}", id="make-pack", className="button",
                        n_clicks=0),
            dcc.Store(id="pack-choice", data=state),
        ], className="make-pack"))
    parts += [
        html.P("", id="pack-status", role="status"),
        html.H2("Packs"),
        html.Div(packs_table(actions.listed(service), maker), id="packs-table"),
        html.Div(id="pack-changes", **{"aria-live": "polite"}),
        dcc.Download(id="pack-download"),
    ]
    return page("/packs", state, "Board packs", html.Div(parts))


def _scope(service, state: dict) -> str:
    """'Dudley, 2026-27 Q2, all outcome areas': what the button will make."""
    try:
        area = dict(service.area_choices())[service.checked_area(state.get("area"))]
        quarter = service.checked_quarter(state.get("period")).label
        outcome = dict(service.outcome_choices(service.checked_framework(state.get("framework")))).get(state.get("outcome"))
        basket = service.checked_basket(state.get("basket"))
    except NotAllowed:
        return "the scorecard chosen above"
    return f"{area}, {quarter}, {outcome or 'all outcome areas'}" + (f", {basket.title}" if basket else "")


def _drew_on(found: dict) -> str:
    """'Loads up to 42; its figures from loads 40 and 42': what the pack was made from."""
    if not found["latest_load_id"]:
        return "No loads"
    ids = [part for part in (found["load_ids"] or "").split(",") if part]
    named = (f"load {ids[0]}" if len(ids) == 1 else f"loads {', '.join(ids[:-1])} and {ids[-1]}" if len(ids) <= 4
             else f"{len(ids)} loads")
    return f"Loads up to {found['latest_load_id']}; its figures from {named}" if ids else f"Loads up to {found['latest_load_id']}"


def packs_table(packs: list[dict], maker: bool):
    if not packs:
        return no_data("No board packs yet." + (" Choose a scorecard above and make one." if maker else
                                                " An analyst makes them."))
    head = ["Pack", "Scorecard", "Data", "Made", "Signed off", "Download", "Compare"]
    rows = []
    for found in packs:
        pack_id = int(found["id"])
        signed = (f"{found['signed_off_by']}, {found['signed_off_at']:%d %b %Y %H:%M}" if found["signed_off_by"]
                  else "Draft: not signed off")
        sign = []
        if maker and not found["signed_off_by"]:
            sign = [html.Br(), dcc.ConfirmDialogProvider(
                html.Button(f"Sign off pack {pack_id}", className="button-secondary"),
                id={"type": "pack-sign-off", "pack": pack_id},
                message=f"Sign off pack {pack_id} ({found['title']}) as presented to the board?")]
        rows.append(html.Tr([
            html.Th(str(pack_id), scope="row"), html.Td(found["title"]),
            html.Td(_drew_on(found)),
            html.Td(f"{found['made_by']}, {found['made_at']:%d %b %Y %H:%M}"),
            html.Td([signed, *sign]),
            html.Td([html.Button(f"{label}", id={"type": "pack-file", "pack": pack_id, "format": name},
                                 className="button-secondary", n_clicks=0,
                                 **{"aria-label": f"Download pack {pack_id} as {label}"}) for name, label in FORMATS]),
            html.Td(html.Button("What changed", id={"type": "pack-compare", "pack": pack_id},
                                className="button-secondary", n_clicks=0,
                                **{"aria-label": f"What changed in pack {pack_id} since the board last saw"})),
        ]))
    return html.Table([html.Caption("Board packs, newest first"),
                       html.Thead(html.Tr([html.Th(name, scope="col") for name in head])), html.Tbody(rows)],
                      className="table")


@callback(
    Output("pack-status", "children"),
    Output("packs-table", "children"),
    Input("make-pack", "n_clicks"),
    State("pack-presenter", "value"),
    State("pack-choice", "data"),
    prevent_initial_call=True,
)
def make(clicks, presenter, state):
    if not clicks:
        raise dash.exceptions.PreventUpdate
    service = shared()
    try:
        pack_id = actions.make_pack(service, state or {}, presenter)
    except NotAllowed as refused:
        return str(refused), dash.no_update
    return (f"Pack {pack_id} made and kept. Check it, then sign it off as presented.",
            packs_table(actions.listed(service), True))


@callback(
    Output("pack-status", "children", allow_duplicate=True),
    Output("packs-table", "children", allow_duplicate=True),
    Input({"type": "pack-sign-off", "pack": ALL}, "submit_n_clicks"),
    prevent_initial_call=True,
)
def sign_off(clicks):
    if not any(clicks or []):
        raise dash.exceptions.PreventUpdate
    service = shared()
    pack_id = int(ctx.triggered_id["pack"])
    try:
        found = actions.sign_off_pack(service, pack_id)
    except NotAllowed as refused:
        return str(refused), dash.no_update
    return (f"Pack {pack_id} signed off by {found['signed_off_by']}.",
            packs_table(actions.listed(service), actions.may_make()))


@callback(
    Output("pack-download", "data"),
    Output("pack-status", "children", allow_duplicate=True),
    Input({"type": "pack-file", "pack": ALL, "format": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def download(clicks):
    if not any(clicks or []):
        raise dash.exceptions.PreventUpdate
    chosen = ctx.triggered_id
    try:
        sent = actions.pack_download(shared(), int(chosen["pack"]), str(chosen["format"]))
    except NotAllowed as refused:
        return dash.no_update, str(refused)
    return dcc.send_bytes(sent.content, sent.filename), f"Downloading {sent.filename}, as it was made."


@callback(
    Output("pack-changes", "children"),
    Input({"type": "pack-compare", "pack": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def compare(clicks):
    if not any(clicks or []):
        raise dash.exceptions.PreventUpdate
    pack_id = int(ctx.triggered_id["pack"])
    try:
        earlier, changes = actions.compare_packs(shared(), pack_id)
    except NotAllowed as refused:
        return html.P(str(refused), className="error-summary", role="alert")
    heading = html.H2(f"What changed in pack {pack_id}")
    if earlier is None:
        return [heading, no_data("No pack for the same area and scope was signed off before this one.")]
    said = html.P(f"Against pack {earlier['id']}, the last the board saw (signed off by {earlier['signed_off_by']}, "
                  f"{earlier['signed_off_at']:%d %b %Y}).")
    if not changes:
        return [heading, said, no_data("No figure, RAG, target or commentary has changed.")]
    head = ["Indicator", "What changed", "Board last saw", "Now"]
    return [heading, said, html.Table([
        html.Caption(f"{len(changes)} indicators changed since pack {earlier['id']}"),
        html.Thead(html.Tr([html.Th(name, scope="col") for name in head])),
        html.Tbody([html.Tr([html.Th(change.indicator, scope="row"), html.Td(change.what), html.Td(change.before),
                             html.Td(change.after)]) for change in changes]),
    ], className="table")]
