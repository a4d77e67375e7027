"""Which backend an app runs on: `--backend`, else the `MOTIA_BACKEND` environment variable (a `.env` file
of the app can set it), else `[tool.motia] backend` in the app's pyproject.toml, else SQLite in
`<app>/.motia/motia.sqlite3` (in `$MOTIA_DIR` instead when set: `motia start --motia-dir`).

A value is `sqlite` (the default) or a Redis URL (`redis://[:password@]host:6379/0`, `rediss://` for TLS,
`unix:///path/to/redis.sock`). On Redis the app's keys are prefixed with its project name (`[project]
name`, else its folder's name), so apps can share one server. A URL is shown only with its password
masked.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from motia.storage.backend import Backend
from motia.storage.sqlite import DEFAULT_PATH, SqliteBackend

ENVIRONMENT = "MOTIA_BACKEND"
DIRECTORY = "MOTIA_DIR"  # where the SQLite file goes instead of <app>/.motia
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


class BackendChoiceError(ValueError):
    """A backend value that names nothing this runtime can open."""


def chosen(root: Path, given: str | None = None) -> str:
    """The backend value in force for the app at `root` (see the module docstring)."""
    for value in (given, os.environ.get(ENVIRONMENT), _from_pyproject(root)):
        if value:
            return value.strip()
    return "sqlite"


def sqlite_path(root: Path) -> Path:
    """The app's SQLite file: in `MOTIA_DIR` when set (`motia start --motia-dir`), else in `<app>/.motia`."""
    folder = os.environ.get(DIRECTORY)
    return Path(folder) / DEFAULT_PATH.name if folder else root / DEFAULT_PATH


def open_backend(root: Path, value: str) -> Backend:
    """The backend `value` names, for the app at `root`."""
    if value == "sqlite":
        return SqliteBackend(sqlite_path(root))
    if value.startswith(REDIS_SCHEMES):
        from motia.storage.redis_backend import RedisBackend  # noqa: PLC0415 (optional dependency)

        try:
            return RedisBackend(value, app=app_name(root))
        except ValueError as error:  # redis-py's URL parser: a bad port, database or option
            raise BackendChoiceError(f"invalid Redis URL {masked(value)!r}: {error}") from None
    raise BackendChoiceError(
        f"unknown backend {masked(value)!r}: use 'sqlite' or a Redis URL (redis://host:6379/0)"
    )


def is_redis(value: str) -> bool:
    return value.startswith(REDIS_SCHEMES)


def app_name(root: Path) -> str:
    """`[project] name` of the app's pyproject.toml, else the folder's name."""
    name = _setting(root, "project", "name")
    return name or root.resolve().name


def masked(value: str) -> str:
    """The URL with any password replaced by `***`."""
    return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", value)


def _from_pyproject(root: Path) -> str | None:
    return _setting(root, "tool", "motia", "backend")


def _setting(root: Path, *keys: str) -> str | None:
    """The string at `keys` in the app's pyproject.toml, or None (no file, no such key, not a string)."""
    try:
        found: object = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    for key in keys:
        found = found.get(key) if isinstance(found, dict) else None
    return found if isinstance(found, str) and found else None
