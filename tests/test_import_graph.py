"""The import graph of ``simsuite`` has no cycles, and no module imports another's private names.

The graph is built from the source with :mod:`ast`, not by importing anything. Every ``import``
of a ``simsuite`` module counts as an edge, at module level or inside a function (a lazy import
only hides a cycle until the function runs). The rules:

* ``import simsuite.a.b`` and ``from simsuite.a import b`` where ``b`` is a submodule are
  edges to ``simsuite.a.b``; ``from simsuite.a import name`` where ``name`` is not a submodule
  is an edge to ``simsuite.a`` (for a package, its ``__init__``).
* Relative imports are resolved against the importing module's package.
* A package's ``__init__`` importing its own submodules is an edge like any other: a re-export
  in ``simsuite/x/__init__.py`` of ``simsuite.x.y`` makes ``simsuite.x -> simsuite.x.y``. A
  module that needs ``y`` imports ``simsuite.x.y`` directly, not the re-export, so the arrows
  keep pointing one way.
* The parent packages Python runs implicitly before a submodule (``simsuite/__init__`` before
  ``simsuite.config``) are not edges: the top-level ``__init__`` is the public facade and
  imports most of the package, so counting it would make every module part of one cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "simsuite"
SOURCE = Path(__file__).resolve().parents[1] / PACKAGE


def module_files() -> dict[str, Path]:
    """Dotted module name -> source file, for every module of the package."""
    modules = {}
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module name of a ``from ... import`` statement."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, str, int]]:
    """The ``(target module, imported name, line)`` of every simsuite import in one module.

    ``imported name`` is the name taken from the target (``""`` for ``import simsuite.x``).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                    found.append((alias.name, "", node.lineno))
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(node, module, _is_package(path))
            if source != PACKAGE and not source.startswith(PACKAGE + "."):
                continue
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in modules:
                    found.append((submodule, "", node.lineno))
                else:
                    found.append((source, alias.name, node.lineno))
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the simsuite modules it imports (self-imports dropped)."""
    modules = module_files()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for target, _, _ in imports_of(name, path, modules):
            assert target in modules, f"{name} imports {target}, which does not exist"
            if target != name:
                graph[name].add(target)
    return graph


def strongly_connected_components(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm (iterative): the strongly connected components of ``graph``."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def _describe(component: list[str], graph: dict[str, set[str]]) -> str:
    members = set(component)
    arrows = [f"    {a} -> {b}" for a in component for b in sorted(graph[a] & members)]
    return f"  cycle of {len(component)} modules:\n" + "\n".join(arrows)


def test_tarjan_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    components = strongly_connected_components(graph)
    assert sorted(map(tuple, components)) == [("a", "b", "c"), ("d",)]


def test_no_import_cycles():
    graph = import_graph()
    cycles = [c for c in strongly_connected_components(graph) if len(c) > 1]
    message = "\n".join(_describe(c, graph) for c in cycles)
    assert not cycles, f"import cycles among simsuite modules:\n{message}"


def _module_aliases(
    tree: ast.Module, module: str, path: Path, modules: dict[str, Path]
) -> set[str]:
    """Names a module binds to other simsuite modules (``from simsuite.plotting import school``,
    ``import simsuite.models.klein_gordon.model as kg``)."""
    aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases.update(a.asname for a in node.names if a.asname and a.name in modules)
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(node, module, _is_package(path))
            for alias in node.names:
                if f"{source}.{alias.name}" in modules:
                    aliases.add(alias.asname or alias.name)
    return aliases


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_private_names_imported_across_modules():
    """No ``from simsuite.config import _MISSING``, and no ``school._headings`` through a module
    imported by name. (Private attributes of another module's *objects*, ``basis._minus_k2``,
    cannot be told apart statically; they were made public by hand.)"""
    modules = module_files()
    offences = []
    for name, path in modules.items():
        where = path.relative_to(SOURCE.parent)
        for target, imported, line in imports_of(name, path, modules):
            if target != name and _private(imported):
                offences.append(f"  {where}:{line} imports {imported} from {target}")
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        aliases = _module_aliases(tree, name, path, modules)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and _private(node.attr)
            ):
                offences.append(f"  {where}:{node.lineno} uses {node.value.id}.{node.attr}")
    assert not offences, "private names used across modules:\n" + "\n".join(offences)
