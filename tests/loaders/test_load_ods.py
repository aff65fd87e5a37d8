"""OpenDocument spreadsheets (.ods) read like .xlsx: real files converted in the test give
the same figures as the originals, and an unsafe .ods is refused before a parser opens it."""

import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from loaders import safety
from loaders.context import LoadContext
from loaders.pipeline import load_file, read_file
from loaders.problems import LoadRefused
from scorecard import schema
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.reference import sync_reference
from scorecard.store import Store
from tests.paths import PUBLIC

CLA = PUBLIC / "cla_number_and_rate_per_10k_children_2021_2025.csv"
NEIGHBOURS = PUBLIC / "statistical_neighbours_2025_wide.csv"
MYE = PUBLIC / "ons_mye23tablesew.xlsx"
DUDLEY = "E08000027"


def typed(text: str):
    """A cell as a spreadsheet holds it: numbers as numbers, symbols and names as text."""
    try:
        return float(text.replace(",", "")) if re.fullmatch(r"-?[\d,]*\.?\d+", text) else text
    except ValueError:
        return text


def as_ods(csv_path: Path, folder: Path) -> Path:
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    path = folder / f"{csv_path.stem}.ods"
    frame.apply(lambda column: column.map(typed)).to_excel(path, engine="odf", sheet_name="Data", index=False)
    return path


@pytest.fixture(scope="module")
def context():
    return LoadContext(load_catalogue(), load_areas(), DUDLEY)


def new_store(folder: Path, context) -> Store:
    store = Store.open(folder / "ods.duckdb", create=True)
    sync_reference(store, context.catalogue, context.areas)
    return store


def test_cla_as_ods_loads_the_same_figures_as_the_csv(tmp_path, context):
    columns = ["indicator_id", "area_code", "period", "source", "numerator", "denominator", "value", "status"]
    frames = []
    for name, path in (("csv", CLA), ("ods", as_ods(CLA, tmp_path))):
        folder = tmp_path / name
        folder.mkdir()
        with new_store(folder, context) as store:
            report = load_file(store, path, context, user="test")
            assert (report.status, report.kind) == ("loaded", "ees_cla"), report.problems
            frames.append(store.table(schema.observation)[columns].sort_values(columns[:4]).reset_index(drop=True))
    from_csv, from_ods = frames
    pd.testing.assert_frame_equal(from_csv, from_ods)
    dudley = from_ods[(from_ods["area_code"] == DUDLEY) & (from_ods["period"] == "31 Mar 2025")].iloc[0]
    assert (dudley["numerator"], dudley["denominator"], dudley["value"]) == (575, 71124, 81)
    city = from_ods[(from_ods["area_code"] == "E09000001") & (from_ods["period"] == "31 Mar 2025")].iloc[0]
    assert city["status"] == "c" and pd.isna(city["numerator"])  # a symbol, never zero


def test_neighbours_as_ods_read_like_the_csv(tmp_path, context):
    kind, batch, problems, _rows = read_file(as_ods(NEIGHBOURS, tmp_path), context)
    assert (kind, problems) == ("neighbours_2025", [])
    pd.testing.assert_frame_equal(batch.tables["comparator"], read_file(NEIGHBOURS, context)[1].tables["comparator"])


def test_ons_estimates_as_ods_read_like_the_workbook(tmp_path, context):
    book = CalamineWorkbook.from_path(str(MYE))
    path = tmp_path / "ons_mye23tablesew.ods"
    with pd.ExcelWriter(path, engine="odf") as writer:  # titles, header, England, regions and the first LAs
        for sheet in ("MYE2 - Persons", "MYE2 - Females"):
            rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)[:60]
            pd.DataFrame(rows).to_excel(writer, sheet_name=sheet, header=False, index=False)
    kind, batch, problems, _rows = read_file(path, context)
    assert (kind, problems) == ("ons_mid_year_estimates", [])
    from_ods = batch.tables["population"].drop(columns="vintage")
    from_xlsx = read_file(MYE, context)[1].tables["population"].drop(columns="vintage")
    from_xlsx = from_xlsx[from_xlsx["area_code"].isin(from_ods["area_code"])].reset_index(drop=True)
    assert len(from_ods) == len(from_xlsx) > 100
    pd.testing.assert_frame_equal(from_ods, from_xlsx)
    assert from_ods.query("area_code == 'E92000001' and age_band == '0-17'")["count"].item() == 11_998_646


# Safety: an .ods is a zip like an .xlsx, checked the same way before any parser opens it.


@pytest.fixture
def good_ods(tmp_path):
    path = tmp_path / "good.ods"
    pd.DataFrame({"Indicator": ["cla_rate"], "Value": [80]}).to_excel(path, engine="odf", index=False)
    return path


def rewritten(source: Path, target: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of an .ods with parts replaced (None drops one) or added."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in original.infolist():
            if item.filename not in change:
                copy.writestr(item, original.read(item.filename))
        for name, data in change.items():
            if data is not None:
                copy.writestr(name, data)
    return target


def refusal(path: Path) -> str:
    with pytest.raises(LoadRefused) as refused:
        safety.check_file(path)
    (problem,) = refused.value.problems
    assert problem.file == path.name
    return f"{problem.message}. {problem.action}"


def test_a_real_ods_passes(good_ods):
    safety.check_file(good_ods)  # raises if not


def test_text_named_ods_is_refused(tmp_path):
    path = tmp_path / "figures.ods"
    path.write_bytes(b"Indicator,Value\ncla_rate,80\n")
    assert refusal(path).startswith("the file is not a real OpenDocument spreadsheet (.ods)")


def test_macros_are_refused(good_ods, tmp_path):
    path = rewritten(good_ods, tmp_path / "macros.ods", {"Basic/Standard/Module1.xml": b"<module/>"})
    assert "contains macros" in refusal(path)


def test_a_doctype_is_refused(good_ods, tmp_path):
    with zipfile.ZipFile(good_ods) as archive:
        content = archive.read("content.xml")
    entities = b'<!DOCTYPE office:document-content [<!ENTITY lol "lol">]>'
    content = content.replace(b"?>", b"?>" + entities, 1)
    path = rewritten(good_ods, tmp_path / "entities.ods", {"content.xml": content})
    assert "part content.xml declares a DOCTYPE" in refusal(path)


def test_a_bomb_is_refused(good_ods, tmp_path):
    path = rewritten(good_ods, tmp_path / "bomb.ods", {"content.xml": b"<a>" + b" " * (60 * 1024**2) + b"</a>"})
    assert "zip bomb" in refusal(path)


def test_another_kind_of_opendocument_is_refused(good_ods, tmp_path):
    path = rewritten(good_ods, tmp_path / "letter.ods", {"mimetype": b"application/vnd.oasis.opendocument.text"})
    assert "not an OpenDocument spreadsheet" in refusal(path)


def test_a_password_protected_ods_is_refused(good_ods, tmp_path):
    with zipfile.ZipFile(good_ods) as archive:
        manifest = archive.read("META-INF/manifest.xml")
    manifest = manifest.replace(b"</manifest:manifest>", b"<manifest:encryption-data/></manifest:manifest>")
    path = rewritten(good_ods, tmp_path / "locked.ods", {"META-INF/manifest.xml": manifest})
    assert "password-protected" in refusal(path)


def test_a_refused_ods_loads_nothing(good_ods, tmp_path, context):
    path = rewritten(good_ods, tmp_path / "macros.ods", {"Scripts/python/run.py": b"import os"})
    with new_store(tmp_path, context) as store:
        report = load_file(store, path, context, user="test")
        assert report.status == "refused" and store.loads().empty
