"""`enqueue`: the module-level function step files import (`from motia import enqueue`).

Like Motia's, it sends to the queue of the handler call it runs in. Which queue that is lives in a
context variable the runtime sets around each handler call, so concurrent handlers never share one.
Called outside a handler, there is no queue to send to, and it says so.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from typing import Any

from motia import _convert

Enqueuer = Callable[[Mapping[str, Any]], Awaitable[None]]
"""Sends one `{"topic": ..., "data": ...}` message."""

current_enqueuer: ContextVar[Enqueuer | None] = ContextVar("motia_current_enqueuer", default=None)
"""Set by the runtime around each handler call; None outside one."""


async def enqueue(message: Mapping[str, Any]) -> None:
    """Enqueue `{"topic": ..., "data": ...}` from inside a step handler."""
    _convert.text(_convert.mapping(message, "enqueue() message").get("topic"), "enqueue topic")
    enqueuer = current_enqueuer.get()
    if enqueuer is None:
        raise RuntimeError("enqueue() was called outside a step handler; only a running handler can enqueue")
    await enqueuer(message)
