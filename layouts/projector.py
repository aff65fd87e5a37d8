"""Projector mode: the board deck (service/deck.py's plan) as slides that each fill a 16:9 screen.

Every slide is drawn once, with the page; assets/projector.js shows one at a time, so moving
between slides is a change in the browser, not a round trip to the server. `slide=N` in the
address says which slide shows (1 is the cover); `from` is the page to go back to."""

import dash
from dash import dcc, html

from layouts._parts import (
    chosen, direction_badge, number, problem_page, rag_badge, significance_badge, state_of,
)
from layouts._projector import DECK_PATH, deck_href, leave_href
from service import clinic_actions, deck
from service.access import signed_in
from service.errors import NotAllowed
from service.shared import shared
from service.summaries import RAG_ORDER

dash.register_page(__name__, path=DECK_PATH, title="Projector mode - Scorecard", name="Projector mode", order=20,
                   nav=False)

COMMENTARY_ON_A_SLIDE = 360  # characters: longer commentary is cut at a word, and says where the rest is
CROWDED_SUMMARY = 8  # more red and amber indicators than this and a summary drops to two columns
DETAIL_COLUMNS = ["Indicator", "Latest", "Target", "RAG", "Direction of travel", "England", "Statistical neighbours"]


def layout(**query):
    state = state_of(query)
    try:
        card = chosen({**state, "outcome": None})
    except NotAllowed as problem:
        return problem_page(DECK_PATH, state, "Projector mode", problem)
    service = shared()
    framework = service.checked_framework(state.get("framework"))
    planned = deck.plan(card, service.outcome_choices(framework), presenter=_presenter(query),
                        data_as_at=deck.data_as_at(card), actions=clinic_actions.on_scorecard(service, card))
    total = len(planned.slides)
    showing = _first_slide(query, state, planned)
    leave = leave_href(query, state)
    slides = [
        _slide(slide, number_, planned, leave, hidden=number_ != showing)
        for number_, slide in enumerate(planned.slides, start=1)
    ]
    return html.Div([
        html.Main(slides, id="main", className="deck-slides"),
        _controls(state, query, planned, showing, total, leave),
    ], className="deck", id="deck", **{"data-total": str(total)})


def _presenter(query: dict) -> str | None:
    """Who presents: `presenter=` in the address, else whoever is signed in."""
    given = str(query.get("presenter") or "").strip()[:80]
    if given:
        return given
    who = signed_in()
    return who[0] if who else None


def _first_slide(query: dict, state: dict, planned: deck.Deck) -> int:
    """`slide=N`, else the slide that shows what the page it came from showed, else the cover."""
    try:
        asked = int(query.get("slide") or 0)
    except ValueError:
        asked = 0
    if 1 <= asked <= len(planned.slides):
        return asked
    came_from = query.get("from")
    for number_, slide in enumerate(planned.slides, start=1):
        if came_from == "/exceptions" and slide.kind == deck.EXCEPTIONS:
            return number_
        if came_from == "/scorecard" and state.get("outcome") and slide.kind == deck.DETAIL \
                and slide.outcome_id == state["outcome"]:
            return number_
        if came_from == "/indicator" and slide.kind == deck.DETAIL \
                and any(row.indicator_id == state.get("indicator") for row in slide.rows):
            return number_
    return 1


def _controls(state, query, planned, showing, total, leave) -> html.Div:
    """The strip along the foot of every slide: the watermark, where we are, and the ways on and out."""
    def to(number_):
        return deck_href(query.get("from") or "/scorecard", state, slide=number_) + _presenter_param(query)

    watermark = [html.Span("Demonstration data", className="deck-watermark", role="note")] if planned.cover.is_demo else []
    return html.Div([
        *watermark,
        html.Span(f"{planned.cover.area_name}, {planned.cover.quarter}", className="deck-where"),
        html.Nav([
            html.A("← Previous", href=to(max(1, showing - 1)), id="deck-previous", className="deck-control",
                   **{"data-step": "-1"}),
            html.Span(f"Slide {showing} of {total}", id="deck-position", className="deck-position"),
            html.A("Next →", href=to(min(total, showing + 1)), id="deck-next", className="deck-control",
                   **{"data-step": "1"}),
            dcc.Link("Leave projector mode (Esc)", href=leave, id="deck-leave", className="deck-control"),
        ], className="deck-nav", **{"aria-label": "Slides"}),
        # Said to screen readers as a slide changes: where we are and what the slide is.
        html.Span("", id="deck-announce", className="visually-hidden", **{"aria-live": "polite"}),
    ], className="deck-footer", role="region", **{"aria-label": "About these slides"})


def _presenter_param(query: dict) -> str:
    from urllib.parse import quote

    return f"&presenter={quote(str(query['presenter'])[:80])}" if query.get("presenter") else ""


def _slide(slide: deck.Slide, position: int, planned: deck.Deck, leave: str, hidden: bool) -> html.Section:
    heading = f"slide-title-{position}"
    draw = {deck.COVER: _cover, deck.SUMMARY: _summary, deck.EXCEPTIONS: _exceptions, deck.DETAIL: _detail}[slide.kind]
    return html.Section(
        [html.H1(slide.title, id=heading, className="slide-title"), draw(slide, planned, heading)],
        id=f"slide-{position}", className=f"slide slide-{slide.kind}", hidden=hidden,
        **{"aria-labelledby": heading, "data-slug": slide.slug, "data-title": slide.title},
    )


# The four kinds of slide --------------------------------------------------------------------

def _cover(slide, planned: deck.Deck, heading: str) -> html.Div:
    cover = planned.cover
    said = []
    if cover.data_as_at:
        said.append(html.P(f"Figures as at {cover.data_as_at:%-d %B %Y}", className="cover-line"))
    if cover.presenter:
        said.append(html.P(f"Presented by {cover.presenter}", className="cover-line"))
    glance = html.Table([
        html.Thead(html.Tr([html.Th("Outcome area", scope="col"),
                            *[html.Th(rag_badge(word), scope="col") for word in RAG_ORDER]])),
        html.Tbody([
            html.Tr([html.Th(summary.title, scope="row"),
                     *[html.Td(str(summary.counts.get(word, 0)), className="count") for word in RAG_ORDER]],
                    className="off-track" if summary.off_track else None)
            for summary in planned.summaries
        ]),
    ], className="slide-table glance", **{"aria-label": "Indicators in each outcome area by RAG status"})
    return html.Div([*said, glance], className="slide-body")


def _summary(slide, planned: deck.Deck, heading: str) -> html.Div:
    summary = next(found for found in planned.summaries if found.outcome_id == slide.outcome_id)
    counts = html.P([
        html.Span([rag_badge(word), html.Span(f" {summary.counts.get(word, 0)}", className="count")],
                  className="summary-count")
        for word in RAG_ORDER
    ], className="summary-counts")
    if not slide.rows:
        return html.Div([counts, html.P("No indicator is red or amber.", className="slide-note")],
                        className="slide-body")
    columns = ["Indicator", "Latest", "Target", "RAG", "Direction of travel"]
    if len(slide.rows) > CROWDED_SUMMARY:  # two narrower tables side by side
        half = -(-len(slide.rows) // 2)
        tables = [_table(slide.rows[:half], columns[:4], heading), _table(slide.rows[half:], columns[:4], heading)]
        return html.Div([counts, html.Div(tables, className="summary-columns")], className="slide-body")
    return html.Div([counts, _table(slide.rows, columns, heading)], className="slide-body")


def _exceptions(slide, planned: deck.Deck, heading: str) -> html.Div:
    return html.Div([_exception(row, planned) for row in slide.rows], className="slide-body exceptions-body")


def _exception(row, planned: deck.Deck) -> html.Article:
    """The "what" (figure, target, RAG, direction, comparators) beside the "why"."""
    what = html.Dl([
        *_pair("Latest", [html.Span(row.shown, className="figure"), " ", html.Span(row.period_label or "", className="period")]),
        *_pair("Target", _target(row)),
        *_pair("RAG", rag_badge(row.rag)),
        *_pair("Direction", direction_badge(row.direction)),
        *_pair("England", _compared(row.england, row.vs_england, row.decimals, "England", inline=True)),
        *_pair("Neighbours", _compared(row.sn_mean, row.vs_neighbours, row.decimals, "neighbours", inline=True)),
    ], className="exception-what")
    reasons = "; ".join(row.exception_reasons)
    why = [html.P([html.Strong("Why: "), reasons[:1].upper() + reasons[1:] + "."], className="why-reasons")]
    if row.commentary:
        text, cut = _shortened(row.commentary)
        why.append(html.Blockquote([
            html.P(text + (" … (continued on the Exceptions page)" if cut else "")),
            html.Footer(row.commentary_author or ""),
        ], className="why-commentary"))
    else:
        why.append(html.P("No commentary yet.", className="slide-note"))
    why += [html.P(line, className="why-action") for line in planned.action_lines(row)]
    return html.Article([
        html.H2([row.short_title, html.Span(row.outcome_area_title or "", className="exception-area")]),
        html.Div([what, html.Div(why, className="exception-why")], className="exception-columns"),
    ], className=f"deck-exception deck-exception-{row.rag.replace(' ', '-')}")


def _pair(label: str, value) -> list:
    return [html.Dt(label), html.Dd(value)]


def _shortened(text: str) -> tuple[str, bool]:
    """Commentary that fits beside its figures: cut at a word when longer than a slide holds."""
    text = " ".join(text.split())
    if len(text) <= COMMENTARY_ON_A_SLIDE:
        return text, False
    return text[:COMMENTARY_ON_A_SLIDE].rsplit(" ", 1)[0].rstrip(",;:."), True


def _detail(slide, planned: deck.Deck, heading: str) -> html.Div:
    return html.Div(_table(slide.rows, DETAIL_COLUMNS, heading), className="slide-body")


def _table(rows, columns: list[str], heading: str) -> html.Table:
    return html.Table([
        html.Thead(html.Tr([html.Th(name, scope="col") for name in columns])),
        html.Tbody([
            html.Tr([_cells(row)[name] for name in columns], className=f"row-{row.rag.replace(' ', '-')}")
            for row in rows
        ]),
    ], className="slide-table", **{"aria-labelledby": heading})


def _cells(row) -> dict:
    decimals = row.decimals
    return {
        "Indicator": html.Th(row.short_title, scope="row"),
        "Latest": html.Td([html.Span(row.shown, className="figure"), html.Span(row.period_label or "", className="period")]),
        "Target": html.Td(_target(row)),
        "RAG": html.Td(rag_badge(row.rag)),
        "Direction of travel": html.Td(direction_badge(row.direction)),
        "England": html.Td(_compared(row.england, row.vs_england, decimals, "England")),
        "Statistical neighbours": html.Td(_compared(row.sn_mean, row.vs_neighbours, decimals, "neighbours")),
    }


def _target(row):
    shown = number(row.target, row.decimals)
    return shown if shown else html.Span("None set", className="none-set")


def _compared(value, significance: str | None, decimals: int, against: str, inline: bool = False) -> list:
    """A comparator's figure, with how this figure compares when it was compared: on a slide,
    "Not compared" under every figure would say nothing the board needs."""
    shown = number(value, decimals)
    if not shown:
        return [html.Span("Not available", className="none-set")]
    parts = [html.Span(shown, className="comparator-figure")]
    if significance:
        parts += [" " if inline else None, significance_badge(significance, against)]
    return [part for part in parts if part is not None]
