"""Streams: named, grouped collections of items that clients can subscribe to.

This module defines what a stream *is* (`StreamConfig`) and the handle step files hold (`Stream`), as
Motia 1.x step files do: `todos = Stream("todos")` at module level, then `await todos.set(group, id, item)`
in a handler. The handle's item operations are those of `ctx.streams.<name>` (`motia.streams.store`), on
the store of the running app: the handler call's, or outside a handler (an access hook, say) the app's
that started last in the process. As in Motia 1.x they are synchronous calls, and they may be awaited too.
"""

from __future__ import annotations

import builtins
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic

from typing_extensions import TypeVar

from motia import _convert
from motia._convert import JsonSchema, SchemaInput
from motia.context import sync_call

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

    # -- item operations, on the running app's store. Synchronous in Motia 1.x; here a plain call works in
    # sync handlers (the value comes back) and in async ones (done before the handler's result is
    # acknowledged), and `await` works too (see `motia.operations`). Typed as Motia types them.
    def get(self, group_id: str, item_id: str) -> TItem | None:
        """The item, or None."""
        return self._call("get", lambda items: items.get(group_id, item_id))  # type: ignore[no-any-return]

    def set(self, group_id: str, item_id: str, data: TItem) -> Any:
        """Check `data` against the stream's schema, store it with its `id`; the stored item."""
        return self._call("set", lambda items: items.set(group_id, item_id, data))

    def delete(self, group_id: str, item_id: str) -> Any:
        """Remove the item; what it was (None when there was none)."""
        return self._call("delete", lambda items: items.delete(group_id, item_id))

    def get_group(self, group_id: str) -> builtins.list[TItem]:
        """Every item of the group, ordered by id."""
        return self._call("get_group", lambda items: items.get_group(group_id))  # type: ignore[no-any-return]

    getGroup = get_group  # the seeds' spelling
    list = get_group  # Motia 1.x's name

    def list_groups(self) -> builtins.list[str]:
        """Names of the groups holding at least one item, sorted."""
        return self._call("list_groups", lambda items: items.list_groups())  # type: ignore[no-any-return]

    def update(self, group_id: str, item_id: str, ops: Sequence[Mapping[str, Any]]) -> Any:
        """Apply Motia 1.x update ops to the item atomically (the result must match the schema); the
        item's `{"old_value", "new_value"}`."""
        return self._call("update", lambda items: items.update(group_id, item_id, ops))

    def send(self, channel: Mapping[str, str], event: Mapping[str, Any]) -> Any:
        """An ephemeral `{"type", "data"}` message to the clients of `channel` (`{"groupId", "id"?}`)."""
        return self._call("send", lambda items: items.send(channel, event))

    def _call(self, method: str, work: Callable[[Any], Awaitable[Any]]) -> Any:
        name = self.name

        def make(_state: Any, streams: Any) -> Awaitable[Any]:
            return work(streams[name])

        return sync_call(f"{self!r}.{method}", make)


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
