"""Numbers as analysts type them: '1,281', '8.5%', ' 42 ', symbols, Excel errors."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scorecard.symbols import parse_symbol

EXCEL_ERRORS = {"#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
_NUMBER = r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][-+]?\d+)?$"


@dataclass
class ParsedValues:
    value: pd.Series  # float, NaN where there is no number
    status: pd.Series  # '' for a number or a blank, else the canonical symbol
    blank: pd.Series  # bool: nothing in the cell
    percent: pd.Series  # bool: written with a % sign
    excel_error: pd.Series  # bool
    not_a_number: pd.Series  # bool: text that is neither a number nor a symbol


def parse_values(texts: pd.Series) -> ParsedValues:
    """Parse a column of cell text in one pass; flags say what each cell was."""
    stripped = texts.fillna("").astype(str).str.strip()
    blank = stripped == ""
    excel_error = stripped.str.upper().isin(EXCEL_ERRORS)
    percent = stripped.str.endswith("%")
    numeric_text = stripped.str.removesuffix("%").str.strip()
    looks_numeric = numeric_text.str.match(_NUMBER) & numeric_text.str.contains(r"\d", regex=True)
    value = pd.Series(np.nan, index=texts.index, dtype="float64")
    value[looks_numeric] = pd.to_numeric(
        numeric_text[looks_numeric].str.replace(",", "", regex=False), errors="coerce"
    )
    status = pd.Series("", index=texts.index, dtype="object")
    others = ~(blank | excel_error | looks_numeric)
    if others.any():
        unique = stripped[others].unique()
        symbols = {text: parse_symbol(text) for text in unique}
        status[others] = stripped[others].map(lambda text: symbols[text] or "")
    not_a_number = others & (status == "")
    return ParsedValues(value, status, blank, percent & looks_numeric, excel_error, not_a_number)
