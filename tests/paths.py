"""Where the tests find the repository, the real public files (../shared/data/public) and
the place they write what a person may want to look at."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PUBLIC = REPO.parent / "shared" / "data" / "public"
ARTEFACTS = REPO / "test-artefacts"
EXAMPLE_LOCALITIES = REPO / "data" / "examples" / "dudley-townships.csv"  # the example council's townships
