"""Print the import circles (strongly connected components) of graph/ that hold a graph/*/types.py module.

Every import counts: module level, under TYPE_CHECKING and inside functions, since each is a place where
one module names another. Also prints the largest graph/ file and the function-local imports of a module.

    .venv/bin/python scripts/import_cycles.py [graph/customers/types.py]
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(tree: ast.AST, modules: set[str]) -> set[str]:
    """The graph modules `tree` imports (`from graph.x import y` counts graph.x.y when that is a module)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found & modules


def local_imports(tree: ast.AST) -> int:
    """Imports inside a function body."""
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return sum(isinstance(n, (ast.Import, ast.ImportFrom)) for f in functions for n in ast.walk(f))


def components(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            found.append(component)

    sys.setrecursionlimit(10_000)
    for v in graph:
        if v not in index:
            visit(v)
    return found


def main(local_of: list[str]) -> None:
    paths = sorted((ROOT / "graph").rglob("*.py"))
    trees = {module_name(p): ast.parse(p.read_text(), str(p)) for p in paths}
    graph = {m: imports_of(t, set(trees)) - {m} for m, t in trees.items()}
    largest = max(paths, key=lambda p: len(p.read_text().splitlines()))
    print(f"largest graph file: {largest.relative_to(ROOT)} ({len(largest.read_text().splitlines())} lines)")
    for name in local_of:
        path = ROOT / name
        print(f"function-local imports in {name}: {local_imports(ast.parse(path.read_text()))}")
    for component in components(graph):
        types = sorted(m for m in component if m.endswith("types"))
        if len(component) > 1 and types:
            print(f"import circle of {len(component)} modules, {len(types)} of them graph/*/*types.py:")
            for m in sorted(component):
                print(f"  {m}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["graph/customers/types.py"])
