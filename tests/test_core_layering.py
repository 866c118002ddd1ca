"""The package has no import cycle, counting imports inside functions too (issue "One
scoring core"): readers -> core -> analyses -> runner -> renderers -> CLI."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "seqeval_suite"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        submodules = {f"{target}.{alias.name}" for alias in node.names} & modules.keys()
        found |= submodules
        if len(submodules) < len(node.names) and target in modules:
            found.add(target)
    return found - {name}


def import_cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in graph:
        if v not in index:
            visit(v)
    return cycles


def test_layering_no_import_cycle_in_the_package():
    assert import_cycles() == []


def test_layering_core_imports_no_later_layer():
    modules = _modules()
    later = ("seqeval_suite.evaluate", "seqeval_suite.agreement", "seqeval_suite.analysis",
             "seqeval_suite.runner", "seqeval_suite.render", "seqeval_suite.cli", "seqeval_suite.stats")
    for name, path in modules.items():
        if name.startswith("seqeval_suite.core"):
            bad = [m for m in _imports(name, path, modules) if m.startswith(later)]
            assert not bad, f"{name} imports {bad}"
