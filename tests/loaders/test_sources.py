"""data/sources.yaml: the shipped file is sound, a broken one is refused with every problem
located by line, and `scorecard sources` lists what Scorecard reads."""

import json
import textwrap

import pytest

from loaders.sources import DEFAULT_SOURCES_PATH, SourcesError, load_sources, parse_sources
from scorecard.catalogue import CatalogueError, load_catalogue
from service.cli import main


def line_of(text: str, fragment: str, nth: int = 0) -> int:
    """The 1-based line of the nth line holding `fragment`."""
    return [number for number, line in enumerate(text.splitlines(), start=1) if fragment in line][nth]


def test_the_shipped_file_is_sound_and_keeps_the_old_kinds():
    sources = load_sources()
    assert DEFAULT_SOURCES_PATH.name == "sources.yaml"
    assert {"ees_cla", "ees_cin", "ees_cpp", "ees_neet", "ees_population"} <= set(sources.kinds)
    cla = sources.by_kind("ees_cla")
    assert (cla.publisher, cla.id) == ("DfE", "cla_number_and_rate_per_10k_children")
    assert [layout.columns for layout in cla.layouts] == [
        ("population_type", "children_count"), ("population_count", "number", "population_estimate")
    ]
    assert cla.count_rounding == {"National": 10, "Regional": 10}
    assert sources.by_kind("ees_population").publisher == "ONS"
    catalogue = load_catalogue()
    for dataset in sources.datasets:
        for mapping in dataset.indicators:
            assert mapping.indicator_id in catalogue.indicators


def test_a_value_with_a_comma_stays_one_value():
    """'Total in education, employment or training' is one filter value, not two."""
    leavers = load_sources().by_kind("ees_care_leavers")
    (mapping,) = leavers.indicators
    assert mapping.where["activity"] == ("Total in education, employment or training",)
    assert mapping.denominator_where == {"activity": ("Total",)}


BROKEN = textwrap.dedent("""\
    datasets:
      - id: first_dataset
        kind: ees_first
        title: A dataset
        publisher: DfE
        layout:
          - name: 2025
            columns: [a_count]
        indicators:
          cla_rat:
            numerator: [a_count]
        count_rounding: {National: 7}
        benchmarks: {measure_type: sometimes}
      - id: second_dataset
        kind: ees_first
        title: Another
        publisher: DfE
        layouts:
          - name: 2025
            columns: [b_count]
        indicators:
          cin_rate:
            denominator: [b_population]
    """)


def test_every_problem_is_reported_with_its_line():
    with pytest.raises(SourcesError) as raised:
        parse_sources(BROKEN, load_catalogue())
    problems = raised.value.problems
    expected = {
        line_of(BROKEN, "layout:"): "unknown field 'layout' (did you mean 'layouts'?)",
        line_of(BROKEN, "cla_rat:"): "indicator 'cla_rat' is not in indicators.yaml (did you mean 'cla_rate'?)",
        line_of(BROKEN, "count_rounding"): "must be 5 or 10, not 7",
        line_of(BROKEN, "benchmarks"): "measure_type 'sometimes' is not one of snapshot, flow, cumulative",
        line_of(BROKEN, "cin_rate:"): "needs a numerator or a value column",
        line_of(BROKEN, "kind: ees_first", nth=1): "kind 'ees_first' is already used on line 3",
    }
    for line, message in expected.items():
        assert any(problem.startswith(f"sources.yaml:{line}:") and message in problem for problem in problems), (
            line, message, problems)
    assert any("missing required field 'layouts'" in problem for problem in problems)
    # Reported like a broken catalogue, so the command line prints it as one plain message.
    assert isinstance(raised.value, CatalogueError)
    assert str(raised.value).startswith(f"{len(problems)} problems")


def test_a_yaml_syntax_error_is_located():
    text = "datasets:\n  - id: x\n    kind: [unclosed\n"
    with pytest.raises(SourcesError) as raised:
        parse_sources(text, load_catalogue(), name="mine.yaml")
    (problem,) = raised.value.problems
    assert problem.startswith("mine.yaml:") and "YAML syntax error" in problem


def test_the_sources_command_lists_datasets_layouts_and_indicators(capsys):
    assert main(["sources", "--format", "json"]) == 0
    listed = {entry["kind"]: entry for entry in json.loads(capsys.readouterr().out)}
    cla = listed["ees_cla"]
    assert cla["dataset"] == "cla_number_and_rate_per_10k_children" and cla["publisher"] == "DfE"
    assert [layout["name"] for layout in cla["layouts"]] == ["2024 release on", "2023 release"]
    assert "population_count" in cla["layouts"][1]["columns"] and "time_period" in cla["layouts"][1]["columns"]
    assert "cla_rate" in cla["gives"]
    assert listed["ees_referrals"]["gives"][0] == "re_referrals_12_months"
    assert listed["ees_care_leavers"]["gives"][0] == "care_leavers_eet"
    assert "Short Desc" in listed["lait"]["layouts"][0]["columns"]  # other readers are listed too
    assert listed["council"]["layouts"][0]["recognised_by"] == "its content"

    assert main(["sources"]) == 0
    table = capsys.readouterr().out
    assert "ees_cpp_subsequent" in table and "cpp_second_or_subsequent" in table
    assert "population_count holding 'Children looked after at 31 March each year'" in table
