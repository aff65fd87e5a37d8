"""Suppression and missing-value symbols used in published tables.

A symbol is kept as an observation's status and is never turned into zero.
"""

import re

# Canonical symbol -> what it means, in the words DfE uses in its legends.
SYMBOLS: dict[str, str] = {
    "c": "suppressed to protect confidentiality",
    "x": "not available",
    "z": "not applicable",
    "u": "low reliability",
    "low": "rounds to zero, but is not zero",
    "k": "fewer than 0.5 or rounds to zero",
    "b": "break in series",
    ":": "not available (older tables)",
    "..": "not available (older tables)",
    ".": "not applicable (older tables)",
    "-": "missing",
    "n/a": "not applicable",
}

# No figure was ever loaded for the period: not a publisher's symbol, so never in brackets,
# and its own entry in every legend. Its status word is 'none'.
NO_FIGURE = "none"
NO_FIGURE_SHOWN = "\u2013"
NO_FIGURE_MEANING = "no figure loaded"

# Old-style and alternative spellings mapped to their canonical symbol.
# "#N/A" is an Excel error, not a symbol: loaders report it.
# Word processors turn '-' into an en or em dash: it is still the missing-value dash.
_ALIASES = {"na": "n/a", "n.a.": "n/a", "\u2013": "-", "\u2014": "-"}
_BRACKETED = re.compile(r"^\[\s*([^\]]+?)\s*\]$")


def parse_symbol(text: object) -> str | None:
    """The canonical symbol for a cell's text, or None when it is not a symbol."""
    if not isinstance(text, str):
        return None
    cleaned = text.strip().lower()
    bracketed = _BRACKETED.match(cleaned)
    if bracketed:
        cleaned = bracketed.group(1)
    cleaned = _ALIASES.get(cleaned, cleaned)
    return cleaned if cleaned in SYMBOLS else None


def display_symbol(symbol: str) -> str:
    """How a symbol is shown in the app: in square brackets, as DfE does ('c' and '[c]' -> '[c]')."""
    return f"[{parse_symbol(symbol) or symbol.strip('[] ')}]"
