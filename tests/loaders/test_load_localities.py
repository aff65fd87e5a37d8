"""A council's localities file: Scorecard's own layout and ONS's ward lookup, every problem
named with its file, line and column."""

from scorecard.areas import load_areas
from loaders.localities import read_localities
from tests.paths import EXAMPLE_LOCALITIES

WALSALL, DUDLEY = "E08000030", "E08000027"
AREAS = load_areas()


def read(tmp_path, text, la=WALSALL, name="localities.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_localities(path, la, AREAS)


def test_the_example_townships_read_in_the_old_layout():
    found = read_localities(EXAMPLE_LOCALITIES, DUDLEY, AREAS)
    assert not found.problems
    assert [(row["name"], row["kind"], row["parent_code"]) for row in found.rows][:2] == [
        ("Brierley Hill", "township", DUDLEY), ("Dudley", "township", DUDLEY)]


def test_ons_lookup_of_any_year_keeps_the_home_las_wards_once(tmp_path):
    found = read(tmp_path, "FID,WD22CD,WD22NM,LAD22CD,LAD22NM\n1,E05000001,Alpha,E08000030,Walsall\n"
                 "2,E05000001,Alpha,E08000030,Walsall\n3,E05000002,Beta,E08000027,Dudley\n")
    assert found.layout == "ons ward lookup" and not found.problems
    assert found.rows == [{"code": "E05000001", "name": "Alpha", "kind": "ward", "parent_code": WALSALL,
                           "la_code": WALSALL}]


def test_ons_lookup_without_the_home_la_says_so(tmp_path):
    found = read(tmp_path, "WD23CD,WD23NM,LAD23CD,LAD23NM\nE05000002,Beta,E08000027,Dudley\n")
    assert [str(p) for p in found.problems] == [
        "localities.csv: column LAD23CD: no row is for E08000030, the home LA. Check the file is the ward "
        "lookup for the right year, or the home area"]


def test_every_problem_is_named_with_its_line(tmp_path):
    found = read(tmp_path, "code,name,kind,parent\n"
                           "A,North,area partnership,\n"
                           "A,South,area partnership,\n"          # the same code again
                           "B,,ward,A\n"                           # no name
                           "C,Pelsall,,A\n"                        # no kind
                           "D,Bloxwich,ward,Dudley\n"              # another LA as parent
                           "E08000027,Oops,ward,\n"                # an LA's code
                           "X,Loop one,ward,Y\nY,Loop two,ward,X\n")
    assert not found.rows
    assert [str(p) for p in found.problems] == [
        "localities.csv: line 3, column code: A is also on line 2. Give each locality its own code",
        "localities.csv: line 4, column name: the locality has no name",
        "localities.csv: line 5, column kind: no kind given. Give one of: ward, township, area partnership, locality",
        "localities.csv: line 7, column code: E08000027 is the code of Dudley. Give the locality a code of its own",
        "localities.csv: line 6, column parent: 'Dudley' is neither the home LA nor a locality in this file. "
        "Give the code of another locality in the file, or leave it blank for the LA",
        "localities.csv: line 8, column parent: X's parents lead back to itself. Make each chain end at the LA",
        "localities.csv: line 9, column parent: Y's parents lead back to itself. Make each chain end at the LA",
    ]


def test_a_file_of_another_shape_is_told_what_to_give(tmp_path):
    found = read(tmp_path, "ward,population\nAlpha,100\n")
    assert len(found.problems) == 1
    assert str(found.problems[0]).startswith("localities.csv: line 1: has no column code, name, kind and is not an ONS "
                                             "ward lookup. Give a CSV with the columns code, name, kind and parent")
