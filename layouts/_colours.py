"""The colours of the charts, declared once: the area is always GOV.UK blue and each comparator
keeps its own colour, line and marker on every indicator (Okabe and Ito's palette, which
colour-blind readers can tell apart; a line style and a marker shape each, never colour alone)."""

AREA = "#1d70b8"
TARGET = "#0b0c0c"
TOLERANCE_FILL = "rgba(80, 90, 95, 0.18)"  # grey: amber is a RAG colour, and the band is not a judgement
# comparator -> (colour, line dash, marker symbol)
COMPARATORS = {
    "england": ("#d55e00", "dash", "square"),
    "region": ("#cc79a7", "dot", "triangle-up"),
    "sn_mean": ("#009e73", "dashdot", "diamond"),
}
# Townships in the order the area list gives them (data/localities.csv), so each keeps its colour.
LOCALITIES = ["#56b4e9", "#e69f00", "#882255", "#117733", "#44aa99", "#999933", "#332288", "#aa4499"]


def locality_colour(position: int) -> str:
    return LOCALITIES[position % len(LOCALITIES)]
