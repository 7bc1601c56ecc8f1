"""The house rules that keep Borough's code navigable (the house plan's "Rooms" and issue 15).

- No module under ``borough/`` passes 500 lines, apart from migrations and data modules.
- No import circle between modules, counting imports inside functions too.
- Apps import only downward: an app may import the apps listed before it in the house plan's
  table of rooms, plus what its row names (``singleview`` uses ``linkage``), plus the exceptions
  below, each with its reason. ``linkage`` imports nothing first-party but two pure-Python
  modules of ``core`` (``STANDALONE_MAY_IMPORT``). The UI and API layers
  (``portal``, ``hub``, ``api``) never import each other, and no domain app imports them.

The import graph is read from the source with ``ast``; nothing is imported.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOROUGH = ROOT / "borough"

LONGEST_MODULE = 500
# Modules that are data written as Python (a list of names), not logic.
DATA_MODULES = {"borough/demo/names.py"}

# The house plan's table of rooms, top to bottom: an app may import the apps before it.
ROOMS = [
    "core",
    "accounts",
    "clients",
    "places",
    "people",
    "catalogue",
    "cases",
    "contacts",
    "payments",
    "notify",
    "processes",
    "integrations",
    "assistant",
    # Issue 21: the routing plan, calls and the call queue; the voice gateway calls it.
    "telephony",
    "voice",
    "inclusion",
    "directory",
    "homes",
    "singleview",
    "linkage",
    "insights",
    # Placed last, not above singleview as in the plan's table: it reads (and retention
    # removes) every domain app's records, the single view's included (ADR 0031).
    "governance",
    # Reads every domain app's counts for the metrics (task queue, payments, messages, chats):
    # below them all, and nothing imports it (issue 24).
    "observability",
]
UI_AND_API = {"portal", "hub", "api"}
# Apps outside the table: the demo borough is made by calling every domain app's services.
TOOLS = {"demo"}
# Imports the table's order does not give, with the reason each is allowed.
ALSO_ALLOWED = {
    ("singleview", "linkage"): "the house plan: the single view imports the engine's runs",
    ("cases", "contacts"): "ADR 0003: case_create records the contact that raised the case",
    ("cases", "notify"): "notify imports only core: any app may send a message through it",
    ("payments", "notify"): "notify imports only core: renewal notices go through the outbox",
    ("processes", "integrations"): "issue 19: service steps tell other council systems through "
    "integrations.systems (connectors; integrations imports nothing of processes)",
    ("processes", "singleview"): "issue 19: the single person discount reads the single view's "
    "evidence (read only; the single view imports nothing of processes)",
}
# Apps that import nothing first-party, but for these pure-Python modules of core (no Django,
# nothing first-party), each with the reason (ADR 0027).
STANDALONE = {"linkage"}
STANDALONE_MAY_IMPORT = {
    "borough.core.postcodes": "one postcode normaliser for residents' input and source extracts",
    "borough.core.progress": "one progress bar for every long command, the engine's CLI too",
}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in BOROUGH.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    return modules


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the first-party modules it imports, anywhere in its body."""
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                targets = [f"{base}.{alias.name}" for alias in node.names] or [base]
                targets = [t if t in modules else base for t in targets]
            for target in targets:
                while target not in modules and "." in target:
                    target = target.rpartition(".")[0]
                if target in modules and target != name and target.startswith("borough"):
                    graph[name].add(target)
    return graph


def _app(module: str) -> str:
    return module.split(".")[1]


def test_no_module_is_over_500_lines():
    too_long = []
    for path in sorted(BOROUGH.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "migrations" in path.parts or relative in DATA_MODULES:
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > LONGEST_MODULE:
            too_long.append(f"{relative}: {lines} lines")
    assert not too_long, "split these by concern:\n" + "\n".join(too_long)


def test_no_import_circles():
    graph = _imports(_modules())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    counter = [0]

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = counter[0]
        counter[0] += 1
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    assert not circles, "modules that import each other:\n" + "\n".join(map(str, circles))


def _allowed(app: str) -> set[str] | None:
    """The apps ``app`` may import (besides itself); None for any domain app."""
    if app in STANDALONE:
        return set()
    if app in UI_AND_API or app in TOOLS:
        return None
    earlier = set(ROOMS[: ROOMS.index(app)]) if app in ROOMS else {"core"}
    return earlier | {target for source, target in ALSO_ALLOWED if source == app}


def test_apps_import_only_downward():
    wrong = set()
    for module, targets in _imports(_modules()).items():
        source = _app(module)
        allowed = _allowed(source)
        for target_module in targets:
            target = _app(target_module)
            if target == source or source in STANDALONE and target_module in STANDALONE_MAY_IMPORT:
                continue
            if target in UI_AND_API or allowed is not None and target not in allowed:
                wrong.add(f"{source} -> {target} ({module} imports {target_module})")
    assert not wrong, "imports against the house plan:\n" + "\n".join(sorted(wrong))


def test_every_app_is_placed_in_the_house_plan():
    apps = {path.name for path in BOROUGH.iterdir() if (path / "apps.py").exists()}
    apps |= {path.name for path in BOROUGH.iterdir() if (path / "__init__.py").exists()}
    unplaced = apps - set(ROOMS) - UI_AND_API - TOOLS - {"templates", "locale", "frontend"}
    assert not unplaced, f"add these apps to the table of rooms: {sorted(unplaced)}"
