"""Stream changes shared between the instances of an app on one Redis server.

Every change a handler makes on any instance is published once on the app's channel (the bus is one more
stream listener of the writing instance); an instance with WebSocket subscriptions listens on the channel
and hands the changes other instances made to its own sockets. Stream triggers stay with the writing
instance (they go through the queue), so they fire once, not once per instance. Pub/sub delivers to the
instances listening at the moment: a socket that connects later gets the group's items from its join's
`sync`, as on one instance.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from motia.streams.store import StreamEvent, StreamListener

log = logging.getLogger("motia.streams")
RETRY_SECONDS = (0.1, 0.5, 1.0, 2.0, 5.0)  # waits before listening again after the connection dropped


class StreamBus(Protocol):
    async def publish(self, event: StreamEvent) -> None: ...

    def listen(self, deliver: StreamListener) -> Callable[[], Awaitable[None]]:
        """Start handing other instances' changes to `deliver`; returns what stops it."""
        ...


class RedisStreamBus:
    """The bus on a redis-py asyncio client: one channel per app, each message tagged with the instance
    that sent it."""

    def __init__(self, client: Any, channel: str) -> None:
        self._client = client
        self._channel = channel
        self.instance = uuid.uuid4().hex

    async def publish(self, event: StreamEvent) -> None:
        message = {
            "from": self.instance,
            "stream": event.stream,
            "groupId": event.group_id,
            "id": event.item_id,
            "type": event.type,
            "data": event.data,
        }
        await self._client.publish(self._channel, json.dumps(message, separators=(",", ":")))

    def listen(self, deliver: StreamListener) -> Callable[[], Awaitable[None]]:
        task = asyncio.ensure_future(self._listen(deliver))

        async def stop() -> None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

        return stop

    async def _listen(self, deliver: StreamListener) -> None:
        failures = 0
        while True:
            try:
                async with self._client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self._channel)
                    failures = 0
                    async for message in pubsub.listen():
                        event = self._event(message)
                        if event is not None:
                            await deliver(event)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the server dropped: listen again, a little later each time
                wait = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                failures += 1
                message = "stream changes from other instances paused (%s); retrying in %.1f s"
                log.warning(message, error, wait)
                await asyncio.sleep(wait)

    def _event(self, message: Any) -> StreamEvent | None:
        if not isinstance(message, dict) or message.get("type") != "message":
            return None
        try:
            body = json.loads(message["data"])
        except (TypeError, ValueError):
            return None
        if not isinstance(body, dict) or body.get("from") == self.instance:
            return None  # our own change: delivered locally already
        return StreamEvent(body["stream"], body["groupId"], body.get("id"), body["type"], body.get("data"))
