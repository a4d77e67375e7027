"""The context a handler runs in: `FlowContext[Enqueue, Streams]`, the shapes of its parts, the context
variable that holds the current handler call's context, and `enqueue`, the module-level function step
files import (`from motia import enqueue`).

`FlowContext` is generic so that generated step types can say exactly what a step may do: `Enqueue` is the
union of the messages the step declares (one TypedDict per topic, with its payload type), `Streams` an
object with one typed attribute per stream. Classic handlers call `context.emit(...)`, 1.x handlers
`ctx.enqueue(...)`; both send through the same enqueuer, which the runtime sets per handler call.

Like Motia's, `enqueue` sends to the queue of the handler call it runs in. Which call that is lives in a
context variable the runtime sets around each handler call (`current_context`), so concurrent handlers
never share one. The same variable gives module-level `Stream("name")` handles their store and gives the
changes a handler makes (state writes, stream items) its trace id. Called outside a handler, `enqueue` has
no queue to send to, and it says so.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextvars import ContextVar
from typing import Any, Generic, Protocol, TypedDict

from typing_extensions import TypeVar

from motia import _convert
from motia.logging import Logger
from motia.request import TriggerInfo

Enqueuer = Callable[[Mapping[str, Any]], Awaitable[None]]
"""Sends one `{"topic": ..., "data": ...}` message."""

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


current_context: ContextVar[FlowContext[Any, Any] | None] = ContextVar("motia_current_context", default=None)
"""Set by the runtime around each handler call; None outside one."""


async def enqueue(message: Mapping[str, Any]) -> None:
    """Enqueue `{"topic": ..., "data": ...}` from inside a step handler."""
    _convert.text(_convert.mapping(message, "enqueue() message").get("topic"), "enqueue topic")
    ctx = current_context.get()
    if ctx is None:
        raise RuntimeError("enqueue() was called outside a step handler; only a running handler can enqueue")
    await ctx.enqueue(message)


def current_trace_id() -> str | None:
    """The trace id of the handler call this code runs in, or None outside one."""
    ctx = current_context.get()
    return None if ctx is None else ctx.trace_id


_default_streams: Any = None


def set_default_streams(streams: Any) -> None:
    """The streams `Stream("name")` handles use outside any handler call (in access hooks, say): the last
    runtime started in this process sets them, and clears them when it stops."""
    global _default_streams  # noqa: PLW0603 (one running app per process; see the docstring)
    _default_streams = streams


def release_default_streams(streams: Any) -> None:
    """Forget `streams` as the default, if they still are (a runtime stopping)."""
    global _default_streams  # noqa: PLW0603
    if _default_streams is streams:
        _default_streams = None


def active_streams() -> Any:
    """The streams of the handler call this code runs in, else of the running app, else None."""
    ctx = current_context.get()
    return ctx.streams if ctx is not None else _default_streams
