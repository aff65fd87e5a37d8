"""Baskets of indicators declared as data: read in file order, and every problem named with
its file and line."""

import pytest

from scorecard.baskets import BasketError, load_baskets, parse_baskets
from scorecard.catalogue import load_catalogue
from tests.paths import REPO

CATALOGUE = load_catalogue()


def test_the_example_baskets_read():
    baskets = load_baskets(REPO / "data" / "examples" / "baskets.yaml", CATALOGUE)
    assert list(baskets) == ["priority_targets", "corporate_basket", "safeguarding_board"]
    corporate = baskets["corporate_basket"]
    assert corporate.owner == "Director of Children's Services"
    assert corporate.indicators == ("cla_rate", "cin_rate", "cpp_rate", "re_referrals_12_months", "care_leavers_eet")
    # an indicator can be in several baskets
    assert sum("cla_rate" in basket for basket in baskets.values()) == 2


def test_no_file_is_no_baskets(tmp_path):
    assert load_baskets(tmp_path / "baskets.yaml", CATALOGUE) == {}


def test_every_problem_has_its_line():
    text = """baskets:
  - id: board
    title: The board's set
    owner: Chair
    indicators: [cla_rate, cla_rat, cla_rate]
  - id: board
    title: Again
    owner: Someone
    indicators: [cin_rate]
  - id: Bad Id
    titel: Typo
    indicators: []
"""
    with pytest.raises(BasketError) as raised:
        parse_baskets(text, CATALOGUE, name="baskets.yaml")
    assert raised.value.problems == [
        "baskets.yaml:5: basket 'board': 'cla_rat' is not an indicator in the catalogue (did you mean 'cla_rate'?)",
        "baskets.yaml:5: basket 'board': 'cla_rate' is listed twice (first on line 5)",
        "baskets.yaml:6: basket 'board': the id is used already (line 2)",
        "baskets.yaml:11: basket 'Bad Id': unknown field 'titel' (did you mean 'title'?)",
        "baskets.yaml:10: basket 'Bad Id': missing required field 'title'",
        "baskets.yaml:10: basket 'Bad Id': missing required field 'owner'",
        "baskets.yaml:10: basket 'Bad Id': id must be snake_case (lower case letters, digits, _)",
        "baskets.yaml:12: basket 'Bad Id': indicators must be a list of one or more indicator ids",
    ]


def test_a_yaml_mistake_is_located():
    with pytest.raises(BasketError, match=r"baskets.yaml:3: YAML syntax error"):
        parse_baskets("baskets:\n  - id: a\n  title: b\n", CATALOGUE, name="baskets.yaml")
