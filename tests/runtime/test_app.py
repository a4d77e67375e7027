"""Registering steps and streams on a Motia app."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from motia import Motia, StepConfig, StepDefinition, Stream, StreamConfig, http, queue, step


async def handler(input: Any, ctx: Any) -> None:
    return None


async def other(input: Any, ctx: Any) -> None:
    return None


async def authenticate(request: Any, ctx: Any) -> Any:
    return {"user": "u1"}


def config(name: str = "Send", *triggers: Any) -> StepConfig:
    return StepConfig(name=name, triggers=list(triggers) or [http("POST", "/send")])


def test_add_step_accepts_a_definition_a_config_and_a_dict() -> None:
    app = Motia()
    a = app.add_step(step(config("A"), handler), "steps/a_step.py")
    b = app.add_step(config("B"), "steps/b_step.py", handler)
    c = app.add_step(
        {"name": "C", "triggers": [queue("t")]}, "steps/c_step.py", handler, "/abs/steps/c_step.py"
    )
    assert app.steps == (a, b, c)
    assert [d.config.name for d in app.steps] == ["A", "B", "C"]
    assert all(d.handler is handler for d in app.steps)
    assert isinstance(c, StepDefinition)


def test_an_explicit_handler_replaces_the_definitions_own() -> None:
    app = Motia()
    definition = app.add_step(step(config(), handler), "steps/send_step.py", other)
    assert definition.handler is other


def test_add_step_without_a_required_handler_fails() -> None:
    app = Motia()
    with pytest.raises(ValueError, match=r"step 'Send' \(steps/send_step.py\) has triggers but no handler"):
        app.add_step(config(), "steps/send_step.py")
    assert app.steps == ()


def test_a_step_without_triggers_needs_no_handler() -> None:
    app = Motia()
    definition = app.add_step(
        {"name": "Docs", "triggers": [], "virtualSubscribes": ["x"]}, "steps/docs_step.py"
    )
    assert definition.handler is None


def test_duplicate_step_names_fail_naming_both_files() -> None:
    app = Motia()
    app.add_step(config(), "steps/one_step.py", handler)
    with pytest.raises(
        ValueError, match=r"duplicate step name 'Send': in steps/two_step.py and in steps/one_step.py"
    ):
        app.add_step(step(config(), other), "steps/two_step.py")
    assert len(app.steps) == 1


def test_add_step_rejects_other_values() -> None:
    with pytest.raises(TypeError, match="a step config must be StepConfig"):
        Motia().add_step("Send", "steps/send_step.py", handler)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="step_path must not be empty"):
        Motia().add_step(config(), "", handler)


def test_add_stream_returns_the_registered_stream() -> None:
    app = Motia()
    todos = app.add_stream(StreamConfig(name="todos"), "steps/todos_stream.py")
    existing: Stream[Any] = Stream("messages")
    assert app.add_stream(existing, "steps/messages_stream.py") is existing
    summary = app.add_stream(
        {"name": "summary", "baseConfig": {"storageType": "default"}}, "steps/summary_stream.py"
    )
    assert isinstance(todos, Stream)
    assert app.streams == {"todos": todos, "messages": existing, "summary": summary}


def test_streams_is_a_copy() -> None:
    app = Motia()
    app.add_stream(StreamConfig(name="todos"), "steps/todos_stream.py")
    app.streams.clear()
    assert list(app.streams) == ["todos"]


def test_duplicate_stream_names_fail() -> None:
    app = Motia()
    app.add_stream(StreamConfig(name="todos"), "steps/a_stream.py")
    with pytest.raises(
        ValueError, match=r"duplicate stream name 'todos': in steps/b_stream.py and in steps/a_stream.py"
    ):
        app.add_stream(Stream("todos"), "steps/b_stream.py")


def test_set_authenticate() -> None:
    app = Motia()
    before = app.authenticate
    app.set_authenticate(authenticate)
    assert (before, app.authenticate) == (None, authenticate)
    with pytest.raises(TypeError, match="authenticate handler must be a function"):
        Motia().set_authenticate("yes")  # type: ignore[arg-type]


def test_initialize_marks_the_app_initialised() -> None:
    app = Motia()
    states = [app.initialized]
    asyncio.run(app.initialize())
    states.append(app.initialized)
    assert states == [False, True]
