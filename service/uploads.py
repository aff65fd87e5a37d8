"""Files sent through the upload page, kept until the analyst confirms or cancels. The client's
file name is never a path: each file is kept under a name made here, and only such a name is
accepted back."""

import base64
import binascii
import re
import uuid
from pathlib import Path

from service import housekeeping
from service.settings import value


def folder() -> Path:
    """The setting upload_folder, else uploads/ in the data folder."""
    return value("upload_folder") or value("data_folder") / "uploads"


def max_bytes() -> int:
    return value("upload_limit_mb") * 1024 * 1024


TOKEN = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx|ods|parquet)$")
PLAIN_SUFFIX = re.compile(r"^\.[a-z0-9]{1,10}$")


def keep(contents: str, filename: str) -> Path:
    """Keep an upload (a data URL) under a generated name. Any plain extension is kept, so the
    loader's safety check gives its own refusal, such as the one for macro workbooks (.xlsm).
    ValueError, in plain words, for a file too large or damaged."""
    suffix = Path(filename or "").suffix.lower()
    suffix = suffix if PLAIN_SUFFIX.match(suffix) else ""
    if len(contents) > max_bytes() * 4 // 3 + 1024:  # base64 text: checked before decoding it
        raise ValueError(f"{filename}: the file is larger than {value('upload_limit_mb')} MB. Split it, or send it "
                         "as CSV.")
    try:
        data = base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (IndexError, binascii.Error):
        raise ValueError(f"{filename}: the upload arrived damaged. Try again.") from None
    kept = folder()
    kept.mkdir(parents=True, exist_ok=True)
    housekeeping.remove_stale_uploads(kept)  # what earlier uploads left behind
    path = kept / f"{uuid.uuid4().hex}{suffix}"
    path.write_bytes(data)
    return path


def pending(token: dict | None) -> Path | None:
    """The checked file waiting for a decision; None unless the token names one this module made."""
    if not token or not TOKEN.match(str(token.get("token", ""))):
        return None
    return folder() / token["token"]
