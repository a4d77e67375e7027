"""Fixtures shared by the test modules."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture
def isolated_imports(tmp_path: Path) -> Iterator[None]:
    """The app's modules (under tmp_path) and the sys.path entries an imported app adds are taken out
    again: two apps both have a `steps` package and a `motia_types` package."""
    modules, path = set(sys.modules), list(sys.path)
    yield
    app_modules = [name for name in set(sys.modules) - modules if _under(sys.modules[name], tmp_path)]
    for name in app_modules:
        del sys.modules[name]
    sys.path[:] = path


def _under(module: ModuleType, folder: Path) -> bool:
    places = [getattr(module, "__file__", None) or "", *list(getattr(module, "__path__", []))]
    return any(str(place).startswith(str(folder)) for place in places)
