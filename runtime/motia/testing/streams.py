"""`TestApp.stream_client()`: a stream client talking to the app's WebSocket endpoint in process.

    async with TestApp(APP) as app, app.stream_client(query={"token": "t"}) as client:
        sync = await client.join("messages", "room-1")     # the `sync` answering the join
        await app.post("/rooms/room-1/messages", json={...})
        change = await client.receive()                     # {"streamName", "groupId", "id", "event": ...}

It drives the ASGI app with WebSocket events directly (no server, no port), so it goes through exactly the
code a real client reaches: authentication on connect, access checks on join, per-socket ordering. A
connection the app refuses raises `StreamClosed` with the close code (4401 for authentication) from the
call that notices it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import urlencode

from starlette.types import ASGIApp, Message

__all__ = ["StreamClient", "StreamClosed", "open_stream_client"]


class StreamClosed(ConnectionError):
    """The app closed the connection (`code`: the WebSocket close code, `reason` its text)."""

    def __init__(self, code: int, reason: str = "") -> None:
        super().__init__(f"the app closed the stream connection with code {code}: {reason or 'no reason'}")
        self.code = code
        self.reason = reason


class StreamClient:
    """One WebSocket connection to the app, in process. Messages arrive as parsed JSON dicts."""

    def __init__(self) -> None:
        self._incoming: asyncio.Queue[Message] = asyncio.Queue()
        self._outgoing: asyncio.Queue[Message] = asyncio.Queue()
        self.closed: StreamClosed | None = None
        self._subscriptions = 0

    async def join(
        self, stream: str, group_id: str, item_id: str | None = None, *, subscription_id: str | None = None
    ) -> dict[str, Any]:
        """Join a group (or one item of it) and return the app's answer: the `sync`, or an error event."""
        await self.send("join", stream, group_id, item_id, subscription_id)
        return await self.receive()

    async def leave(
        self, stream: str, group_id: str, item_id: str | None = None, *, subscription_id: str | None = None
    ) -> None:
        await self.send("leave", stream, group_id, item_id, subscription_id)

    async def send(
        self,
        kind: str,
        stream: str,
        group_id: str,
        item_id: str | None = None,
        subscription_id: str | None = None,
    ) -> None:
        """Send one `join` or `leave` message as Motia's clients do."""
        self._raise_if_closed()
        if subscription_id is None:
            self._subscriptions += 1
            subscription_id = f"sub-{self._subscriptions}"
        data = {"streamName": stream, "groupId": group_id, "subscriptionId": subscription_id}
        if item_id is not None:
            data["id"] = item_id
        await self.send_text(json.dumps({"type": kind, "data": data}))

    async def send_text(self, text: str) -> None:
        """Send any text frame (to see how the app answers a malformed message, say)."""
        await self._incoming.put({"type": "websocket.receive", "text": text})

    async def receive(self, timeout: float = 5.0) -> dict[str, Any]:
        """The next message from the app; `StreamClosed` when it closed the connection, `TimeoutError`
        when nothing came within `timeout` seconds."""
        self._raise_if_closed()
        message = await asyncio.wait_for(self._outgoing.get(), timeout)
        if message["type"] == "websocket.close":
            self.closed = StreamClosed(message.get("code", 1000), message.get("reason") or "")
            raise self.closed
        parsed = json.loads(message.get("text") or message.get("bytes") or b"null")
        if not isinstance(parsed, dict):
            raise TypeError(f"the app sent a message that is not a JSON object: {parsed!r}")
        return parsed

    async def nothing_within(self, seconds: float = 0.1) -> bool:
        """Whether no message arrives within `seconds` (for "this client got nothing else")."""
        try:
            message = await asyncio.wait_for(self._outgoing.get(), seconds)
        except TimeoutError:
            return True
        self._outgoing.put_nowait(message)  # a later `receive` still gets it (order kept: queue was empty)
        return False

    def _raise_if_closed(self) -> None:
        if self.closed is not None:
            raise self.closed

    # -- the ASGI side
    async def _receive(self) -> Message:
        return await self._incoming.get()

    async def _send(self, message: Message) -> None:
        if message["type"] in ("websocket.accept", "websocket.send", "websocket.close"):
            await self._outgoing.put(message)
        elif message["type"] == "websocket.http.response.start":  # refused before the handshake
            await self._outgoing.put({"type": "websocket.close", "code": 1006, "reason": "refused"})


@contextlib.asynccontextmanager
async def open_stream_client(
    app: ASGIApp,
    *,
    query: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> AsyncIterator[StreamClient]:
    """Connect a `StreamClient` to `app` at `/`; disconnects on exit. Raises `StreamClosed` at once when
    the app refuses the connection (authentication)."""
    client = StreamClient()
    raw_headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "scheme": "ws",
        "path": "/",
        "raw_path": b"/",
        "root_path": "",
        "query_string": urlencode(dict(query or {})).encode("latin-1"),
        "headers": [(b"host", b"testserver"), *raw_headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "subprotocols": [],
        "extensions": {"websocket.http.response": {}},
    }
    await client._incoming.put({"type": "websocket.connect"})

    async def serve() -> None:
        await app(scope, client._receive, client._send)

    task = asyncio.create_task(serve())
    try:
        accepted = await asyncio.wait_for(client._outgoing.get(), 5.0)
        if accepted["type"] == "websocket.accept":
            await _closed_at_once(client)
        else:
            await client._outgoing.put(accepted)
            await client.receive()  # raises StreamClosed
        yield client
    finally:
        await client._incoming.put({"type": "websocket.disconnect", "code": 1000})
        try:
            await asyncio.wait_for(task, 5.0)
        except TimeoutError:
            task.cancel()


async def _closed_at_once(client: StreamClient) -> None:
    """A refused connection is accepted and closed in one go (code 4401): raise on connect rather than on
    the first receive. The app sends both without waiting in between, so a few loop turns see the close."""
    for _ in range(3):
        await asyncio.sleep(0)
    if client._outgoing.empty():
        return
    message = client._outgoing.get_nowait()
    if message["type"] == "websocket.close":
        await client._outgoing.put(message)
        await client.receive()  # raises StreamClosed
    client._outgoing.put_nowait(message)
