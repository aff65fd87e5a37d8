"""A DfE LA code list (LA number, name, region, type): checked against Scorecard's own area
directory, which already knows every LA, its old and new codes and its predecessors.

Loading one writes no figures; it says which LAs the directory does not know or names
differently, so a new LA (another reorganisation) is noticed before its figures arrive.
"""


from loaders.context import LoadContext
from loaders.problems import Problem, Severity
from scorecard.store import Batch

KINDS = ("la_code_list",)
SIGNATURE = {"LA Number", "LA Name"}
COLUMNS = {"la_code_list": ("LA Number", "LA Name")}  # checked before reading, for `--as`


def detect(source) -> str | None:
    return "la_code_list" if SIGNATURE <= source.columns and "Short Desc" not in source.columns else None


def _same(first: str, second: str) -> bool:
    simple = lambda text: "".join(ch for ch in text.lower().replace("&", "and") if ch.isalnum())  # noqa: E731
    return simple(first) == simple(second)


def read(source, kind: str, context: LoadContext, problems: list[Problem]) -> Batch:
    table = source.table
    frame = table.frame
    source.rows_read = len(frame)
    for index, number, name in frame[["LA Number", "LA Name"]].itertuples():
        number, name = str(number).strip(), str(name).strip()
        if not number and not name:
            continue
        area = context.areas.resolve(number)
        if area is None:
            problems.append(
                Problem(table.file_name, table.location(index, "LA Number"),
                        f"LA {number} '{name}' is not in Scorecard's area directory",
                        "Add it to data/areas.csv (with its GSS code and any predecessor) before loading its figures",
                        Severity.WARNING)
            )
        elif not any(_same(name, known) for known in (area.name, *area.aliases)):
            problems.append(
                Problem(table.file_name, table.location(index, "LA Name"),
                        f"LA {number} is '{name}' here but '{area.name}' ({area.code}) in Scorecard's area directory",
                        "Check the code; if the LA was renamed, add the name to its aliases in data/areas.csv",
                        Severity.WARNING)
            )
    return Batch({}, indicators=[])


