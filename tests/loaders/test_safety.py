"""Unsafe files are refused before any parser opens them, with a message naming the file."""

import zipfile
from pathlib import Path

import openpyxl
import pytest

from loaders import safety
from loaders.pipeline import load_file
from loaders.problems import LoadRefused
from tests.workbooks import DUDLEY, contents, filled_template, fresh_store
from tests.paths import PUBLIC


@pytest.fixture
def store(tmp_path):
    store, context = fresh_store(tmp_path)
    yield store, context
    store.close()


def good_workbook(tmp_path, context):
    path = tmp_path / "good.xlsx"
    filled_template(path, context, {("cla_rate", DUDLEY): {"Value": 80}})
    return path


def with_member(source, target, name, data=b""):
    """A copy of a workbook with one more part inside its zip."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in original.infolist():
            copy.writestr(item, original.read(item.filename))
        copy.writestr(name, data)
    return target


def refused_by_load(store, path):
    store, context = store
    before = contents(store)
    report = load_file(store, path, context, user="analyst")
    assert report.status == "refused"
    assert contents(store) == before
    (problem,) = report.problems
    assert problem.file == path.name and problem.location == ""
    return problem


def test_a_good_workbook_passes(store, tmp_path):
    safety.check_file(good_workbook(tmp_path, store[1]))  # raises if not


@pytest.mark.parametrize("name", ["figures.xls", "figures.txt", "figures"])  # .ods: tests/loaders/test_load_ods.py
def test_other_kinds_of_file(store, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"Indicator,Value\ncla_rate,80\n")
    problem = refused_by_load(store, path)
    assert "files are not accepted" in problem.message
    assert "Save the file as an Excel Workbook (.xlsx) or CSV" in problem.action


def test_macro_enabled_by_name(store, tmp_path):
    path = tmp_path / "scorecard.xlsm"
    path.write_bytes(good_workbook(tmp_path, store[1]).read_bytes())
    problem = refused_by_load(store, path)
    assert problem.message == "'.xlsm' workbooks can hold macros, which Scorecard never opens"
    assert str(problem).startswith("scorecard.xlsm: '.xlsm' workbooks can hold macros")


def test_macros_inside_an_xlsx(store, tmp_path):
    path = with_member(good_workbook(tmp_path, store[1]), tmp_path / "renamed.xlsx", "xl/vbaProject.bin", b"\0" * 64)
    problem = refused_by_load(store, path)
    assert "contains macros (vbaProject.bin)" in problem.message


def test_external_links_used_by_a_formula(store, tmp_path):
    source = tmp_path / "source.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "Looked after children rate"
    book.active["B1"] = "=[1]Sheet1!B7"  # a value that lives in another workbook
    book.save(source)
    path = with_member(source, tmp_path / "linked.xlsx", "xl/externalLinks/externalLink1.xml", b"<externalLink/>")
    problem = refused_by_load(store, path)
    assert problem.message.startswith("formulas in sheet 'Sheet' (first at B1) take their values from other workbooks (external links)")
    assert "Break Link" in problem.action


def test_unused_external_link_parts_pass(store, tmp_path):
    # The published DfE SFR34 workbook carries 23 stale link parts that no cell uses.
    published = PUBLIC / "cla_la_tables_2015_sfr34.xlsx"
    with zipfile.ZipFile(published) as archive:
        assert any(name.startswith("xl/externalLinks/") for name in archive.namelist())
    safety.check_file(published)
    path = with_member(good_workbook(tmp_path, store[1]), tmp_path / "stale.xlsx",
                       "xl/externalLinks/externalLink1.xml", b"<externalLink/>")
    safety.check_file(path)


def test_encrypted_workbook(store, tmp_path):
    # What Excel writes for a password-protected workbook: an OLE compound file whose
    # directory names an 'EncryptedPackage' stream (names are UTF-16).
    path = tmp_path / "protected.xlsx"
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504
    directory = "EncryptedInfo".encode("utf-16-le") + b"\0" * 50 + "EncryptedPackage".encode("utf-16-le")
    path.write_bytes(header + b"\0" * 2048 + directory + b"\0" * 4096)
    problem = refused_by_load(store, path)
    assert problem.message == "the workbook is password-protected (encrypted), so it cannot be read"
    assert "remove the password" in problem.action


def test_old_xls_saved_with_an_xlsx_name(store, tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 4096)
    assert "old-style Excel file" in refused_by_load(store, path).message


def test_not_a_zip_at_all(store, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("Indicator,Value\n")
    assert refused_by_load(store, path).message == "the file is not a real .xlsx workbook"


def test_zip_bomb_by_ratio(store, tmp_path):
    path = with_member(good_workbook(tmp_path, store[1]), tmp_path / "bomb.xlsx",
                       "xl/worksheets/sheet9.xml", b"\0" * (64 * 1024**2))
    assert path.stat().st_size < 1024**2  # 64 MB of zeros packs into well under 1 MB
    problem = refused_by_load(store, path)
    assert "zip bomb" in problem.message and "would unpack to 64 MB" in problem.message


def test_zip_bomb_by_total_size_without_extracting(tmp_path, monkeypatch):
    # The sizes come from the zip's directory: nothing is unpacked to find them.
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"x" * 4096)
    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED_BYTES", 1000)
    monkeypatch.setattr(zipfile.ZipFile, "read", lambda *a, **k: pytest.fail("a member was extracted"))
    with pytest.raises(LoadRefused, match="big.xlsx: the workbook would unpack to"):
        safety.check_file(path)


def test_csv_that_is_really_a_workbook(store, tmp_path):
    path = tmp_path / "figures.csv"
    path.write_bytes(good_workbook(tmp_path, store[1]).read_bytes())
    assert refused_by_load(store, path).message == "the file is a workbook saved with a .csv name"


def test_parquet_that_is_not_parquet(store, tmp_path):
    path = tmp_path / "lait.parquet"
    path.write_text("Data item,Value\n")
    assert refused_by_load(store, path).message == "the file is not a parquet file"


def test_upload_name_is_the_one_shown(store, tmp_path):
    store_, context = store
    path = tmp_path / "upload-3f2a.xlsm"
    path.write_bytes(b"PK\x03\x04")
    report = load_file(store_, path, context, user="analyst", file_name="Q3 scorecard.xlsm")
    assert str(report.problems[0]).startswith("Q3 scorecard.xlsm: ")


def lying_workbook(source: Path, target: Path, padding: int, stated: int) -> Path:
    """A copy whose first sheet unpacks to `padding` more bytes than its zip says it does
    (`stated`), in both the local header and the central directory, as a crafted bomb does."""
    import struct

    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == sheet:
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * padding, 1)
            copy.writestr(item, data)
    raw = bytearray(target.read_bytes())
    member = zipfile.ZipFile(target).getinfo(sheet)
    struct.pack_into("<I", raw, member.header_offset + 22, stated)
    directory = 0
    while (directory := raw.find(b"PK\x01\x02", directory)) >= 0:
        length = struct.unpack_from("<H", raw, directory + 28)[0]
        if raw[directory + 46:directory + 46 + length] == sheet.encode():
            struct.pack_into("<I", raw, directory + 24, stated)
        directory += 4
    target.write_bytes(raw)
    assert zipfile.ZipFile(target).getinfo(sheet).file_size == stated
    return target


def test_zip_whose_directory_understates_a_size(store, tmp_path):
    path = lying_workbook(good_workbook(tmp_path, store[1]), tmp_path / "liar.xlsx", 40 * 1024**2, 2000)
    problem = refused_by_load(store, path)
    assert "xl/worksheets/sheet1.xml" in problem.message and "sizes are false" in problem.message


def test_a_plausible_false_size_is_stopped_by_the_python_zip_reader_and_calamine(store, tmp_path):
    """A bomb stating a size its packed data could have passes the directory check; Python's
    zip reader (under openpyxl) and python-calamine then stop at the stated size."""
    from python_calamine import CalamineWorkbook

    source = good_workbook(tmp_path, store[1])
    packed = lying_workbook(source, tmp_path / "liar.xlsx", 40 * 1024**2, 0).stat().st_size
    path = lying_workbook(source, tmp_path / "plausible.xlsx", 40 * 1024**2, packed * 10)
    safety.check_file(path)  # passes the directory check
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    with pytest.raises(Exception, match="larger than its declared uncompressed size"):
        CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
