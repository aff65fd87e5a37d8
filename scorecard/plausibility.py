"""Figures far out of line with their peers: England beside its regions, each region beside
the others, for one indicator and period.

A national figure seven times its regions' (first-time entrants: 1,258 beside 141 to 181) is
a count loaded as a rate, or a figure of another unit: worth a warning when it is loaded and
a marker where it is shown, never a silent comparison.
"""

import numpy as np
import pandas as pd

# England's rate is its regions' weighted mean: above them all threefold, or under a tenth
# of them all, it is another unit. Regions differ more among themselves (small categories).
ENGLAND_ABOVE, BELOW, REGION_ABOVE = 3.0, 10.0, 10.0
MIN_PEERS = 3


def out_of_line(frame: pd.DataFrame, levels: dict[str, str], by: list[str]) -> pd.DataFrame:
    """The rows of `frame` (area_code, value, and the `by` columns that make one comparison:
    indicator, period...) far out of line with their peers, with a `why` column in plain words.

    `levels` gives each area's level (england, region); other areas are not judged: LAs
    differ too widely. Column-wise: a LAIT load compares some 4,000 groups."""
    judged_areas = [code for code, level in levels.items() if level in ("england", "region")]
    rows = frame[frame["area_code"].isin(judged_areas)][[*by, "area_code", "value"]].dropna(subset=["value"])
    rows = rows.assign(level=rows["area_code"].map(levels), value=rows["value"].astype("float64"))
    regions = rows[rows["level"] == "region"]
    empty = pd.DataFrame(columns=[*by, "area_code", "why"])
    if regions.empty:
        return empty
    ordered = regions.sort_values("value")
    grouped = ordered.groupby(by, observed=True, sort=False)["value"]
    ordered = ordered.assign(rank=grouped.cumcount(), count=grouped.transform("size"))
    peers = (
        ordered.groupby(by, observed=True, sort=False)
        .agg(count=("count", "first"), low=("value", "min"), high=("value", "max"))
        .reset_index()
    )
    peers["centred"] = peers["low"] <= 0  # a measure centred on zero (progress scores): no ratios
    second_low = ordered[ordered["rank"] == 1][[*by, "value"]].rename(columns={"value": "second_low"})
    second_high = ordered[ordered["rank"] == ordered["count"] - 2][[*by, "value"]].rename(
        columns={"value": "second_high"})
    peers = peers.merge(second_low, on=by, how="left").merge(second_high, on=by, how="left")
    judged = rows.merge(peers, on=by)
    region = judged["level"] == "region"
    # A region is judged against the others: itself left out of their highest and lowest.
    others = judged["count"] - region.astype(int)
    high = np.where(region & (judged["value"] >= judged["high"]), judged["second_high"], judged["high"])
    low = np.where(region & (judged["value"] <= judged["low"]), judged["second_low"], judged["low"])
    above = np.where(region, REGION_ABOVE, ENGLAND_ABOVE)
    value = judged["value"].to_numpy()
    usable = (others >= MIN_PEERS) & ~judged["centred"] & (value > 0)
    too_high = usable & (value > above * high)
    too_low = usable & ~too_high & (value * BELOW < low)
    flagged = judged[too_high | too_low].copy()
    if flagged.empty:
        return empty
    high_f, low_f, value_f = high[too_high | too_low], low[too_high | too_low], flagged["value"].to_numpy()
    flagged["why"] = [
        f"{v:,.6g} is {v / h:.0f} times the highest region's ({h:,.6g})" if v > h
        else f"{v:,.6g} is under a tenth of the lowest region's ({lo:,.6g})"
        for v, h, lo in zip(value_f, high_f, low_f, strict=True)
    ]
    return flagged[[*by, "area_code", "why"]].reset_index(drop=True)
