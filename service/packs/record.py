"""Board packs frozen "as presented": making one renders its PowerPoint, PDF and Excel from
one content and keeps the three files' bytes with what they were made from (quarter, area, the
data version, the loads, the commentary as it stood, who and when). A download gives the kept
bytes, so a pack is the same file byte for byte after new loads, revisions or commentary edits.
An analyst or admin signs it off once. A pack can be compared with the last one signed off
before it: which figures changed since the board last saw them."""

import json
from dataclasses import dataclass

from scorecard.periods import Period
from service.application import Service
from service.errors import NotAllowed
from service.packs import content as pack_content
from service.packs import excel, pdf, powerpoint

FORMATS = {
    "pptx": ("PowerPoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
             powerpoint.render),
    "pdf": ("PDF", "application/pdf", pdf.render),
    "xlsx": ("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", excel.render),
}


@dataclass
class Change:
    """One figure as the board last saw it and as it is in the later pack."""

    indicator: str
    before: str  # '10.6 (2025/26), Red'
    after: str
    what: str  # 'new figure', 'revised', 'RAG changed', 'target changed', 'commentary changed'


def content_for(service: Service, area: str | None, quarter: Period, framework: str = "ecm",
                outcome: str | None = None, presenter: str | None = None,
                basket: str | None = None) -> pack_content.PackContent:
    """The pack's content for choices already checked by the caller (command line or page);
    `basket`: only that basket's indicators (service.checked_basket refuses an unknown one)."""
    chosen = service.checked_basket(basket)
    card = service.in_basket(service.scorecard(service.checked_area(area), quarter, framework, outcome), basket)
    titles = dict(service.outcome_choices(framework))
    content = pack_content.build(service, card, outcome_title=titles.get(outcome) if outcome else None,
                                 presenter=presenter)
    content.basket = (chosen.id, chosen.title) if chosen else None
    return content


def render(content: pack_content.PackContent, file_format: str) -> bytes:
    return FORMATS[file_format][2](content)


def make(service: Service, content: pack_content.PackContent, made_by: str, made_at) -> tuple[int, dict[str, bytes]]:
    """Render all three files and keep them with the pack's record; returns its id and the files."""
    files = {name: render(content, name) for name in FORMATS}
    card = content.card
    pack_id = service.store.add_board_pack({
        "area_code": card.area.code, "quarter": card.quarter.label, "framework": card.framework,
        "outcome": _scope_of(content), "title": content.title,
        "data_version": json.dumps(service.data_version(), default=str),
        "latest_load_id": content.latest_load_id, "load_ids": ",".join(map(str, content.load_ids)),
        "commentary": json.dumps({row.indicator_id: {"text": row.commentary, "author": row.commentary_author}
                                  for row in card.rows if row.commentary}, sort_keys=True),
        "figures": json.dumps({row.indicator_id: _figure_record(row) for row in card.rows}, sort_keys=True),
        "made_by": made_by, "made_at": made_at, **files,
    })
    return pack_id, files


def _scope_of(content: pack_content.PackContent) -> str | None:
    """What the pack is of, beyond its area and quarter: one outcome area, one basket
    ('basket-ID'), or None for them all. Packs are compared only with packs of the same scope."""
    if content.basket:
        return f"basket-{content.basket[0]}"
    areas = {row.outcome_area for row in content.card.rows}
    return next(iter(areas)) if len(areas) == 1 else None


def _figure_record(row) -> dict:
    """What the board saw of a row: enough to say later what changed. Only shown text: never a
    figure that was suppressed."""
    return {"title": row.short_title, "period": row.period_label, "shown": row.shown,
            "target": pack_content.target_text(row), "rag": row.rag, "commentary": row.commentary or ""}


def packs(service: Service, drafts: bool = True) -> list[dict]:
    """Every pack, newest first; without drafts, only those signed off."""
    return [pack for pack in service.store.board_packs() if drafts or pack["signed_off_by"]]


def pack(service: Service, pack_id: int) -> dict:
    found = next((pack for pack in service.store.board_packs() if pack["id"] == int(pack_id)), None)
    if found is None:
        raise NotAllowed(f"There is no board pack {pack_id}. 'scorecard pack --list' lists them.")
    return found


def sign_off(service: Service, pack_id: int, by: str) -> dict:
    found = pack(service, pack_id)
    if found["signed_off_by"]:
        raise NotAllowed(f"Board pack {pack_id} was signed off by {found['signed_off_by']} already.")
    service.store.sign_off_board_pack(int(pack_id), by)
    return pack(service, pack_id)


def file_of(service: Service, pack_id: int, file_format: str) -> tuple[str, bytes, str]:
    """(file name, the kept bytes, media type) of one of a pack's files."""
    if file_format not in FORMATS:
        raise NotAllowed(f"A board pack comes as {', '.join(FORMATS)}, not '{file_format}'.")
    found = pack(service, pack_id)
    data = service.store.board_pack_file(int(pack_id), file_format)
    return file_name(found, file_format), data, FORMATS[file_format][1]


def file_name(found: dict, file_format: str) -> str:
    scope = f"-{found['outcome']}" if found["outcome"] else ""
    return f"board-pack-{found['id']}-{found['area_code']}-{found['quarter'].replace(' ', '-')}{scope}.{file_format}"


def previous_signed_off(service: Service, pack_id: int) -> dict | None:
    """The last pack signed off before this one, for the same area and scope: what the board last saw."""
    later = pack(service, pack_id)
    return next((found for found in service.store.board_packs()
                 if found["id"] < later["id"] and found["signed_off_by"] and found["area_code"] == later["area_code"]
                 and found["framework"] == later["framework"] and found["outcome"] == later["outcome"]), None)


def compare(service: Service, pack_id: int) -> tuple[dict | None, list[Change]]:
    """The pack the board last saw before this one, and each figure that differs from it."""
    later = pack(service, pack_id)
    earlier = previous_signed_off(service, pack_id)
    if earlier is None:
        return None, []
    before, after = json.loads(earlier["figures"]), json.loads(later["figures"])
    changes = []
    for indicator_id, now in after.items():
        then = before.get(indicator_id)
        if then is None:
            changes.append(Change(now["title"], "not in the pack", _said(now), "new indicator"))
            continue
        what = _what_changed(then, now)
        if what:
            changes.append(Change(now["title"], _said(then), _said(now), what))
    return earlier, changes


def _said(figure: dict) -> str:
    period = f" ({figure['period']})" if figure["period"] else ""
    return f"{figure['shown']}{period}, {pack_content.RAG_WORDS[figure['rag']]}, target {figure['target']}"


def _what_changed(then: dict, now: dict) -> str:
    found = []
    if then["period"] != now["period"]:
        found.append("new figure")
    elif then["shown"] != now["shown"]:
        found.append("revised")
    if then["rag"] != now["rag"]:
        found.append("RAG changed")
    if then["target"] != now["target"]:
        found.append("target changed")
    if then.get("commentary", "") != now.get("commentary", ""):
        found.append("commentary changed")
    return ", ".join(found)


def checked_signer(service: Service, name: str) -> str:
    """From the command line: when the database has users, only an analyst's or an admin's name
    may make or sign off a pack (the shell is trusted to say who it is, as for `users add`)."""
    from service.users import has_role

    known = {user["username"]: user["role"] for user in service.store.users()}
    if known and not (name in known and has_role(known[name], "analyst")):
        raise NotAllowed(f"'{name}' is not an analyst or admin here: only they make and sign off board packs. "
                         "Give --by with an analyst's username.")
    return name
