"""What the Overview, the scorecard and Exceptions say about rows with no RAG (issue 16,
point 2), and a link to set targets for those who may."""

from dash import dcc, html

from layouts._parts import rag_badge
from layouts._state import href
from service import clinic_buttons, judgements


def gaps_notice(card, state: dict) -> html.Div | None:
    """None when every row is judged."""
    found = judgements.gaps(card)
    said = judgements.sentences(found, judgements.financial_year_of(card.quarter.end))
    if not said:
        return None
    parts = [html.P(line) for line in said]
    if found.no_target:  # the first line is the one about targets
        if clinic_buttons.may_change():
            parts[0] = html.P([said[0], " ", dcc.Link("Set targets", href=href("/targets", state, indicator=None,
                                                                               view=None), id="set-targets-link")])
        else:
            parts[0] = html.P(f"{said[0]} An analyst or admin can set targets on the Targets page.")
    return html.Div(parts, className="gaps-notice", role="note", id="judgement-gaps")


def rag_cell(row) -> list:
    """The RAG badge and, where there is none, why in a short line."""
    reason = judgements.why_no_rag(row)
    if reason is None:
        return [rag_badge(row.rag)]
    return [rag_badge(row.rag), html.Span(SHORT[reason], className="period why-no-rag", title=reason)]


# A few words in a table cell; the whole reason is its title and in the legend.
SHORT = {judgements.NO_TARGET: "No target set", judgements.NO_FIGURE: "No figure yet",
         judgements.NO_POLARITY: "No polarity: neither higher nor lower is better"}
