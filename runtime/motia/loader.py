"""Loading step files whose names are not module names (`03-send-email_step.py`, `a.step.py`).

The generated dispatch module imports ordinary step modules with plain `import` statements. A file that
cannot be imported that way is loaded by its path under a module name the compiler chose (listed
literally in the dispatch module, never found by scanning), and registered in `sys.modules` so that
loading it twice gives the same module.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType


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
