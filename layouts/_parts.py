"""Parts every page shares: the page frame, pickers, RAG and direction badges, sparklines."""

from dash import dcc, html

from layouts._service import views
from layouts._state import href, is_projector
from scorecard.views import NotAllowed

RAG_SHAPES = {"green": "●", "amber": "▲", "red": "■", "no judgement": "○"}
RAG_WORDS = {"green": "Green", "amber": "Amber", "red": "Red", "no judgement": "No judgement"}
DIRECTION_SIGNS = {
    "improving": "↗", "worsening": "↘", "no change": "→", "higher": "↑", "lower": "↓",
    "not available": "–",
}
NAV = [
    ("/", "Overview"), ("/scorecard", "Outcome scorecard"), ("/exceptions", "Exceptions"),
    ("/indicators", "Indicators"), ("/upload", "Upload"), ("/loads", "Loads"),
]
SPARKS = "▁▂▃▄▅▆▇█"


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


def sparkline(values: list) -> html.Span:
    """A text sparkline: light, and read out as its numbers by screen readers."""
    known = [value for value in values if value is not None]
    if len(known) < 2:
        return html.Span("")
    low, high = min(known), max(known)
    span = (high - low) or 1
    marks = "".join(" " if v is None else SPARKS[round((v - low) / span * (len(SPARKS) - 1))] for v in values)
    spoken = ", ".join("missing" if v is None else f"{v:g}" for v in values)
    return html.Span(marks, className="sparkline", title=f"Trend: {spoken}", **{"aria-label": f"Trend: {spoken}", "role": "img"})


def number(value, decimals: int) -> str:
    return "" if value is None else f"{value:,.{decimals}f}"


def picker(label: str, id_: str, options: list[tuple[str, str]], value, clearable: bool = False) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=id_, className="picker-label"),
            dcc.Dropdown(
                id=id_, options=[{"label": text, "value": key} for key, text in options], value=value,
                clearable=clearable, searchable=True,
            ),
        ],
        className="picker",
    )


def controls(state: dict) -> html.Div:
    service = views()
    framework = state.get("framework", "ecm")
    return html.Div(
        [
            picker("Area", "pick-area", service.area_choices(), state.get("area", service.home)),
            picker("Quarter", "pick-period", [(q, q) for q in service.quarter_choices()], state.get("period")
                   or service.quarter_choices()[0]),
            picker("Framework", "pick-framework", service.framework_choices(), framework),
            picker("Outcome area", "pick-outcome", [("", "All outcome areas"), *service.outcome_choices(framework)],
                   state.get("outcome", "")),
        ],
        className="controls",
        role="group",
        **{"aria-label": "Choose what the scorecard shows"},
    )


def banners() -> list:
    found = []
    if views().is_demo():
        found.append(html.P(
            [html.Strong("Demonstration data. "), "These figures are invented to show how Scorecard works. "
             "They are not real figures for Dudley or any other area."],
            className="banner banner-demo", role="note",
        ))
    from layouts._service import sign_in_notice
    notice = sign_in_notice()
    if notice:
        found.append(html.P(notice, className="banner banner-sign-in", role="note"))
    return found


def page(path: str, state: dict, title: str, body, with_controls: bool = True) -> html.Div:
    """The frame around every page; projector mode drops the navigation and pickers."""
    if is_projector(state):
        return html.Div([*banners(), html.Main(body, id="main")], className="projector")
    nav = html.Nav(
        html.Ul([
            html.Li(html.A(text, href=href(target, state, indicator=None),
                             className="nav-link current" if target == path else "nav-link",
                             **({"aria-current": "page"} if target == path else {})))
            for target, text in NAV
        ]),
        **{"aria-label": "Pages"},
    )
    projector_link = dcc.Link("Projector mode", href=href(path, state, view="projector"), className="button-secondary", id="projector-on")
    header = html.Header([
        html.Div([html.Span("Scorecard", className="service-name"),
                  html.Span("Children and young people's outcomes", className="service-strap")], className="brand"),
        nav,
        projector_link,
    ], className="site-header")
    parts = [header, *banners(), html.Main([html.H1(title), *([controls(state)] if with_controls else []), body], id="main")]
    return html.Div(parts, className="standard")


def problem_page(path: str, state: dict, title: str, problem: NotAllowed) -> html.Div:
    return page(path, {}, title, html.Div([
        html.P(str(problem), className="error-summary", role="alert"),
        html.P(dcc.Link("Go to the latest scorecard for the home area", href="/scorecard")),
    ]), with_controls=False)


def no_data(message: str) -> html.P:
    return html.P(message, className="no-data")


def chosen(state: dict):
    """The scorecard the URL asks for, checked against the server's lists (NotAllowed if not)."""
    service = views()
    framework = service.checked_framework(state.get("framework"))
    return service.scorecard(
        service.checked_area(state.get("area")),
        service.checked_quarter(state.get("period")),
        framework,
        service.checked_outcome(framework, state.get("outcome")),
    )


def state_of(query: dict) -> dict:
    from layouts._state import KEYS
    return {key: str(query[key]) for key in KEYS if query.get(key)}
