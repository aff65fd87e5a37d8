"""Suppression and missing-value symbols (DESIGN.md, "Symbols: never turn them into zero")."""

import pytest

from scorecard.metrics import Figure, rate
from scorecard.symbols import SYMBOLS, display_symbol, parse_symbol

# The catalogue of symbols in DESIGN.md, written out by hand: cell text -> canonical symbol.
CATALOGUE = [
    ("c", "c"), ("x", "x"), ("z", "z"), ("u", "u"), ("low", "low"), ("k", "k"), ("b", "b"),
    (":", ":"), ("..", ".."), (".", "."), ("-", "-"), ("N/A", "n/a"), ("n/a", "n/a"),
]
BRACKETED = [
    ("[c]", "c"), ("[x]", "x"), ("[z]", "z"), ("[u]", "u"), ("[low]", "low"), ("[k]", "k"),
    ("[b]", "b"), ("[:]", ":"), ("[..]", ".."), ("[N/A]", "n/a"),
]
SPELLINGS = [
    (" c ", "c"), ("C", "c"), ("X", "x"), ("LOW", "low"), ("Low", "low"), ("[ x ]", "x"),
    ("[C]", "c"), ("NA", "n/a"), ("n.a.", "n/a"), ("\u2013", "-"), ("\u2014", "-"),
]


@pytest.mark.parametrize("text, symbol", CATALOGUE + BRACKETED + SPELLINGS)
def test_every_symbol_is_recognised(text, symbol):
    assert parse_symbol(text) == symbol


def test_the_catalogue_is_complete_and_explained():
    # Every symbol DESIGN.md lists has a meaning for the legend, and there are no others.
    assert set(SYMBOLS) == {symbol for _, symbol in CATALOGUE}
    assert all(meaning.strip() for meaning in SYMBOLS.values())
    assert SYMBOLS["c"] == "suppressed to protect confidentiality"


@pytest.mark.parametrize(
    "text",
    [
        "#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?",  # Excel errors: loaders report them
        "0", "12", "0.0", "-1", "80.9", "twelve", "cc", "[c", "c]", "[]", "", "   ",
        None, 5, 0, 80.85, float("nan"),
    ],
)
def test_values_blanks_and_excel_errors_are_not_symbols(text):
    assert parse_symbol(text) is None


@pytest.mark.parametrize(
    "symbol, shown",
    [("c", "[c]"), ("x", "[x]"), ("low", "[low]"), ("..", "[..]"), ("-", "[-]"), ("n/a", "[n/a]"),
     ("[c]", "[c]"), ("N/A", "[n/a]"), ("C", "[c]")],
)
def test_display_symbol_in_square_brackets(symbol, shown):
    assert display_symbol(symbol) == shown


@pytest.mark.parametrize("symbol", sorted(SYMBOLS))
def test_no_symbol_becomes_zero(symbol):
    # A figure with a symbol has no value, shows the symbol, and so does a rate made from it.
    figure = Figure(None, symbol)
    assert not figure.is_available
    assert figure.shown(0) == f"[{symbol}]"
    assert rate(figure, 71_124, 10_000, 0) == Figure(None, symbol)
