"""Fixtures shared by the test modules."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def isolated_imports(tmp_path: Path) -> Iterator[None]:
    """The app's modules (under tmp_path, or a golden case or example of the repo) and the sys.path entries
    an imported app adds are taken out again: two apps both have a `steps` package and a `motia_types`
    package (and some a top-level `streams` one)."""
    modules, path = set(sys.modules), list(sys.path)
    yield
    folders = (tmp_path, REPO / "golden", REPO / "examples")
    app_modules = [
        name
        for name in set(sys.modules) - modules
        if any(_under(sys.modules[name], folder) for folder in folders)
    ]
    for name in app_modules:
        del sys.modules[name]
    sys.path[:] = path


def _under(module: ModuleType, folder: Path) -> bool:
    places = [getattr(module, "__file__", None) or "", *list(getattr(module, "__path__", []))]
    return any(str(place).startswith(str(folder)) for place in places)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """One Redis server for the session (tests keep apart by their own key prefix)."""
    from tests.redis_server import redis_server  # noqa: PLC0415

    with redis_server() as url:
        yield url
