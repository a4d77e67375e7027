"""Stream changes shared between the instances of an app on one Redis server.

Every change a handler makes on any instance is published once on the app's channel (the bus is one more
stream listener of the writing instance); an instance with WebSocket subscriptions listens on the channel
and hands the changes other instances made to its own sockets. Stream triggers stay with the writing
instance (they go through the queue), so they fire once, not once per instance. Pub/sub delivers to the
instances listening at the moment: a socket that connects later gets the group's items from its join's
`sync`, as on one instance.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from motia.storage import redis_pubsub
from motia.streams.store import StreamEvent, StreamListener


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
        async def heard(text: str) -> None:
            event = self._event(text)
            if event is not None:
                await deliver(event)

        return redis_pubsub.listen(self._client, self._channel, heard)

    def _event(self, text: str) -> StreamEvent | None:
        try:
            body = json.loads(text)
        except ValueError:
            return None
        if not isinstance(body, dict) or body.get("from") == self.instance:
            return None  # our own change: delivered locally already
        return StreamEvent(body["stream"], body["groupId"], body.get("id"), body["type"], body.get("data"))
