"""The folders show the pipeline: imports only go forward, modules stay small, the top level stays thin.

Stages in order; a module may import its own stage or an earlier one, never a later one. The runtime
(`motia`) is outside the order: the compiler may import it, it never imports the compiler (see
tests/runtime/test_isolation.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.paths import REPO

COMPILER = REPO / "motia_gen"
RUNTIME = REPO / "runtime" / "motia"

STAGES = (
    "version",
    "diagnostics",
    "settings",
    "discover",
    "parse",
    "evaluate",
    "model",
    "check",
    "frontend",
    "emit",
    "typecheck",
    "scaffold",
    "cli",
    "__main__",
)
TOP_LEVEL = {"__init__.py", "__main__.py", "settings.py", "discover.py", "frontend.py", "version.py"}
MAX_LINES = 500


def _module(path: Path, package: Path, prefix: str) -> str:
    parts = list(path.relative_to(package).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([prefix, *parts])


def _imports(path: Path, module: str) -> list[tuple[int, str]]:
    """Every module name an import statement names, at any depth, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def stage_of(module: str) -> int | None:
    """The stage index of a compiler module (`motia_gen.<stage>[...]`), None for anything else."""
    parts = module.split(".")
    if parts[0] != "motia_gen" or len(parts) < 2:
        return None
    return STAGES.index(parts[1]) if parts[1] in STAGES else None


def backward_edges(package: Path, prefix: str) -> list[str]:
    edges = []
    for path in sorted(package.rglob("*.py")):
        module = _module(path, package, prefix)
        own = stage_of(module)
        if own is None:
            continue
        for line, imported in _imports(path, module):
            target = stage_of(imported)
            if target is not None and target > own:
                edges.append(
                    f"{path.relative_to(package.parent).as_posix()}:{line}: {module} imports {imported}"
                )
    return sorted(set(edges))


def test_every_compiler_module_belongs_to_a_stage() -> None:
    strays = [
        p.relative_to(REPO).as_posix()
        for p in COMPILER.rglob("*.py")
        if stage_of(_module(p, COMPILER, "motia_gen")) is None and p.name != "__init__.py"
    ]
    assert strays == []


def test_no_import_from_a_later_stage() -> None:
    assert backward_edges(COMPILER, "motia_gen") == []


def test_the_walk_sees_a_backward_edge(tmp_path: Path) -> None:
    """The check itself: a `parse` module importing `check`, at any depth, is found."""
    package = tmp_path / "motia_gen"
    (package / "parse").mkdir(parents=True)
    (package / "parse" / "module.py").write_text(
        "from motia_gen.diagnostics import Span\n\ndef late():\n    from motia_gen.check import runner\n"
    )
    (package / "parse" / "other.py").write_text("from ..emit import dispatch\n")
    assert [edge.split(": ", 1)[1] for edge in backward_edges(package, "motia_gen")] == [
        "motia_gen.parse.module imports motia_gen.check",
        "motia_gen.parse.module imports motia_gen.check.runner",
        "motia_gen.parse.other imports motia_gen.emit",
        "motia_gen.parse.other imports motia_gen.emit.dispatch",
    ]


def test_the_top_level_holds_only_the_driver_modules() -> None:
    assert {p.name for p in COMPILER.glob("*.py")} <= TOP_LEVEL


@pytest.mark.parametrize("package", [COMPILER, RUNTIME], ids=["compiler", "runtime"])
def test_no_module_over_500_lines(package: Path) -> None:
    long = {
        p.relative_to(REPO).as_posix(): n
        for p in package.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
