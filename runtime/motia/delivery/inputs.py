"""What state and stream triggers hand their step: `StateTriggerInput` and `StreamTriggerInput`.

The shapes are Motia 1.x's. A state change is `{group_id, item_id, old_value, new_value}`; a stream change
`{timestamp, stream_name, group_id, id, event: {type: create | update | delete, data}}`. Both are read the
way Motia's models are (`input.group_id`, `input.event.type`) and, like `ApiRequest`, as read-only
mappings under the wire's camelCase keys (`input["groupId"]`, `input["event"]["data"]`), so handlers
written against either generation work. `type` is `"state"` or `"stream"`, which lets a multi-trigger
handler tell them apart without `ctx.trigger`.

Each converts to and from its JSON form (`to_json` / `from_json`): a change travels through the queue as
JSON, so a trigger that fails is retried, and one whose process dies is delivered again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal

from typing_extensions import TypeVar

from motia.storage.backend import JsonData

TValue = TypeVar("TValue", default=Any)

StreamChangeType = Literal["create", "update", "delete"]


class _Fields(Mapping[str, Any]):
    """Mapping access over the wire keys of a frozen dataclass: `_KEYS` maps each key to its attribute."""

    __slots__ = ()
    _KEYS: ClassVar[Mapping[str, str]] = {}

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, self._KEYS[key])
        except KeyError:
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._KEYS)

    def __len__(self) -> int:
        return len(self._KEYS)


@dataclass(frozen=True, slots=True)
class StateTriggerInput(_Fields, Generic[TValue]):
    """A state change: the value under `group_id`/`item_id` went from `old_value` to `new_value` (None for
    a value that did not exist before, or no longer does)."""

    group_id: str
    item_id: str
    old_value: TValue | None = None
    new_value: TValue | None = None
    type: Literal["state"] = "state"

    _KEYS: ClassVar[Mapping[str, str]] = {
        "type": "type",
        "groupId": "group_id",
        "itemId": "item_id",
        "oldValue": "old_value",
        "newValue": "new_value",
    }

    def to_json(self) -> dict[str, JsonData]:
        return {
            "groupId": self.group_id,
            "itemId": self.item_id,
            "oldValue": self.old_value,
            "newValue": self.new_value,
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> StateTriggerInput[Any]:
        return cls(value["groupId"], value["itemId"], value.get("oldValue"), value.get("newValue"))


@dataclass(frozen=True, slots=True)
class StreamChange(_Fields, Generic[TValue]):
    """What happened to a stream item: `create`, `update` (`data` the new item) or `delete` (`data` the
    item as it was)."""

    type: StreamChangeType
    data: TValue

    _KEYS: ClassVar[Mapping[str, str]] = {"type": "type", "data": "data"}


@dataclass(frozen=True, slots=True)
class StreamTriggerInput(_Fields, Generic[TValue]):
    """A change of item `id` in group `group_id` of stream `stream_name`, at `timestamp` (milliseconds
    since the epoch)."""

    timestamp: int
    stream_name: str
    group_id: str
    id: str
    event: StreamChange[TValue]
    type: Literal["stream"] = "stream"

    _KEYS: ClassVar[Mapping[str, str]] = {
        "type": "type",
        "timestamp": "timestamp",
        "streamName": "stream_name",
        "groupId": "group_id",
        "id": "id",
        "event": "event",
    }

    def to_json(self) -> dict[str, JsonData]:
        return {
            "timestamp": self.timestamp,
            "streamName": self.stream_name,
            "groupId": self.group_id,
            "id": self.id,
            "event": {"type": self.event.type, "data": self.event.data},
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> StreamTriggerInput[Any]:
        event = value["event"]
        return cls(
            value["timestamp"],
            value["streamName"],
            value["groupId"],
            value["id"],
            StreamChange(event["type"], event["data"]),
        )
