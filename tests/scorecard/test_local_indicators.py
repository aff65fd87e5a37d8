"""The council's own indicators: an overlay on the packaged catalogue, checked with every
problem named with its line, never taking a packaged id or name."""

import pytest

from scorecard.catalogue import load_catalogue
from scorecard.local_indicators import LocalIndicatorsError, parse_local, with_local
from tests.paths import REPO

PACKAGED = load_catalogue()
EXAMPLE = REPO / "data" / "examples" / "local-indicators.yaml"


def test_the_example_overlay_adds_a_local_indicator_with_its_oba_question():
    combined = with_local(PACKAGED, EXAMPLE)
    assert len(combined) == len(PACKAGED) + 1
    cap = combined.indicators["cap_referrals"]
    assert cap.is_local and cap.outcome_area("oba") == "how_much" and cap.outcome_area("ecm") == "stay_safe"
    assert combined.match("CAP referrals") is cap
    assert not any(indicator.is_local for indicator in PACKAGED)


def test_no_file_is_the_packaged_catalogue(tmp_path):
    assert with_local(PACKAGED, tmp_path / "local-indicators.yaml") is PACKAGED


def test_every_problem_has_its_line():
    text = EXAMPLE.read_text()
    broken = (text.replace("id: cap_referrals", "id: cla_rate")  # a packaged id
              .replace("oba: how_much", "oba: how_many")  # no such question
              .replace("aliases: [CAP referrals]", "aliases: [CLA rate]"))  # a packaged name
    with pytest.raises(LocalIndicatorsError) as raised:
        parse_local(broken, PACKAGED, name="local-indicators.yaml")
    problems = raised.value.problems
    assert any(p.startswith("local-indicators.yaml:11: indicator 'cla_rate': ") and "how_many" in p for p in problems)
    with pytest.raises(LocalIndicatorsError) as raised:
        parse_local(text.replace("oba: how_much", "oba: how_well")
                    .replace("aliases: [CAP referrals]", "aliases: [CLA rate]"), PACKAGED, name="local-indicators.yaml")
    assert raised.value.problems == [
        "local-indicators.yaml:8: indicator 'cap_referrals': the name 'CLA rate' is also the indicator 'cla_rate''s, "
        "so matching would be ambiguous"]
    with pytest.raises(LocalIndicatorsError) as raised:
        parse_local(text.replace("id: cap_referrals", "id: cla_rate").replace("aliases: [CAP referrals]", "aliases: []")
                    .replace("short_title: Area Partnership referrals", "short_title: Area partnership referral count")
                    .replace("title: Referrals to Children's Area Partnerships in the quarter", "title: CAP count"),
                    PACKAGED, name="local-indicators.yaml")
    assert raised.value.problems == [
        "local-indicators.yaml:8: indicator 'cla_rate': the catalogue has this id already; give the council's "
        "indicator an id of its own"]


def test_only_indicators_go_in_the_overlay():
    with pytest.raises(LocalIndicatorsError, match=r"local-indicators.yaml:1: the file must be a mapping with one key"):
        parse_local("frameworks: {}\nindicators: []\n", PACKAGED, name="local-indicators.yaml")
