"""The example apps stay clean: no diagnostics, committed types up to date, handlers well typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.server import motia

EXAMPLES = sorted(p for p in (Path(__file__).resolve().parents[1] / "examples").iterdir() if p.is_dir())


def test_there_are_examples() -> None:
    assert {p.name for p in EXAMPLES} >= {"chat", "messaging", "orders", "todo"}


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_validates_strictly_and_its_types_are_current(example: Path) -> None:
    validated = motia("validate", "--strict", str(example))
    assert validated.returncode == 0, validated.stdout
    current = motia("generate-types", "--check", str(example))
    assert current.returncode == 0, current.stdout + current.stderr


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_handlers_pass_typecheck(example: Path) -> None:
    checked = motia("typecheck", str(example))
    assert checked.returncode == 0, checked.stdout
