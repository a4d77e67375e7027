"""MG116: imports from the runtime are checked against the installed runtime, never crash, and accept
everything the runtime really has."""

from __future__ import annotations

from pathlib import Path

import pytest

from motia_gen.frontend import Overrides, validate_app

FINE = [
    "from motia import stateManager, Stream, enqueue, MotiaHttpArgs, FlowContext, types",
    "from motia.types import FlowContext, StepConfig, ApiRequest, state, stream",
    "from motia.types_stream import StreamConfig, StreamSubscription",
    "from motia.streams import Stream",
    "from motia.guards import is_api_step",
    "import motia, motia.types, motia.types_stream as ts",
    "from motia import *",
]
WRONG = [
    ("from motia import stateManger", "'motia' has no name 'stateManger'", "stateManager"),
    ("import motia.typess", "no module 'motia.typess'", "motia.types"),
    ("from motia.state.inner import x", "no module 'motia.state.inner'", None),
    ("from motia.types_stream import StreamConfg", "has no name 'StreamConfg'", "StreamConfig"),
    ("import motia.web.serve.deeper", "no module 'motia.web.serve.deeper'", None),
]


def _validate(tmp_path: Path, line: str) -> list[tuple[str, str, str | None]]:
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "x_step.py").write_text(
        f"{line}\nfrom motia import http\n"
        'config = {"name": "X", "triggers": [http("GET", "/x")], "enqueues": []}\n'
        "def handler(request):\n    return {'status': 200}\n",
        encoding="utf-8",
    )
    front = validate_app(tmp_path, Overrides(use_cache=False))
    return [(d.code, d.message, d.help) for d in front.diagnostics]


@pytest.mark.parametrize("line", FINE)
def test_what_the_runtime_has_passes(tmp_path: Path, line: str) -> None:
    assert _validate(tmp_path, line) == []


@pytest.mark.parametrize(("line", "words", "near"), WRONG)
def test_what_it_lacks_is_mg116_with_the_nearest_names(
    tmp_path: Path, line: str, words: str, near: str | None
) -> None:
    [(code, message, help)] = _validate(tmp_path, line)
    assert code == "MG116"
    assert words in message
    if near is not None:
        assert help is not None
        assert f"'{near}'" in help
