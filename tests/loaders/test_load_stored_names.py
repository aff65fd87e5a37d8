"""A file stored under another name (uploads are saved under generated names) is read as the
file people know: its name gives the vintage, release or model year where a reader takes
them from the name, and every problem names it."""

import shutil

from loaders.context import LoadContext
from loaders.pipeline import load_file
from scorecard import schema
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.reference import sync_reference
from scorecard.store import Store

from tests.paths import PUBLIC


def test_an_uploaded_workbook_keeps_the_name_people_know(tmp_path):
    stored = tmp_path / "0123456789abcdef0123456789abcdef.xlsx"
    shutil.copy(PUBLIC / "ons_mye23tablesew.xlsx", stored)
    catalogue, areas = load_catalogue(), load_areas()
    with Store.open(tmp_path / "names.duckdb", create=True) as store:
        sync_reference(store, catalogue, areas)
        report = load_file(store, stored, LoadContext(catalogue, areas, "E08000027"),
                           user="test", file_name="ons_mye23tablesew.xlsx")
        assert report.status == "loaded", [str(problem) for problem in report.problems]
        vintages = set(store.table(schema.population)["vintage"])
        assert vintages and all("ons_mye23tablesew.xlsx" in vintage for vintage in vintages)
        assert not any("0123456789abcdef" in vintage for vintage in vintages)
        assert store.loads().iloc[0]["file_name"] == "ons_mye23tablesew.xlsx"


FILES = sorted(path for path in PUBLIC.iterdir() if path.suffix in (".csv", ".xlsx") and path.stat().st_size < 5_000_000)


def test_every_problem_names_the_file_as_people_know_it(tmp_path):
    """Each public file stored under a generated name: every warning still names the real file."""
    from loaders.pipeline import read_file

    catalogue, areas = load_catalogue(), load_areas()
    context = LoadContext(catalogue, areas, "E08000027")
    named = 0
    for path in FILES:
        stored = tmp_path / f"0123456789abcdef0123456789abcdef{path.suffix}"
        shutil.copy(path, stored)
        _kind, _batch, problems, _rows = read_file(stored, context, name=path.name)
        assert all(problem.file == path.name for problem in problems), (path.name, problems[:3])
        named += len(problems)
    assert named > 0  # some files do give warnings (Fingertips' repeated England rows, LAIT's codes)
