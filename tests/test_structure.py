"""Views and queries never write to the database: writes live in `operations.py`. And a
screen is found from its URL: views only in a package's `routes.py`, which never imports
another route module.

Every `app/**/routes.py` (a view module) and `app/**/queries.py` (a read module) is parsed, not
imported, and each call below is reported as `file:line` with the code that made it.

The rule, precisely:

- Neither kind of module changes rows through the session: no `.add(`, `.add_all(`,
  `.delete(`, `.merge(`, `.flush(` on a session (a receiver whose dotted name ends in
  `session`, as `db.session`, `session`, `self.session`), none of the session's
  `.bulk_save_objects(`, `.bulk_insert_mappings(`, `.bulk_update_mappings(`, and no
  `.execute(` of an `insert(`/`update(`/`delete(` statement or of SQL text starting with
  INSERT, UPDATE, DELETE, MERGE or UPSERT (also when the statement was first bound to a
  name in the same function).
- A view owns the request's one transaction: it may `commit()` after its one operation
  (directly or through `storage.commit_or_discard`), and `rollback()` when that operation
  refused, so that nothing half-done is left in the session. Load, validate, one operation,
  commit, respond.
- A query module owns no transaction: no `.commit()`, `.rollback()` or `commit_or_discard(`.

Not seen by this test: a view that sets an attribute on a loaded row (`walk.title = ...`)
writes at the next commit just the same; that is left to review, since an attribute set on a
form or a response looks the same in the syntax tree.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

SESSION_WRITES = {"add", "add_all", "delete", "merge", "flush"}
WRITE_STATEMENTS = {"insert", "update", "delete"}
WRITE_SQL = ("insert", "update", "delete", "merge", "upsert")
TRANSACTION = {"commit", "rollback"}
BULK_WRITES = {"bulk_save_objects", "bulk_insert_mappings", "bulk_update_mappings"}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{_dotted(node.func)}()"
    return "?"


def _is_write_statement(node: ast.AST, bound: dict[str, list[ast.AST]], seen=()) -> bool:
    """`insert(...)`, `update(...).where(...)`, `pg_insert(...)`, `table.delete()`,
    `text("DELETE ...")`, or a name bound to one of them."""
    if isinstance(node, ast.Name):
        if node.id in seen:
            return False
        return any(_is_write_statement(value, bound, (*seen, node.id))
                   for value in bound.get(node.id, []))
    for inner in ast.walk(node):
        if not isinstance(inner, ast.Call):
            continue
        name = _dotted(inner.func).rsplit(".", 1)[-1]
        if name in WRITE_STATEMENTS or name.endswith("_insert"):
            return True
        if (name == "text" and inner.args and isinstance(inner.args[0], ast.Constant)
                and str(inner.args[0].value).lstrip().lower().startswith(WRITE_SQL)):
            return True
    return False


def _bindings(function: ast.AST) -> dict[str, list[ast.AST]]:
    bound: dict[str, list[ast.AST]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, []).append(node.value)
        elif (isinstance(node, ast.AnnAssign | ast.AugAssign)
              and isinstance(node.target, ast.Name) and node.value is not None):
            bound.setdefault(node.target.id, []).append(node.value)
    return bound


def writes_in(path: Path, source: str | None = None) -> list[str]:
    """Each database write in one module, as 'file:line: code'."""
    source = path.read_text(encoding="utf-8") if source is None else source
    tree = ast.parse(source, filename=str(path))
    is_queries = path.name == "queries.py"
    scopes = [node for node in ast.walk(tree)
              if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
    bound_at: dict[int, dict[str, list[ast.AST]]] = {}
    for scope in scopes:  # inner functions overwrite with their own (smaller) scope
        bindings = _bindings(scope)
        for node in ast.walk(scope):
            bound_at[id(node)] = bindings
    module_bindings = _bindings(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        reason = None
        if isinstance(func, ast.Attribute):
            receiver = _dotted(func.value)
            method = func.attr
            on_session = method in SESSION_WRITES and receiver.split(".")[-1].endswith("session")
            if on_session or method in BULK_WRITES:
                reason = f"{receiver}.{method}()"
            elif method == "execute" and node.args and _is_write_statement(
                node.args[0], bound_at.get(id(node), module_bindings)
            ):
                reason = f"{receiver}.execute() of a write statement"
            elif is_queries and method in TRANSACTION:
                reason = f"{receiver}.{method}() in a read module"
        if is_queries and _dotted(func).rsplit(".", 1)[-1] == "commit_or_discard":
            reason = "commit_or_discard() in a read module"
        if reason:
            where = path.relative_to(APP.parent)
            found.append(f"{where}:{node.lineno}: {reason}")
    return found


def _modules() -> list[Path]:
    return sorted([*APP.rglob("routes.py"), *APP.rglob("queries.py")])


def test_the_walk_finds_view_and_query_modules():
    names = {str(path.relative_to(APP)) for path in _modules()}
    assert "walks/routes.py" in names and "walks/queries.py" in names


def test_views_and_queries_do_not_write():
    found = [line for path in _modules() for line in writes_in(path)]
    assert not found, "Writes belong in operations.py:\n" + "\n".join(found)


def _registers_urls(tree: ast.AST) -> list[int]:
    """Lines of functions decorated as views: `@bp.route(...)`, `@bp.get(...)`, ..."""
    verbs = {"route", "get", "post", "put", "patch", "delete"}
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            for decorator in node.decorator_list
            if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in verbs and _dotted(decorator.func.value).endswith("bp")]


def test_urls_are_registered_only_in_routes_modules():
    """A screen is found from its URL: one routes.py per package holds its views, and no
    second route module hides beside it (as findings/categories.py once did)."""
    found = []
    for path in sorted(APP.rglob("*.py")):
        if path.name == "routes.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += [f"{path.relative_to(APP.parent)}:{line}" for line in _registers_urls(tree)]
    assert not found, "Views belong in the package's routes.py:\n" + "\n".join(found)


def test_route_modules_do_not_import_each_other():
    found = []
    for path in sorted(APP.rglob("routes.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            imported = [n for n in names if n.split(".")[-1] == "routes"]
            if isinstance(node, ast.ImportFrom):
                imported += [a.name for a in node.names if a.name == "routes"]
            found += [f"{path.relative_to(APP.parent)}:{node.lineno}: {n}" for n in imported]
    assert not found, "A route module never imports another:\n" + "\n".join(found)


@pytest.mark.parametrize("code, expected", [
    ("def view():\n    db.session.add(x)\n", ["db.session.add()"]),
    ("def view():\n    db.session.delete(x)\n", ["db.session.delete()"]),
    ("def view():\n    session.flush()\n", ["session.flush()"]),
    ("def view():\n    db.session.bulk_save_objects(rows)\n", ["db.session.bulk_save_objects()"]),
    ("def view():\n    db.session.execute(update(Walk).values(title='x'))\n",
     ["db.session.execute() of a write statement"]),
    ("def view():\n    stmt = delete(Walk)\n    db.session.execute(stmt)\n",
     ["db.session.execute() of a write statement"]),
    ("def view():\n    db.session.execute(text('UPDATE walks SET title = 1'))\n",
     ["db.session.execute() of a write statement"]),
    ("def view():\n    db.session.commit()\n    db.session.rollback()\n", []),
    ("def view():\n    response.vary.add('Accept')\n    seen.add(1)\n", []),
    ("def view():\n    db.session.execute(select(Walk))\n", []),
    ("def view():\n    storage.delete(key)\n", []),
    ("def view():\n    form = listing.bulk_form()\n", []),
])
def test_the_rule_for_views(code, expected):
    assert _probe(APP / "probe" / "routes.py", code) == expected


@pytest.mark.parametrize("code, expected", [
    ("def read(session):\n    session.commit()\n", ["session.commit() in a read module"]),
    ("def read(session):\n    session.rollback()\n", ["session.rollback() in a read module"]),
    ("def read(session):\n    commit_or_discard(session, [])\n",
     ["commit_or_discard() in a read module"]),
    ("def read(session):\n    session.execute(text(\"SET LOCAL work_mem = '32MB'\"))\n", []),
])
def test_the_rule_for_queries(code, expected):
    assert _probe(APP / "probe" / "queries.py", code) == expected


def _probe(path: Path, code: str) -> list[str]:
    return [line.split(": ", 1)[1] for line in writes_in(path, code)]
