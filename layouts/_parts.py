"""Parts every page shares: the page frame, pickers, RAG and direction badges, sparklines."""

from functools import lru_cache

import dash
from dash import dcc, html

from layouts._projector import deck_href, legacy_redirect, offers_projector
from layouts._state import KEYS, href, is_projector
from service.access import form_token, is_admin, sign_in_notice, signed_in
from service.display import (  # the pages' one way to show a number, a RAG, a signal
    ASSURANCE_SHAPES, DIRECTION_SIGNS, RAG_SHAPES, RAG_WORDS, SIGNIFICANCE_SHAPES, TREND_SHAPES, VARIATION_SHAPES,
    VARIATION_WORDS, number, trend_marks, trend_words,
)
from service.errors import NotAllowed
from service.shared import shared

def signal_badge(shape: str, words: str, kind: str) -> html.Span:
    return html.Span([html.Span(shape, className="signal-shape", **{"aria-hidden": "true"}), words],
                     className=f"signal signal-{kind}")


def significance_badge(word: str | None, against: str) -> html.Span:
    """'= Similar', '+ Better' ...; the comparator is read out to screen readers."""
    if not word:
        return html.Span("Not compared", className="signal-none")
    return html.Span([
        signal_badge(SIGNIFICANCE_SHAPES.get(word, ""), word.capitalize(), "significance"),
        html.Span(f" compared with {against}", className="visually-hidden"),
    ])


def trend_badge(word: str | None) -> html.Span:
    if not word:
        return html.Span("Cannot be calculated", className="signal-none")
    return signal_badge(TREND_SHAPES.get(word, ""), word.capitalize(), "trend")


def spc_badges(variation: str | None, assurance: str | None, trial: bool) -> html.Span:
    """Making Data Count's two icons in words and letters; trial limits claim neither."""
    if variation is None:
        return html.Span("Not charted", className="signal-none")
    if trial:
        return html.Span("Trial limits (fewer than 13 points): no icon", className="signal-none")
    parts = [signal_badge(VARIATION_SHAPES.get(variation, ""), VARIATION_WORDS.get(variation, variation), "variation")]
    if assurance in ASSURANCE_SHAPES:
        parts += [" ", signal_badge(ASSURANCE_SHAPES[assurance], assurance.capitalize(), "assurance")]
    return html.Span(parts)


def rag_badge(word: str) -> html.Span:
    return html.Span(
        [html.Span(RAG_SHAPES[word], className="rag-shape", **{"aria-hidden": "true"}), RAG_WORDS[word]],
        className=f"rag rag-{word.replace(' ', '-')}",
    )


def direction_badge(direction: str) -> html.Span:
    return html.Span(
        [html.Span(DIRECTION_SIGNS.get(direction, ""), **{"aria-hidden": "true"}), " ", direction.capitalize()],
        className=f"direction direction-{direction.replace(' ', '-')}",
    )


def sparkline(values: list, decimals: int) -> html.Span:
    """A text sparkline: light, and read out as its numbers by screen readers."""
    marks = trend_marks(values)
    if not marks:
        return html.Span("")
    spoken = trend_words(values, decimals)
    return html.Span(marks, className="sparkline", title=f"Trend: {spoken}", **{"aria-label": f"Trend: {spoken}", "role": "img"})


def picker(label: str, name: str, options: list[tuple[str, str]], value) -> html.Div:
    """A native select: keyboard and screen-reader friendly, and it needs no script."""
    return html.Div(
        [
            html.Label(label, htmlFor=f"pick-{name}", className="picker-label"),
            html.Select(
                _options(tuple(options), value),
                id=f"pick-{name}", name=name, className="select",
            ),
        ],
        className="picker",
    )


@lru_cache(maxsize=256)
def _options(options: tuple[tuple[str, str], ...], value) -> list[html.Option]:
    """Built once per list and choice: the area list alone has some 200 options."""
    return [html.Option(text, value=key, selected=(key == value)) for key, text in options]


def controls(path: str, state: dict, extra: list | None = None) -> html.Form:
    """A GET form, as GOV.UK filters are: choosing puts the state in the URL, so back,
    forward and copied links all work."""
    service = shared()
    framework = state.get("framework") or service.default_framework
    quarters = service.quarter_choices()
    kept = [dcc.Input(type="hidden", name=key, value=state[key], id=f"keep-{key}") for key in ("indicator", "view") if state.get(key)]
    return html.Form(
        [
            picker("Area", "area", service.area_choices(), state.get("area", service.home)),
            picker("Quarter", "period", [(q, q) for q in quarters], state.get("period") or quarters[0]),
            picker("Framework", "framework", service.framework_choices(), framework),
            picker("Outcome area", "outcome", [("", "All outcome areas"), *service.outcome_choices(framework)],
                   state.get("outcome", "")),
            *basket_picker(service, state),
            *(extra or []),
            *kept,
            html.Button("Show", type="submit", className="button", id="show-button"),
        ],
        action=path, method="get", className="controls",
        **{"aria-label": "Choose what the scorecard shows"},
    )


def basket_picker(service, state: dict) -> list:
    """The baskets of indicators declared for the council; none when there are none."""
    choices = service.basket_choices()
    if not choices:
        return []
    return [picker("Basket", "basket", [("", "All indicators"), *choices], state.get("basket", ""))]


def basket_note(state: dict) -> list:
    """Which basket the page shows, and whose it is."""
    basket = shared().checked_basket(state.get("basket"))
    if basket is None:
        return []
    count = len(basket.indicators)
    return [html.P([html.Strong(f"Basket: {basket.title}. "),
                    f"Owned by {basket.owner}; {count} indicator{'s' * (count != 1)}."],
                   className="basket-note", id="basket-note")]


def banners() -> list:
    found = []
    service = shared()
    if service.is_demo():
        found.append(html.P(
            [html.Strong("Demonstration data. "), "These figures are invented to show how Scorecard works. "
             f"They are not real figures for {service.areas.get(service.home).name} or any other area."],
            className="banner banner-demo", role="note",
        ))
    if not service.is_set_up():
        found.append(html.P("No home area is set up, so England is shown first. An administrator sets one "
                            "up with: scorecard setup --home NAME.", className="banner banner-set-up", role="note"))
    notice = sign_in_notice()
    if notice:
        found.append(html.P(notice, className="banner banner-sign-in", role="note"))
    return found


def page(path: str, state: dict, title: str, body, with_controls: bool = True, extra_controls=None) -> html.Div:
    """The frame around every page; `view=projector` goes to the board deck (layouts/projector.py)."""
    if is_projector(state):
        return legacy_redirect(path, state)
    nav = html.Nav(
        html.Ul([
            html.Li(html.A(text, href=href(target, state, indicator=None),
                             className="nav-link current" if target == path else "nav-link",
                             **({"aria-current": "page"} if target == path else {})))
            for target, text in nav_links()
        ]),
        **{"aria-label": "Pages"},
    )
    projector_link = [dcc.Link("Projector mode", href=deck_href(path, state), className="button-secondary", id="projector-on")
                      ] if offers_projector(path) else []
    header = html.Header([
        html.Div([html.Span("Scorecard", className="service-name"),
                  html.Span("Children and young people's outcomes", className="service-strap")], className="brand"),
        nav,
        *projector_link,
        *account(),
    ], className="site-header")
    parts = [header, html.Main([*banners(), html.H1(title), *basket_note(state),
                                *([controls(path, state, extra_controls)] if with_controls else []), body], id="main")]
    return html.Div(parts, className="standard")


def nav_links() -> list[tuple[str, str]]:
    """The pages registered with `nav=True`, in their declared order. A page registered with
    `admin_only=True` is listed only for admins; the page itself refuses everyone else too."""
    admin = is_admin()
    pages = sorted(dash.page_registry.values(), key=lambda page: page["order"])
    return [(page["path"], page["name"]) for page in pages
            if page.get("nav") and (admin or not page.get("admin_only"))]


def account() -> list:
    """Who is signed in, and a sign-out button (a POST, so a link on another site cannot sign anyone out)."""
    who = signed_in()
    if who is None:
        return []
    name, role = who
    return [html.Div([
        html.Span(f"Signed in as {name} ({role})", className="account-name"),
        html.Form([dcc.Input(type="hidden", name="csrf", value=form_token()),
                   html.Button("Sign out", type="submit", className="button-secondary", id="sign-out")],
                  action="/signout", method="post", className="sign-out"),
    ], className="account")]


def problem_page(path: str, state: dict, title: str, problem: NotAllowed) -> html.Div:
    return page(path, {}, title, html.Div([
        html.P(str(problem), className="error-summary", role="alert"),
        html.P(dcc.Link("Go to the latest scorecard for the home area", href="/scorecard")),
    ]), with_controls=False)


def no_data(message: str) -> html.P:
    return html.P(message, className="no-data")


def chosen(state: dict):
    """The scorecard the URL asks for, checked against the server's lists (NotAllowed if not)."""
    return shared().chosen(state)


def state_of(query: dict) -> dict:
    from layouts._state import KEYS
    return {key: str(query[key]) for key in KEYS if query.get(key)}
