"""Who the demonstration data are built for: a home LA, its statistical neighbours and how its
children are spread between its localities.

Any LA can be the home (`scorecard demo --home E08000030`): its neighbours are DfE's 2021
statistical neighbours (data/statistical_neighbours_2021.csv, as DfE publishes it), and its
localities are those set up for it. With no home set up, the demo is built for the example
council in data/examples/demo.yaml, with the example localities beside it.
"""

import csv
import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from loaders.localities import read_localities
from scorecard.areas import DATA_DIR, AreaDirectory
from scorecard.store import Store

EXAMPLE = DATA_DIR / "examples" / "demo.yaml"
NEIGHBOURS_CSV = DATA_DIR / "statistical_neighbours_2021.csv"
NEIGHBOURS = 10


@dataclass(frozen=True)
class DemoCouncil:
    home: str  # the LA's new code
    neighbours: tuple[tuple[str, str], ...]  # (LA code, closeness), closest first
    children: int | None = None  # its children aged 0-17 at mid-2024; None: drawn like any LA's
    profiles: dict = field(default_factory=dict, compare=False)  # locality code -> (share, need)

    def locality(self, code: str) -> tuple[float, float]:
        """A locality's share of the LA's children and its relative level of need."""
        if code in self.profiles:
            return self.profiles[code]
        digest = hashlib.sha256(f"locality|{code}".encode("utf-8")).digest()
        rng = random.Random(int.from_bytes(digest[:8], "big"))
        return rng.uniform(0.1, 0.3), rng.uniform(0.7, 1.3)


def example() -> dict:
    """The example council's file: home, children_0_17, localities (a file beside it), profiles."""
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def example_localities_file() -> Path:
    return EXAMPLE.parent / example()["localities"]


def example_council(areas: AreaDirectory) -> DemoCouncil:
    found = example()
    profiles = {code: (float(p["share"]), float(p["need"])) for code, p in (found.get("locality_profiles") or {}).items()}
    return council_for(areas, found["home"], children=found.get("children_0_17"), profiles=profiles)


def council_for(areas: AreaDirectory, home: str, children: int | None = None, profiles: dict | None = None) -> DemoCouncil:
    la = areas.resolve_or_raise(home, level="la")
    return DemoCouncil(la.code, tuple(statistical_neighbours(areas, la.code)), children, profiles or {})


def statistical_neighbours(areas: AreaDirectory, la_code: str) -> list[tuple[str, str]]:
    """The LA's ten statistical neighbours that exist today, closest first; for an LA the 2021
    model does not list (a newer one), the current LAs of its kind in its region, then others."""
    la = areas.get(la_code)
    current = {area.code for area in areas.las(current=True)} - {la_code}
    listed = _published(areas).get(la.old_code or "", [])
    found = [(code, closeness) for code, closeness in listed if code in current]
    if len(found) >= NEIGHBOURS // 2:
        return found[:NEIGHBOURS]
    taken = {code for code, _ in found}
    alike = sorted((area for area in areas.las(current=True) if area.code in current - taken),
                   key=lambda area: (area.region_code != la.region_code, area.code[:3] != la.code[:3], area.code))
    return (found + [(area.code, "Not close") for area in alike])[:NEIGHBOURS]


def _published(areas: AreaDirectory) -> dict[str, list[tuple[str, str]]]:
    """DfE's list: old code -> [(new code, closeness)]; the header repeats 'SNP' after each SN."""
    with NEIGHBOURS_CSV.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    header = [cell.strip().upper() for cell in rows[0]]
    positions = [index for index, cell in enumerate(header) if cell.startswith("SN") and cell[2:].isdigit()]
    result = {}
    for row in rows[1:]:
        if not row or not row[0].strip():
            continue
        members = []
        for index in positions:
            area = areas.resolve(row[index].strip(), level="la") if index < len(row) else None
            if area is not None:
                closeness = row[index + 1].strip() if index + 1 < len(row) else ""
                members.append((area.code, closeness or "Not given"))
        result[row[0].strip()] = members
    return result


def council_for_home(areas: AreaDirectory, home: str) -> DemoCouncil:
    """The example council's own description when it is the home, else any LA's."""
    return example_council(areas) if areas.resolve(home, level="la").code == example()["home"] else council_for(areas, home)


def set_up_example(store: Store, areas: AreaDirectory, by: str) -> None:
    """Make the example council the home area, with its example localities (audited)."""
    found = example()
    path = example_localities_file()
    read = read_localities(path, found["home"], areas)
    if read.problems:  # the packaged example is checked by the tests: this is a broken install
        raise ValueError("\n".join(str(problem) for problem in read.problems))
    store.set_setting_audited("home_area", found["home"], by)
    store.replace_localities(found["home"], read.rows, by, subject=f"{path.name} (example)")
