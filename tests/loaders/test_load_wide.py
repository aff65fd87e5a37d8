"""Older DfE underlying data in wide layouts: small files written here in the exact shapes
of real ones (each names its example in BenGoodair/childrens_social_care_data), to show
areas found by whichever code columns a release used, years from column names, a year
column or the file's name, rounding of national and regional counts, and refusals that
name what is missing."""

from functools import cache
from pathlib import Path

from loaders import wide
from loaders.context import LoadContext
from loaders.pipeline import Source, load_file, read_file
from scorecard import schema
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from tests.workbooks import fresh_store
from tests.paths import PUBLIC

DUDLEY, ENGLAND, INNER_LONDON = "E08000027", "E92000001", "E13000001"


@cache
def context() -> LoadContext:
    return LoadContext(load_catalogue(), load_areas(), DUDLEY)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    return path


def read(path: Path):
    kind, batch, problems, _rows = read_file(path, context())
    frame = batch.tables.get("observation")
    return kind, (frame.set_index(["area_code", "period"]) if frame is not None else None), problems


# Children_Placement_Characteristics/2015/SFR34_CLA2015.csv (and 2012/UnderlyingData/SFR20_CLA2012.csv):
# New_geog_code, then geog_l (level), geog_c (old code, region letter, 999) and geog_n; Inner
# and Outer London carry London's region code.
SFR34_CLA = """
New_geog_code,geog_l,geog_c,geog_n,CLA_Mar2015,CLA_2015,CLA_stp2015,CLA_male,CLA_female
E92000001,NATIONAL,999,ENGLAND,69540,99230,2820,38530,31010
E12000005,REGION,E,WEST MIDLANDS,9370,12790,180,5030,4340
E12000007,REGION,G,LONDON,10000,15660,320,5790,4210
E12000007,REGION,H,INNER LONDON,4220,6590,100,2380,1840
E09000001,LA,201,City of London,8,11,0,x,x
E08000027,LA,332,Dudley,739,924,18,391,348
E08000030,LA,335,Walsall,607,816,42,325,282
"""

# Children_Placement_Characteristics/2010/SFR27_2010_March.csv: no new codes; geog_c is 921
# for England (also Isle of Wight's LA code) and the 0-17 population is beside the count.
SFR27_MARCH = """
geog_l,geog_c,geog_n,MarTotal_2010,Mid2009Pop0-17,MarPlace_Q1_2010,MarPlace_Q2_2010
National,921,England,64400,11012300,x,170
GOR,A,North East ,3650,524900,0,10
LA,332,Dudley,613,65700,0,0
LA,921,Isle of Wight,179,26400,0,0
"""

# Children_Outcomes/2012_underlying/SFR32_2012_OC2_LA_Tables_UD.csv: country, gor and la
# columns, no level column; counts with thousands commas; 'Yorks & the Humber '.
SFR32_OC2 = """
country_code,country_name,gor_code,gor_name,la_code,la_9digit,la_name,CLA_12_months_2012,CLA_12_months_2012_10plus,CLA_12_months_2012_5under,caution_conviction,substance_misuse
921,England,,,,,,"46,590","29,800","9,430","2,060","1,900"
921,England,D,Yorks & the Humber ,,,,"5,330","3,070","1,320",220,150
921,England,,Inner London,,,,"3,140","2,240",480,180,170
921,England,F,West Midlands,332,E08000027,Dudley,520,300,124,12,19
921,England,K,South West ,801,E06000023,City of Bristol,481,350,69,37,38
921,England,A,North East ,841,E06000005,Darlington,118,92,19,x,x
"""

# Children_Outcomes/2012_underlying/SFR32_2012_TableLA3_KS4_UD.csv: one column per measure per year.
SFR32_KS4 = """
country_code,country_name,gor_code,gor_name,la_code,la_9digit,la_name,Elig_KS4_2011,Level2_2011,5_GCSE_EM_2011,GCSE_EM_2011,Elig_KS4_2012,Level2_2012,5_GCSE_EM_2012,GCSE_EM_2012
921,England,,,,,,5030,1680,680,710,4850,1790,710,730
921,England,F,West Midlands,332,E08000027,Dudley,36,14,8,8,36,19,8,8
921,England,G,East of England ,822,E06000055,Bedford Borough,.,.,.,.,18,x,x,x
"""

# Children_Outcomes/2017_underlying/SFR20_2018_Table3_KS4_UD.csv: no year anywhere but the
# file's name (published March 2018, for the 2016/17 academic year).
SFR20_KS4 = """
LA_order,New_geog_code,geog_l,geog_c,geog_n,Elig_KS4_total,KS4_Pass_EM_5_total,KS4_Pass_EM_5_total_%,KS4_Pass_EM_4_total,KS4_Pass_EM_4_total_%,KS4_Att8_total
1,E92000001,NATIONAL,999,ENGLAND,5010,370,7.4,880,17.5,96594.8
68,E08000027,LA,332,Dudley,46,x,x,10,21.73913043,1220
95,E09000001,LA,201,City of London,0,.,.,.,.,.
"""

# Children_Outcomes/2016_LA/SFR41_OC22016.csv: counts only, the year in the file's name.
SFR41_OC2 = """
New_geog_code,geog_l,geog_c,geog_n,CLA_12mths,CLA_10over,CLA_convicted,CLA_submisuse
E92000001,NATIONAL,999,ENGLAND,48490,33120,1640,1850
E08000027,LA,332,Dudley,581,349,13,21
E08000030,LA,335,Walsall,492,262,x,12
"""


def test_children_looked_after_by_new_geography_codes(tmp_path):
    kind, frame, problems = read(write(tmp_path, "SFR34_CLA2015.csv", SFR34_CLA))
    assert (kind, problems) == ("dfe_underlying_wide", [])
    assert set(frame["indicator_id"]) == {"cla_rate"}
    assert frame.loc[(DUDLEY, "31 Mar 2015"), "numerator"] == 739
    # Inner London has London's code in New_geog_code: its name says which area it is.
    assert frame.loc[(INNER_LONDON, "31 Mar 2015"), "numerator"] == 4220
    assert frame.loc[("E12000007", "31 Mar 2015"), "numerator"] == 10000
    # DfE rounds national and regional counts in these files to 10; LA counts are exact.
    assert frame.loc[(ENGLAND, "31 Mar 2015"), "count_rounding"] == 10
    assert frame["count_rounding"].isna().sum() == 3
    assert set(frame["source"]) == {"DfE/cla_underlying_data/2015"}


def test_england_coded_921_is_not_the_isle_of_wight(tmp_path):
    _kind, frame, problems = read(write(tmp_path, "SFR27_2010_March.csv", SFR27_MARCH))
    assert not problems
    assert tuple(frame.loc[(ENGLAND, "31 Mar 2010"), ["numerator", "denominator"]]) == (64400, 11012300)
    assert frame.loc[("E06000046", "31 Mar 2010"), "numerator"] == 179  # Isle of Wight, an LA row
    # The mid-2009 population is the denominator for 31 March 2010 (DfE's mid-(Y-1) rule).
    assert tuple(frame.loc[(DUDLEY, "31 Mar 2010"), ["numerator", "denominator"]]) == (613, 65700)
    assert frame.loc[("E12000001", "31 Mar 2010"), "numerator"] == 3650


def test_offending_with_country_region_and_la_columns(tmp_path):
    _kind, frame, problems = read(write(tmp_path, "SFR32_2012_OC2_LA_Tables_UD.csv", SFR32_OC2))
    assert not problems
    # caution_conviction names no year; the year comes from its denominator's column name.
    assert tuple(frame.loc[(DUDLEY, "31 Mar 2012"), ["numerator", "denominator"]]) == (12, 300)
    assert tuple(frame.loc[(ENGLAND, "31 Mar 2012"), ["numerator", "denominator"]]) == (2060, 29800)
    assert frame.loc[("E12000003", "31 Mar 2012"), "numerator"] == 220  # 'Yorks & the Humber '
    assert frame.loc[(INNER_LONDON, "31 Mar 2012"), "numerator"] == 180
    assert frame.loc[("E06000023", "31 Mar 2012"), "numerator"] == 37  # 'City of Bristol', by its codes
    assert frame.loc[("E06000005", "31 Mar 2012"), "status"] == "x"  # Darlington


def test_gcse_results_one_column_per_year(tmp_path):
    _kind, frame, problems = read(write(tmp_path, "SFR32_2012_TableLA3_KS4_UD.csv", SFR32_KS4))
    assert not problems
    assert set(frame["indicator_id"]) == {"cla_gcse_5ac_english_maths"}
    # 2011 and 2012 are the academic years 2010/11 and 2011/12.
    assert tuple(frame.loc[(DUDLEY, "2010/11"), ["numerator", "denominator"]]) == (8, 36)
    assert tuple(frame.loc[(ENGLAND, "2011/12"), ["numerator", "denominator"]]) == (710, 4850)
    assert frame.loc[("E06000055", "2010/11"), "status"] == "."  # Bedford, not yet an LA
    assert frame.loc[("E06000055", "2011/12"), "status"] == "x"


def test_the_year_from_the_file_name_is_said(tmp_path):
    _kind, frame, problems = read(write(tmp_path, "SFR20_2018_Table3_KS4_UD.csv", SFR20_KS4))
    (problem,) = problems
    assert problem.severity == "warning" and problem.location == "line 1"
    assert "taken to be for the year ending 2017, from the year 2018 in the file's name" in problem.message
    row = frame.loc[(DUDLEY, "2016/17")]
    assert (row["indicator_id"], row["numerator"], row["denominator"]) == ("cla_gcse_english_maths_grade_4", 10, 46)
    assert round(row["value"], 2) == 21.74
    assert frame.loc[("E09000001", "2016/17"), "status"] == "."
    _kind, frame, _problems = read(write(tmp_path, "SFR41_OC22016.csv", SFR41_OC2))
    assert tuple(frame.loc[(DUDLEY, "31 Mar 2016"), ["numerator", "denominator"]]) == (13, 349)


def test_a_year_column_gives_each_rows_year(tmp_path):
    text = "year," + SFR41_OC2.strip().replace("\nE", "\n2015,E")
    _kind, frame, problems = read(write(tmp_path, "offending.csv", text))
    assert not problems
    assert frame.loc[(DUDLEY, "31 Mar 2015"), "numerator"] == 13


def test_a_file_lacking_what_a_count_is_out_of_names_the_column(tmp_path):
    text = SFR41_OC2.replace("CLA_10over,", "").replace("33120,", "").replace("349,", "").replace("262,", "")
    store, context_ = fresh_store(tmp_path)
    report = load_file(store, write(tmp_path, "SFR41_OC22016.csv", text), context_, user="test")
    assert report.status == "refused"
    (problem,) = report.problems
    assert problem.location == "line 1"
    assert problem.message == ("cla_convicted: the file has the count (CLA_convicted) but no column of the children "
                               "it is out of, nor the published figure (a column named like "
                               "CLA_12_months_YYYY_10plus or CLA_10over)")
    store.close()


def test_a_renamed_file_with_no_year_anywhere_is_refused_with_the_way_out(tmp_path):
    _kind, _frame, problems = read(write(tmp_path, "upload.csv", SFR41_OC2))
    (problem,) = problems
    assert problem.severity == "error"
    assert "no column names the year" in problem.message and "the file's name has no year" in problem.message
    assert "add a column 'year'" in problem.action


def test_an_unknown_la_code_is_named_by_line_and_column(tmp_path):
    text = SFR34_CLA + "E08000099,LA,999,Nowhere,10,11,0,5,5\n"
    _kind, _frame, problems = read(write(tmp_path, "SFR34_CLA2015.csv", text))
    (problem,) = problems
    assert problem.location == "line 9, column New_geog_code"
    assert problem.message == "E08000099, 999, Nowhere is not an English local authority Scorecard knows"


def test_loads_into_the_store_with_its_source(tmp_path):
    store, context_ = fresh_store(tmp_path)
    report = load_file(store, write(tmp_path, "SFR34_CLA2015.csv", SFR34_CLA), context_, user="test")
    assert (report.status, report.kind) == ("loaded", "dfe_underlying_wide")
    rows = store.table(schema.observation, indicator_id="cla_rate", area_code=DUDLEY)
    assert (rows.iloc[0]["numerator"], rows.iloc[0]["source"]) == (739, "DfE/cla_underlying_data/2015")
    source = store.table(schema.source).set_index("id").loc["DfE/cla_underlying_data/2015"]
    assert (source["publisher"], source["release"], source["kind"]) == ("DfE", "2015", "official")
    store.close()


def test_tidy_explore_education_statistics_files_are_not_taken_for_wide_ones():
    for name in ("cla_number_and_rate_per_10k_children_2021_2025.csv", "b1_children_in_need_2013_to_2024.csv",
                 "neet_not_known_16_17_la_2023.csv"):
        assert wide.detect(Source(PUBLIC / name)) is None
