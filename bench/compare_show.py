"""`scorecard show --format json` with the code at a git revision and with the code here, on the
demo database and on the real public files: the output must be identical.

    .venv/bin/python bench/compare_show.py [--rev main] [--no-public] [--keep DIR]

The revision is exported (git archive) to a folder of its own. Each side builds its own
databases with its own `scorecard demo` and `scorecard load` (so the demo generator and the
loaders are compared too), then runs show for several areas, quarters, frameworks and choices
in one process per side. Prints each difference, then a summary; exit code 1 when any differ.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PUBLIC = REPO.parent / "shared" / "data" / "public"

AREAS = ["E08000027", "E08000030", "E06000004", "E92000001", "E12000005", "E08000027-DUD", "Walsall", "332"]
QUARTERS = ["2024-25 Q4", "2023-24 Q2", "2025-26 Q1", None]
CHOICES = [
    ["--framework", "ecm"],
    ["--framework", "csc_2023"],
    ["--outcome", "stay_safe"],
    ["--indicator", "cla_rate", "--indicator", "cin_rate"],
]

# Run inside each side's folder: every show in one process, through the side's own main().
DRIVER = """
import contextlib, importlib, io, json, sys
cli = importlib.import_module(sys.argv[1])
results = {}
for argv in json.loads(sys.argv[2]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    results[" ".join(argv)] = [code, out.getvalue(), err.getvalue()]
json.dump(results, sys.stdout)
"""


def command_module(tree: Path) -> str:
    """The module with the `scorecard` command's main() in that tree."""
    return "service.cli" if (tree / "service" / "cli").exists() or (tree / "service" / "cli.py").exists() else "scorecard.cli"


def python(tree: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree), "SCORECARD_WARM": "off"}
    env.pop("SCORECARD_DB", None)
    return subprocess.run([sys.executable, *args], cwd=tree, env=env, capture_output=True, text=True, **kwargs)


def scorecard(tree: Path, *args: str) -> subprocess.CompletedProcess:
    return python(tree, "-m", command_module(tree), *args)


def public_files() -> list[str]:
    """Populations, areas, neighbours and LAIT's dictionary first, LAIT's long file last
    (as bench/public.py loads them)."""
    first = ("ons_", "la_code", "statistical_neighbours", "lait_data_dictionary")
    files = sorted(p for p in PUBLIC.iterdir() if p.suffix.lower() in (".csv", ".xlsx", ".ods", ".parquet"))

    def rank(path: Path) -> tuple:
        for index, prefix in enumerate(first):
            if path.name.startswith(prefix):
                return (0, index, path.name)
        return (2 if path.name.startswith("lait_long") else 1, 0, path.name)

    return [str(path) for path in sorted(files, key=rank)]


def build(tree: Path, folder: Path, public: bool) -> dict[str, Path]:
    databases = {"demo": folder / "demo.duckdb"}
    made = scorecard(tree, "demo", "--db", str(databases["demo"]))
    if made.returncode:
        sys.exit(f"{tree}: scorecard demo failed:\n{made.stderr}")
    if public:
        databases["public"] = folder / "public.duckdb"
        loaded = scorecard(tree, "load", "--db", str(databases["public"]), *public_files())
        if loaded.returncode not in (0, 1):  # 1: some file refused, the same on both sides
            sys.exit(f"{tree}: scorecard load failed:\n{loaded.stderr}")
    return databases


def shows(db: Path) -> list[list[str]]:
    runs = []
    for area in AREAS:
        for quarter in QUARTERS:
            for choice in CHOICES:
                argv = ["show", "--db", str(db), "--format", "json", "--area", area, *choice]
                runs.append(argv + (["--period", quarter] if quarter else []))
    return runs


def run_shows(tree: Path, db: Path) -> dict[str, list]:
    done = python(tree, "-c", DRIVER, command_module(tree), json.dumps(shows(db)))
    if done.returncode:
        sys.exit(f"{tree}: show failed:\n{done.stderr[-3000:]}")
    # The database path differs between the sides: key each run by what it asked for.
    return {key.replace(str(db), "DB"): value for key, value in json.loads(done.stdout).items()}


def exported(rev: str, tree: Path) -> Path:
    """The files of a revision, in a folder of their own."""
    tree.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def first_difference(before: str, after: str) -> str:
    for number, (old, new) in enumerate(zip(before.splitlines(), after.splitlines()), start=1):
        if old != new:
            return f"line {number}: {old.strip()!r} -> {new.strip()!r}"
    return f"lengths {len(before.splitlines())} -> {len(after.splitlines())} lines"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="the git revision to compare with (default: where this branch left main)")
    parser.add_argument("--after", help="a git revision for the new side (default: the working tree)")
    parser.add_argument("--no-public", action="store_true", help="the demo database only")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    if args.rev is None:
        args.rev = subprocess.run(["git", "-C", str(REPO), "merge-base", "HEAD", "main"], capture_output=True,
                                  text=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="compare-show-") as scratch:
        work = args.keep or Path(scratch)
        sides = {"before": exported(args.rev, work / "before" / "repo"),
                 "after": exported(args.after, work / "after" / "repo") if args.after else REPO}
        results = {}
        for side, tree in sides.items():
            started = time.perf_counter()
            folder = work / side / "databases"
            folder.mkdir(parents=True, exist_ok=True)
            databases = build(tree, folder, not args.no_public)
            results[side] = {name: run_shows(tree, db) for name, db in databases.items()}
            named = args.rev if side == "before" else args.after or "working tree"
            print(f"{side} ({named}, {command_module(tree)}): "
                  f"{sum(map(len, results[side].values()))} shows in {time.perf_counter() - started:.0f} s")
    differences = 0
    for name, before in results["before"].items():
        after = results["after"][name]
        rows = 0
        for key, (code, out, err) in before.items():
            new_code, new_out, new_err = after[key]
            rows += len(json.loads(out)) if code == 0 else 0
            if (code, out, err) != (new_code, new_out, new_err):
                differences += 1
                print(f"DIFFERENT {name}: {key}: exit {code} -> {new_code}; {first_difference(out + err, new_out + new_err)}")
        print(f"{name}: {len(before)} shows, {rows:,} scorecard rows compared")
    print("identical" if not differences else f"{differences} shows differ")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
