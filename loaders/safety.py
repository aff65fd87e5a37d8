"""Refuse unsafe files before any parser opens them.

An .xlsx (or .ods) file is a zip archive: its central directory lists every member with its sizes,
so macros and zip bombs can be seen from the directory alone, without extracting
anything. External links are refused only when a formula uses one (the sheets are then
streamed, never unpacked to disk). A password-protected workbook is not a zip at all but an OLE
compound file (the format of old .xls files) holding an 'EncryptedPackage' stream.
"""

import re
import zipfile
from pathlib import Path

from loaders.problems import LoadRefused, Problem

ALLOWED_SUFFIXES = {".xlsx", ".ods", ".csv", ".parquet"}
MACRO_SUFFIXES = {".xlsm", ".xltm", ".xlam", ".xlsb"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
PARQUET_MAGIC = b"PAR1"

# A 641,070-row LAIT workbook unpacks to about 150 MB: 2 GB leaves ample room for real files.
MAX_UNCOMPRESSED_BYTES = 2 * 1024**3
# Sheet XML compresses 10 to 30 times; a bomb compresses thousands of times.
MAX_RATIO = 200
RATIO_APPLIES_FROM_BYTES = 50 * 1024**2  # tiny members may compress well; only large ones matter
MAX_MEMBERS = 10_000


def check_file(path: Path, shown_name: str | None = None) -> None:
    """Raise LoadRefused naming the file and what to do, or return if it looks safe."""
    path = Path(path)
    name = shown_name or path.name
    problem = _problem(path)
    if problem:
        message, action = problem
        raise LoadRefused([Problem(name, "", message, action)])


def _problem(path: Path) -> tuple[str, str] | None:
    suffix = path.suffix.lower()
    if suffix in MACRO_SUFFIXES:
        return (
            f"'{suffix}' workbooks can hold macros, which Scorecard never opens",
            "Save a copy as an Excel Workbook (.xlsx) and load that",
        )
    if suffix not in ALLOWED_SUFFIXES:
        return (
            f"'{suffix or 'no extension'}' files are not accepted",
            "Save the file as an Excel Workbook (.xlsx) or CSV (.csv), or load a .parquet file",
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE_MAGIC):
        if _is_encrypted(path):
            return (
                "the workbook is password-protected (encrypted), so it cannot be read",
                "Open it in Excel, remove the password (File > Info > Protect Workbook), save it and load it again",
            )
        return (
            "this is an old-style Excel file (.xls format), not an .xlsx workbook",
            "Open it in Excel and save it as an Excel Workbook (.xlsx)",
        )
    if suffix == ".xlsx":
        if not head.startswith(ZIP_MAGIC):
            return ("the file is not a real .xlsx workbook", "Open it in Excel and save it as an Excel Workbook (.xlsx)")
        return _zip_problem(path)
    if suffix == ".ods":  # a zip too: the same checks, then OpenDocument's own macros and encryption
        if not head.startswith(ZIP_MAGIC):
            return ("the file is not a real OpenDocument spreadsheet (.ods)",
                    "Open it in LibreOffice Calc or Excel and save it as .ods or .xlsx")
        return _zip_problem(path) or _ods_problem(path)
    if suffix == ".parquet" and head[:4] != PARQUET_MAGIC:
        return ("the file is not a parquet file", "Export the data again as parquet, or as CSV")
    if suffix == ".csv" and head.startswith(ZIP_MAGIC):
        return ("the file is a workbook saved with a .csv name", "Rename it to .xlsx, or save it from Excel as CSV")
    return None


def _zip_problem(path: Path) -> tuple[str, str] | None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()  # the central directory only: nothing is extracted
    except zipfile.BadZipFile:
        return ("the workbook is damaged (its zip structure cannot be read)",
                "Open it in Excel, save it again as .xlsx and load the new copy")
    names = [member.filename.lower() for member in members]
    if any(name.rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
        return ("the workbook contains macros (vbaProject.bin), which Scorecard never opens",
                "Save a copy as an Excel Workbook (.xlsx), which drops the macros, and load that")
    if len(members) > MAX_MEMBERS:
        return (f"the workbook has {len(members):,} parts, far more than a real workbook",
                "Check where the file came from; save the data again from Excel")
    if member := _member_with_false_size(members):
        return (f"the workbook's part {member} says it is smaller than its packed size, which a real zip "
                "never does: its sizes are false, as in a 'zip bomb' that hides how big it unpacks, so it is not opened",
                "Check where the file came from; if it is genuine, open it in Excel, save it as .xlsx and load the copy")
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if unpacked > MAX_UNCOMPRESSED_BYTES or (
        unpacked > RATIO_APPLIES_FROM_BYTES and unpacked / packed > MAX_RATIO
    ):
        return (f"the workbook would unpack to {unpacked / 1024**2:,.0f} MB from {packed / 1024**2:,.1f} MB "
                "(a 'zip bomb'), so it is not opened",
                "Check where the file came from; if it is genuine, split it into smaller workbooks or send it as CSV")
    if member := _member_with_doctype(path, members):
        return (f"the workbook's part {member} declares a DOCTYPE (XML entities), which real workbooks never "
                "have and which can make a reader run out of memory, so it is not opened",
                "Check where the file came from; if it is genuine, open it in Excel, save it as .xlsx and load the copy")
    if any(name.startswith("xl/externallinks/") for name in names) and (sheet := _sheet_using_links(path)):
        return (f"formulas in {sheet} take their values from other workbooks (external links), "
                "so the figures may be out of date",
                "In Excel use Data > Edit Links > Break Link, save, and load the copy")
    return None


ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _ods_problem(path: Path) -> tuple[str, str] | None:
    """An OpenDocument file keeps macros under Basic/ or Scripts/, names its type in the
    'mimetype' part, and marks encrypted parts in META-INF/manifest.xml. The sizes were
    checked first, so reading these small parts is safe."""
    with zipfile.ZipFile(path) as archive:
        names = {member.filename.lower(): member for member in archive.infolist()}
        if any(name.startswith(("basic/", "scripts/")) for name in names):
            return ("the spreadsheet contains macros (Basic/ or Scripts/), which Scorecard never opens",
                    "Save a copy as an Excel Workbook (.xlsx), or delete the macros in LibreOffice "
                    "(Tools > Macros > Organise Macros), save and load the copy")
        mimetype = archive.read(names["mimetype"])[:200].strip() if "mimetype" in names else b""
        if not mimetype.startswith(ODS_MIMETYPE):
            return ("the file is not an OpenDocument spreadsheet (its 'mimetype' part says "
                    f"'{mimetype.decode('ascii', 'replace') or 'nothing'}')",
                    "Open it in LibreOffice Calc or Excel and save it as .ods or .xlsx")
        manifest = names.get("meta-inf/manifest.xml")
        if manifest is not None and b"encryption-data" in archive.read(manifest)[: 1 << 20]:
            return ("the spreadsheet is password-protected (encrypted), so it cannot be read",
                    "Open it in LibreOffice Calc, remove the password (File > Properties > Security), "
                    "save it and load it again")
    return None


def _member_with_false_size(members: list[zipfile.ZipInfo]) -> str | None:
    """Deflate never makes data bigger than 5 bytes per 64 KB block stored as it is, so a
    part stated smaller than that is lying about its size. A bomb that states a plausible
    size passes here: Python's zip reader and python-calamine stop at the stated size, but
    fastexcel (LAIT workbooks) does not, and checking by unpacking would cost a fifth of a load."""
    for member in members:
        if member.compress_type == zipfile.ZIP_DEFLATED:
            most = member.file_size + 5 * (member.file_size // 65_535 + 1) + 16
            if member.compress_size > most:
                return member.filename
    return None


# A formula naming another workbook: <f>[1]Sheet1!A1</f> or <f>SUM('[2]Data'!B2:B9)</f>.
_EXTERNAL_FORMULA = re.compile(rb"<f[^>]*>[^<]*\[\d+\]")


def _sheet_using_links(path: Path) -> str | None:
    """Where a formula first uses an external link, as people know it ("sheet 'LAA1' (first
    at B7)"), streamed in blocks (bounded memory). Published DfE workbooks carry stale link
    parts that no cell uses: those pass."""
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", member.filename, re.IGNORECASE):
                continue
            with archive.open(member) as stream:
                tail = b""
                for block in iter(lambda: stream.read(1 << 20), b""):
                    if found := _EXTERNAL_FORMULA.search(tail + block):
                        cells = _CELL.findall((tail + block)[: found.start()])
                        tab = _tab_names(archive).get(member.filename.lower())
                        where = f"sheet '{tab}'" if tab else member.filename.rsplit("/", 1)[-1].removesuffix(".xml")
                        return where + (f" (first at {cells[-1].decode()})" if cells else "")
                    tail = block[-4096:]
    return None


_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+[0-9]+)"')


def _tab_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet part's tab name, from the workbook part and its relationships (both
    small; a DOCTYPE in either was refused before this runs). {} when they cannot be read."""
    from xml.etree.ElementTree import fromstring

    try:
        workbook = fromstring(archive.read("xl/workbook.xml"))
        relations = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, SyntaxError):
        return {}
    targets = {el.get("Id"): el.get("Target", "") for el in relations}
    names = {}
    for sheet in workbook.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"):
        target = targets.get(sheet.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"), "")
        names[(target.lstrip("/") if target.startswith("/") else f"xl/{target}").lower()] = sheet.get("name")
    return names


# What may come before an XML part's root element: a byte-order mark, white space, the XML
# declaration and other processing instructions, comments. A DOCTYPE is the only other thing.
_PROLOG_PART = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
MAX_PROLOG_BYTES = 1 << 20
XML_PARTS = (".xml", ".rels", ".vml")


def _member_with_doctype(path: Path, members: list[zipfile.ZipInfo]) -> str | None:
    """The first XML part with a DOCTYPE (where entities, such as 'billion laughs', are
    declared), reading only each part's prolog, so a large sheet costs nothing."""
    with zipfile.ZipFile(path) as archive:
        for member in members:
            if member.filename.lower().endswith(XML_PARTS) and _has_doctype(archive, member):
                return member.filename
    return None


def _has_doctype(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    with archive.open(member) as stream:
        prolog = b""
        while True:
            block = stream.read(1 << 14)
            prolog += block
            text = _as_utf8(prolog).removeprefix(b"\xef\xbb\xbf")
            position = 0
            while found := _PROLOG_PART.match(text, position):
                position = found.end()
            rest = text[position:].upper()
            if rest.startswith(b"<!DOCTYPE"):
                return True
            unfinished = rest.startswith((b"<!--", b"<?")) or b"<!DOCTYPE".startswith(rest)
            if not unfinished or not block:
                return False  # the root element has begun (or the part is not XML: the reader refuses it)
            if len(prolog) >= MAX_PROLOG_BYTES:
                return True  # a megabyte before the root element: no real workbook has that


def _as_utf8(data: bytes) -> bytes:
    """XML may be UTF-16 (with a byte-order mark or not); look at it as UTF-8 either way."""
    if data.startswith((b"\xff\xfe", b"<\x00")):
        return data.decode("utf-16-le", "ignore").encode()
    if data.startswith((b"\xfe\xff", b"\x00<")):
        return data.decode("utf-16-be", "ignore").encode()
    return data


def _is_encrypted(path: Path) -> bool:
    """An OLE compound file is an encrypted OOXML workbook when it has an EncryptedPackage
    stream; its directory names are UTF-16, so look for that name without parsing the file."""
    marker = "EncryptedPackage".encode("utf-16-le")
    with path.open("rb") as handle:
        overlap = b""
        for block in iter(lambda: handle.read(1 << 20), b""):
            if marker in overlap + block:
                return True
            overlap = block[-len(marker):]
    return False
