"""Figures far out of line with their peers: England beside its regions, each region beside
the others, for one indicator and period.

A national figure thirteen times its regions' (first-time entrants: 1,258 beside 141) is a
count loaded as a rate, or a figure of another unit: worth a warning when it is loaded and
a marker where it is shown, never a silent comparison.
"""

# England's rate is its regions' weighted mean: above them all threefold, or under a tenth
# of them all, it is another unit. Regions differ more among themselves (small categories).
ENGLAND_ABOVE, BELOW, REGION_ABOVE = 3.0, 10.0, 10.0
MIN_PEERS = 3


def out_of_line(values: dict[str, float], levels: dict[str, str]) -> dict[str, str]:
    """Area code -> why its figure looks wrong, for one indicator and period.

    `values` holds each area's figure; `levels` each area's level (england, region, la)."""
    regions = {code: value for code, value in values.items() if levels.get(code) == "region"}
    if any(value <= 0 for value in regions.values()):
        return {}  # a measure centred on zero (progress scores): ratios mean nothing
    found = {}
    for code, value in values.items():
        level = levels.get(code)
        if level not in ("england", "region") or not value > 0:
            continue
        peers = [other for peer, other in regions.items() if peer != code]
        if len(peers) < MIN_PEERS:
            continue
        highest, lowest = max(peers), min(peers)
        above = ENGLAND_ABOVE if level == "england" else REGION_ABOVE
        if value > above * highest:
            found[code] = f"{value:,.6g} is {value / highest:.0f} times the highest region's ({highest:,.6g})"
        elif value * BELOW < lowest:
            found[code] = f"{value:,.6g} is under a tenth of the lowest region's ({lowest:,.6g})"
    return found
