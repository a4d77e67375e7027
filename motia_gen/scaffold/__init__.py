"""`motia create`: a new project from a template, written offline.

Two templates, one flow (`POST /greetings` → `greeting.requested` → the `greetings` stream and state),
written in either form Motia's Python documentation uses: `python` (classic dict configs, `context.emit`)
and `python-1x` (`triggers=[http(...)]`, `ctx.enqueue`). Each project has a pyproject with `[tool.motia]`,
a stream file, a test using `motia.testing`, a README and a `.gitignore`; it validates, builds and passes
its test as written. Nothing is written here: `plan` says what the files hold (the CLI writes them).
Template files live beside this module (`templates/common/` and one folder per template), with `__NAME__`
and `__FORM__` filled in; `.tmpl` keeps them out of the linters' way.
"""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = {"python": "classic dict-config", "python-1x": "Motia 1.x trigger"}
_ROOT = Path(__file__).resolve().parent / "templates"
_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")  # a [project] name (PEP 508)


class ScaffoldError(ValueError):
    """What stops a project from being written, said in a line."""


def plan(root: Path, template: str) -> dict[str, str]:
    """The files of a project from `template` at `root` (relative POSIX path → text); nothing is written
    here (`motia_gen.cli.create` writes them, refusing any that exists)."""
    if template not in TEMPLATES:
        raise ScaffoldError(f"unknown template {template!r}: choose {' or '.join(TEMPLATES)}")
    name = root.resolve().name
    if not _NAME.match(name):
        raise ScaffoldError(
            f"{name!r} cannot name a Python project: use letters, digits, '-', '_' and '.', "
            "starting and ending with a letter or digit"
        )
    files: dict[str, str] = {}
    for folder in (_ROOT / "common", _ROOT / template):
        for source in sorted(folder.rglob("*.tmpl")):
            relative = source.relative_to(folder).with_suffix("")
            if relative.name == "gitignore":
                relative = relative.with_name(".gitignore")
            text = source.read_text(encoding="utf-8")
            files[relative.as_posix()] = text.replace("__NAME__", name).replace(
                "__FORM__", TEMPLATES[template]
            )
    return dict(sorted(files.items()))
