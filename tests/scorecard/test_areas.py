"""The area reference table and the directory that resolves codes and names."""

import csv

import pandas as pd
import pytest

from scorecard.areas import (
    AREAS_CSV,
    ENGLAND,
    Area,
    AreaDirectory,
    UnknownAreaError,
    load_areas,
    normalise,
)
from tests.paths import EXAMPLE_LOCALITIES, PUBLIC

DEFAULT_HOME_LA = "E08000027"  # Dudley, the example council

DFE_CSVS = (
    "cla_number_and_rate_per_10k_children_2021_2025.csv",
    "b1_children_in_need_2013_to_2024.csv",
    "d5_cpps_at31march_by_duration_2013_to_2025.csv",
    "ons_mid-year_population_estimates_2012_to_2024.csv",
)
needs_public = pytest.mark.skipif(
    not PUBLIC.is_dir(), reason=f"the shared public data is not at {PUBLIC}"
)

# 158 LAs in the DfE files and LAIT; five were abolished (Bournemouth, Poole and Dorset county
# in 2019, Northamptonshire in 2021, Cumbria in 2023), leaving 153.
ALL_LAS = 158
CURRENT_LAS = 153


@pytest.fixture(scope="module")
def areas() -> AreaDirectory:
    return load_areas(AREAS_CSV, EXAMPLE_LOCALITIES)  # with the example council's townships


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (332, "E08000027"),
        (332.0, "E08000027"),
        ("332", "E08000027"),
        ("332.0", "E08000027"),
        (" 332 ", "E08000027"),
        ("E08000027", "E08000027"),
        ("e08000027", "E08000027"),
        ("dudley", "E08000027"),
        (" Dudley ", "E08000027"),
        ("DUDLEY", "E08000027"),
        ("335", "E08000030"),
        ("Walsall", "E08000030"),
        ("808", "E06000004"),
        ("Stockton on Tees", "E06000004"),
        ("stockton-on-tees", "E06000004"),
        ("Bristol, City of", "E06000023"),
        ("bristol city of", "E06000023"),
        ("Bristol City of", "E06000023"),
        ("Bristol", "E06000023"),
        ("801", "E06000023"),
        ("Kingston upon Hull, City of", "E06000010"),
        ("Kingston Upon Hull, City of", "E06000010"),
        ("Herefordshire", "E06000019"),
        ("Herefordshire, County of", "E06000019"),
        ("Durham", "E06000047"),
        ("County Durham", "E06000047"),
        ("St Helens", "E08000013"),
        ("St. Helens", "E08000013"),
        ("Bedford Borough", "E06000055"),
        ("Bournemouth, Christchurch & Poole", "E06000058"),
        ("Bournemouth (Pre LG)", "E06000028"),
        ("837", "E06000028"),
        ("Dorset", "E06000059"),  # the current unitary, not the former county
        ("Dorset (Pre LG)", "E10000009"),
        ("835", "E10000009"),
        ("Northamptonshire", "E10000021"),
        ("928", "E10000021"),
        ("Cumbria", "E10000006"),
        # former GSS codes of LAs that kept their old code
        ("E10000023", "E06000065"),
        ("E10000027", "E06000066"),
        ("E10000002", "E06000060"),
        ("North Yorkshire UA", "E06000065"),
        # England, regions and LAIT's pseudo-LA numbers
        ("England", ENGLAND),
        ("970", ENGLAND),
        ("E92000001", ENGLAND),
        ("West Midlands", "E12000005"),
        ("984", "E12000005"),
        ("Yorkshire and the Humber", "E12000003"),
        ("London", "E12000007"),
        ("London (Inner)", "E13000001"),
        ("988", "E13000002"),
        ("E08000027-BRH", "E08000027-BRH"),
    ],
)
def test_resolve(areas, text, code):
    found = areas.resolve(text)
    assert found is not None, text
    assert found.code == code


@pytest.mark.parametrize("text", ["", "   ", None, float("nan"), "999", "E99999999", "Narnia",
                                  "921.5"])
def test_resolve_nothing(areas, text):
    assert areas.resolve(text) is None


def test_dudley(areas):
    dudley = areas.get(DEFAULT_HOME_LA)
    assert dudley == areas.resolve("332")
    assert (dudley.name, dudley.old_code, dudley.level, dudley.la_type) == (
        "Dudley", "332", "la", "MD")
    assert dudley.region_code == dudley.parent_code == "E12000005"
    assert areas.region_of("Dudley").name == "West Midlands"
    assert dudley.current and areas.successors(dudley.code) == ()


@pytest.mark.parametrize(
    ("former", "successors"),
    [
        ("Northamptonshire", ("North Northamptonshire", "West Northamptonshire")),
        ("928", ("North Northamptonshire", "West Northamptonshire")),
        ("Cumbria", ("Cumberland", "Westmorland and Furness")),
        ("Bournemouth", ("Bournemouth, Christchurch and Poole",)),
        ("Poole", ("Bournemouth, Christchurch and Poole",)),
        ("835", ("Dorset", "Bournemouth, Christchurch and Poole")),
    ],
)
def test_successors(areas, former, successors):
    area = areas.resolve_or_raise(former)
    assert not area.current
    found = areas.successors(former)
    assert tuple(a.name for a in found) == successors
    assert all(a.current and a.level == "la" for a in found)
    for successor in found:
        assert area in areas.predecessors(successor.code)


def test_reorganised_codes(areas):
    assert [a.old_code for a in areas.successors("928")] == ["940", "941"]
    assert [a.code for a in areas.successors("928")] == ["E06000061", "E06000062"]
    assert [a.old_code for a in areas.successors("909")] == ["942", "943"]
    assert [a.code for a in areas.successors("909")] == ["E06000063", "E06000064"]
    assert areas.resolve("839").code == "E06000058"
    assert areas.resolve("838").code == "E06000059"


def test_unknown_area_error(areas):
    with pytest.raises(UnknownAreaError) as caught:
        areas.resolve_or_raise("Dudly")
    message = str(caught.value)
    assert "Dudly" in message and "Dudley (E08000027)" in message
    assert isinstance(caught.value, ValueError)
    with pytest.raises(UnknownAreaError, match="Narnia"):
        areas.resolve_or_raise("Narnia")


def test_level_filter(areas):
    assert areas.resolve("Dudley", level="local").code == "E08000027-DUD"
    assert areas.resolve("Dudley", level="region") is None
    assert areas.resolve("332", level="la").code == "E08000027"


def test_counts(areas):
    regions = areas.regions()
    assert [r.code for r in regions] == [f"E1200000{i}" for i in range(1, 10)]
    assert [r.old_code for r in regions] == ["980", "981", "982", "983", "984", "985", "986",
                                             "989", "990"]
    assert all(r.parent_code == ENGLAND and r.region_code == r.code for r in regions)
    assert len(areas.las()) == ALL_LAS
    assert len(areas.las(current=True)) == CURRENT_LAS
    assert {a.old_code for a in areas.las(current=False)} == {"835", "836", "837", "909", "928"}
    assert len(areas.las(current=True, region="West Midlands")) == 14
    assert [a.code for a in areas.subregions()] == ["E13000001", "E13000002"]
    assert areas.england().old_code == "970"


def test_every_la_is_complete(areas):
    la_types = {"UA", "MD", "SC", "OLB", "ILB"}
    regions = {r.code for r in areas.regions()}
    for la in areas.las():
        assert la.old_code and la.old_code.isdigit() and len(la.old_code) == 3, la
        assert la.la_type in la_types, la
        assert la.region_code in regions, la
        assert la.code[:3] in {"E06", "E08", "E09", "E10"}, la
        if la.code.startswith("E09"):
            assert la.region_code == "E12000007" and la.la_type in {"ILB", "OLB"}, la
        for successor in la.successor_codes:
            assert areas.get(successor).current


def test_localities():
    areas = load_areas(AREAS_CSV, EXAMPLE_LOCALITIES)
    townships = areas.localities(DEFAULT_HOME_LA)
    assert [t.name for t in townships] == [
        "Brierley Hill", "Dudley", "Halesowen", "Sedgley", "Stourbridge"]
    assert all(t.level == "local" and t.kind == "township" for t in townships)
    assert all(t.parent_code == DEFAULT_HOME_LA and t.region_code == "E12000005"
               for t in townships)
    assert areas.localities("Dudley") == townships
    assert areas.localities("Walsall") == []
    assert areas.region_of("E08000027-HAL").code == "E12000005"


def test_normalise():
    assert normalise("Bristol, City of") == normalise("bristol  city of") == "bristol city of"
    assert normalise("Bournemouth, Christchurch & Poole") == normalise(
        "Bournemouth Christchurch and Poole")
    assert normalise("King’s Lynn") == normalise("Kings Lynn")


def test_area_is_frozen():
    area = Area(code="X", name="X", level="la")
    with pytest.raises(AttributeError):
        area.name = "Y"  # type: ignore[misc]


def test_directory_rejects_bad_data(tmp_path):
    with pytest.raises(ValueError, match="duplicate"):
        AreaDirectory([Area("E1", "A", "la"), Area("E1", "B", "la")])
    with pytest.raises(ValueError, match="unknown successor"):
        AreaDirectory([Area("E1", "A", "la", successor_codes=("E2",))])
    bad = tmp_path / "areas.csv"
    bad.write_text("code,name\nE1,A\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing column"):
        load_areas(bad, None)


def test_csv_codes_are_unique_and_well_formed():
    with AREAS_CSV.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    assert all(len(c) == 9 and c.startswith("E") for c in codes)
    assert {r["level"] for r in rows} == {"england", "region", "subregion", "la"}


# -- every code in the published files resolves ----------------------------------------------


@needs_public
@pytest.mark.parametrize("file", DFE_CSVS)
def test_every_dfe_la_resolves(areas, file):
    frame = pd.read_csv(PUBLIC / file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    local = frame[frame["geographic_level"] == "Local authority"]
    keys = local[["old_la_code", "new_la_code", "la_name"]].drop_duplicates()
    assert len(keys) > 100
    for old, new, name in keys.itertuples(index=False):
        by_old, by_new, by_name = areas.resolve(old), areas.resolve(new), areas.resolve(name)
        assert by_old is not None, (file, old)
        assert by_new is by_old, (file, old, new)
        assert by_old.level == "la"
        if name != "Dorset":  # the former county and the unitary share the name
            assert by_name is by_old, (file, old, name)
    regional = frame[frame["geographic_level"] == "Regional"]["region_code"].unique()
    for code in regional:
        assert areas.resolve(code) is not None, (file, code)


@needs_public
def test_every_lait_number_resolves(areas):
    lait = pd.read_parquet(PUBLIC / "lait_long.parquet", columns=["LA Number", "LA and Regions"])
    pairs = lait.drop_duplicates()
    assert len(pairs) == 170
    for number, name in pairs.itertuples(index=False):
        area = areas.resolve(number)
        assert area is not None, number
        assert areas.resolve(str(number)) is area  # '332.0'
        assert areas.resolve(name) is area, (number, name)


@needs_public
def test_la_code_list_matches(areas):
    codes = pd.read_excel(PUBLIC / "la_code_list.xlsx", engine="openpyxl")
    las = codes[codes["Type"].isin(["UA", "MD", "SC", "OLB", "ILB"])]
    assert len(las) == ALL_LAS
    for number, name, _region, la_type in las.itertuples(index=False):
        area = areas.resolve(number)
        assert area is not None and area.la_type == la_type, (number, name)
        assert areas.resolve(name) is area, (number, name)
