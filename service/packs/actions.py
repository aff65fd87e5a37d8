"""What the Board pack page's buttons do. Each asks for the role it needs first
(service.access), so a viewer's forged request makes, signs off and downloads nothing it may
not: analysts and admins make and sign off packs and see drafts; everyone downloads a pack
signed off."""

from datetime import datetime

from service import access
from service.actions import Download
from service.application import Service
from service.errors import NotAllowed
from service.packs import record


def may_make() -> bool:
    try:
        access.require_analyst()
    except PermissionError:
        return False
    return True


def listed(service: Service) -> list[dict]:
    """The packs this user may see: drafts too for analysts and admins."""
    return record.packs(service, drafts=may_make())


def make_pack(service: Service, state: dict, presenter: str | None) -> int:
    """Make and keep a pack of the page's area, quarter and outcome; returns its id."""
    user = access.require_analyst()
    framework = service.checked_framework(state.get("framework"))
    outcome = state.get("outcome") if state.get("outcome") in dict(service.outcome_choices(framework)) else None
    content = record.content_for(service, state.get("area"), service.checked_quarter(state.get("period")),
                                 framework, outcome, (presenter or "").strip()[:80] or user, state.get("basket"))
    pack_id, _files = record.make(service, content, user, datetime.now().replace(microsecond=0))
    return pack_id


def sign_off_pack(service: Service, pack_id: int) -> dict:
    return record.sign_off(service, int(pack_id), access.require_analyst())


def pack_download(service: Service, pack_id: int, file_format: str) -> Download:
    """A pack's kept file; a draft (not signed off) only for analysts and admins."""
    if not record.pack(service, pack_id)["signed_off_by"] and not may_make():
        raise NotAllowed("This pack is a draft: it can be downloaded once an analyst has signed it off.")
    name, data, media_type = record.file_of(service, pack_id, file_format)
    return Download(name, data, media_type)


def compare_packs(service: Service, pack_id: int) -> tuple[dict | None, list[record.Change]]:
    found = record.pack(service, pack_id)
    if not found["signed_off_by"] and not may_make():
        raise NotAllowed("This pack is a draft: only analysts and admins see drafts.")
    return record.compare(service, pack_id)
