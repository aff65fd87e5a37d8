"""Projector mode's way in and out: the board deck is one page, /projector (layouts/projector.py);
pages link to it at the slide that matches what they show, and it leaves back to where it came
from. An old `view=projector` address is sent to the deck, so no page is a dead end."""

from urllib.parse import urlencode

from dash import dcc, html

from layouts._state import href

DECK_PATH = "/projector"
# The pages about the board's scorecard offer projector mode; the others (uploads, loads, the
# audit log, the catalogue, reconciliation) are work at a desk and do not.
OFFERED_ON = {"/", "/scorecard", "/exceptions", "/indicator"}
DECK_KEYS = ("area", "period", "framework")  # what chooses the deck; the rest says where it starts


def offers_projector(path: str) -> bool:
    return path in OFFERED_ON


def deck_href(path: str, state: dict, slide: int | None = None) -> str:
    """The deck for a page's scorecard, remembering the page (and its outcome or indicator) to
    start at and to go back to."""
    kept = {key: state[key] for key in DECK_KEYS if state.get(key)}
    kept["from"] = path
    for key in ("outcome", "indicator"):
        if state.get(key):
            kept[key] = state[key]
    if slide:
        kept["slide"] = slide
    return f"{DECK_PATH}?{urlencode(kept)}"


def leave_href(query: dict, state: dict) -> str:
    """Back to the page the deck was opened from (the outcome scorecard when none is known)."""
    path = query.get("from") if query.get("from") in OFFERED_ON else "/scorecard"
    return href(path, state, view=None)


def legacy_redirect(path: str, state: dict) -> html.Div:
    """`view=projector` on any page: go to the deck (with a link, should the browser not follow)."""
    target = deck_href(path, {**state, "view": None})
    return html.Div([
        dcc.Location(id="projector-redirect", href=target, refresh=True),
        html.Main(html.P(["Projector mode is now the board deck: ", html.A("open it", href=target), "."]), id="main"),
    ])
