"""Page state lives in the URL: area, period, framework, outcome, basket, indicator and view."""

from urllib.parse import parse_qs, urlencode

KEYS = ("area", "period", "framework", "outcome", "indicator", "view", "rag", "q", "order", "basket")


def from_search(search: str | None) -> dict:
    values = parse_qs((search or "").lstrip("?"))
    return {key: values[key][0] for key in KEYS if values.get(key)}


def href(path: str, state: dict, **changes) -> str:
    merged = {**state, **changes}
    query = urlencode({key: merged[key] for key in KEYS if merged.get(key)})
    return f"{path}?{query}" if query else path


def is_projector(state: dict) -> bool:
    return state.get("view") == "projector"
