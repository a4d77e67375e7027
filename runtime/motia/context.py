"""The handler call a piece of code runs in, and `enqueue`, the module-level function step files import
(`from motia import enqueue`).

Like Motia's, `enqueue` sends to the queue of the handler call it runs in. Which call that is lives in a
context variable the runtime sets around each handler call (to the call's `FlowContext`), so concurrent
handlers never share one. The same variable gives module-level `Stream("name")` handles their store and
gives the changes a handler makes (state writes, stream items) its trace id. Called outside a handler,
`enqueue` has no queue to send to, and it says so.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from motia import _convert

if TYPE_CHECKING:
    from motia.flow import FlowContext

Enqueuer = Callable[[Mapping[str, Any]], Awaitable[None]]
"""Sends one `{"topic": ..., "data": ...}` message."""

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
