"""`motia.loader.lambda_at`: the dispatch module finds a config's lambdas by where their bodies start,
through dicts, lists and the config objects, without evaluating anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from motia.loader import lambda_at, load_path

SOURCE = """\
from motia import http, queue, state

config = {
    "n": "Hé wö",  "t": [state(condition=lambda i, c: i == 1), queue("t", condition=lambda i, c: i == 2)],
    "other": [{"deep": (lambda: "é" + "deep",)}],
    "multi": lambda x: (
        x * 3
    ),
}
"""


def _column(line: str, needle: str) -> int:
    return line.index(needle) + 1  # 1-based, in characters, as the compiler's spans are


def test_lambdas_are_found_by_the_start_of_their_bodies(tmp_path: Path) -> None:
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "a_step.py").write_text(SOURCE, encoding="utf-8")
    module = load_path(tmp_path, "steps/a_step.py", "lambda_at_case")
    lines = SOURCE.splitlines()
    first = lambda_at(module, 4, _column(lines[3], "i == 1"))
    second = lambda_at(module, 4, _column(lines[3], "i == 2"))
    assert (first(1, None), second(2, None), first(2, None)) == (True, True, False)
    assert lambda_at(module, 5, _column(lines[4], '"é"'))() == "édeep"
    assert lambda_at(module, 6, _column(lines[5], "("))(2) == 6  # the body starts with a parenthesis


def test_a_lambda_that_is_not_there_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "b_step.py").write_text(SOURCE, encoding="utf-8")
    module = load_path(tmp_path, "steps/b_step.py", "lambda_at_missing")
    with pytest.raises(LookupError, match="no lambda in its config at line 9, column 1; the file changed"):
        lambda_at(module, 9, 1)
