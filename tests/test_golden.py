"""Golden cases: each `golden/<case>/` holds an app and `expected/` the exact outputs.

`UPDATE_GOLDEN=1 pytest tests/test_golden.py` rewrites the expected files.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from motia_gen.diagnostics import REGISTRY
from motia_gen.frontend import Overrides, validate_app
from tests.golden_runner import BAD_HANDLERS, MARKER, cases, markers, outputs

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("case", cases(), ids=lambda p: p.name)
def test_golden_outputs(case: Path) -> None:
    produced = outputs(case)
    expected_dir = case / "expected"
    if UPDATE:
        expected_dir.mkdir(exist_ok=True)
        for stale in expected_dir.rglob("*"):
            if stale.is_file() and stale.relative_to(expected_dir).as_posix() not in produced:
                stale.unlink()
        for name, text in produced.items():
            (expected_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / name).write_text(text, encoding="utf-8", newline="\n")
    on_disk = (
        {
            p.relative_to(expected_dir).as_posix(): p.read_text(encoding="utf-8")
            for p in expected_dir.rglob("*")
            if p.is_file()
        }
        if expected_dir.is_dir()
        else {}
    )
    assert on_disk == produced


@pytest.mark.parametrize("case", [c for c in cases() if markers(c)], ids=lambda p: p.name)
def test_inline_expectations(case: Path) -> None:
    expected = markers(case)
    diagnostics = validate_app(case, Overrides(use_cache=False)).diagnostics
    with_column = {(code, file, line, column) for code, file, line, column in expected if column is not None}
    line_only = {(code, file, line) for code, file, line, column in expected if column is None}
    got = {(d.code, d.span.file, d.span.line, d.span.column) for d in diagnostics}
    assert with_column <= got
    got_lines = {(code, file, line) for code, file, line, _ in got}
    assert line_only <= got_lines
    marked_lines = {(code, file, line) for code, file, line, _ in expected}
    assert got_lines <= marked_lines, "diagnostics without an `# expect:` marker"


def test_every_code_has_a_golden_case() -> None:
    seen: set[str] = set()
    for case in cases():
        text = (case / "expected" / "validate.txt").read_text(encoding="utf-8")
        seen.update(re.findall(r"\[(MG\d{3})\]", text))
        # type errors come from `motia typecheck` over a typed case's mistaken handlers (test_typecheck.py)
        for bad in sorted((case / BAD_HANDLERS).rglob("*.py")):
            seen.update(m.group(1) for m in MARKER.finditer(bad.read_text(encoding="utf-8")))
    assert set(REGISTRY) <= seen


def test_golden_outputs_are_deterministic() -> None:
    for case in cases():
        assert outputs(case) == outputs(case)
