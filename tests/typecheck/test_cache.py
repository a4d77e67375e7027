"""`motia typecheck` reuses its shadow tree and mypy cache: a re-run must still see every edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from motia_gen.cli.types import run_typecheck
from motia_gen.frontend import Overrides
from tests.paths import GOLDEN

CASE = GOLDEN / "types_classic_api"


def _errors(app: Path) -> list[tuple[str, int]]:
    diagnostics = run_typecheck(app, Overrides())[1]
    return [(d.span.file, d.span.line) for d in diagnostics if d.code in {"MG300", "MG301"}]


@pytest.mark.slow
def test_rerun_sees_an_edit_and_its_undoing(tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(CASE, app, ignore=shutil.ignore_patterns("expected", ".motia", "handlers_bad"))
    step = app / "steps" / "create_pet_step.py"
    original = step.read_text(encoding="utf-8")
    assert _errors(app) == []
    assert (app / ".motia" / "typecheck-keys.json").is_file()

    step.write_text(original + "\n\ndef broken() -> int:\n    return 'no'\n", encoding="utf-8")
    line = len(original.splitlines()) + 4
    assert _errors(app) == [("steps/create_pet_step.py", line)]

    step.write_text(original, encoding="utf-8")
    assert _errors(app) == []
