"""Runs a golden case: the front end over `golden/<case>/`, rendered exactly as the user sees it."""

from __future__ import annotations

import re
from pathlib import Path

from motia_gen import model
from motia_gen.diagnostics import has_errors
from motia_gen.diagnostics.render import Summary, line_reader, render_text
from motia_gen.emit.dispatch import dispatch_files
from motia_gen.emit.openapi import document_info
from motia_gen.emit.openapi.files import openapi_files
from motia_gen.emit.types.package import types_files
from motia_gen.frontend import Overrides, validate_app
from tests.app_json import render_app_json

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
BAD_HANDLERS = "handlers_bad"  # a typed case's handlers with one mistake each (see test_typecheck.py)
MARKER = re.compile(r"(?:#|//)\s*expect:\s*(MG\d{3})(?::(\d+))?")
MARKED = ("*.py", "*.ts", "*.tsx", "*.js", "*.jsx")


def cases() -> list[Path]:
    return sorted(p for p in GOLDEN.iterdir() if p.is_dir())


def outputs(case: Path) -> dict[str, str]:
    result = validate_app(case, Overrides(use_cache=False))
    summary = Summary(len(result.app.steps), len(result.app.streams), len(result.app.files))
    text = render_text(result.diagnostics, summary, line_reader(case))
    found = {"validate.txt": text, **render_app_json(result.app)}
    if _serves_http(result.app) and not has_errors(result.diagnostics, strict=False):
        info = document_info(case)
        found |= openapi_files(result.app, info.title, info.version, "3.1", "openapi.json")
        found |= openapi_files(result.app, info.title, info.version, "3.0", "openapi-3.0.json")
    if result.app.steps and not has_errors(result.diagnostics, strict=False):
        package = types_files(result.app, result.settings.types_package, cache_dir=None)
        found |= {f"types/{path}": text for path, text in package.items()}
        # as `motia build` writes them into the case's dist/ folder
        dispatch = dispatch_files(result.app, result.settings, "..", cache_dir=None)
        found |= {f"dispatch/{path}": text for path, text in dispatch.items()}
    return found


def _serves_http(app: model.App) -> bool:
    return any(isinstance(t, model.HttpTrigger) for s in app.steps for t in s.triggers)


def markers(case: Path) -> set[tuple[str, str, int, int | None]]:
    """`# expect: MG213` (line) or `# expect: MG213:9` (line and column) comments in the case's files
    (`// expect: ...` in TypeScript and JavaScript)."""
    found: set[tuple[str, str, int, int | None]] = set()
    for file in sorted([*(f for glob in MARKED for f in case.rglob(glob)), *case.glob("pyproject.toml")]):
        if BAD_HANDLERS in file.relative_to(case).parts:
            continue
        text = file.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            for match in MARKER.finditer(line):
                column = int(match.group(2)) if match.group(2) else None
                found.add((match.group(1), file.relative_to(case).as_posix(), number, column))
    return found
