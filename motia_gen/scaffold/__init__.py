"""`motia create`: a new project from a template, written offline.

Two templates, one flow (`POST /greetings` → `greeting.requested` → the `greetings` stream and state),
written in either form Motia's Python documentation uses: `python` (classic dict configs, `context.emit`)
and `python-1x` (`triggers=[http(...)]`, `ctx.enqueue`). Each project has a pyproject with `[tool.motia]`,
a stream file, a test using `motia.testing`, a README and a `.gitignore`; it validates, builds and passes
its test as written. Template files live beside this module (`templates/common/` and one folder per
template), with `__NAME__` and `__FORM__` filled in; `.tmpl` keeps them out of the linters' way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

TEMPLATES = {"python": "classic dict-config", "python-1x": "Motia 1.x trigger"}
_ROOT = Path(__file__).resolve().parent / "templates"
_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")  # a [project] name (PEP 508)


class ScaffoldError(ValueError):
    """What stops a project from being written, said in a line."""


@dataclass(frozen=True)
class Project:
    root: Path
    name: str
    files: tuple[Path, ...]  # relative to root, in the order written


def plan(root: Path, template: str) -> dict[Path, str]:
    """The files of a project from `template` at `root` (relative path → text); nothing written."""
    if template not in TEMPLATES:
        raise ScaffoldError(f"unknown template {template!r}: choose {' or '.join(TEMPLATES)}")
    name = root.resolve().name
    if not _NAME.match(name):
        raise ScaffoldError(
            f"{name!r} cannot name a Python project: use letters, digits, '-', '_' and '.', "
            "starting and ending with a letter or digit"
        )
    files: dict[Path, str] = {}
    for folder in (_ROOT / "common", _ROOT / template):
        for source in sorted(folder.rglob("*.tmpl")):
            relative = source.relative_to(folder).with_suffix("")
            if relative.name == "gitignore":
                relative = relative.with_name(".gitignore")
            text = source.read_text(encoding="utf-8")
            files[relative] = text.replace("__NAME__", name).replace("__FORM__", TEMPLATES[template])
    return dict(sorted(files.items()))


def create(root: Path, template: str) -> Project:
    """Write a project from `template` into `root` (made if missing). Refuses, writing nothing, when any
    of its files already exists there."""
    files = plan(root, template)
    taken = [str(path) for path in files if (root / path).exists()]
    if taken:
        raise ScaffoldError(f"{root} already has {', '.join(taken)}: nothing was written")
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return Project(root, root.resolve().name, tuple(files))
