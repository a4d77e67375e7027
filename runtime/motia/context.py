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

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypedDict

from typing_extensions import TypeVar

from motia import _convert
from motia.logging import Logger
from motia.operations import Ledger, Tracked, TrackedStreams
from motia.request import TriggerInfo

Enqueuer = Callable[[Mapping[str, Any]], Awaitable[None]]
"""Sends one `{"topic": ..., "data": ...}` message."""

# Bare `FlowContext` (as Motia's docs annotate handlers) is `FlowContext[Any, Any]`: it takes any message
# and accepts the context of any step, whatever that step's messages are typed as.
TEnqueue = TypeVar("TEnqueue", default=Any)
TStreams = TypeVar("TStreams", default=Any)
TItem = TypeVar("TItem")
T = TypeVar("T")


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

    __slots__ = (
        "_enqueuer",
        "_ledger",
        "_logger",
        "_loop",
        "_state",
        "_streams",
        "_traced",
        "_tracked_state",
        "_tracked_streams",
        "_trigger",
        "input",
        "trace_id",
    )

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
        self._state = state
        self._streams = streams
        self._logger = logger
        self._traced = False
        self._trigger = trigger
        self.input: Any = None  # what the trigger delivered; the runtime sets it for `match`
        self._enqueuer = enqueuer
        # The loop the call runs on: sync handlers run in a worker thread and their calls come back here.
        self._loop = _running_loop()
        self._ledger: Ledger | None = None
        self._tracked_state: Any = None
        self._tracked_streams: Any = None

    @property
    def logger(self) -> Logger:
        """The step's logger, with this call's trace id on every line (bound when first used: most
        handlers never log, and every request builds a context)."""
        if not self._traced:
            self._logger = self._logger.bind(trace_id=self.trace_id)
            self._traced = True
        return self._logger

    @property
    def trigger(self) -> TriggerInfo:
        """Which of the step's triggers fired (`type`, `index`, `path`, `method`, …). Always set in a
        handler call; a stream hook's context has none."""
        if self._trigger is None:
            raise AttributeError(
                "this context has no trigger: it belongs to a stream hook, not a handler call"
            )
        return self._trigger

    @property
    def ledger(self) -> Ledger:
        """What this call started (`motia.operations`); made on first use."""
        if self._ledger is None:
            self._ledger = Ledger(self._loop or _running_loop(), self.logger)
        return self._ledger

    @property
    def state(self) -> StateStore:
        """Shared state; each call is recorded in this handler call's ledger."""
        if self._tracked_state is None:
            self._tracked_state = Tracked(self._state, self.ledger, "ctx.state")
        tracked: StateStore = self._tracked_state
        return tracked

    @property
    def streams(self) -> TStreams:
        """The app's streams by name; each item call is recorded in this handler call's ledger."""
        if self._tracked_streams is None:
            if self._streams is None:  # a context made by hand, for a test, with no streams
                return self._streams
            self._tracked_streams = TrackedStreams(self._streams, self.ledger)
        tracked: TStreams = self._tracked_streams
        return tracked

    def enqueue(self, message: TEnqueue) -> Awaitable[None]:
        """Send `{"topic": ..., "data": ..., "messageGroupId"?: ...}` to the topic's subscribers."""
        return self._send(message, "ctx.enqueue")

    def emit(self, message: TEnqueue) -> Awaitable[None]:
        """The classic name of `enqueue`."""
        return self._send(message, "ctx.emit")

    def _send(self, message: TEnqueue, label: str) -> Awaitable[None]:
        mapping, enqueuer = _as_mapping(message), self._enqueuer
        operation: Awaitable[None] = self.ledger.perform(
            lambda: enqueuer(mapping), label, classic=True, depth=3
        )
        return operation

    async def settle(self) -> None:
        """Finish what the handler started and did not await (see `motia.operations`)."""
        if self._ledger is not None:
            await self._ledger.settle()

    async def match(self, handlers: Mapping[str, Callable[..., Any]]) -> Any:
        """Run the handler for the trigger that fired, as Motia 1.x multi-trigger steps do:

            return await ctx.match({"http": on_request, "queue": on_event, "cron": on_schedule})

        Keys are trigger types (`"api"` also names http) or `"default"`. A cron handler is called with no
        argument, the others with the input; sync or async. No matching key and no default is an error.
        """
        kind = self._trigger.type if self._trigger is not None else None
        chosen = handlers.get(kind) if kind is not None else None
        if chosen is None and kind == "http":
            chosen = handlers.get("api")
        chosen = chosen or handlers.get("default")
        if chosen is None:
            given = ", ".join(sorted(handlers)) or "none"
            raise LookupError(f"ctx.match: no handler for a {kind} trigger (given: {given}) and no 'default'")
        result = chosen() if kind == "cron" else chosen(self.input)
        return await result if inspect.isawaitable(result) else result


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _as_mapping(message: object) -> Mapping[str, Any]:
    if not isinstance(message, Mapping):
        raise TypeError(
            f"an emitted message must be a dict with 'topic' and 'data', not {type(message).__name__}"
        )
    return message


current_context: ContextVar[FlowContext[Any, Any] | None] = ContextVar("motia_current_context", default=None)
"""Set by the runtime around each handler call; None outside one."""


def enqueue(message: Mapping[str, Any]) -> Any:
    """Enqueue `{"topic": ..., "data": ...}` from inside a step handler, as Motia 1.x's synchronous
    `enqueue`: a plain call is enough (sync handlers get it done before the call returns, async ones when
    the handler returns, or now if they `await` it)."""
    _convert.text(_convert.mapping(message, "enqueue() message").get("topic"), "enqueue topic")
    ctx = current_context.get()
    if ctx is None:
        raise RuntimeError("enqueue() was called outside a step handler; only a running handler can enqueue")
    enqueuer = ctx._enqueuer
    return ctx.ledger.perform(lambda: enqueuer(message), "enqueue", classic=False)


def current_trace_id() -> str | None:
    """The trace id of the handler call this code runs in, or None outside one."""
    ctx = current_context.get()
    return None if ctx is None else ctx.trace_id


@dataclass(frozen=True, slots=True)
class AppStores:
    """What Motia 1.x's module-level handles (`Stream(...)`, `stateManager`) reach outside a handler call
    (in stream access hooks, say): those of the runtime started last in this process."""

    state: Any
    streams: Any
    loop: asyncio.AbstractEventLoop


_default_stores: AppStores | None = None
_detached: set[asyncio.Task[Any]] = set()  # running calls made outside any handler, kept from collection


def set_default_stores(stores: AppStores) -> None:
    """Set by a runtime when it starts (one running app per process; see `AppStores`)."""
    global _default_stores  # noqa: PLW0603
    _default_stores = stores


def release_default_stores(stores: AppStores) -> None:
    """Forget `stores` as the default, if they still are (a runtime stopping)."""
    global _default_stores  # noqa: PLW0603
    if _default_stores is stores:
        _default_stores = None


def sync_call(label: str, make: Callable[[Any, Any], Awaitable[T]], depth: int = 4) -> Any:
    """A call of Motia 1.x's synchronous API (`make(state, streams)` does the work): in a handler call,
    recorded in its ledger (`motia.operations`); outside one, on the running app, started at once. Sync
    code gets the value; code on the event loop gets something to await."""
    ctx = current_context.get()
    if ctx is not None:
        state, streams = ctx._state, ctx._streams
        return ctx.ledger.perform(lambda: make(state, streams), label, classic=False, depth=depth)
    stores = _default_stores
    if stores is None:
        raise RuntimeError(
            f"{label}() was used outside a running app; state and stream items live in the app's store, "
            f"which exists once the app runs (motia start, motia.testing.TestApp)"
        )
    work = make(stores.state, stores.streams)
    try:
        on_loop = asyncio.get_running_loop() is stores.loop
    except RuntimeError:
        on_loop = False
    if not on_loop:
        return asyncio.run_coroutine_threadsafe(_awaited(work), stores.loop).result()
    task = stores.loop.create_task(_awaited(work), name=label)
    _detached.add(task)
    task.add_done_callback(_finished)
    return task


def _finished(task: asyncio.Task[Any]) -> None:
    """A detached call is done: forget it, and log its failure (it may never be awaited)."""
    _detached.discard(task)
    if not task.cancelled() and (error := task.exception()) is not None:
        Logger().error(f"{task.get_name()} (outside a handler call) failed: {error}")


async def _awaited(work: Awaitable[T]) -> T:
    return await work
