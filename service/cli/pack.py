"""The board pack: make one (PowerPoint, PDF and Excel, kept as made), list, sign off, download
again byte for byte, and compare with the pack the board last saw."""

import getpass
from datetime import datetime
from pathlib import Path

from service import arguments
from service.cli.common import UserError, open_service, print_table

FORMATS = ("pptx", "pdf", "xlsx")


def add_pack(commands) -> None:
    parser = commands.add_parser(
        "pack", help="make a board pack (PowerPoint, PDF, Excel), frozen as presented; list, sign off, compare",
        description="Make a board pack: all three files are kept as made, and -o writes the one --format names. "
                    "Then --sign-off ID, --download ID, --compare ID, --list.")
    parser.add_argument("--period", help="financial quarter like 2026-27 Q2 (default: the latest complete)")
    parser.add_argument("--area", help="area code, old code or name (default: the home LA)")
    parser.add_argument("--outcome", help="one outcome area, by id or title (default: all)")
    parser.add_argument("--framework", help="outcome framework (default: the setting framework, ecm)")
    parser.add_argument("--basket", help="only one basket's indicators, by its id (scorecard baskets lists them)")
    parser.add_argument("--format", choices=FORMATS, default="pptx", help="the file -o writes (default: pptx)")
    parser.add_argument("-o", "--output", help="write the pack's file here")
    parser.add_argument("--presenter", help="who presents, for the cover (default: --by)")
    parser.add_argument("--by", default=None, help="who makes or signs off (default: your login name)")
    actions = parser.add_mutually_exclusive_group()
    actions.add_argument("--list", action="store_true", help="list the packs made, newest first")
    actions.add_argument("--sign-off", type=int, metavar="ID", help="sign a pack off as presented")
    actions.add_argument("--download", type=int, metavar="ID", help="write a kept pack's file again (-o, --format)")
    actions.add_argument("--compare", type=int, metavar="ID",
                         help="which figures changed since the pack signed off before this one")
    parser.set_defaults(run=run_pack)


def run_pack(args) -> int:
    from service.packs import record  # python-pptx and reportlab only for this command

    by = args.by or getpass.getuser()
    with open_service(args) as service:
        if args.list:
            _list(record.packs(service))
        elif args.sign_off is not None:
            found = record.sign_off(service, args.sign_off, record.checked_signer(service, by))
            print(f"Board pack {found['id']} signed off by {found['signed_off_by']}.")
        elif args.download is not None:
            name, data, _media = record.file_of(service, args.download, args.format)
            Path(_output(args, name)).write_bytes(data)
            print(f"Board pack {args.download} written to {_output(args, name)} (as kept when it was made).")
        elif args.compare is not None:
            _compare(*record.compare(service, args.compare), args.compare)
        else:
            _make(args, service, record, record.checked_signer(service, by))
    return 0


def _output(args, default: str) -> str:
    return args.output or default


def _make(args, service, record, by: str) -> None:
    area = arguments.area_code(service.areas, args.area, service.home)
    framework = arguments.framework(service.catalogue, args.framework or service.default_framework)
    outcome = arguments.outcome_id(framework, args.outcome)
    if not args.output:
        raise UserError("A board pack needs a file to go in: add -o FILE.pptx (or .pdf, .xlsx with --format).")
    content = record.content_for(service, area, arguments.quarter(args.period), framework.id, outcome,
                                 args.presenter or by, args.basket)
    pack_id, files = record.make(service, content, by, datetime.now().replace(microsecond=0))
    Path(args.output).write_bytes(files[args.format])
    print(f"Board pack {pack_id} made ({content.title}; {content.vintage}) and written to {args.output}. "
          f"Its PowerPoint, PDF and Excel are kept: sign it off with 'scorecard pack --sign-off {pack_id}'.")


def _list(packs: list[dict]) -> None:
    if not packs:
        print("No board packs yet. Make one with: scorecard pack --period \"2026-27 Q2\" -o pack.pptx")
        return
    print_table(["Pack", "Title", "Loads up to", "Made by", "Made", "Signed off"], [
        [str(found["id"]), found["title"], str(found["latest_load_id"] or ""), found["made_by"],
         f"{found['made_at']:%d %b %Y %H:%M}",
         f"{found['signed_off_by']}, {found['signed_off_at']:%d %b %Y}" if found["signed_off_by"] else "Draft"]
        for found in packs
    ])


def _compare(earlier: dict | None, changes: list, pack_id: int) -> None:
    if earlier is None:
        print(f"No pack was signed off before pack {pack_id} for the same area and scope: nothing to compare with.")
        return
    print(f"Pack {pack_id} against pack {earlier['id']}, the last the board saw "
          f"(signed off by {earlier['signed_off_by']}, {earlier['signed_off_at']:%d %b %Y}):")
    if not changes:
        print("No figure, RAG, target or commentary has changed.")
        return
    print_table(["Indicator", "What changed", "Board last saw", "Now"],
                [[change.indicator, change.what, change.before, change.after] for change in changes])
