"""The package's layout shows its one-way flow: stages import only from the stages below them.

raw files -> records -> curation (report) -> release (tables, release) -> access (load) ->
the command line. Imports inside functions count too; no two modules import each other,
directly or in a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import REPO

PACKAGE = REPO / "nato_corpus"
#: stage of each top-level part of the package; a module may import its own stage and below
STAGES = {
    "errors": 0,
    "problems": 0,
    "records": 1,
    "curation": 2,
    "release": 3,
    "access": 4,
    "commands": 5,
    "terminal": 5,
    "cli": 5,
    "__main__": 6,
}
#: about 450 lines: a module past this is two concepts
MAX_LINES = 480


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path) -> set[str]:
    """Modules of the package that ``name`` imports, at any depth of its code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            targets = [f"{prefix}.{alias.name}" for alias in node.names] + [prefix]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            # importing a module runs its packages first: a package above is not an import of it
            if target and target != name and not name.startswith(target + "."):
                found.add(target)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items() if name != "nato_corpus"}


def _stage(name: str) -> int | None:
    parts = name.split(".")
    return STAGES.get(parts[1]) if len(parts) > 1 else None


@pytest.mark.parametrize("name", sorted(GRAPH))
def test_a_module_imports_only_its_stage_and_below(name):
    """No import climbs back up the flow (records < curation < release < access < cli)."""
    own = _stage(name)
    above = sorted(t for t in GRAPH[name] if own is not None and (_stage(t) or 0) > own)
    assert above == [], f"{name} (stage {own}) imports from a later stage: {above}"


def test_no_import_cycles():
    """No module reaches itself through its imports, inside functions included."""
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(GRAPH.get(node, ())):
            if state.get(target) == 1:
                cycles.append(trail[trail.index(target) :] + [target] if target in trail else [node, target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for start in sorted(GRAPH):
        if start not in state:
            visit(start, [start])
    assert cycles == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_two_concepts(name):
    """Every module stays under about 450 lines."""
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name} has {lines} lines"


def test_the_stages_are_the_package():
    """Every part of the package belongs to a stage (a new folder is placed on purpose)."""
    parts = {name.split(".")[1] for name in MODULES if name.count(".") >= 1}
    assert parts <= set(STAGES), sorted(parts - set(STAGES))
