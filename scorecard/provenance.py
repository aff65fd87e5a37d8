"""Where a figure came from, and which source's figure is shown when several give one.

Every observation and population row names its source: publisher, dataset and release.
When two sources give the same figure, precedence decides, never the order of loading:
an official release first (the newest release first), then a compilation of it (LAIT),
then local management information, then demonstration data (DESIGN.md, "Precedence").
"""

from dataclasses import dataclass
from enum import StrEnum


class SourceKind(StrEnum):
    OFFICIAL = "official"  # the publisher's own release (DfE, ONS, OHID)
    COMPILATION = "compilation"  # a publisher's figures gathered again (LAIT)
    LOCAL = "local"  # the council's own workbook or the Scorecard template
    DEMO = "demo"  # invented figures


RANK = {SourceKind.OFFICIAL: 3, SourceKind.COMPILATION: 2, SourceKind.LOCAL: 1, SourceKind.DEMO: 0}


@dataclass(frozen=True)
class DataSource:
    publisher: str  # DfE, ONS, OHID, the council...
    dataset: str  # e.g. cla_number_and_rate_per_10k_children
    release: str  # sortable text: '2025', '2023'; '' where a source has no releases
    kind: SourceKind
    title: str = ""  # plain words for people

    @property
    def id(self) -> str:
        return "/".join(part for part in (self.publisher, self.dataset, self.release) if part)

    def row(self) -> dict:
        return {
            "id": self.id, "publisher": self.publisher, "dataset": self.dataset,
            "release": self.release, "kind": self.kind.value, "title": self.title or self.id,
        }


def precedence(kind: str, release: str | None) -> tuple[int, str]:
    """Larger is preferred: the kind first, then the newer release."""
    try:
        rank = RANK[SourceKind(kind)]
    except ValueError:
        rank = -1
    return rank, release or ""


LOCAL_TEMPLATE = DataSource("local", "template", "", SourceKind.LOCAL, "The Scorecard template")
LOCAL_WORKBOOK = DataSource("local", "council_workbook", "", SourceKind.LOCAL, "The council's own workbook")
DEMO = DataSource("demo", "invented", "", SourceKind.DEMO, "Demonstration data (invented)")
