"""StreamConfig and the Stream handle."""

from __future__ import annotations

from typing import Any

import pytest
from motia import Stream, StreamConfig
from motia.streams.handle import as_stream
from pydantic import BaseModel


class Todo(BaseModel):
    title: str


async def on_join(subscription: Any, ctx: Any, auth: Any) -> None:
    return None


def test_stream_from_a_name() -> None:
    todos: Stream[dict[str, Any]] = Stream("todos")
    assert todos.name == "todos"
    assert todos.config == StreamConfig(name="todos")
    assert repr(todos) == "Stream('todos')"


def test_stream_from_a_config() -> None:
    config = StreamConfig(name="todos", schema=Todo, base_config={"storageType": "default"}, on_join=on_join)
    todos: Stream[Todo] = Stream(config)
    assert todos.name == "todos"
    assert todos.config is config
    assert config.schema == Todo.model_json_schema()
    assert config.base_config == {"storageType": "default"}
    assert config.on_join is on_join


def test_stream_config_validation() -> None:
    with pytest.raises(ValueError, match="stream name must not be empty"):
        StreamConfig(name="")
    with pytest.raises(TypeError, match="stream 'todos' schema must be a JSON Schema dict"):
        StreamConfig(name="todos", schema="Todo")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="stream 'todos' on_leave must be a function"):
        StreamConfig(name="todos", on_leave="bye")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Stream\\(\\) takes a stream name or StreamConfig"):
        Stream(42)  # type: ignore[arg-type]


def test_stream_config_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        StreamConfig("todos")  # type: ignore[call-arg]


def test_classic_dict_stream_configs_convert() -> None:
    config = StreamConfig.from_mapping(
        {"name": "todos", "schema": Todo.model_json_schema(), "baseConfig": {"storageType": "default"}}
    )
    assert config == StreamConfig(name="todos", schema=Todo, base_config={"storageType": "default"})
    with pytest.raises(
        ValueError, match="unknown key 'baseconfig' in stream config; did you mean 'baseConfig'"
    ):
        StreamConfig.from_mapping({"name": "todos", "baseconfig": {}})


def test_as_stream_accepts_every_form() -> None:
    stream: Stream[Any] = Stream("a")
    assert as_stream(stream) is stream
    assert as_stream("b").name == "b"
    assert as_stream(StreamConfig(name="c")).name == "c"
    assert as_stream({"name": "d"}).name == "d"
    with pytest.raises(TypeError, match="a stream config must be"):
        as_stream(1)
