"""The indicator catalogue: the real file, matching names, and the validator's reports."""

from dataclasses import replace
from pathlib import Path

import pytest

from scorecard.catalogue import (
    DEFAULT_CATALOGUE_PATH,
    Catalogue,
    CatalogueError,
    Indicator,
    load_catalogue,
)
from scorecard.model import MeasureType, PeriodType, Polarity, Unit
from tests.paths import PUBLIC, REPO

LAIT_LONG = PUBLIC / "lait_long.parquet"

ECM_AREAS = [
    ("be_healthy", "Be healthy"),
    ("stay_safe", "Stay safe"),
    ("enjoy_and_achieve", "Enjoy and achieve"),
    ("positive_contribution", "Make a positive contribution"),
    ("economic_wellbeing", "Achieve economic well-being"),
]

FRAMEWORKS = """\
frameworks:
  ecm:
    title: Every Child Matters
    outcome_areas:
      - {id: be_healthy, title: Be healthy}
      - {id: stay_safe, title: Stay safe}
indicators:
"""  # 7 lines: the first indicator starts on line 8


def _indicator(indicator_id: str, **fields: str) -> str:
    """One valid indicator (16 lines) in YAML, with fields replaced or added."""
    values = {
        "id": indicator_id,
        "title": f"Title of {indicator_id}",
        "short_title": f"Short {indicator_id}",
        "outcomes": "{ecm: stay_safe}",
        "polarity": "none",
        "unit": "rate",
        "multiplier": "10000",
        "population_base": '{age_band: "0-17", sex: persons}',
        "period_type": "financial_year",
        "measure_type": "snapshot",
        "decimals": "1",
        "definition": "A definition.",
        "source": "DfE, A collection",
        "aliases": "[]",
        "lait_code": "null",
        "has_localities": "false",
    }
    values.update(fields)
    lines = [f"{key}: {value}" for key, value in values.items() if value is not None]
    return "  - " + "\n    ".join(lines) + "\n"


def _problems(tmp_path: Path, text: str, name: str = "bad.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    return caught.value.problems


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


# ---- the real catalogue ------------------------------------------------------------------


def test_catalogue_real_file_loads_with_at_least_30_indicators(catalogue):
    assert len(catalogue.indicators) >= 30
    assert all(not indicator.is_benchmark for indicator in catalogue.indicators.values())


def test_catalogue_default_path_is_repo_data_file():
    repo = REPO
    assert DEFAULT_CATALOGUE_PATH == repo / "data" / "indicators.yaml"


def test_catalogue_ecm_areas_in_order_with_titles(catalogue):
    ecm = catalogue.frameworks["ecm"]
    assert ecm.title == "Every Child Matters"
    assert [(area.id, area.title) for area in ecm.outcome_areas] == ECM_AREAS
    assert [area.position for area in ecm.outcome_areas] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("area_id", [area_id for area_id, _ in ECM_AREAS])
def test_catalogue_ecm_area_has_at_least_four_indicators(catalogue, area_id):
    assert len(catalogue.in_outcome_area("ecm", area_id)) >= 4


def test_catalogue_csc_2023_has_four_outcomes_and_three_enablers(catalogue):
    areas = catalogue.frameworks["csc_2023"].outcome_areas
    assert len(areas) == 7
    titles = [area.title for area in areas]
    assert titles[3] == "Children in care and care leavers have stable, loving homes"
    assert "The workforce is equipped and effective" in titles[4:]


def test_catalogue_every_indicator_has_an_ecm_area(catalogue):
    ecm_ids = {area_id for area_id, _ in ECM_AREAS}
    for indicator in catalogue.indicators.values():
        assert indicator.outcome_area("ecm") in ecm_ids, indicator.id


FIXED = {
    # id: unit, multiplier, decimals, polarity, (age band, sex), period type, measure type, NI
    "cin_rate": (Unit.RATE, 10_000, 1, Polarity.NONE, ("0-17", "persons"),
                 PeriodType.FINANCIAL_YEAR, MeasureType.SNAPSHOT, None),
    "cpp_rate": (Unit.RATE, 10_000, 1, Polarity.NONE, ("0-17", "persons"),
                 PeriodType.FINANCIAL_YEAR, MeasureType.SNAPSHOT, None),
    "cla_rate": (Unit.RATE, 10_000, 0, Polarity.NONE, ("0-17", "persons"),
                 PeriodType.FINANCIAL_YEAR, MeasureType.SNAPSHOT, None),
    "neet_not_known_16_17": (Unit.PERCENT, 100, 1, Polarity.LOWER_IS_BETTER, (None, None),
                             PeriodType.FINANCIAL_YEAR, MeasureType.SNAPSHOT, None),
    "under18_conception_rate": (Unit.RATE, 1_000, 1, Polarity.LOWER_IS_BETTER,
                                ("15-17", "female"), PeriodType.CALENDAR_YEAR,
                                MeasureType.FLOW, "NI 112"),
    "fte_youth_justice_rate": (Unit.RATE, 100_000, 0, Polarity.LOWER_IS_BETTER,
                               ("10-17", "persons"), PeriodType.CALENDAR_YEAR,
                               MeasureType.FLOW, "NI 111"),
}


@pytest.mark.parametrize("indicator_id", list(FIXED))
def test_catalogue_fixed_indicator_has_exact_properties(catalogue, indicator_id):
    unit, multiplier, decimals, polarity, base, period_type, measure_type, ni = FIXED[indicator_id]
    indicator = catalogue.get(indicator_id)
    assert indicator.unit is unit
    assert indicator.multiplier == multiplier
    assert indicator.decimals == decimals
    assert indicator.polarity is polarity
    assert (indicator.population_age_band, indicator.population_sex) == base
    assert indicator.is_rate is (base[0] is not None)
    assert indicator.period_type is period_type
    assert indicator.measure_type is measure_type
    assert indicator.ni_code == ni


@pytest.mark.parametrize(("ni_code", "indicator_id"), [
    ("NI 19", "youth_reoffending"),
    ("NI 53", "breastfeeding_6_8_weeks"),
    ("NI 55", "obesity_reception"),
    ("NI 56", "obesity_year6"),
    ("NI 59", "initial_assessments_7_days"),
    ("NI 60", "core_assessments_35_days"),
    ("NI 62", "placement_stability_three_moves"),
    ("NI 63", "placement_stability_long_term"),
    ("NI 64", "cpp_two_years_or_more"),
    ("NI 65", "cpp_second_or_subsequent"),
    ("NI 66", "cla_reviewed_in_time"),
    ("NI 67", "cpp_reviewed_in_time"),
    ("NI 68", "referrals_to_initial_assessment"),
    ("NI 70", "hospital_admissions_injury_0_14"),
    ("NI 73", "ks2_level4_english_maths"),
    ("NI 75", "gcse_5ac_english_maths"),
    ("NI 87", "secondary_persistent_absence"),
    ("NI 101", "cla_gcse_5ac_english_maths"),
    ("NI 114", "permanent_exclusions"),
    ("NI 117", "neet_16_18"),
    ("NI 148", "care_leavers_eet"),
])
def test_catalogue_ni_code_belongs_to_expected_indicator(catalogue, ni_code, indicator_id):
    assert catalogue.get(indicator_id).ni_code == ni_code


def test_catalogue_lait_codes_exist_in_lait_data(catalogue):
    if not LAIT_LONG.exists():
        pytest.skip("shared LAIT data not present")
    import pandas as pd

    known = set(pd.read_parquet(LAIT_LONG, columns=["Short Desc"])["Short Desc"].unique())
    codes = {i.id: i.lait_code for i in catalogue.indicators.values() if i.lait_code}
    assert len(codes) >= 20
    assert {i: code for i, code in codes.items() if code not in known} == {}
    assert catalogue.get("cla_rate").lait_code == "LAC"


def test_catalogue_short_titles_fit_tiles(catalogue):
    assert max(len(i.short_title) for i in catalogue.indicators.values()) <= 40


# ---- finding indicators ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["NI 62", "ni62", "NI-62", " ni 062 ", "NI_62"])
def test_match_ni_code_ignores_case_spacing_and_punctuation(catalogue, text):
    assert catalogue.match(text).id == "placement_stability_three_moves"


@pytest.mark.parametrize(("text", "indicator_id"), [
    ("Looked after children rate", "cla_rate"),
    ("LAC RATE", "cla_rate"),
    ("cla_rate", "cla_rate"),
    ("CLA-rate", "cla_rate"),
    ("Children looked after at 31 March per 10,000 children aged under 18", "cla_rate"),
    ("children in need rate", "cin_rate"),
    ("Under-18 conception rate", "under18_conception_rate"),
    ("under 18 conception rate", "under18_conception_rate"),
    ("Teenage conceptions", "under18_conception_rate"),
])
def test_match_title_short_title_alias_and_id_variants(catalogue, text, indicator_id):
    assert catalogue.match(text).id == indicator_id


def test_match_ni_code_inside_a_row_label(catalogue):
    assert catalogue.match("NI 65 Children becoming subject of a CPP again").id == \
        "cpp_second_or_subsequent"


def test_match_unknown_or_two_ni_codes_is_none(catalogue):
    assert catalogue.match("Number of dragons") is None
    assert catalogue.match("NI 62 and NI 63 combined") is None
    assert catalogue.match("") is None


def test_get_unknown_id_suggests_close_ids(catalogue):
    with pytest.raises(KeyError, match="cla_rate"):
        catalogue.get("cla_rat")


def test_by_lait_code_finds_indicator_or_none(catalogue):
    assert catalogue.by_lait_code("CIN").id == "cin_rate"
    assert catalogue.by_lait_code("not a code") is None


def test_in_outcome_area_keeps_file_order_and_rejects_unknown_area(catalogue):
    ids = [i.id for i in catalogue.in_outcome_area("ecm", "stay_safe")]
    assert ids.index("cin_rate") < ids.index("cpp_rate") < ids.index("cla_rate")
    assert "neet_not_known_16_17" not in ids
    with pytest.raises(KeyError):
        catalogue.in_outcome_area("ecm", "be_wealthy")


def test_indicator_outcome_area_none_outside_framework(catalogue):
    neet = catalogue.get("neet_not_known_16_17")
    assert neet.outcome_area("ecm") == "economic_wellbeing"
    assert neet.outcome_area("csc_2023") is None
    assert neet.outcomes["ecm"] == "economic_wellbeing"
    assert hash(neet) == hash(replace(neet))


def test_with_extra_appends_benchmark_without_changing_original(catalogue):
    extra = Indicator(
        id="lait_section_47", title="Section 47 enquiries rate", short_title="Section 47 rate",
        outcomes={"ecm": "stay_safe"}, polarity=Polarity.NONE, unit=Unit.RATE,
        multiplier=10_000, population_age_band="0-17", population_sex="persons",
        period_type=PeriodType.FINANCIAL_YEAR, measure_type=MeasureType.FLOW, decimals=1,
        definition="Section 47 enquiries per 10,000 children.", source="DfE, LAIT",
        ni_code=None, aliases=(), lait_code="Section_47", has_localities=False,
        is_benchmark=True,
    )
    bigger = catalogue.with_extra([extra])
    assert list(bigger.indicators)[-1] == "lait_section_47"
    assert len(bigger.indicators) == len(catalogue.indicators) + 1
    assert "lait_section_47" not in catalogue.indicators
    assert bigger.by_lait_code("Section_47") is extra
    assert bigger.match("Section 47 rate") is extra
    with pytest.raises(ValueError, match="cla_rate"):
        catalogue.with_extra([replace(extra, id="cla_rate")])


def test_load_catalogue_cached_until_file_changes(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(FRAMEWORKS + _indicator("cin_rate"), encoding="utf-8")
    first = load_catalogue(path)
    assert load_catalogue(str(path)) is first
    path.write_text(FRAMEWORKS + _indicator("cin_rate") + _indicator("cpp_rate"),
                    encoding="utf-8")
    assert list(load_catalogue(path).indicators) == ["cin_rate", "cpp_rate"]


# ---- the validator -----------------------------------------------------------------------


def test_validator_minimal_file_is_valid(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(FRAMEWORKS + _indicator("cin_rate"), encoding="utf-8")
    indicator = load_catalogue(path).get("cin_rate")
    assert indicator.outcomes == {"ecm": "stay_safe"}
    assert indicator.aliases == ()


BAD = """\
frameworks:
  ecm:
    title: Every Child Matters
    outcome_areas:
      - {id: be_healthy, title: Be healthy}
      - {id: stay_safe, title: Stay safe}
indicators:
  - id: cla_rate
    title: Children looked after rate
    short_title: Children looked after rate
    outcomes: {ecm: stay_safe}
    polarity: up
    unit: rate
    multiplier: 10000
    population_base: {age_band: "0-17", sex: persons}
    period_type: financial_year
    measure_type: snapshot
    decimals: 0
    definition: Children looked after per 10,000 children.
    source: DfE, SSDA903
    has_localities: true
    polarty: none
  - id: cin_rate
    title: Children in need rate
    short_title: Children in need
    outcomes: {ecm: stay_unsafe}
    polarity: none
    unit: rate
    multiplier: 10000
    period_type: yearly
    measure_type: snapshot
    decimals: 7
    definition: Children in need per 10,000 children.
    source: DfE, CIN census
    has_localities: maybe
  - id: cla_rate
    title: Looked after again
    short_title: Again
    outcomes: {ecm: stay_safe}
    polarity: none
    unit: percent
    multiplier: 1000
    period_type: financial_year
    measure_type: snapshot
    decimals: 1
    definition: A percentage.
    source: DfE
    has_localities: false
"""


@pytest.fixture
def bad_problems(tmp_path) -> list[str]:
    return _problems(tmp_path, BAD)


def test_validator_reports_every_problem_with_its_line(bad_problems):
    assert bad_problems == [
        "bad.yaml:22: indicator 'cla_rate': unknown field 'polarty' (did you mean 'polarity'?)",
        "bad.yaml:12: indicator 'cla_rate': polarity 'up' is not one of higher_is_better, "
        "lower_is_better, none",
        "bad.yaml:30: indicator 'cin_rate': period_type 'yearly' is not one of quarter, month, "
        "financial_year, academic_year, calendar_year, multi_year",
        "bad.yaml:32: indicator 'cin_rate': decimals 7 must be a whole number from 0 to 4",
        "bad.yaml:35: indicator 'cin_rate': has_localities must be true or false",
        "bad.yaml:23: indicator 'cin_rate': a rate needs a population_base (age band and sex), "
        "or a denominator when it is not per head of population",
        "bad.yaml:26: indicator 'cin_rate': outcomes: 'stay_unsafe' is not an outcome area of "
        "'ecm' (be_healthy, stay_safe)",
        "bad.yaml:42: indicator 'cla_rate': a percentage's multiplier must be 100, not 1,000",
        "bad.yaml:36: indicator 'cla_rate': duplicate id (first used on line 8)",
    ]


def test_validator_error_message_lists_count_and_problems(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    assert isinstance(caught.value, ValueError)
    text = str(caught.value)
    assert text.startswith("9 problems in ")
    assert "bad.yaml:12: indicator 'cla_rate': polarity 'up'" in text


def test_validator_unknown_field_reported(tmp_path):
    problems = _problems(tmp_path, FRAMEWORKS + _indicator("cin_rate", defintion="Typo."))
    assert problems == [
        "bad.yaml:24: indicator 'cin_rate': unknown field 'defintion' (did you mean 'definition'?)",
    ]


def test_validator_bad_enum_reported(tmp_path):
    problems = _problems(tmp_path, FRAMEWORKS + _indicator("cin_rate", unit="per_cent"))
    assert problems == [
        "bad.yaml:13: indicator 'cin_rate': unit 'per_cent' is not one of rate, percent, number, "
        "days, weeks, score, pounds",
    ]


def test_validator_duplicate_id_reported(tmp_path):
    text = FRAMEWORKS + _indicator("cin_rate") + _indicator("cin_rate", title="Other title",
                                                             short_title="Other")
    assert _problems(tmp_path, text) == [
        "bad.yaml:24: indicator 'cin_rate': duplicate id (first used on line 8)",
    ]


def test_validator_yaml_syntax_error_reported_with_line(tmp_path):
    text = FRAMEWORKS + _indicator("cin_rate") + "  - id: cpp_rate\n    title: [unclosed\n"
    problems = _problems(tmp_path, text)
    assert len(problems) == 1
    assert problems[0].startswith("bad.yaml:26: YAML syntax error")


def test_validator_tab_indentation_reported_with_line(tmp_path):
    problems = _problems(tmp_path, "frameworks:\n\tecm: {}\n")
    assert len(problems) == 1
    assert problems[0].startswith("bad.yaml:2: YAML syntax error")


def test_validator_missing_required_fields_reported_at_indicator_line(tmp_path):
    text = FRAMEWORKS + _indicator("cin_rate", source=None, decimals=None)
    assert _problems(tmp_path, text) == [
        "bad.yaml:8: indicator 'cin_rate': missing required field 'decimals'",
        "bad.yaml:8: indicator 'cin_rate': missing required field 'source'",
    ]


def test_validator_shared_alias_and_ni_code_are_ambiguous(tmp_path):
    text = (FRAMEWORKS
            + _indicator("cin_rate", aliases="[CIN rate]", ni_code='"NI 59"')
            + _indicator("cpp_rate", aliases="[Cin-Rate]", ni_code="NI 59"))
    problems = _problems(tmp_path, text)
    assert problems == [
        "bad.yaml:38: indicator 'cpp_rate': name 'cinrate' is also used by 'cin_rate' "
        "(line 8), so matching would be ambiguous",
        "bad.yaml:41: indicator 'cpp_rate': name 'ni59' is also used by 'cin_rate' "
        "(line 8), so matching would be ambiguous",
    ]


def test_validator_rules_for_ids_codes_bases_and_outcomes(tmp_path):
    text = FRAMEWORKS + _indicator(
        "CIN-rate",
        outcomes="{csc: stay_together}",
        population_base='{age_band: 0-17, sex: everyone}',
        ni_code="62",
        short_title="A short title that is far too long for a tile on the projector",
    )
    assert _problems(tmp_path, text) == [
        "bad.yaml:8: indicator 'CIN-rate': id must be snake_case (lower case letters, digits, _)",
        "bad.yaml:10: indicator 'CIN-rate': short_title is 62 characters; keep it to 40 for tiles",
        "bad.yaml:15: indicator 'CIN-rate': population_base: sex 'everyone' is not one of "
        "persons, female, male",
        "bad.yaml:11: indicator 'CIN-rate': outcomes: no framework 'csc' (ecm)",
        "bad.yaml:11: indicator 'CIN-rate': outcomes must include an 'ecm' outcome area",
        "bad.yaml:24: indicator 'CIN-rate': ni_code 62 must look like 'NI 62'",
    ]


def test_validator_rate_multiplier_and_population_base_on_count(tmp_path):
    text = (FRAMEWORKS
            + _indicator("cin_rate", multiplier="500")
            + _indicator("caf_started", unit="number", multiplier="1"))
    assert _problems(tmp_path, text) == [
        "bad.yaml:14: indicator 'cin_rate': a rate's multiplier must be one of 1,000, 10,000, "
        "100,000, not 500",
        "bad.yaml:31: indicator 'caf_started': population_base is only for rates; unit is number",
    ]


def test_validator_rate_per_live_births_needs_denominator_not_base(tmp_path):
    good = _indicator("infant_mortality", multiplier="1000", population_base="null",
                      denominator="live births")
    path = tmp_path / "good.yaml"
    path.write_text(FRAMEWORKS + good, encoding="utf-8")
    indicator = load_catalogue(path).get("infant_mortality")
    assert indicator.denominator == "live births"
    assert indicator.is_rate is False
    both = _indicator("infant_mortality", denominator="live births")
    assert _problems(tmp_path, FRAMEWORKS + both) == [
        "bad.yaml:24: indicator 'infant_mortality': give a population_base or a denominator, "
        "not both",
    ]


def test_validator_repeated_yaml_key_reported(tmp_path):
    text = FRAMEWORKS + _indicator("cin_rate") + "    decimals: 2\n"
    assert _problems(tmp_path, text) == [
        "bad.yaml:24: indicator 'cin_rate': field 'decimals' appears more than once",
    ]


def test_validator_framework_problems_reported(tmp_path):
    text = """\
frameworks:
  ecm:
    titel: Every Child Matters
    outcome_areas:
      - {id: be_healthy, title: Be healthy}
      - {id: be_healthy, title: Be healthy again}
indicators: []
"""
    assert _problems(tmp_path, text) == [
        "bad.yaml:3: framework 'ecm': unknown field 'titel' (did you mean 'title'?)",
        "bad.yaml:2: framework 'ecm': missing required field 'title'",
        "bad.yaml:6: framework 'ecm': outcome area id 'be_healthy' appears twice",
    ]


def test_validator_empty_file_reported(tmp_path):
    assert _problems(tmp_path, "") == [
        "bad.yaml:1: the file must be a mapping with 'frameworks' and 'indicators'",
    ]
