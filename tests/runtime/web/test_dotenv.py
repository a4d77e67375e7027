"""`.env` files: parsed in the common format, loaded before step modules, never overriding what is set."""

from __future__ import annotations

from pathlib import Path

import pytest
from motia.web import dotenv

from tests.e2e.server import build, start


def test_the_common_format() -> None:
    text = (
        "# a comment\n"
        "PLAIN=value\n"
        "export EXPORTED=yes\n"
        "SPACED = padded   \n"
        "SINGLE='not $expanded # kept'\n"
        'DOUBLE="line\\nbreak \\"quoted\\""\n'
        "TRAILING=value # comment\n"
        "EMPTY=\n"
        "not an assignment\n"
        "PLAIN=second wins nothing\n"
    )
    assert dotenv.parse(text) == {
        "PLAIN": "value",
        "EXPORTED": "yes",
        "SPACED": "padded",
        "SINGLE": "not $expanded # kept",
        "DOUBLE": 'line\nbreak "quoted"',
        "TRAILING": "value",
        "EMPTY": "",
    }


def test_local_first_and_nothing_already_set_is_overridden(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("A=from-env\nB=from-env\nC=from-env\n", encoding="utf-8")
    (tmp_path / ".env.local").write_text("B=from-local\n", encoding="utf-8")
    environ = {"C": "from-shell"}
    assert sorted(dotenv.load(tmp_path, environ)) == ["A", "B"]
    assert environ == {"A": "from-env", "B": "from-local", "C": "from-shell"}


STEP = """import os

API_KEY = os.environ.get("API_KEY", "NOT_SET")  # read at import, as Motia apps do

config = {"type": "api", "name": "Key", "path": "/key", "method": "GET", "emits": []}


async def handler(req, context):
    return {"status": 200, "body": {"key": API_KEY, "mode": os.environ.get("MODE")}}
"""


@pytest.mark.slow
def test_motia_start_loads_the_apps_env_before_importing_steps(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "steps").mkdir(parents=True)
    (app / "steps" / "key_step.py").write_text(STEP, encoding="utf-8")
    (app / ".env").write_text("API_KEY=secret-from-dotenv\nMODE=from-dotenv\n", encoding="utf-8")
    build(app)
    server = start(app, env={"MODE": "from-shell"})
    try:
        with server.client() as client:
            assert client.get("/key").json() == {"key": "secret-from-dotenv", "mode": "from-shell"}
    finally:
        server.stop()
