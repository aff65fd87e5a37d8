"""What the pages' buttons do: each callback reads its inputs, calls one of these and draws
the result. Each asks for the role it needs first (service.access), so a request forged
without the page gets nothing."""

from dataclasses import dataclass
from pathlib import Path

from service import access, audit, exports, preview, uploads
from service.application import Service
from service.loads import LoadReport


@dataclass
class Download:
    filename: str
    content: str | bytes  # text for CSV, bytes for a workbook
    media_type: str


@dataclass
class Checked:
    """An upload checked: its report, and the token to confirm it by when it can be loaded."""

    report: LoadReport | None
    token: dict | None
    problem: str | None = None  # the upload itself was refused (too large, damaged)
    preview: "preview.Preview | None" = None  # what loading it would change, in words


def scorecard_download(service: Service, state: dict, excel: bool) -> Download:
    """The scorecard the page shows, as CSV or Excel; the choice is checked against the server's
    lists again, as the request can be forged."""
    card = service.chosen(state or {})
    header, rows = exports.scorecard_rows(card)
    name = f"scorecard-{card.area.code}-{card.quarter.label.replace(' ', '-')}"
    if excel:
        return Download(f"{name}.xlsx", exports.xlsx_bytes(header, rows),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return Download(f"{name}.csv", exports.csv_text(header, rows), "text/csv")


def audit_download(service: Service) -> Download:
    access.require_admin()
    return Download("scorecard-audit-log.csv", audit.download_csv(service.store), "text/csv")


def save_commentary(service: Service, indicator_id: str, state: dict, text: str) -> str:
    """Save a new version of an indicator's commentary for the page's area and quarter; returns
    who wrote it. NotAllowed for text that is empty or too long, or an indicator off the scorecard."""
    author = access.require_analyst()
    area = service.checked_area(state.get("area"))
    quarter = service.checked_quarter(state.get("period")).label
    service.add_commentary(indicator_id, area, quarter, text, author)
    return author


def revert_load(service: Service, load_id: int) -> list[dict]:
    """Undo a load; the loads as they are afterwards. NotAllowed with the reason when it cannot be."""
    service.revert(load_id, by=access.require_analyst())
    return service.loads()


def check_upload(service: Service, contents: str, filename: str, state: dict) -> Checked:
    """Keep the file and check it without loading: what it would change, or why it cannot be loaded."""
    user = access.require_analyst()
    try:
        path = uploads.keep(contents, filename)
    except ValueError as problem:
        return Checked(None, None, str(problem))
    report = service.upload(path, state.get("area"), dry_run=True, user=user, file_name=filename)
    if report.status != "dry run":
        path.unlink(missing_ok=True)
        return Checked(report, None)
    return Checked(report, {"token": path.name, "name": filename}, preview=preview.preview(service, report.change))


def confirm_upload(service: Service, token: dict | None, state: dict) -> LoadReport | None:
    """Load the checked file; None when the token names no file waiting."""
    user = access.require_analyst()
    path = uploads.pending(token)
    if path is None:
        return None
    report = service.upload(path, state.get("area"), dry_run=False, user=user, file_name=token["name"])
    path.unlink(missing_ok=True)
    return report


def cancel_upload(token: dict | None) -> bool:
    """Forget the checked file; False when the token names no file waiting."""
    access.require_analyst()
    path = uploads.pending(token)
    if path is None:
        return False
    Path(path).unlink(missing_ok=True)
    return True

