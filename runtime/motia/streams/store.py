"""`ctx.streams`: one object per app with one attribute per stream, each holding that stream's items.

Items live in the backend's `stream:<name>` namespace, grouped like state. `set` validates the item with
the stream's schema (when it has one) before anything is written, stores it with its `id` and returns the
stored item, as Motia does. Every change (`create`, `update`, `delete`) and every ephemeral `send` is
offered to the app's stream listeners: the hook that live delivery to WebSocket clients and stream triggers
hang off. With no listener, `set` does not read the old item first.

Stream names need not be identifiers: `ctx.streams["live-scores"]` works as well as
`ctx.streams.todos`.
"""

from __future__ import annotations

import builtins
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from motia.context import StateUpdate
from motia.spec import StreamSpec
from motia.state_manager import parse_ops
from motia.storage.backend import Backend, JsonData, SetOp, UpdateOp, stream_namespace
from motia.storage.jsonvalue import require_json

if TYPE_CHECKING:
    from motia.streams.bus import StreamBus

StreamEventType = Literal["create", "update", "delete", "event"]


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """One change of a stream item (`create`/`update`/`delete`, `data` the item) or one ephemeral message
    from `send` (`event`, `data` the `{type, data}` the step sent; `item_id` None for a whole group)."""

    stream: str
    group_id: str
    item_id: str | None
    type: StreamEventType
    data: Any


StreamListener = Callable[[StreamEvent], Awaitable[None]]


class StreamItems:
    """The items of one stream (`ctx.streams.<name>`); implements `motia.context.StreamStore`."""

    __slots__ = ("_backend", "_listeners", "_namespace", "_validate", "name")

    def __init__(self, spec: StreamSpec, backend: Backend, listeners: list[StreamListener]) -> None:
        self.name = spec.name
        self._backend = backend
        self._namespace = stream_namespace(spec.name)
        self._validate = spec.schema
        self._listeners = listeners  # shared with the runtime, which may add to it later

    async def get(self, group_id: str, item_id: str) -> JsonData:
        """The item, or None."""
        return await self._backend.get(self._namespace, *self._address(group_id, item_id))

    async def set(self, group_id: str, item_id: str, data: Any) -> JsonData:
        """Validate `data` (a JSON object, or a pydantic model of one), store it with `"id": item_id` and
        return the stored item. Nothing is stored when it does not match the stream's schema."""
        group_id, item_id = self._address(group_id, item_id)
        dump = getattr(data, "model_dump", None)
        if callable(dump):  # a pydantic model of the item: stored as its JSON form
            data = dump(mode="json")
        item = self._finish(group_id, item_id, data)
        if self._listeners:
            # One atomic step, so `create` vs `update` is right even when two handlers write one item.
            result = await self._backend.update(self._namespace, group_id, item_id, [SetOp((), item)])
            kind: StreamEventType = "create" if result.old_value is None else "update"
            await self._publish(StreamEvent(self.name, group_id, item_id, kind, item))
        else:
            await self._backend.set(self._namespace, group_id, item_id, item)
        return item

    async def update(
        self, group_id: str, item_id: str, ops: Sequence[Mapping[str, Any] | UpdateOp]
    ) -> StateUpdate:
        """Apply Motia 1.x update ops (`{"type": "increment", "path": "votes", "by": 1}`, see
        `motia.state_manager.parse_ops`) to the item as one atomic step; returns `{"old_value",
        "new_value"}`. The result is checked against the stream's schema before it is written (nothing
        changes when it does not match) and keeps its `id`; clients get `create` or `update`."""
        group_id, item_id = self._address(group_id, item_id)
        what = f"stream {self.name!r} update of {group_id!r}/{item_id!r}"
        parsed = parse_ops(ops, what)
        try:
            result = await self._backend.update(
                self._namespace, group_id, item_id, parsed, lambda new: self._finish(group_id, item_id, new)
            )
        except TypeError as error:
            raise TypeError(f"{what} failed: {error}") from error
        if self._listeners:
            kind: StreamEventType = "create" if result.old_value is None else "update"
            await self._publish(StreamEvent(self.name, group_id, item_id, kind, result.new_value))
        return {"old_value": result.old_value, "new_value": result.new_value}

    def _finish(self, group_id: str, item_id: str, data: Any) -> JsonData:
        """The item as stored: checked by the schema, with its id."""
        if self._validate is not None:
            self._validate(data)
        item = {**data, "id": item_id} if isinstance(data, Mapping) else data
        require_json(item, f"stream {self.name!r} item {group_id!r}/{item_id!r}")
        return item

    async def delete(self, group_id: str, item_id: str) -> JsonData:
        """Remove the item; returns it (None when there was none)."""
        group_id, item_id = self._address(group_id, item_id)
        old = await self._backend.delete(self._namespace, group_id, item_id)
        if old is not None and self._listeners:
            await self._publish(StreamEvent(self.name, group_id, item_id, "delete", old))
        return old

    async def get_group(self, group_id: str) -> builtins.list[JsonData]:
        """Every item of the group, ordered by id."""
        records = await self._backend.get_group(self._namespace, _text(group_id, "group id"))
        return [value for _, value in records]

    getGroup = get_group  # the seeds' spelling
    list = get_group  # Motia 1.x's name

    async def list_groups(self) -> builtins.list[str]:
        """Names of the groups holding at least one item, sorted."""
        return await self._backend.list_groups(self._namespace)

    async def send(self, channel: Mapping[str, str], event: Mapping[str, Any]) -> None:
        """An ephemeral message to the clients of `channel` (`{"groupId", "id"?}`): `event` is
        `{"type": ..., "data": ...}`. Nothing is stored."""
        if not isinstance(channel, Mapping):
            raise TypeError(f"stream {self.name!r} send: channel must be a dict with 'groupId'")
        group_id = _text(channel.get("groupId", channel.get("group_id")), "send channel groupId")
        item_id = channel.get("id")
        if item_id is not None:
            item_id = _text(item_id, "send channel id")
        if not isinstance(event, Mapping) or not isinstance(event.get("type"), str):
            raise TypeError(f"stream {self.name!r} send: event must be a dict with a string 'type'")
        require_json(event, f"stream {self.name!r} event")
        if self._listeners:
            await self._publish(StreamEvent(self.name, group_id, item_id, "event", dict(event)))

    async def _publish(self, event: StreamEvent) -> None:
        for listener in tuple(self._listeners):
            await listener(event)

    def _address(self, group_id: str, item_id: str) -> tuple[str, str]:
        return _text(group_id, "group id"), _text(item_id, "item id")

    def __repr__(self) -> str:
        return f"<stream {self.name!r}>"


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"stream {what} must be a string, not {type(value).__name__}")
    return value


class Streams:
    """`ctx.streams`: `ctx.streams.<name>` or `ctx.streams["<name>"]` for each stream of the app."""

    def __init__(self, specs: Iterable[StreamSpec], backend: Backend) -> None:
        self.listeners: list[StreamListener] = []
        # A backend shared by several instances (Redis) shares their changes too: every change is
        # published for the other instances' sockets (`motia.streams.bus`).
        make_bus = getattr(backend, "stream_bus", None)
        self.bus: StreamBus | None = make_bus() if callable(make_bus) else None
        if self.bus is not None:
            self.listeners.append(self.bus.publish)
        self._items = {spec.name: StreamItems(spec, backend, self.listeners) for spec in specs}
        self.__dict__.update(self._items)

    def __getitem__(self, name: str) -> StreamItems:
        try:
            return self._items[name]
        except KeyError:
            raise KeyError(self._unknown(name)) from None

    def __getattr__(self, name: str) -> StreamItems:
        # Only reached for names that are not streams (the streams are instance attributes).
        if name.startswith("_"):
            raise AttributeError(name)
        raise AttributeError(self._unknown(name))

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def _unknown(self, name: str) -> str:
        known = ", ".join(sorted(self._items)) or "none"
        return f"there is no stream named {name!r} (streams: {known})"
