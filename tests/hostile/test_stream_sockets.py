"""Hostile stream clients: malformed frames are answered and the socket kept; a socket may hold only so
many subscriptions; a client that joins without reading cannot make the server buffer without end."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from motia.spec import StreamSpec
from motia.streams import socket as stream_socket
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.runtime.specs import app
from tests.runtime.streams.test_socket import MESSAGES, Server, event, join, receive, scenario

FRAMES = ["null", "[]", "1", '"join"', "[" * 5000 + "]" * 5000, '{"type": "join", "data": NaN}', "\x00"]


def test_every_malformed_frame_gets_an_error_and_the_socket_keeps_working() -> None:
    @scenario(app(streams=(MESSAGES,)))
    async def _(server: Server) -> None:
        async with connect(server.url, max_size=None) as ws:
            for frame in FRAMES:
                await ws.send(frame)
                answer = await receive(ws)
                assert answer["event"]["event"]["data"]["code"] == "INVALID_MESSAGE", frame
            await join(ws, "messages", "g")
            assert await receive(ws) == event("messages", "g", {"type": "sync", "data": []})


def test_one_subscription_too_many_closes_the_socket_with_1008(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream_socket, "MAX_SUBSCRIPTIONS", 3)

    @scenario(app(streams=(MESSAGES,)))
    async def _(server: Server) -> None:
        async with connect(server.url) as ws:
            for n in range(3):
                await join(ws, "messages", f"g{n}", sub=f"s{n}")
                await receive(ws)
            await join(ws, "messages", "g3", sub="s3")
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 5)
            assert closed.value.rcvd is not None
            assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
                1008,
                "too many subscriptions (at most 3)",
            )


ROOM = StreamSpec("room", "streams/room_stream.py")


@pytest.mark.slow
def test_joins_from_a_client_that_never_reads_keep_memory_bounded_and_health_answering() -> None:
    """3,000 joins of a 400 KB room from a client that reads nothing. Without the limits the server grows by
    about 200 MiB in these 3 s (and on, to gigabytes); with them joins wait for the client to drain, so the
    server holds about one sync (9 MiB measured)."""

    @scenario(app(streams=(ROOM,)))
    async def _(server: Server) -> None:
        items = server.runtime.streams["room"]
        for n in range(400):
            await items.set("big", f"item-{n}", {"text": "x" * 1000})
        before = _rss_mib()  # this process runs the server
        frames = [
            json.dumps(
                {"type": "join", "data": {"streamName": "room", "groupId": "big", "subscriptionId": f"s{n}"}}
            )
            for n in range(3000)
        ]
        async with connect(server.url, max_queue=1) as ws:  # reads no more than one message ahead
            sender = asyncio.create_task(_send_all(ws, frames))
            await asyncio.sleep(3)  # the server answers joins as long as it may
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
                health = await asyncio.wait_for(client.get("/__motia/health"), 1.0)
            assert health.status_code == 200
            grown_mib = _rss_mib() - before
            assert grown_mib < 64, f"the server grew by {grown_mib:.0f} MiB"
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                await sender


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


async def _send_all(ws: Any, frames: list[str]) -> None:
    for frame in frames:
        await ws.send(frame)
