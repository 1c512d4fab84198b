"""The arrows point one way (graph -> resolvers -> db), rules stay pure, tenancy has one filter."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parent.parent


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_db_imports_neither_resolvers_nor_graph():
    for path in python_files("db"):
        bad = {m for m in imports_of(path) if m.split(".")[0] in {"resolvers", "graph", "strawberry"}}
        assert not bad, f"{path}: {bad}"


def test_resolvers_never_import_graph_or_strawberry():
    for path in python_files("resolvers"):
        bad = {m for m in imports_of(path) if m.split(".")[0] in {"graph", "strawberry", "starlette"}}
        assert not bad, f"{path}: {bad}"


def test_rules_are_pure():
    allowed_db = {"db.enums"}  # the vocabulary: plain enums, no I/O
    for path in python_files("resolvers/rules"):
        for module in imports_of(path):
            top = module.split(".")[0]
            assert top not in {"sqlalchemy", "strawberry", "asyncio", "resolvers", "graph"} or module.startswith(
                "resolvers.rules"
            ), f"{path}: {module}"
            assert top != "db" or module in allowed_db, f"{path}: {module}"


def test_tenant_filter_is_written_in_one_place():
    pattern = re.compile(r"client_id\s*==")
    offenders = [p for p in python_files("resolvers") if p.name != "scope.py" and pattern.search(p.read_text())]
    assert offenders == []


def test_many_row_inserts_go_through_insert_rows():
    # `execute(insert(t), [])` runs an INSERT ... DEFAULT VALUES: db/inserts.py::insert_rows skips an empty list
    pattern = re.compile(r"execute\(\s*insert\([\w.]+\)\s*,")
    offenders = [p for folder in ("resolvers", "graph") for p in python_files(folder) if pattern.search(p.read_text())]
    assert offenders == []
