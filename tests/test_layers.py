"""The import contract: data flows one way (../shared/DESIGN.md, "Architecture"),

    loaders -> scorecard (domain and store) <- service <- pages (layouts/), command line; app.py wires them

read from the source with `ast`, every import counted (those inside functions too). The test
of the test below builds a small tree that breaks each rule and checks that each is caught."""

import ast
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHECKED = ("scorecard", "loaders", "service", "layouts", "app")  # packages, and app.py

# What each part may import of the project; the longest matching name decides.
MAY_IMPORT = {
    "scorecard": {"scorecard"},
    "loaders": {"loaders", "scorecard"},
    "service": {"service", "loaders", "scorecard"},
    "service.cli": {"service"},  # the command line calls the service only
    "layouts": {"layouts", "service"},  # so do the pages
    "app": {"service"},
}
# Libraries each part must not import.
MUST_NOT_IMPORT = {
    "scorecard": {"dash", "flask", "plotly", "werkzeug"},
    "loaders": {"dash", "flask", "plotly", "werkzeug"},
    "service": {"dash", "plotly"},
    "layouts": {"flask", "werkzeug"},
}
# The database is reached through the store alone.
DATABASE = {"sqlalchemy", "duckdb", "duckdb_engine", "psycopg"}
STORE = {"scorecard.store", "scorecard.versioned", "scorecard.schema", "scorecard.sign_in_store"}


def modules(root: Path) -> dict[str, Path]:
    """Every module of the checked packages, by dotted name."""
    found = {}
    for top in CHECKED:
        if (root / f"{top}.py").is_file():
            found[top] = root / f"{top}.py"
        for path in sorted((root / top).rglob("*.py")) if (root / top).is_dir() else []:
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, int]]:
    """(imported module, line) for every import in a module, relative ones made absolute."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from scorecard import figures` imports the module scorecard.figures;
            # `from scorecard.store import Store` a name in the module scorecard.store.
            submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known]
            found += [(module, node.lineno) for module in submodules or [base]]
    return found


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _rule(name: str, table: dict) -> object:
    matching = [prefix for prefix in table if _under(name, prefix)]
    return table[max(matching, key=len)] if matching else None


def _is_page(name: str) -> bool:
    parts = name.split(".")
    return len(parts) == 2 and parts[0] == "layouts" and not parts[1].startswith("_")


def violations(root: Path = REPO) -> list[str]:
    """Every import against the flow, and every cycle, in words that name the file and line."""
    known = modules(root)
    graph: dict[str, set[str]] = {name: set() for name in known}
    problems = []
    for name, path in known.items():
        where = f"{path.relative_to(root)}"
        allowed, banned = _rule(name, MAY_IMPORT), _rule(name, MUST_NOT_IMPORT) or set()
        for target, line in imports(name, path, known):
            top = target.split(".")[0]
            if top in CHECKED or top in ("tests", "bench", "tools"):
                owner = next((prefix for prefix in allowed if _under(target, prefix)), None)
                if owner is None:
                    problems.append(f"{where}:{line}: {name} imports {target}, against the flow")
                elif _is_page(name) and _is_page(target) and target != name:
                    problems.append(f"{where}:{line}: page {name} imports another page, {target}")
                if target in known and target != name:
                    graph[name].add(target)
            elif top in banned:
                problems.append(f"{where}:{line}: {name} imports {top}")
            elif top in DATABASE and name not in STORE:
                problems.append(f"{where}:{line}: {name} imports {top}: only the store reaches the database")
    problems += [f"import cycle: {' -> '.join([*cycle, cycle[0]])}" for cycle in cycles(graph)]
    return sorted(set(problems))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The modules of each cycle (Tarjan's strongly connected components of more than one)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_import_follows_the_flow_and_none_makes_a_cycle():
    assert violations() == []


def test_the_contract_covers_every_package():
    names = modules(REPO)
    for top in CHECKED:
        assert any(_under(name, top) for name in names), top


# The test of the test: a tree that breaks each rule once ----------------------------------------

BROKEN = {
    "scorecard/__init__.py": "",
    "scorecard/metrics.py": "from service.application import Service\n",  # the domain above itself
    "scorecard/store.py": "import sqlalchemy as sa\n",
    "scorecard/cycle_a.py": "from scorecard import cycle_b\n",
    "scorecard/cycle_b.py": "def later():\n    from scorecard.cycle_a import x\n",  # inside a function
    "scorecard/chart.py": "import plotly.graph_objects as go\n",
    "loaders/__init__.py": "",
    "loaders/reader.py": "import sqlalchemy\nfrom layouts import upload\n",
    "service/__init__.py": "",
    "service/application.py": "from scorecard import metrics\n",
    "service/cli/__init__.py": "from scorecard.store import Store\nfrom service.application import Service\n",
    "layouts/__init__.py": "",
    "layouts/_parts.py": "from service.application import Service\n",
    "layouts/upload.py": "from scorecard.store import Store\nfrom .scorecard import table\n",
    "layouts/scorecard.py": "from layouts._parts import page\nimport flask\n",
    "app.py": "from service.shared import shared\nfrom loaders.reader import read\n",
}
EXPECTED = [
    "app.py:2: app imports loaders.reader, against the flow",
    "import cycle: scorecard.cycle_a -> scorecard.cycle_b -> scorecard.cycle_a",
    "import cycle: scorecard.metrics -> service.application -> scorecard.metrics",
    "layouts/scorecard.py:2: layouts.scorecard imports flask",
    "layouts/upload.py:1: layouts.upload imports scorecard.store, against the flow",
    "layouts/upload.py:2: page layouts.upload imports another page, layouts.scorecard",
    "loaders/reader.py:1: loaders.reader imports sqlalchemy: only the store reaches the database",
    "loaders/reader.py:2: loaders.reader imports layouts.upload, against the flow",
    "scorecard/chart.py:1: scorecard.chart imports plotly",
    "scorecard/metrics.py:1: scorecard.metrics imports service.application, against the flow",
    "service/cli/__init__.py:1: service.cli imports scorecard.store, against the flow",
]


def test_the_contract_fails_on_each_wrong_import(tmp_path):
    for name, text in BROKEN.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert violations(tmp_path) == EXPECTED


def test_the_contract_fails_when_the_real_domain_imports_the_service(tmp_path):
    """The real tree, with one import added against the flow: caught, and the cycle it makes."""
    for top in CHECKED:
        if (REPO / top).is_dir():
            shutil.copytree(REPO / top, tmp_path / top, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(REPO / f"{top}.py", tmp_path / f"{top}.py")
    metrics = tmp_path / "scorecard" / "metrics.py"
    metrics.write_text(metrics.read_text() + "\nfrom service.display import number  # wrong way round\n")
    found = violations(tmp_path)
    lines = len(metrics.read_text().splitlines())
    assert f"scorecard/metrics.py:{lines}: scorecard.metrics imports service.display, against the flow" in found
    assert "import cycle: scorecard.metrics -> service.display -> scorecard.metrics" in found
