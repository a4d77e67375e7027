"""Listening on a Redis pub/sub channel for as long as wanted, through dropped connections.

Used for what the instances of an app tell each other: stream changes (`motia.streams.bus`) and new
messages in the queue (`RedisBackend.queue_wakeups`). Pub/sub only reaches those listening at the moment,
so neither relies on it for correctness: a socket's join starts with a `sync` of the stored items, and an
idle subscription still looks at the store on its idle poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger("motia.storage")
RETRY_SECONDS = (0.1, 0.5, 1.0, 2.0, 5.0)  # waits before listening again after the connection dropped
POLL_SECONDS = 0.25  # how long a read waits for a message before looking at the stop flag

Stop = Callable[[], Awaitable[None]]


def listen(
    client: Any,
    channel: str,
    on_message: Callable[[str], Awaitable[None]],
    on_subscribed: Callable[[], Awaitable[None]] | None = None,
) -> Stop:
    """Call `on_message` with the text of every message published on `channel` from now on, until the
    returned function is awaited; `on_subscribed` after each (re)subscription, when messages start to
    arrive (what was published before is lost). The listener polls with a short timeout and ends on a
    flag rather than by cancellation: a cancelled read can leave redis-py's pub/sub connection waiting for
    good."""
    stopped = asyncio.Event()
    task = asyncio.ensure_future(_listen(client, channel, on_message, on_subscribed, stopped))

    async def stop() -> None:
        stopped.set()
        await task

    return stop


async def _listen(
    client: Any,
    channel: str,
    on_message: Callable[[str], Awaitable[None]],
    on_subscribed: Callable[[], Awaitable[None]] | None,
    stopped: asyncio.Event,
) -> None:
    failures = 0
    while not stopped.is_set():
        try:
            async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                await pubsub.subscribe(channel)
                if on_subscribed is not None:
                    await on_subscribed()
                failures = 0
                while not stopped.is_set():
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=POLL_SECONDS)
                    if isinstance(message, dict) and message.get("type") == "message":
                        await on_message(str(message["data"]))
        except Exception as error:  # the server dropped: listen again, a little later each time
            wait = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
            failures += 1
            log.warning("listening on %s paused (%s); retrying in %.1f s", channel, error, wait)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopped.wait(), wait)
