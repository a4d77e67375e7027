"""Discovery: the step and stream files of an app, sorted.

Walks the configured directories (`steps/` and `src/` by default) plus any extra globs, skipping
`__pycache__`, hidden folders, `node_modules` and virtualenvs (any folder holding `pyvenv.cfg`).
Exclude globs are matched against root-relative POSIX paths; `*` also matches `/`.

Python step and stream files are `*_step.py`/`*.step.py` and `*_stream.py`/`*.stream.py`. The TypeScript
and JavaScript files of a mixed app are found by Motia's own names (`*.step.ts|tsx|js|jsx`, `*_step.ts|js`,
`*.stream.ts|js`, `*_stream.ts|js`): their configs are read for the whole-app checks, never run here.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from motia_gen.settings import Settings

FileKind = Literal["step", "stream"]
Language = Literal["python", "typescript", "javascript"]

_SKIPPED = frozenset({"__pycache__", "node_modules", "site-packages"})


@dataclass(frozen=True, slots=True, order=True)
class SourceFile:
    path: str
    kind: FileKind

    @property
    def language(self) -> Language:
        return language_of(self.path)


_KINDS: tuple[tuple[FileKind, tuple[str, ...]], ...] = (
    (
        "step",
        ("_step.py", ".step.py", ".step.ts", ".step.tsx", ".step.js", ".step.jsx", "_step.ts", "_step.js"),
    ),
    ("stream", ("_stream.py", ".stream.py", ".stream.ts", ".stream.js", "_stream.ts", "_stream.js")),
)


def file_kind(name: str) -> FileKind | None:
    for kind, endings in _KINDS:
        if name.endswith(endings):
            return kind
    return None


def language_of(path: str) -> Language:
    if path.endswith(".py"):
        return "python"
    return "typescript" if path.endswith((".ts", ".tsx")) else "javascript"


def discover(root: Path, settings: Settings) -> tuple[SourceFile, ...]:
    found: set[SourceFile] = set()
    for directory in settings.dirs:
        base = root / directory
        if base.is_dir():
            found.update(_walk(root, base))
    for pattern in settings.include:
        for path in root.glob(pattern):
            relative = path.relative_to(root)
            kind = file_kind(path.name)
            if (
                kind is not None
                and path.is_file()
                and not any(_skipped_dir(root, p) for p in relative.parents)
            ):
                found.add(SourceFile(relative.as_posix(), kind))
    return tuple(sorted(f for f in found if not _excluded(f.path, settings.exclude)))


def _walk(root: Path, base: Path) -> set[SourceFile]:
    found: set[SourceFile] = set()
    for directory, subdirs, files in os.walk(base):
        here = Path(directory)
        subdirs[:] = sorted(d for d in subdirs if not _skipped_dir(here, Path(d)))
        for name in files:
            kind = file_kind(name)
            if kind is not None:
                found.add(SourceFile((here / name).relative_to(root).as_posix(), kind))
    return found


def _skipped_dir(parent: Path, name: Path) -> bool:
    text = name.name
    if not text:
        return False
    return text.startswith(".") or text in _SKIPPED or (parent / name / "pyvenv.cfg").exists()


def _excluded(path: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in patterns)
