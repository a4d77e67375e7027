"""Imports from the runtime (`from motia import X`, `import motia.x`) that name something it does not have
(MG116). Such a step passes every other check, then fails to import when the app starts.

The names are looked up in the installed runtime package itself, so this check and the runtime always
agree. Only the runtime's own modules are imported to do it (`motia.__path__` is searched, never the app),
and only for modules a step names.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import pkgutil
from collections.abc import Iterator
from functools import cache

import motia

from motia_gen.diagnostics import Diagnostic, diag
from motia_gen.parse import ir

_RUNTIME = "motia"


def unknown_runtime_imports(module: ir.ModuleIR) -> Iterator[Diagnostic]:
    for imported in module.imported:
        if imported.module != _RUNTIME and not imported.module.startswith(f"{_RUNTIME}."):
            continue
        problem = _problem(imported.module, imported.name)
        if problem is not None:
            message, near = problem
            help = f"did you mean {' or '.join(repr(n) for n in near)}?" if near else None
            yield diag("MG116", imported.span, message, help=help)


def _problem(module: str, name: str | None) -> tuple[str, list[str]] | None:
    if not _is_module(module):
        parent, _, last = module.rpartition(".")
        near = [f"{parent}.{n}" for n in _close(last, _submodules(parent))] if _is_module(parent) else []
        return f"the motia runtime has no module '{module}'", near
    if name is None or _is_module(f"{module}.{name}"):
        return None
    try:
        if name in _names(module):
            return None
        near = _close(name, _public(module)) or _close(name, _names(module))
    except ImportError:  # a runtime module needing an optional package this machine lacks: no verdict
        return None
    return f"'{module}' has no name '{name}'", near


def _close(word: str, candidates: frozenset[str]) -> list[str]:
    return difflib.get_close_matches(word, sorted(candidates), n=3, cutoff=0.6)


@cache
def _is_module(name: str) -> bool:
    if name == _RUNTIME:
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError, AttributeError):  # a parent that is not a package
        return False


@cache
def _submodules(package: str) -> frozenset[str]:
    found = importlib.import_module(package)
    path = getattr(found, "__path__", None)
    return frozenset(info.name for info in pkgutil.iter_modules(path)) if path else frozenset()


@cache
def _public(module: str) -> frozenset[str]:
    """The names a module offers: its `__all__` (and `motia.types`' forwarded names)."""
    found = motia if module == _RUNTIME else importlib.import_module(module)
    return frozenset({*getattr(found, "__all__", ()), *getattr(found, "MOTIA_NAMES", ())})


@cache
def _names(module: str) -> frozenset[str]:
    """What `from module import X` finds: its public names (lazy ones included), its globals, its
    submodules."""
    found = motia if module == _RUNTIME else importlib.import_module(module)
    public = set(getattr(found, "__all__", ()))
    lazy = getattr(found, "MOTIA_NAMES", ())  # motia.types forwards these to the package
    return frozenset({*public, *lazy, *vars(found), *_submodules(module)} - {"MOTIA_NAMES"})
