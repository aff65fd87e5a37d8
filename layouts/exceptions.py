"""Exceptions: the indicators that meet the exception rule (data/exceptions.yaml), each in a
compact block with why, its comparators, its commentary (once, with author and time) and the
clinic's actions. Rows that could not be judged are counted: no exceptions among the judged
is never "no exceptions" while judgements are missing. Overdue actions are listed first."""

import dash
from dash import dcc, html

from layouts import _action_list, _commentary
from layouts._action_list import actions_box, status_badge
from layouts._commentary import commentary_box
from layouts._judgement import gaps_notice
from layouts._parts import (
    chosen,
    direction_badge,
    no_data,
    number,
    page,
    problem_page,
    rag_badge,
    significance_badge,
    spc_badges,
    state_of,
    trend_badge,
)
from layouts._state import href
from service import clinic_actions, judgements
from service.errors import NotAllowed
from service.shared import shared

dash.register_page(__name__, path="/exceptions", title="Exceptions - Scorecard", name="Exceptions", order=2, nav=True)
# The clinic's commentary and action buttons, wherever they are drawn (the Indicator page too).
_commentary.register()
_action_list.register()


def layout(**query):
    state = state_of(query)
    try:
        card = chosen(state)
    except NotAllowed as problem:
        return problem_page("/exceptions", state, "Exceptions", problem)
    service = shared()
    rows = service.exceptions(card)
    actions = clinic_actions.actions_in(service, card.area.code, card.quarter)
    notes = service.commentary_notes(card.area.code, card.quarter.label, [row.indicator_id for row in rows])
    intro = html.Div([
        html.P(f"{card.area.name}, {card.quarter.label}: the indicators that meet any of these.", className="lede"),
        html.Ul([html.Li(rule) for rule in service.exception_rules()], className="exception-rules"),
    ])
    gaps = judgements.gaps(card)
    parts = [intro, *[part for part in [gaps_notice(card, state)] if part is not None], *overdue(actions, card, state)]
    if not rows and not any(row.period_label for row in card.rows):
        parts = [intro, no_data(f"There are no figures for {card.area.name} up to {card.quarter.label}, so nothing "
                                "can be judged. Load a workbook, or choose another quarter.")]
    elif not rows:
        parts.append(no_data(nothing_met(gaps, len(card.rows))))
    else:
        by_indicator = clinic_actions.by_indicator(actions)
        parts += [exception(row, state, notes.get(row.indicator_id), by_indicator.get(row.indicator_id, []))
                  for row in rows]
    return page("/exceptions", state, "Exceptions", html.Div(parts))


def nothing_met(gaps: judgements.Gaps, total: int) -> str:
    """Never "no exceptions" while some rows could not be judged."""
    if not gaps.unjudged:
        return "There are no exceptions this quarter."
    judged = total - gaps.unjudged
    return (f"None of the {judged} indicators that could be judged meets these, but {gaps.unjudged} of {total} "
            "could not be judged (see above), so this is not a clean bill of health.")


def overdue(actions, card, state) -> list:
    late = [action for action in actions if action.status == "overdue"]
    if not late:
        return []
    titles = {row.indicator_id: row.short_title for row in card.rows}
    return [html.Section([
        html.H2(f"Overdue actions ({len(late)})"),
        html.Ul([html.Li([
            status_badge("overdue"), " ",
            dcc.Link(titles.get(action.indicator_id, action.indicator_id),
                     href=href("/indicator", state, indicator=action.indicator_id, view=None)),
            f": {action.what} — {action.owner}, due {action.due:%d %b %Y}.",
        ]) for action in late], className="actions"),
    ], className="overdue-actions", id="overdue-actions")]


def exception(row, state, note, actions) -> html.Section:
    """One exception in a few lines: figures and comparators on the left, commentary and
    actions on the right (stacked on a narrow screen)."""
    decimals = row.decimals
    figures = html.Div([
        html.Div([html.H2(dcc.Link(row.short_title, href=href("/indicator", state, indicator=row.indicator_id,
                                                              view=None)), className="exception-title"),
                  html.P([
            rag_badge(row.rag), " ", direction_badge(row.direction), " ",
            html.Strong(row.shown, className="figure-inline"), f" ({row.period_label})",
            f"; target {number(row.target, decimals)}" if row.target is not None else "",
        ], className="exception-summary")], className="exception-head"),
        html.P([html.Strong("Why: "), "; ".join(row.exception_reasons) + ". ",
                html.Span(row.narrative or "", className="narrative")], className="exception-why"),
        html.P([
            f"England {number(row.england, decimals)} ", significance_badge(row.vs_england, "England"),
            f" · Region {number(row.region, decimals)} ", significance_badge(row.vs_region, "the region"),
            f" · Neighbours {number(row.sn_mean, decimals)} ", significance_badge(row.vs_neighbours, "neighbours"),
            f" · {row.quartile} band, rank {row.rank} of {row.rank_of}" if row.rank else "",
            " · Recent trend: ", trend_badge(row.recent_trend), " · Variation: ",
            spc_badges(row.spc_variation, row.spc_assurance, row.spc_trial),
            html.Span(f" · {row.outcome_area_title}", className="muted"),
        ], className="exception-signals"),
    ], className="exception-figures")
    clinic = html.Div([
        commentary_box(row.indicator_id, row.short_title, note),
        actions_box(row.indicator_id, row.short_title, actions),
    ], className="exception-clinic")
    return html.Section([figures, clinic], className=f"exception exception-{row.rag.replace(' ', '-')}",
                        id=f"note-{row.indicator_id}", **{"aria-label": row.short_title})
