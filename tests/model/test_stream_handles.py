"""Motia 1.x defines a stream by a module-level `Stream("name")` in any step file: such a handle counts as
the stream's definition (an untyped item) where nothing else defines it; a stream file, or a handle with
a schema, wins; two schemas for one name are an error."""

from __future__ import annotations

import textwrap
from pathlib import Path

from motia_gen.frontend import Overrides, validate_app

CREATE = """\
from typing import Any
from motia import ApiRequest, ApiResponse, Stream, http

todos = Stream("todo")

config = {"name": "CreateTodo", "triggers": [http("POST", "/todos")], "enqueues": []}


def handler(request: ApiRequest[Any]) -> ApiResponse[Any]:
    return ApiResponse(status=201, body=todos.set("inbox", "t1", {"title": "x"}))
"""
WATCH = """\
from motia import Stream, StreamTriggerInput, logger, stream

same = Stream("todo")

config = {"name": "OnTodo", "triggers": [stream("todo")], "enqueues": []}


def handler(input: StreamTriggerInput) -> None:
    logger.info("todo", {"id": input.id})
"""
STREAM_FILE = """\
from motia import StreamConfig
config = StreamConfig(name="todo", schema={"type": "object", "properties": {"title": {"type": "string"}}})
"""
TYPED_HANDLE = """\
from motia import Stream, StreamConfig

typed = Stream(StreamConfig(name="todo", schema={"type": "object"}))

config = {"name": "Typed", "triggers": [], "enqueues": []}


def handler(input: object) -> None:
    typed.set("g", "i", {})
"""


def _app(tmp_path: Path, files: dict[str, str]) -> tuple[list[tuple[str, str, bool, bool]], list[str]]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    front = validate_app(tmp_path, Overrides(use_cache=False))
    streams = [(s.name, s.file, s.handle, s.schema is not None) for s in front.app.streams]
    return streams, [f"{d.code} {d.message}" for d in front.diagnostics]


def test_a_handle_alone_defines_its_stream(tmp_path: Path) -> None:
    streams, problems = _app(tmp_path, {"steps/create_step.py": CREATE, "steps/watch_step.py": WATCH})
    assert streams == [("todo", "steps/create_step.py", True, False)]
    assert problems == []


def test_a_stream_file_wins_over_handles(tmp_path: Path) -> None:
    files = {
        "steps/create_step.py": CREATE,
        "steps/watch_step.py": WATCH,
        "steps/todo_stream.py": STREAM_FILE,
    }
    streams, problems = _app(tmp_path, files)
    assert streams == [("todo", "steps/todo_stream.py", False, True)]
    assert problems == []


def test_two_schemas_for_one_stream_are_an_error(tmp_path: Path) -> None:
    files = {"steps/typed_step.py": TYPED_HANDLE, "steps/todo_stream.py": STREAM_FILE}
    _, problems = _app(tmp_path, files)
    assert [p.split()[0] for p in problems] == ["MG219"]
