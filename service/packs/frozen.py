"""Office files that come out byte for byte the same from the same content: python-pptx,
openpyxl and xlsxwriter stamp the time of writing into each zip entry and into the document
properties (a chart's embedded workbook too), so the zip is written again with one fixed time."""

import io
import re
import zipfile
from datetime import datetime

FAST = 1  # zlib's quickest level: the parts are small XML, and level 6 took a tenth of a deck's time
_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def fixed(data: bytes, stamp: datetime) -> bytes:
    """The same zip with every entry and document date set to `stamp`, entries in their order."""
    written = io.BytesIO()
    moment = stamp.timetuple()[:6]
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename.endswith(".xlsx"):  # a chart's data, a workbook inside the deck
                body = fixed(body, stamp)
            elif item.filename == "docProps/core.xml":
                body = _DATES.sub(rb"\g<1>" + when + rb"\g<2>", body)
            entry = zipfile.ZipInfo(item.filename, date_time=moment)
            # A workbook inside is a zip already: deflating it again costs time and saves nothing.
            entry.compress_type = zipfile.ZIP_STORED if item.filename.endswith(".xlsx") else zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, body, compresslevel=FAST)
    return written.getvalue()
