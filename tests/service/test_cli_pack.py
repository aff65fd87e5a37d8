"""`scorecard pack` as a user types it: make a pack (the file -o names, all three kept), list,
sign off (only an analyst's or admin's name when the database has users), download the kept
file byte for byte, compare with the pack the board last saw; mistakes are one plain line."""

from datetime import date

import pytest

from scorecard.periods import latest_complete_quarter
from scorecard.store import Store
from service import users
from service.cli import main

QUARTER = latest_complete_quarter(date.today()).label
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli-pack") / "demo.duckdb"
    assert main(["demo", "--db", str(path)]) == 0
    return path


def test_make_list_sign_off_download_and_compare(db, tmp_path, capsys):
    made = tmp_path / "pack.pdf"
    assert main(["pack", "--db", str(db), "--period", QUARTER, "--format", "pdf", "-o", str(made), "--by", "pat"]) == 0
    said = capsys.readouterr().out
    assert "Board pack 1 made" in said and "figures loaded up to load 1" in said
    assert made.read_bytes().startswith(b"%PDF")
    assert main(["pack", "--db", str(db), "--list"]) == 0
    assert "Draft" in capsys.readouterr().out
    assert main(["pack", "--db", str(db), "--sign-off", "1", "--by", "pat"]) == 0
    assert "signed off by pat" in capsys.readouterr().out
    again = tmp_path / "again.pdf"
    assert main(["pack", "--db", str(db), "--download", "1", "--format", "pdf", "-o", str(again)]) == 0
    assert again.read_bytes() == made.read_bytes()
    deck = tmp_path / "deck.pptx"
    assert main(["pack", "--db", str(db), "--period", QUARTER, "-o", str(deck), "--by", "pat"]) == 0
    assert deck.read_bytes().startswith(b"PK")
    capsys.readouterr()
    assert main(["pack", "--db", str(db), "--compare", "2"]) == 0
    assert "against pack 1, the last the board saw" in capsys.readouterr().out


def test_mistakes_are_one_plain_line(db, tmp_path, capsys):
    assert main(["pack", "--db", str(db), "--period", QUARTER]) == 2
    assert "needs a file to go in: add -o FILE.pptx" in capsys.readouterr().err
    assert main(["pack", "--db", str(db), "--sign-off", "99"]) == 2
    assert "There is no board pack 99" in capsys.readouterr().err
    assert main(["pack", "--db", str(db), "--period", "2026-27 Q9", "-o", str(tmp_path / "x.pptx")]) == 2
    assert "Q1 to Q4" in capsys.readouterr().err


def test_with_users_only_an_analyst_or_admin_makes_or_signs_off(db, tmp_path, capsys):
    """After the tests above (pack 2 is a draft): users are added, as a team's server has them."""
    with Store.open(db) as store:
        users.add_user(store, "vera", "viewer", PASSWORD, by="test")
        users.add_user(store, "anna", "analyst", PASSWORD, by="test")
    output = str(tmp_path / "pack.xlsx")
    assert main(["pack", "--db", str(db), "--period", QUARTER, "--format", "xlsx", "-o", output, "--by", "vera"]) == 2
    assert "'vera' is not an analyst or admin" in capsys.readouterr().err
    assert main(["pack", "--db", str(db), "--sign-off", "2", "--by", "vera"]) == 2
    with Store.open(db) as store:
        assert [pack["id"] for pack in store.board_packs()] == [2, 1]  # vera made nothing
        assert store.board_packs()[0]["signed_off_by"] is None
    assert main(["pack", "--db", str(db), "--sign-off", "2", "--by", "anna"]) == 0
    with Store.open(db) as store:
        assert store.board_packs()[0]["signed_off_by"] == "anna"


def test_a_pack_of_one_basket_holds_only_its_indicators(tmp_path, capsys, monkeypatch):
    """Issue 13: the pack can be made for a basket (here the example safeguarding board's set)."""
    from pptx import Presentation

    from tests.paths import REPO

    db = tmp_path / "demo.duckdb"  # its own: no users, so anyone running the command may make a pack
    assert main(["demo", "--db", str(db)]) == 0

    monkeypatch.setenv("SCORECARD_BASKETS", str(REPO / "data" / "examples" / "baskets.yaml"))
    out = tmp_path / "basket.xlsx"
    capsys.readouterr()
    made = main(["pack", "--db", str(db), "--period", "2026-27 Q2", "--basket", "safeguarding_board",
                 "--format", "xlsx", "-o", str(out)])
    said = capsys.readouterr()
    assert made == 0, said.err
    assert "(Safeguarding partnership board)" in said.out
    deck_file = tmp_path / "basket.pptx"
    assert main(["pack", "--db", str(db), "--period", "2026-27 Q2", "--basket", "safeguarding_board",
                 "-o", str(deck_file)]) == 0
    text = " ".join(shape.text_frame.text for slide in Presentation(deck_file).slides
                    for shape in slide.shapes if shape.has_text_frame)
    tables = " ".join(cell.text for slide in Presentation(deck_file).slides for shape in slide.shapes
                      if shape.has_table for row in shape.table.rows for cell in row.cells)
    assert "Child protection plan rate" in tables and "Children looked after rate" not in tables
    assert "Safeguarding partnership board" in text
    assert main(["pack", "--db", str(db), "--period", "2026-27 Q2", "--basket", "nonesuch", "-o",
                 str(tmp_path / "x.pptx")]) == 2
    assert "There is no basket 'nonesuch'" in capsys.readouterr().err
