"""No count of 1 to 5 can be worked out of what Scorecard shows, over the demo data.

An attacker (tests/service/attacker.py) reads, for Dudley and its five townships, every
figure of every indicator and period the outputs are made from (the shielded figures the
scorecard rows, the indicator page and the API series are built from), and what the outputs
themselves show: the API's scorecard JSON for each area, the API's series JSON and the
indicator page's locality table for the indicators with townships, the scorecard download
and `scorecard show --format json`. It then does every sum: localities against their LA
total, quarters against the year, year-to-date quarters against each other, and each count
against its denominator. With the disclosure threshold at 5 it finds nothing; the control,
the same attacker on the same outputs with the threshold at 0, finds Sedgley's 5
first-time entrants of 2022 from 58 minus 16, 20, 8 and 9, and care leavers not in
suitable accommodation from counts against their denominators."""

import importlib
import json
from datetime import date
from pathlib import Path

import pytest

from scorecard import disclosure, figures
from scorecard.periods import latest_complete_quarter
from scorecard.store import Store
from service import exports, tokens, users
from service.cli import main
from tests.service.attacker import FINANCIAL_YEAR, Attacker

HOME = "E08000027"
QUARTER = latest_complete_quarter(date.today())  # the demo is built up to it
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts"
# Series read through the API, for each area or for Dudley only: the example
# (first-time entrants), a complement (care leavers) and a year-to-date count (CAF).
SERIES = {"fte_youth_justice_rate": "every area", "care_leavers_suitable_accommodation": HOME, "caf_started": HOME}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The real app (API and service) on the demo database, with a viewer's API token."""
    folder = tmp_path_factory.mktemp("attacks")
    db = folder / "demo.duckdb"
    assert main(["demo", "--db", str(db)]) == 0
    with Store.open(db) as store:
        users.add_user(store, "eve", "viewer", "a long enough password", by="test")
    patch = pytest.MonkeyPatch()
    patch.setenv("SCORECARD_DB", str(db))
    patch.setenv("SCORECARD_SIGN_IN", "on")
    import app as app_module
    from service.shared import shared

    shared.cache_clear()
    app_module = importlib.reload(app_module)
    service = shared()
    token = tokens.new_token(service.store, "eve", by="test")
    yield {"client": app_module.server.test_client(), "service": service, "token": token, "db": db}
    service.store.close()
    shared.cache_clear()
    patch.undo()


def api(served, path: str):
    response = served["client"].get(path, headers={"Authorization": f"Bearer {served['token']}"})
    assert response.status_code == 200, response.data
    return response.json


def kinds(service):
    counts, percents, _rates, flows, cumulative = disclosure.kinds(service.catalogue)
    parents = {area.code: HOME for area in service.areas.localities(HOME)}
    return counts, percents, flows, cumulative, parents


def row_readings(area: str, row: dict, counts: set[str]) -> list[tuple]:
    """A scorecard row (API JSON, the command line, the locality table): its latest, previous
    and year-ago figures, as (indicator, area, period, count, denominator, status, shown)."""
    indicator = row["indicator_id"]
    own = indicator in counts  # a count indicator's figure is its count
    count = row["numerator"] if row["numerator"] is not None or not own else row["value"]
    found = [(indicator, area, row["period_label"], count, row["denominator"], row["status"], row["shown"])]
    for prefix in ("previous", "year_ago"):
        found.append((indicator, area, row[f"{prefix}_period"], row[f"{prefix}_value"] if own else None, None, "",
                      row[f"{prefix}_shown"]))
    return found


def shown_figures(service, codes: list[str]):
    """Every figure of every indicator for the areas up to the quarter's end, as the scorecard
    and the indicator page take them (scorecard.quarterly and service.detail)."""
    ids = [indicator.id for indicator in service.catalogue]
    return disclosure.shield(service.store, service.catalogue, service.areas).protect(figures.with_figures(
        figures.observations(service.store, ids, codes, until=QUARTER.end),
        figures.populations(service.store, codes), service.catalogue))


def output_readings(served, capsys, counts: set[str], codes: list[str]) -> list[tuple]:
    """Every figure the outputs show for the areas."""
    service = served["service"]
    found = []
    for code in codes:
        for row in api(served, f"/api/v1/scorecard?area={code}&quarter={QUARTER.label}"):
            found += row_readings(code, row, counts)
        for indicator in (name for name, where in SERIES.items() if where in ("every area", code)):
            for point in api(served, f"/api/v1/indicators/{indicator}/series?area={code}&quarter={QUARTER.label}"):
                own = indicator in counts and point["numerator"] is None
                found.append((indicator, code, point["period"], point["value"] if own else point["numerator"],
                              point["denominator"], point["status"], point["shown"]))
        header, rows = exports.scorecard_rows(service.scorecard(code, QUARTER))
        column = {name: place for place, name in enumerate(header)}
        titles = {indicator.title: indicator.id for indicator in service.catalogue}
        for line in rows:
            indicator = titles[line[column["Indicator"]]]
            if indicator in counts:  # a download gives figures, not counts: a count indicator's is its count
                for value, period in ((line[column["Latest"]], line[column["Latest period"]]),
                                      (line[column["Previous"]], line[column["Previous period"]])):
                    found.append((indicator, code, period, value, None, "", value if isinstance(value, str) else None))
    for indicator in SERIES:  # the indicator page's table of townships: each one's figure as shown
        for local in service.indicator_detail(service.catalogue.indicators[indicator], HOME, QUARTER).localities:
            count = local.value if indicator in counts and local.shown != "[c]" else None
            found.append((indicator, local.code, local.period, count, None, "", local.shown))
    capsys.readouterr()
    assert main(["show", "--db", str(served["db"]), "--area", "Sedgley", "--period", QUARTER.label,
                 "--format", "json"]) == 0
    for row in json.loads(capsys.readouterr().out):
        found += row_readings(row["area_code"], row, counts)
    return found


def gather(served, capsys, threshold: int) -> tuple[Attacker, Attacker, list[str]]:
    """What the attacker reads from everything, what from the outputs alone, and where an
    output showed a number the shared figures have as [c]."""
    service = served["service"]
    with Store.open(served["db"]) as store:
        store.set_setting("disclosure_threshold", str(threshold))
    counts = kinds(service)[0]
    codes = [HOME, *(area.code for area in service.areas.localities(HOME))]
    attacker, outputs = Attacker(threshold=5), Attacker(threshold=5)
    withheld = set()
    for row in shown_figures(service, codes).to_dict("records"):
        own = row["indicator_id"] in counts and row["numerator"] != row["numerator"]  # NaN: no numerator
        attacker.read(row["indicator_id"], row["area_code"], row["period"],
                      row["figure_value"] if own else row["numerator"], row["denominator"], row["figure_status"])
        if row["figure_status"] == "c":
            withheld.add((row["indicator_id"], row["area_code"], row["period"]))
    for reading in output_readings(served, capsys, counts, codes):
        attacker.read(*reading)
        outputs.read(*reading)
    # Every output shows a figure as the shared figures have it: never a number where they have [c].
    disagree = [f"{key}: a number in an output, [c] in the figures" for key, figure in outputs.known.items()
                if key in withheld and figure.count is not None]
    return attacker, outputs, disagree


def attack(served, attacker: Attacker) -> dict:
    _counts, percents, flows, cumulative, parents = kinds(served["service"])
    return attacker.attack(parents, set(percents), set(flows), set(cumulative))


def test_the_control_finds_small_counts_with_suppression_off(served, capsys):
    """Threshold 0: the issue's examples are there to be found, so the attack can find them."""
    attacker, outputs, _ = gather(served, capsys, threshold=0)
    found = attack(served, attacker)
    from_outputs = attack(served, outputs)
    sedgley = ("fte_youth_justice_rate", f"{HOME}-SED", "2022", "count")
    assert outputs.known[("fte_youth_justice_rate", HOME, "2022")].count == 58
    assert sedgley in from_outputs and from_outputs[sedgley].endswith("= 5"), from_outputs.get(sedgley)
    assert any(key[0] == "care_leavers_suitable_accommodation" and key[3] == "complement" for key in from_outputs)
    assert len(found) >= len(from_outputs) > 3
    ARTEFACTS.mkdir(exist_ok=True)
    (ARTEFACTS / "disclosure_attacks_control.txt").write_text(
        "\n".join(f"{key}: {how}" for key, how in sorted(found.items())) + "\n")


def test_no_count_of_one_to_five_can_be_worked_out(served, capsys):
    attacker, _outputs, disagree = gather(served, capsys, threshold=5)
    assert not disagree, disagree[:5]
    found = attack(served, attacker)
    assert not found, [f"{key}: {how}" for key, how in list(found.items())[:10]]
    # What was read: every indicator of Dudley and its townships, and the townships' Sedgley [c].
    assert len({key[0] for key in attacker.known}) == len(list(served["service"].catalogue))
    assert attacker.known[("fte_youth_justice_rate", f"{HOME}-SED", "2022")].withheld
    years = [key for key in attacker.known if key[0] == "re_referrals_12_months" and FINANCIAL_YEAR.match(key[2])]
    assert years  # quarters and their years were both read
    shield = disclosure.shield(served["service"].store, served["service"].catalogue, served["service"].areas)
    ARTEFACTS.mkdir(exist_ok=True)
    levels = {}
    for indicator, area, period in shield.withheld:
        level = served["service"].areas.get(area).level
        levels[level] = levels.get(level, 0) + 1
    (ARTEFACTS / "disclosure_attacks.txt").write_text(
        f"Figures read: {len(attacker.known)}; findings: {len(found)}\n"
        f"Figures the secondary rules withhold over the whole demo: {len(shield.withheld)} {levels}\n"
        + "".join(f"{key}\n" for key in sorted(shield.withheld) if key[1].startswith(HOME)))


def national_attacker(served, threshold: int) -> tuple[Attacker, dict]:
    """Every LA's, region's and England's figures, as every scorecard's comparators and each
    LA's own scorecard take them, and the regions' scorecards from the API."""
    service = served["service"]
    with Store.open(served["db"]) as store:
        store.set_setting("disclosure_threshold", str(threshold))
    counts = kinds(service)[0]
    codes = [area.code for area in service.areas if area.level in ("england", "region", "la")]
    attacker = Attacker(threshold=5)
    for row in shown_figures(service, codes).to_dict("records"):
        own = row["indicator_id"] in counts and row["numerator"] != row["numerator"]
        attacker.read(row["indicator_id"], row["area_code"], row["period"],
                      row["figure_value"] if own else row["numerator"], row["denominator"], row["figure_status"])
    for region in service.areas.regions():
        for row in api(served, f"/api/v1/scorecard?area={region.code}&quarter={QUARTER.label}"):
            for reading in row_readings(region.code, row, counts):
                attacker.read(*reading)
    return attacker, disclosure.area_parents(service.areas)


def test_no_las_small_count_comes_back_from_its_regions_total(served):
    """LAs against their region, regions against England: the control finds LAs' [c] counts
    worked out from their region's total; with the threshold at 5 none."""
    _counts, percents, flows, cumulative, _parents = kinds(served["service"])
    control, parents = national_attacker(served, threshold=0)
    found = control.attack(parents, set(percents), set(flows), set(cumulative))
    from_regions = [key for key, how in found.items() if "parent area" in how]
    assert from_regions, "the control should work some LA's count out from its region"
    protected, parents = national_attacker(served, threshold=5)
    found = protected.attack(parents, set(percents), set(flows), set(cumulative))
    assert not found, [f"{key}: {how}" for key, how in list(found.items())[:10]]
