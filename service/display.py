"""How numbers, RAG and signals are shown, for the pages, the command line and the packs alike:
one rounding, half away from zero at the indicator's decimals (scorecard.metrics), so a target
of 2.5 shows as 3; and a word and a shape for every judgement, never colour alone."""

from scorecard.freshness import OUT_OF_DATE_SHAPE, OUT_OF_DATE_WORDS, UPDATE_CYCLE_MONTHS, Age  # noqa: F401
from scorecard.metrics import round_half_away, shown_number
# Periods as pages show them, and the marks for absence and age, declared once in scorecard/.
from scorecard.periods import shown_date, shown_label  # noqa: F401
from scorecard.symbols import NO_FIGURE_MEANING, NO_FIGURE_SHOWN  # noqa: F401

SPARKS = "▁▂▃▄▅▆▇█"

# Worst first, the order summaries and packs list them in.
RAG_SHAPES = {"red": "■", "amber": "▲", "green": "●", "no judgement": "○"}
RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "no judgement": "No judgement"}
DIRECTION_SIGNS = {
    "improving": "↗", "worsening": "↘", "no change": "→", "higher": "↑", "lower": "↓",
    "not available": "–",
}


# Signals: a word and a shape each, in one neutral style (never red or green: a comparison
# with England is a position, and some indicators have no polarity).
SIGNIFICANCE_SHAPES = {
    "similar": "=", "better": "+", "much better": "++", "worse": "−", "much worse": "−−",
    "higher": "↑", "lower": "↓",
}
TREND_SHAPES = {
    "increasing and getting better": "↗", "increasing and getting worse": "↗", "increasing": "↗",
    "decreasing and getting better": "↘", "decreasing and getting worse": "↘", "decreasing": "↘",
    "no significant change": "→",
}
VARIATION_SHAPES = {
    "common cause": "~", "improvement high": "H↑", "improvement low": "L↓", "concern high": "H↑",
    "concern low": "L↓", "neutral high": "H↑", "neutral low": "L↓",
}
VARIATION_WORDS = {
    "common cause": "Common cause", "improvement high": "Improvement (high)", "improvement low": "Improvement (low)",
    "concern high": "Concern (high)", "concern low": "Concern (low)", "neutral high": "Special cause high",
    "neutral low": "Special cause low",
}
ASSURANCE_SHAPES = {"consistently passing": "P", "consistently failing": "F", "inconsistent": "?"}


def number(value: float | None, decimals: int) -> str:
    """'1,281', '80.9'; '' for no number."""
    return shown_number(value, decimals)


def trend_marks(values: list[float | None]) -> str:
    """A text sparkline, lowest to highest; a space for a missing figure, '' with under two."""
    known = [value for value in values if value is not None]
    if len(known) < 2:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1
    steps = len(SPARKS) - 1
    return "".join(" " if v is None else SPARKS[int(round_half_away((v - low) / span * steps, 0))] for v in values)


def trend_words(values: list[float | None], decimals: int) -> str:
    """The same figures in words, for screen readers."""
    return ", ".join("missing" if value is None else number(value, decimals) for value in values)


def rag_text(word: str) -> str:
    """'■ Red': the shape and the word, for plain text."""
    return f"{RAG_SHAPES[word]} {RAG_WORDS[word]}"


def direction_text(direction: str) -> str:
    return f"{DIRECTION_SIGNS.get(direction, '')} {direction.capitalize()}".strip()


def significance_text(word: str | None) -> str:
    return f"{SIGNIFICANCE_SHAPES.get(word, '')} {word.capitalize()}".strip() if word else "Not compared"


def trend_text(word: str | None) -> str:
    return f"{TREND_SHAPES.get(word, '')} {word.capitalize()}".strip() if word else "Cannot be calculated"


def spc_text(variation: str | None, assurance: str | None, trial: bool) -> str:
    """Making Data Count's two icons in letters and words; trial limits claim neither."""
    if variation is None:
        return "Not charted"
    if trial:
        return "Trial limits: no icon"
    text = f"{VARIATION_SHAPES.get(variation, '')} {VARIATION_WORDS.get(variation, variation)}".strip()
    if assurance in ASSURANCE_SHAPES:
        text += f"; {ASSURANCE_SHAPES[assurance]} {assurance.capitalize()}"
    return text


def title_at(title: str, day) -> str:
    """An indicator's title naming its figure's own date: 'Children looked after at 31 March'
    over a 30 September figure reads 'at 30 September'."""
    if day is None or " at 31 March" not in title or (day.month, day.day) == (3, 31):
        return title
    return title.replace(" at 31 March", f" at {day.day} {shown_date(day).split(' ')[1]}", 1)


def age_words(months: int | None) -> str:
    """'9 months old', '2 years 3 months old'; '' for no figure."""
    return "" if months is None else Age(months, False, 0).words
