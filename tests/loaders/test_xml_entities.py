"""XML entity attacks ('billion laughs') in .xlsx files: the safety check refuses any XML part
with a DOCTYPE before a reader opens the file; and, behind it, each reader Scorecard uses
(calamine, fastexcel, openpyxl with defusedxml) refuses to expand entities on its own."""

import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from loaders import safety
from loaders.context import LoadContext
from loaders.pipeline import load_file
from loaders.problems import LoadRefused
from scorecard.areas import load_areas
from scorecard.catalogue import load_catalogue
from scorecard.reference import sync_reference
from scorecard.store import Store

SHEET = "xl/worksheets/sheet1.xml"
# Nine levels of ten: &lol9; would expand to a thousand million 'lol's.
ENTITIES = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{level} "{("&lol;" if level == 1 else f"&lol{level - 1};") * 10}">' for level in range(1, 10)
)
LAUGHS = f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE lolz [{ENTITIES}]>'


def plain_workbook(folder: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["name", "value"])
    sheet.append(["x", 1])
    path = folder / "plain.xlsx"
    book.save(path)
    return path


def rewritten(folder: Path, part: str, change, name: str = "laughs.xlsx") -> Path:
    """A copy of a plain workbook with one part's XML text changed."""
    source, target = plain_workbook(folder), folder / name
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        assert part in original.namelist()
        for member in original.infolist():
            data = original.read(member)
            out.writestr(member, change(data.decode("utf-8")) if member.filename == part else data)
    return target


def with_laughs(text: str) -> bytes:
    body = text.split("?>", 1)[1] if text.startswith("<?xml") else text
    return (LAUGHS + body.replace("<t>x</t>", "<t>&lol9;</t>")).encode()


def refusal(path: Path) -> str:
    with pytest.raises(LoadRefused) as refused:
        safety.check_file(path)
    return str(refused.value.problems[0])


@pytest.mark.parametrize("part", [SHEET, "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                                  "xl/styles.xml", "xl/_rels/workbook.xml.rels"])
def test_a_doctype_in_any_part_is_refused(tmp_path, part):
    assert "DOCTYPE" in refusal(rewritten(tmp_path, part, with_laughs))
    assert part in refusal(rewritten(tmp_path, part, with_laughs))


@pytest.mark.parametrize("prefix, encoding", [
    ("\ufeff", "utf-8"),  # a byte-order mark
    ("  \n\t<!-- an innocent comment -->\n<?some-instruction here?>", "utf-8"),
    ("<!--" + "padding " * 200_000 + "-->", "utf-8"),  # past the first blocks read
    ("", "utf-16"),  # with the byte-order mark Python writes
    ("", "utf-16-le"),
    ("", "utf-16-be"),
])
def test_a_doctype_hidden_behind_comments_or_another_encoding_is_refused(tmp_path, prefix, encoding):
    def hostile(text):
        return (prefix + with_laughs(text).decode().replace(' encoding="UTF-8"', "")).encode(encoding)

    assert "DOCTYPE" in refusal(rewritten(tmp_path, SHEET, hostile))


def test_a_plain_workbook_with_comments_before_its_root_passes(tmp_path):
    safety.check_file(plain_workbook(tmp_path))
    commented = rewritten(tmp_path, SHEET, lambda text: ("<!-- made by hand -->\n" + text).encode())
    safety.check_file(commented)  # no LoadRefused


def test_loading_it_is_refused_quickly_and_changes_nothing(tmp_path):
    store = Store.open(tmp_path / "scorecard.duckdb", create=True)
    catalogue, areas = load_catalogue(), load_areas()
    sync_reference(store, catalogue, areas)
    started = time.monotonic()
    report = load_file(store, rewritten(tmp_path, SHEET, with_laughs), LoadContext(catalogue, areas, "E08000027"),
                       user="test")
    assert time.monotonic() - started < 5
    assert report.status == "refused" and "DOCTYPE" in str(report.problems[0])
    assert store.loads().empty
    store.close()


def test_each_reader_refuses_to_expand_entities_on_its_own(tmp_path):
    """Defence in depth: were the safety check ever bypassed, no reader would expand them."""
    import fastexcel
    from python_calamine import CalamineWorkbook

    path = rewritten(tmp_path, SHEET, with_laughs)
    readers = {
        "calamine": lambda: CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(),
        "fastexcel": lambda: fastexcel.read_excel(str(path)).load_sheet(0).to_pandas(),
        "openpyxl": lambda: list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True)),
    }
    for name, read in readers.items():
        started = time.monotonic()
        with pytest.raises(Exception) as failed:
            read()
        assert time.monotonic() - started < 5, name
        chain, cause = [], failed.value
        while cause is not None:
            chain.append(f"{type(cause).__module__}.{type(cause).__name__}: {cause}")
            cause = cause.__cause__ or cause.__context__
        said = " ".join(chain)
        assert "entity" in said.lower() or "EntitiesForbidden" in said, (name, said)
    assert openpyxl.xml.DEFUSEDXML  # openpyxl parses through defusedxml
