"""`info.title` and `info.version`: given values, else the app's pyproject `[project]` name and
version, else fixed defaults (a document always needs both)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from motia_gen.diagnostics.sources import read_source

DEFAULT_TITLE = "Motia API"
DEFAULT_VERSION = "1.0.0"


@dataclass(frozen=True, slots=True)
class Info:
    title: str
    version: str


def document_info(root: Path, title: str | None = None, version: str | None = None) -> Info:
    name, project_version = project_metadata(root)
    return Info(title or name or DEFAULT_TITLE, version or project_version or DEFAULT_VERSION)


def project_metadata(root: Path) -> tuple[str | None, str | None]:
    """`[project]` name and version from the app's pyproject.toml, when it has them."""
    data, _unreadable = read_source(root, "pyproject.toml")
    try:
        document = tomllib.loads(data.decode("utf-8")) if data is not None else {}
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None, None
    table = document.get("project", {})
    if not isinstance(table, dict):
        return None, None
    name, version = table.get("name"), table.get("version")
    return (name if isinstance(name, str) else None, version if isinstance(version, str) else None)
