"""No import circles between the app's modules outside `app/models/` (whose mapped classes
name each other), counting the imports made inside functions too: those are how a circle
hides until it fails at run time. A package's `__init__` (its blueprint and re-exports) is
not followed, as a blueprint's routes import `bp` from the package that imports them.

The modules are parsed, not imported. `farm-studio look` draws the same house with its
floors; this test keeps its circle count at 0 between looks."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"


def _module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The app modules (not packages' __init__) that the file imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                found.add(name if name in modules else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name in modules}


def _graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in APP.rglob("*.py") if "translations" not in p.parts}
    leaves = {name for name, p in files.items() if p.name != "__init__.py"}
    return {name: _imports(files[name], leaves) - {name}
            for name in leaves if not name.startswith("app.models")}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def test_no_import_circles_outside_the_models():
    assert _circles(_graph()) == []


def test_the_check_sees_a_circle_made_inside_a_function():
    graph = {"app.a.queries": {"app.a.operations"}, "app.a.operations": {"app.a.webhooks"},
             "app.a.webhooks": {"app.a.queries"}, "app.b": set()}
    assert _circles(graph) == [["app.a.operations", "app.a.queries", "app.a.webhooks"]]
