"""Build data/areas.csv, Scorecard's own table of English areas, from the published files.

Kept for provenance: the CSV it writes is committed, and the app never reads the sources.

    .venv/bin/python tools/build_areas.py [--src ../shared/data/public] [--out data/areas.csv]

Sources (all in the shared public data folder, see its SOURCES.md):
  la_code_list.xlsx                LAIT's LA list: old 3-digit code, name, region, LA type
  lait_long.parquet                LAIT data: `LA Number` and `LA and Regions` spellings
  four DfE EES CSVs (CLA, CIN, CPP, ONS population) and the NCCIS NEET CSV:
                                   old_la_code, new_la_code (GSS), la_name, region_code by year
  statistical_neighbours_*.csv     more name spellings, keyed on old codes
  fingertips_*.csv                 OHID spellings, keyed on GSS codes

What is decided by hand (and why) is in the constants below: the reorganisations, the region
list and a few hand aliases. Everything else comes from the files, and the checks at the end
stop the build if a known fact (Dudley 332 / E08000027 ...) does not hold.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SRC = REPO.parent / "shared" / "data" / "public"
DEFAULT_OUT = REPO / "data" / "areas.csv"

DFE_CSVS = (
    "cla_number_and_rate_per_10k_children_2021_2025.csv",
    "b1_children_in_need_2013_to_2024.csv",
    "d5_cpps_at31march_by_duration_2013_to_2025.csv",
    "ons_mid-year_population_estimates_2012_to_2024.csv",
    "neet_not_known_16_17_la_2023.csv",
)

ENGLAND = ("E92000001", "970", "England")

# GSS code, LAIT number (la_code_list rows 980-990), DfE name.
REGIONS = (
    ("E12000001", "980", "North East"),
    ("E12000002", "981", "North West"),
    ("E12000003", "982", "Yorkshire and The Humber"),
    ("E12000004", "983", "East Midlands"),
    ("E12000005", "984", "West Midlands"),
    ("E12000006", "985", "East of England"),
    ("E12000007", "986", "London"),
    ("E12000008", "989", "South East"),
    ("E12000009", "990", "South West"),
)

# Inner and Outer London: the DfE CSVs give them as region_code of London LAs and have
# 'Regional' rows for them; LAIT has them as 987/988. Level 'subregion', inside London.
SUBREGIONS = (
    ("E13000001", "987", "Inner London", ("London (Inner)",)),
    ("E13000002", "988", "Outer London", ("London (Outer)",)),
)
LONDON = "E12000007"

# old code -> (successor old codes, note). Successor GSS codes are looked up from the data.
REORGANISATIONS = {
    "835": (
        ("838", "839"),
        "Former Dorset County Council (county E10000009), abolished 1 April 2019: replaced by "
        "the Dorset unitary (838, E06000059), except Christchurch, which joined Bournemouth, "
        "Christchurch and Poole (839). DfE data to 2018-19.",
    ),
    "836": (
        ("839",),
        "Former Poole unitary, abolished 1 April 2019: merged into Bournemouth, Christchurch "
        "and Poole (839). DfE data to 2018-19.",
    ),
    "837": (
        ("839",),
        "Former Bournemouth unitary, abolished 1 April 2019: merged into Bournemouth, "
        "Christchurch and Poole (839). DfE data to 2018-19.",
    ),
    "928": (
        ("940", "941"),
        "Former Northamptonshire County Council, abolished 1 April 2021: split into North "
        "Northamptonshire (940) and West Northamptonshire (941); DfE data for the new LAs from "
        "2021-22 (the CLA 2021-2025 file back-fills them from 2021 and keeps 928 with x). "
        "Children's services for both are run by Northamptonshire Children's Trust.",
    ),
    "909": (
        ("942", "943"),
        "Former Cumbria County Council, abolished 1 April 2023: split into Cumberland (942) and "
        "Westmorland and Furness (943); DfE data for the new LAs from 2023-24 (the CLA "
        "2021-2025 file back-fills them from 2021 and keeps 909 with x).",
    ),
}

# Notes for LAs that kept their old code but changed GSS code or status.
NOTES = {
    "825": "Became a unitary on 1 April 2020 (GSS E10000002 -> E06000060); LAIT still types it SC.",
    "815": "Became a unitary on 1 April 2023 (GSS E10000023 -> E06000065); LAIT still types it "
    "SC. The CLA 2021-2025 file uses E06000065 for all years, the CIN and CPP files E10000023 "
    "to 2023.",
    "933": "Became a unitary on 1 April 2023 (GSS E10000027 -> E06000066); LAIT still types it "
    "SC. The CLA 2021-2025 file uses E06000066 for all years, the CIN and CPP files E10000027 "
    "to 2023.",
    "838": "Dorset unitary from 1 April 2019 (replaced Dorset County Council, 835, less "
    "Christchurch). DfE data from 2019-20.",
    "839": "Created 1 April 2019 from Bournemouth (837), Poole (836) and Christchurch (from "
    "Dorset, 835). DfE data from 2019-20.",
    "940": "Created 1 April 2021 from Northamptonshire (928).",
    "941": "Created 1 April 2021 from Northamptonshire (928).",
    "942": "Created 1 April 2023 from Cumbria (909).",
    "943": "Created 1 April 2023 from Cumbria (909).",
}

# Everyday spellings not (or not exactly) in the files, added by hand.
HAND_ALIASES = {
    "801": ("Bristol", "City of Bristol"),
    "810": ("Hull", "Kingston upon Hull"),
    "884": ("Herefordshire",),
    "840": ("Durham",),
    "342": ("St Helens",),
    "882": ("Southend",),
    "839": ("BCP",),
}

TYPE_BY_PREFIX = {"E06": "UA", "E08": "MD", "E10": "SC"}
LA_TYPES = {"UA", "MD", "SC", "OLB", "ILB"}


def old_code(value) -> str:
    """'332', 332, 332.0 -> '332'; blanks -> ''."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value).strip()
    if re.fullmatch(r"\d+(\.0+)?", text):
        return str(int(float(text)))
    return text


def read_sources(src: Path):
    names: dict[str, list[str]] = defaultdict(list)  # old code -> spellings, best first
    gss_years: dict[str, dict[str, int]] = defaultdict(dict)  # old -> gss -> newest year
    gss_files: dict[tuple[str, str], set[str]] = defaultdict(set)
    regions: dict[str, set[str]] = defaultdict(set)  # old -> region codes used
    gss_names: dict[str, set[str]] = defaultdict(set)

    def add_name(code: str, name) -> None:
        name = str(name).strip() if name is not None and not pd.isna(name) else ""
        if name and name not in names[code]:
            names[code].append(name)

    # The DfE EES CSVs first, so that their spelling is the primary one.
    for file in DFE_CSVS:
        frame = pd.read_csv(src / file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        frame = frame[frame["geographic_level"] == "Local authority"]
        keys = frame[["old_la_code", "new_la_code", "la_name", "region_code", "time_period"]]
        for old, new, name, region, period in keys.drop_duplicates().itertuples(index=False):
            old = old_code(old)
            year = int(str(period)[:4])
            add_name(old, name)
            gss_years[old][new] = max(year, gss_years[old].get(new, 0))
            gss_files[(old, new)].add(file)
            regions[old].add(region)

    lait_list = pd.read_excel(src / "la_code_list.xlsx", engine="openpyxl")
    lait_types = {}
    lait_regions = {}
    for number, name, region, kind in lait_list.itertuples(index=False):
        code = old_code(number)
        if isinstance(kind, str) and kind.strip() in LA_TYPES:
            lait_types[code] = kind.strip()
            lait_regions[code] = region
            add_name(code, name)

    lait = pd.read_parquet(src / "lait_long.parquet", columns=["LA Number", "LA and Regions"])
    lait_numbers = {}
    for number, name in lait.drop_duplicates().itertuples(index=False):
        lait_numbers[old_code(number)] = str(name).strip()
        if old_code(number) in lait_types or old_code(number) in gss_years:
            add_name(old_code(number), name)

    sn21 = pd.read_csv(src / "statistical_neighbours_2021.csv", dtype=str, encoding="utf-8-sig",
                       keep_default_na=False)
    for number, name in sn21[["LA num", "LA Name"]].itertuples(index=False):
        if number.strip():
            add_name(old_code(number), name)
    sn25 = pd.read_csv(src / "statistical_neighbours_2025_wide.csv", dtype=str,
                       encoding="utf-8-sig", keep_default_na=False)
    for number, name in sn25[["old_la_code", "la_name"]].itertuples(index=False):
        if number.strip():
            add_name(old_code(number), name)

    tips = pd.read_csv(src / "fingertips_hospital_admissions_injury_0_14.csv", dtype=str,
                       keep_default_na=False, usecols=["Area Code", "Area Name"])
    for code, name in tips.drop_duplicates().itertuples(index=False):
        gss_names[code].add(name.strip())

    return dict(
        names=names, gss_years=gss_years, gss_files=gss_files, regions=regions,
        gss_names=gss_names, lait_types=lait_types, lait_regions=lait_regions,
        lait_numbers=lait_numbers,
    )


def build(src: Path) -> tuple[list[dict], list[str]]:
    s = read_sources(src)
    findings: list[str] = []
    rows: list[dict] = []

    rows.append(dict(code=ENGLAND[0], old_code=ENGLAND[1], name=ENGLAND[2], level="england",
                     region_code="", la_type="", successor_codes="", former_codes="",
                     aliases="", notes="LAIT number 970; la_code_list also has 1000 'England "
                     "(discontinued)', not used here."))
    for gss, number, name in REGIONS:
        lait_name = s["lait_numbers"].get(number, "")
        aliases = [lait_name] if lait_name and lait_name != name else []
        rows.append(dict(code=gss, old_code=number, name=name, level="region", region_code=gss,
                         la_type="", successor_codes="", former_codes="",
                         aliases=";".join(aliases), notes=""))
    for gss, number, name, aliases in SUBREGIONS:
        rows.append(dict(code=gss, old_code=number, name=name, level="subregion",
                         region_code=LONDON, la_type="", successor_codes="", former_codes="",
                         aliases=";".join(aliases),
                         notes="Statistical sub-region of London used by DfE (region_code of "
                         "London LAs in EES files) and LAIT; not one of the nine regions."))

    region_by_name = {name.lower(): gss for gss, _, name in REGIONS}
    old_codes = sorted(set(s["gss_years"]) | set(s["lait_types"]), key=int)
    lait_las = {c for c in s["lait_numbers"] if int(c) < 970}
    if missing := lait_las - set(old_codes):
        raise SystemExit(f"LAIT numbers with no LA row: {sorted(missing)}")

    newest_gss = {}
    for old in old_codes:
        years = s["gss_years"].get(old, {})
        if not years:
            raise SystemExit(f"{old}: in la_code_list but in no DfE CSV, so no GSS code")
        ordered = sorted(years, key=lambda g: (years[g], g), reverse=True)
        newest_gss[old] = ordered
        if len(ordered) > 1:
            def files(gss: str) -> str:
                return ", ".join(sorted(f.split("_")[0] for f in s["gss_files"][(old, gss)]))

            detail = "; ".join(f"{g} to {years[g]} in {files(g)}" for g in ordered)
            findings.append(f"{old} {s['names'][old][0]}: several GSS codes: {detail}")

    for old in old_codes:
        codes = newest_gss[old]
        code = codes[0]
        names = s["names"][old]
        name = names[0]
        # London LAs carry Inner/Outer London (E13) in the EES files, London (E12000007) in NEET.
        raw_regions = {r for r in s["regions"].get(old, set()) if r}
        region_codes = {LONDON if r.startswith("E13") else r for r in raw_regions}
        if len(region_codes) > 1:
            findings.append(f"{old} {name}: several region codes {sorted(region_codes)}")
        region = next(iter(region_codes), "")
        if not region:
            region = region_by_name.get(str(s["lait_regions"].get(old, "")).lower(), "")
        la_type = s["lait_types"].get(old) or TYPE_BY_PREFIX.get(code[:3], "")
        if not la_type and code.startswith("E09"):
            la_type = "ILB" if "E13000001" in raw_regions else "OLB"
        if code.startswith("E09") and raw_regions - {LONDON}:
            sub = "ILB" if "E13000001" in raw_regions else "OLB"
            if sub != la_type:
                findings.append(f"{old} {name}: la_code_list type {la_type}, DfE sub-region {sub}")
        implied = TYPE_BY_PREFIX.get(code[:3])
        if implied and old in s["lait_types"] and implied != s["lait_types"][old]:
            findings.append(
                f"{old} {name}: la_code_list type {s['lait_types'][old]} but GSS {code} "
                f"implies {implied}"
            )
        successors, note = REORGANISATIONS.get(old, ((), NOTES.get(old, "")))
        successor_codes = [newest_gss[x][0] for x in successors]
        aliases = [n for n in names[1:]]
        for gss in codes:
            aliases += [n for n in sorted(s["gss_names"].get(gss, ())) if n not in aliases]
        aliases += [a for a in HAND_ALIASES.get(old, ()) if a not in aliases]
        aliases = [a for a in aliases if a != name]
        rows.append(dict(code=code, old_code=old, name=name, level="la", region_code=region,
                         la_type=la_type, successor_codes=";".join(successor_codes),
                         former_codes=";".join(codes[1:]), aliases=";".join(aliases),
                         notes=note))
    check(rows)
    return rows, findings


def check(rows: list[dict]) -> None:
    by_old = {r["old_code"]: r for r in rows if r["level"] == "la"}
    expected = {
        "332": ("E08000027", "Dudley", "E12000005", "MD"),
        "335": ("E08000030", "Walsall", "E12000005", "MD"),
        "808": ("E06000004", "Stockton-on-Tees", "E12000001", "UA"),
        "928": ("E10000021", "Northamptonshire", "E12000004", "SC"),
        "909": ("E10000006", "Cumbria", "E12000002", "SC"),
    }
    for old, (code, name, region, kind) in expected.items():
        row = by_old[old]
        got = (row["code"], row["name"], row["region_code"], row["la_type"])
        assert got == (code, name, region, kind), (old, got)
    assert by_old["928"]["successor_codes"] == "E06000061;E06000062"
    assert by_old["909"]["successor_codes"] == "E06000063;E06000064"
    assert by_old["836"]["successor_codes"] == by_old["837"]["successor_codes"] == "E06000058"
    assert by_old["835"]["code"] == "E10000009" and by_old["838"]["code"] == "E06000059"
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes)), "duplicate GSS codes"
    olds = [r["old_code"] for r in rows]
    assert len(olds) == len(set(olds)), "duplicate old codes"
    assert all(r["region_code"] for r in rows if r["level"] != "england")
    assert all(r["la_type"] for r in rows if r["level"] == "la")


COLUMNS = ["code", "old_code", "name", "level", "region_code", "la_type", "successor_codes",
           "former_codes", "aliases", "notes"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=DEFAULT_SRC)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    rows, findings = build(args.src)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    las = [r for r in rows if r["level"] == "la"]
    current = [r for r in las if not r["successor_codes"]]
    print(f"wrote {args.out}: {len(rows)} areas, {len(las)} LAs ({len(current)} current)")
    for line in findings:
        print("  note:", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
