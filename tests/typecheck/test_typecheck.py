"""Generated types under mypy --strict: correct handlers pass, each mistake is reported at its line.

Typed golden cases hold correct handlers in their step folder and the same steps with one mistake per
line in `handlers_bad/`, each marked `# expect: MG300`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mypy import api as mypy_api

from motia_gen.cli.types import run_typecheck
from motia_gen.diagnostics import Diagnostic
from motia_gen.emit.types.package import types_files
from motia_gen.frontend import Overrides, validate_app
from motia_gen.settings import load_settings
from tests.golden_runner import BAD_HANDLERS, MARKER, cases

TYPED = [c for c in cases() if (c / BAD_HANDLERS).is_dir()]
TYPE_ERRORS = {"MG300", "MG301"}


def _copy(case: Path, tmp_path: Path) -> Path:
    target = tmp_path / case.name
    shutil.copytree(case, target, ignore=shutil.ignore_patterns("expected", ".motia"))
    return target


def _check(app: Path) -> tuple[Diagnostic, ...]:
    return run_typecheck(app, Overrides(use_cache=False))[1]


def _use_bad_handlers(app: Path) -> str:
    """Put the mistaken handlers where the steps are; returns that folder."""
    settings, _ = load_settings(app)
    folder = settings.dirs[0]
    shutil.rmtree(app / folder)
    (app / BAD_HANDLERS).rename(app / folder)
    return folder


def _marked_lines(app: Path, folder: str) -> set[tuple[str, int]]:
    found: set[tuple[str, int]] = set()
    for file in sorted((app / folder).rglob("*.py")):
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if any(m.group(1) in TYPE_ERRORS for m in MARKER.finditer(line)):
                found.add((file.relative_to(app).as_posix(), number))
    return found


def test_there_are_enough_typed_cases() -> None:
    assert len(TYPED) >= 8


@pytest.mark.slow
@pytest.mark.parametrize("case", TYPED, ids=lambda p: p.name)
def test_correct_handlers_pass(case: Path, tmp_path: Path) -> None:
    diagnostics = _check(_copy(case, tmp_path))
    errors = [f"{d.span.label()}: {d.code} {d.message}" for d in diagnostics if d.severity == "error"]
    assert errors == []


@pytest.mark.slow
@pytest.mark.parametrize("case", TYPED, ids=lambda p: p.name)
def test_each_mistake_is_reported_at_its_line(case: Path, tmp_path: Path) -> None:
    app = _copy(case, tmp_path)
    folder = _use_bad_handlers(app)
    expected = _marked_lines(app, folder)
    got = {(d.span.file, d.span.line) for d in _check(app) if d.code in TYPE_ERRORS}
    assert expected, "a bad-handler set with no marked mistakes tests nothing"
    assert got == expected


@pytest.mark.slow
def test_annotations_that_disagree_with_the_step_are_reported(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "steps").mkdir(parents=True)
    (app / "steps" / "hello_step.py").write_text(
        'config = {"type": "api", "name": "Hello", "path": "/hi", "method": "GET", "emits": []}\n\n\n'
        "async def handler(req: int, context: object) -> None:\n"
        "    return None\n",
        encoding="utf-8",
    )
    diagnostics = _check(app)
    [mismatch] = [d for d in diagnostics if d.code == "MG301"]
    assert (mismatch.span.file, mismatch.span.line) == ("steps/hello_step.py", 4)
    assert "handler 'handler' does not match the types of its step" in mismatch.message


@pytest.mark.slow
def test_step_files_that_are_not_module_names_are_checked(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "steps").mkdir(parents=True)
    (app / "steps" / "03-greet.step.py").write_text(
        'config = {"type": "event", "name": "Greet", "subscribes": ["hi"], "emits": []}\n\n\n'
        "async def handler(input, context):\n"
        "    await context.emit({'topic': 'hi', 'data': {}})\n",
        encoding="utf-8",
    )
    found = [d for d in _check(app) if d.code == "MG300"]
    assert [(d.span.file, d.span.line) for d in found] == [("steps/03-greet.step.py", 5)]


def _error_free_cases() -> list[Path]:
    out = []
    for case in cases():
        result = validate_app(case, Overrides(use_cache=False))
        if result.app.steps and not any(d.severity == "error" for d in result.diagnostics):
            out.append(case)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("case", _error_free_cases(), ids=lambda p: p.name)
def test_generated_package_passes_mypy_strict_and_ruff(case: Path, tmp_path: Path) -> None:
    result = validate_app(case, Overrides(use_cache=False))
    files = types_files(result.app, "motia_types", cache_dir=None)
    for relative, text in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
    stdout, _, status = mypy_api.run(
        ["--strict", "--no-incremental", "--no-error-summary", str(tmp_path / "motia_types")]
    )
    assert status == 0, stdout
    # Long lines are left alone: a type expression over long model names cannot always be wrapped.
    ruff = [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "E,F,W,I,UP,B"]
    ruff += ["--ignore", "E501", "motia_types"]
    checked = subprocess.run(ruff, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout
