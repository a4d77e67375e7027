from __future__ import annotations

import pytest

from motia_gen.parse.module import parse_source


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("config = {\n  'a': 1\n  'b': 2\n}\n", 2),  # CPython's position for a missing comma
        ("\U0002ebf0 = 1\n", 1),  # valid Python whose identifier libcst refuses
        ("x = '\x00'\n", 1),
    ],
)
def test_unparseable_sources_become_one_mg101(source: str, line: int) -> None:
    module = parse_source("steps/a_step.py", source, "steps.a_step", read_bodies=True)
    assert [(d.code, d.span.line) for d in module.diagnostics] == [("MG101", line)]
