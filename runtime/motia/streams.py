"""Streams: named, grouped collections of items that clients can subscribe to.

This module defines what a stream *is* (`StreamConfig`) and the handle step files hold (`Stream`). Item
operations (get/set/delete/list) need a running store and arrive with the runtime.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic

from typing_extensions import TypeVar

from motia import _convert
from motia._convert import JsonSchema, SchemaInput

TItem = TypeVar("TItem", default=Any)  # `Stream("name")` with no schema holds any JSON item

StreamCallback = Callable[..., Any]
"""`on_join` / `on_leave` / `can_access`: called with the subscription, the context and the auth data."""

_STREAM_CONFIG_FIELDS = (
    ("name", "name"),
    ("schema", "schema"),
    ("base_config", "baseConfig"),
    ("description", "description"),
    ("on_join", "onJoin"),
    ("on_leave", "onLeave"),
    ("can_access", "canAccess"),
)


@dataclass(frozen=True, slots=True, init=False)
class StreamConfig:
    """A stream's definition. Keyword-only, like Motia's model and the compiler's reading of
    `StreamConfig(...)`. `can_access` carries the classic dict configs' `canAccess` so they convert
    without loss."""

    name: str
    schema: JsonSchema | None
    base_config: Mapping[str, Any] | None
    description: str | None
    on_join: StreamCallback | None
    on_leave: StreamCallback | None
    can_access: StreamCallback | None

    def __init__(
        self,
        *,
        name: str,
        schema: SchemaInput | None = None,
        base_config: Mapping[str, Any] | None = None,
        description: str | None = None,
        on_join: StreamCallback | None = None,
        on_leave: StreamCallback | None = None,
        can_access: StreamCallback | None = None,
    ) -> None:
        """Written out (not generated) so `schema` can take a pydantic model class and still be stored,
        and typed, as JSON Schema."""
        what = f"stream {_convert.text(name, 'stream name')!r}"
        values = {
            "name": name,
            "schema": _convert.optional_json_schema(schema, f"{what} schema"),
            "base_config": _convert.optional_mapping(base_config, f"{what} base_config"),
            "description": _convert.optional_text(description, f"{what} description"),
            "on_join": _convert.optional_function(on_join, f"{what} on_join"),
            "on_leave": _convert.optional_function(on_leave, f"{what} on_leave"),
            "can_access": _convert.optional_function(can_access, f"{what} can_access"),
        }
        for field_name, value in values.items():
            object.__setattr__(self, field_name, value)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> StreamConfig:
        """A dict stream config (`{"name": ..., "schema": ..., "baseConfig": ...}`, either key spelling)."""
        arguments = _convert.keyword_arguments("stream config", mapping, _STREAM_CONFIG_FIELDS)
        _convert.require("stream config", arguments, "name")
        return cls(**arguments)


class Stream(Generic[TItem]):
    """A handle on a stream, made from its name or its config: `Stream("todos")`,
    `Stream(StreamConfig(name="todos", schema=Todo))`. Generic in the item type so `Stream[Todo]` types
    the item operations the runtime adds."""

    __slots__ = ("_config",)

    def __init__(self, config: str | StreamConfig) -> None:
        self._config = _stream_config(config)

    @property
    def name(self) -> str:
        return self._config.name

    @property
    def config(self) -> StreamConfig:
        return self._config

    def __repr__(self) -> str:
        return f"Stream({self.name!r})"


def _stream_config(value: object) -> StreamConfig:
    if isinstance(value, str):
        return StreamConfig(name=value)
    if isinstance(value, StreamConfig):
        return value
    raise TypeError(f"Stream() takes a stream name or StreamConfig(...), not {type(value).__name__}")


def as_stream(value: object) -> Stream[Any]:
    """A `Stream` as it is, or one made from a `StreamConfig`, a dict config or a name."""
    if isinstance(value, Stream):
        return value
    if isinstance(value, Mapping):
        return Stream(StreamConfig.from_mapping(value))
    if isinstance(value, str | StreamConfig):
        return Stream(value)
    raise TypeError(
        f"a stream config must be StreamConfig(...), Stream(...) or a dict, not {type(value).__name__}"
    )
