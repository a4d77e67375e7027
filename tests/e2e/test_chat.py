"""examples/chat end to end: `motia start` on loopback, real HTTP and WebSocket clients.

Token authentication on connect, room membership on join, messages as stream items in order, typing
indicators as ephemeral events, the stream trigger counting messages in state, and the room's messages
synced again after a restart.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.e2e.server import Server, build, copy_example, eventually, running

pytestmark = pytest.mark.slow

WAIT = 10.0


def socket_url(server: Server, token: str | None) -> str:
    base = f"ws://127.0.0.1:{server.port}/"
    return base if token is None else f"{base}?token={token}"


async def receive(ws: ClientConnection) -> dict[str, Any]:
    message = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
    assert isinstance(message, dict)
    return message


async def join(ws: ClientConnection, room: str, sub: str = "s1") -> dict[str, Any]:
    data = {"streamName": "messages", "groupId": room, "subscriptionId": sub}
    await ws.send(json.dumps({"type": "join", "data": data}))
    return await receive(ws)


async def post(client: httpx.AsyncClient, room: str, author: str, text: str) -> str:
    response = await client.post(f"/rooms/{room}/messages", json={"author": author, "text": text})
    assert response.status_code == 201, response.text
    message_id = response.json()["id"]
    assert isinstance(message_id, str)
    return message_id


async def nothing_more(ws: ClientConnection, seconds: float = 0.3) -> None:
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(ws.recv(), seconds)


async def chat(server: Server) -> list[str]:
    """The conversation; returns the ids of the messages posted to `general`."""
    # No token, or an unknown one: closed with 4401 before any data.
    for token in (None, "token-eve"):
        async with connect(socket_url(server, token)) as refused:
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(refused.recv(), WAIT)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 4401

    async with (
        httpx.AsyncClient(base_url=server.url, timeout=10) as client,
        connect(socket_url(server, "token-ana")) as ana,
        connect(socket_url(server, "token-bob")) as bob,
    ):
        synced = await join(ana, "general")
        assert synced["event"] == {"type": "sync", "data": []}
        assert (await join(bob, "general"))["event"] == {"type": "sync", "data": []}
        # bob is not a member of `random`: denied, and nothing of it reaches him.
        denied = await join(bob, "random", sub="s2")
        assert denied["event"]["event"]["data"]["code"] == "STREAM_ACCESS_DENIED"
        assert (await join(ana, "random", sub="s2"))["event"]["type"] == "sync"

        ids = [await post(client, "general", "ana", f"message {n}") for n in range(5)]
        typing = await client.post("/rooms/general/typing", json={"author": "bob"})
        assert typing.status_code == 202, typing.text
        await post(client, "random", "ana", "only for random")

        for ws in (ana, bob):
            for n, message_id in enumerate(ids):
                change = await receive(ws)
                assert (change["groupId"], change["id"], change["event"]["type"]) == (
                    "general",
                    message_id,
                    "create",
                )
                assert change["event"]["data"]["text"] == f"message {n}"
            indicator = await receive(ws)
            assert indicator["event"] == {
                "type": "event",
                "event": {"type": "typing", "data": {"author": "bob"}},
            }
        elsewhere = await receive(ana)
        assert (elsewhere["groupId"], elsewhere["event"]["data"]["text"]) == ("random", "only for random")
        await nothing_more(bob)

        bad = await client.post("/rooms/general/messages", json={"author": "", "text": "x"})
        assert bad.status_code == 400
    return ids


def test_chat_rooms_over_streams(tmp_path: Path) -> None:
    app = copy_example("chat", tmp_path)
    build(app)
    with running(app) as server:
        ids = asyncio.run(chat(server))
        with server.client() as client:

            def counted() -> dict[str, Any] | None:
                stats = client.get("/rooms/general/stats").json()
                return stats if stats["messages"] == len(ids) else None

            # The stream trigger counts each new message once (its condition skips other changes).
            assert eventually(counted, what="CountMessages") == {"room": "general", "messages": 5}

    async def after_restart(server: Server) -> None:
        async with connect(socket_url(server, "token-bob")) as bob:
            synced = await join(bob, "general")
            assert [item["id"] for item in synced["event"]["data"]] == ids
            assert synced["event"]["data"][0]["text"] == "message 0"

    with running(app) as server:
        asyncio.run(after_restart(server))
