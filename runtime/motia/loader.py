"""Loading step files whose names are not module names (`03-send-email_step.py`, `a.step.py`).

The generated dispatch module imports ordinary step modules with plain `import` statements. A file that
cannot be imported that way is loaded by its path under a module name the compiler chose (listed
literally in the dispatch module, never found by scanning), and registered in `sys.modules` so that
loading it twice gives the same module.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import linecache
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import CodeType, FunctionType, ModuleType
from typing import Any


def app_root(module_file: str, relative: str, source_roots: Sequence[str] = (".",)) -> Path:
    """The app root of a built dispatch module: `relative` (a POSIX path the compiler computed) from the
    folder holding `module_file` (the module's `__file__`). Each source root under it is put first on
    `sys.path`, so step modules import by their names. No directory is listed or scanned.

    The types package the same build wrote (`types/` next to the module) goes before them: step files
    that import their generated types get the ones this build checked, even when the app's own copy is
    stale."""
    here = os.path.dirname(os.path.abspath(module_file))
    root = os.path.normpath(os.path.join(here, *relative.split("/")))
    for source in reversed(source_roots):
        entry = os.path.normpath(os.path.join(root, *source.split("/")))
        if entry not in sys.path:
            sys.path.insert(0, entry)
    types = os.path.join(here, "types")
    if os.path.isdir(types):
        if types in sys.path:
            sys.path.remove(types)
        sys.path.insert(0, types)
    return Path(root)


def load_path(root: str | Path, relative: str, module_name: str, *, lazy: bool = False) -> ModuleType:
    """The module in file `relative` (to the app root `root`), imported as `module_name`. With `lazy`,
    its body runs when one of its attributes is first read (the build's compiled models: no request
    needs them before the first validation)."""
    existing = sys.modules.get(module_name)
    if existing is not None:
        return existing
    path = Path(root) / relative
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load step file {relative} (looked for {path})")
    if lazy:
        spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def lambda_at(module: ModuleType, line: int, column: int) -> Callable[..., Any]:
    """The lambda written in `module`'s config whose body starts at `line`:`column` (1-based, in
    characters), for a dispatch module that cannot name it. It is looked for among what the module's
    globals hold (dicts, lists, tuples, the config objects); nothing is called or evaluated.

    A lambda's code knows where its first instruction is, which is where its body starts or just after
    (past an opening parenthesis, say): the lambda chosen is the one whose first instruction comes first
    at or after the given position."""
    best: tuple[tuple[int, int], Callable[..., Any]] | None = None
    for function in _functions_in(vars(module)):
        code = function.__code__
        start = _body_start(code)
        if code.co_name != "<lambda>" or start is None or code.co_firstlineno > line:
            continue
        source = linecache.getline(module.__file__ or "", start[0])
        at = (start[0], len(source.encode()[: start[1]].decode(errors="replace")) + 1)
        if at >= (line, column) and (best is None or at < best[0]):
            best = (at, function)
    if best is None:
        raise LookupError(
            f"{module.__name__}: no lambda in its config at line {line}, column {column}; the file changed "
            f"since the build (run motia build)"
        )
    return best[1]


def _body_start(code: CodeType) -> tuple[int, int] | None:
    """Line and byte column of a lambda's first instruction after the frame set-up: where its body is."""
    positions = iter(code.co_positions())
    next(positions, None)  # RESUME
    for start_line, _, start_column, _ in positions:
        if start_line is not None and start_column is not None:
            return start_line, start_column
    return None


def _functions_in(root: object, depth: int = 6) -> Iterator[FunctionType]:
    """Functions held by `root`, looking through containers and dataclass-like config objects."""
    seen: set[int] = set()
    pending: list[tuple[object, int]] = [(root, 0)]
    while pending:
        value, level = pending.pop()
        if id(value) in seen or level > depth:
            continue
        seen.add(id(value))
        if isinstance(value, FunctionType):
            yield value
        elif isinstance(value, dict):
            pending.extend((item, level + 1) for item in value.values())
        elif isinstance(value, list | tuple | set | frozenset):
            pending.extend((item, level + 1) for item in value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = dataclasses.fields(value)
            pending.extend((getattr(value, field.name, None), level + 1) for field in fields)
