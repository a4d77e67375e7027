"""Ignore comments are found on the lines Python numbers: a form feed or a vertical tab ends no line, as
`str.splitlines` would have it."""

from __future__ import annotations

from pathlib import Path

from motia_gen.frontend import Overrides, validate_app

STEP = (
    "\f\fconfig = {'type': 'event', 'name': 'A', 'subscribes': ['a'], 'emits': []}  # motia: ignore[MG205]\n"
    "\n"
    "\n"
    "async def handler(input, context):\n"
    "    await context.emit({'topic': 'b', 'data': {}})  # motia: ignore[{code}]\n"
)


def _found(tmp_path: Path, code: str) -> list[tuple[str, int]]:
    steps = tmp_path / "steps"
    steps.mkdir(exist_ok=True)
    (steps / "a_step.py").write_text(STEP.replace("{code}", code), encoding="utf-8")
    result = validate_app(tmp_path, Overrides(use_cache=False))
    return [(d.code, d.span.line) for d in result.diagnostics]


def test_an_ignore_after_form_feeds_silences_its_own_line(tmp_path: Path) -> None:
    assert _found(tmp_path, "MG200") == []


def test_an_unknown_code_after_form_feeds_is_reported_on_its_line(tmp_path: Path) -> None:
    assert ("MG112", 5) in _found(tmp_path, "MG20O")
