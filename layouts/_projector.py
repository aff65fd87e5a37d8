"""Projector mode's screens: every outcome area of the framework, then the exceptions, stepped
through with the arrow keys (assets/projector.js follows these links)."""

from dash import dcc, html

from layouts._state import href
from service.shared import shared


def screens(state: dict) -> list[str]:
    """Every outcome area of the framework, then the exceptions: what the arrow keys step through."""
    service = shared()
    framework = service.checked_framework(state.get("framework"))
    outcomes = [href("/scorecard", state, outcome=oid, view="projector") for oid, _ in service.outcome_choices(framework)]
    return outcomes + [href("/exceptions", state, outcome=None, view="projector")]


def projector_nav(state: dict, here: str) -> html.Nav:
    sequence = screens(state)
    position = sequence.index(here) if here in sequence else 0
    previous_screen = sequence[position - 1]
    next_screen = sequence[(position + 1) % len(sequence)]
    leave = href(here.split("?")[0], state, view=None)
    return html.Nav([
        dcc.Link("← Previous", href=previous_screen, id="projector-previous", className="projector-link"),
        html.Span(f"Screen {position + 1} of {len(sequence)}. Arrow keys move; Esc leaves.", className="projector-help"),
        dcc.Link("Next →", href=next_screen, id="projector-next", className="projector-link"),
        dcc.Link("Leave projector mode", href=leave, id="projector-exit", className="projector-link"),
    ], className="projector-nav", **{"aria-label": "Projector screens"})
