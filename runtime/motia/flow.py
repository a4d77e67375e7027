"""The context every handler receives, `FlowContext[Enqueue, Streams]`, and the shapes of its parts.

Generic so that generated step types can say exactly what a step may do: `Enqueue` is the union of the
messages the step declares (one TypedDict per topic, with its payload type), `Streams` an object with one
typed attribute per stream. Classic handlers call `context.emit(...)`, 1.x handlers `ctx.enqueue(...)`;
both send through the same enqueuer, which the runtime sets per handler call.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, Protocol, TypedDict

from typing_extensions import TypeVar

from motia.context import Enqueuer
from motia.logging import Logger
from motia.types import TriggerInfo

TEnqueue = TypeVar("TEnqueue", default=Mapping[str, Any])
TStreams = TypeVar("TStreams", default=Any)
TItem = TypeVar("TItem")


class StateUpdate(TypedDict):
    """What an atomic `update` returns: the value before and after it (None when there was none)."""

    old_value: Any
    new_value: Any


class StateStore(Protocol):
    """`ctx.state`: JSON values by group and key. Values are untyped: state has no declared schema."""

    async def get(self, group_id: str, key: str) -> Any: ...
    async def set(self, group_id: str, key: str, value: Any) -> Any: ...
    async def delete(self, group_id: str, key: str) -> Any: ...
    async def get_group(self, group_id: str) -> list[Any]: ...
    async def getGroup(self, group_id: str) -> list[Any]: ...  # the seeds' spelling
    async def clear(self, group_id: str) -> None: ...
    async def list_groups(self) -> list[str]: ...
    async def update(self, group_id: str, key: str, ops: Sequence[Mapping[str, Any]]) -> StateUpdate: ...


class StreamStore(Protocol[TItem]):
    """`ctx.streams.<name>`: the items of one stream, typed by the stream's schema."""

    async def get(self, group_id: str, item_id: str) -> TItem | None: ...
    async def set(self, group_id: str, item_id: str, data: TItem) -> TItem: ...
    async def delete(self, group_id: str, item_id: str) -> TItem | None: ...
    async def get_group(self, group_id: str) -> list[TItem]: ...
    async def getGroup(self, group_id: str) -> list[TItem]: ...  # the seeds' spelling
    async def list_groups(self) -> list[str]: ...
    async def update(self, group_id: str, item_id: str, ops: Sequence[Mapping[str, Any]]) -> StateUpdate: ...
    async def send(self, channel: Mapping[str, str], event: Mapping[str, Any]) -> None: ...


class FlowContext(Generic[TEnqueue, TStreams]):
    """What a handler gets as `context` / `ctx`: emit, state, streams, logger, trace id, trigger."""

    __slots__ = ("_enqueuer", "_logger", "_traced", "input", "state", "streams", "trace_id", "trigger")

    def __init__(
        self,
        *,
        trace_id: str,
        enqueuer: Enqueuer,
        state: StateStore,
        streams: TStreams,
        logger: Logger,
        trigger: TriggerInfo | None = None,
    ) -> None:
        self.trace_id = trace_id
        self.state = state
        self.streams = streams
        self._logger = logger
        self._traced = False
        self.trigger = trigger
        self.input: Any = None  # what the trigger delivered; the runtime sets it for `match`
        self._enqueuer = enqueuer

    @property
    def logger(self) -> Logger:
        """The step's logger, with this call's trace id on every line (bound when first used: most
        handlers never log, and every request builds a context)."""
        if not self._traced:
            self._logger = self._logger.bind(trace_id=self.trace_id)
            self._traced = True
        return self._logger

    async def enqueue(self, message: TEnqueue) -> None:
        """Send `{"topic": ..., "data": ..., "messageGroupId"?: ...}` to the topic's subscribers."""
        await self._enqueuer(_as_mapping(message))

    async def emit(self, message: TEnqueue) -> None:
        """The classic name of `enqueue`."""
        await self._enqueuer(_as_mapping(message))

    async def match(self, handlers: Mapping[str, Callable[..., Any]]) -> Any:
        """Run the handler for the trigger that fired, as Motia 1.x multi-trigger steps do:

            return await ctx.match({"http": on_request, "queue": on_event, "cron": on_schedule})

        Keys are trigger types (`"api"` also names http) or `"default"`. A cron handler is called with no
        argument, the others with the input; sync or async. No matching key and no default is an error.
        """
        kind = self.trigger.type if self.trigger is not None else None
        chosen = handlers.get(kind) if kind is not None else None
        if chosen is None and kind == "http":
            chosen = handlers.get("api")
        chosen = chosen or handlers.get("default")
        if chosen is None:
            given = ", ".join(sorted(handlers)) or "none"
            raise LookupError(f"ctx.match: no handler for a {kind} trigger (given: {given}) and no 'default'")
        result = chosen() if kind == "cron" else chosen(self.input)
        return await result if inspect.isawaitable(result) else result


def _as_mapping(message: object) -> Mapping[str, Any]:
    if not isinstance(message, Mapping):
        raise TypeError(
            f"an emitted message must be a dict with 'topic' and 'data', not {type(message).__name__}"
        )
    return message
