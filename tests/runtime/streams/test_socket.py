"""Streams over WebSocket: Motia's protocol against a real uvicorn server on a loopback port, with a real
WebSocket client."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from motia.runtime import Runtime
from motia.spec import AppSpec, StreamSpec
from motia.storage.backend import Backend
from motia.storage.memory import MemoryBackend
from motia.storage.sqlite import SqliteBackend
from motia.streams import socket as stream_socket
from motia.streams.protocol import (
    StreamAuthInput,
    StreamAuthResult,
    StreamSubscription,
    auth_outcome,
    parse_message,
)
from motia.streams.socket import AUTH_FAILED
from motia.web.app import HttpApp
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.runtime.specs import app, route, run, step

WAIT = 5.0


@dataclass
class Server:
    port: int
    runtime: Runtime
    http: HttpApp

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"


@asynccontextmanager
async def serving(spec: AppSpec, backend: Backend | None = None) -> AsyncIterator[Server]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    runtime = Runtime(spec, backend or MemoryBackend(), close_backend=backend is not None)
    http = HttpApp(runtime)
    server = uvicorn.Server(uvicorn.Config(http, lifespan="on", log_level="critical"))
    task = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        while not server.started:
            assert not task.done(), "the server stopped while starting"
            await asyncio.sleep(0.01)
        yield Server(port, runtime, http)
    finally:
        server.should_exit = True
        await task
        listener.close()


def scenario(spec: AppSpec) -> Callable[[Callable[[Server], Coroutine[Any, Any, None]]], None]:
    """Run the decorated coroutine against a server for `spec`, at once (the test body calls it)."""

    def runner(body: Callable[[Server], Coroutine[Any, Any, None]]) -> None:
        async def main() -> None:
            async with serving(spec) as server:
                await body(server)

        run(main)

    return runner


async def receive(ws: ClientConnection) -> dict[str, Any]:
    message = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
    assert isinstance(message, dict)
    assert isinstance(message.pop("timestamp"), int)
    return message


async def join(
    ws: ClientConnection,
    stream: str,
    group: str,
    item: str | None = None,
    sub: str = "s1",
    kind: str = "join",
) -> None:
    data = {"streamName": stream, "groupId": group, "subscriptionId": sub}
    if item is not None:
        data["id"] = item
    await ws.send(json.dumps({"type": kind, "data": data}))


def event(stream: str, group: str, body: dict[str, Any], item: str | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"streamName": stream, "groupId": group}
    if item is not None:
        message["id"] = item
    message["event"] = body
    return message


DENIED = {
    "type": "event",
    "event": {"type": "error", "data": {"code": "STREAM_ACCESS_DENIED", "message": "Access denied"}},
}
MESSAGES = StreamSpec("messages", "streams/messages_stream.py")


def test_join_gets_sync_then_every_change_of_the_group_in_order() -> None:
    @scenario(app(streams=(MESSAGES,)))
    async def _(server: Server) -> None:
        items = server.runtime.streams["messages"]
        await items.set("room-1", "m0", {"text": "before"})
        async with connect(server.url) as ws:
            await join(ws, "messages", "room-1")
            assert await receive(ws) == event(
                "messages", "room-1", {"type": "sync", "data": [{"text": "before", "id": "m0"}]}
            )
            await items.set("room-1", "m1", {"text": "hi"})
            await items.set("room-1", "m1", {"text": "hi!"})
            await items.send({"groupId": "room-1"}, {"type": "typing", "data": {"user": "ana"}})
            await items.delete("room-1", "m1")
            assert await receive(ws) == event(
                "messages", "room-1", {"type": "create", "data": {"text": "hi", "id": "m1"}}, "m1"
            )
            assert await receive(ws) == event(
                "messages", "room-1", {"type": "update", "data": {"text": "hi!", "id": "m1"}}, "m1"
            )
            assert await receive(ws) == event(
                "messages", "room-1", {"type": "event", "event": {"type": "typing", "data": {"user": "ana"}}}
            )
            assert await receive(ws) == event(
                "messages", "room-1", {"type": "delete", "data": {"text": "hi!", "id": "m1"}}, "m1"
            )


def test_items_survive_a_restart_and_a_join_after_it_syncs_them(tmp_path: Path) -> None:
    spec = app(streams=(MESSAGES,))
    path = tmp_path / "motia.sqlite3"

    async def before() -> None:
        async with serving(spec, SqliteBackend(path)) as server:
            items = server.runtime.streams["messages"]
            await items.set("room-1", "m1", {"text": "hi"})
            await items.set("room-1", "m2", {"text": "there"})
            await items.set("room-2", "m9", {"text": "elsewhere"})
            await items.delete("room-1", "m2")

    async def after() -> None:
        async with serving(spec, SqliteBackend(path)) as server, connect(server.url) as ws:
            await join(ws, "messages", "room-1")
            synced = {"type": "sync", "data": [{"text": "hi", "id": "m1"}]}
            assert await receive(ws) == event("messages", "room-1", synced)
            await join(ws, "messages", "room-2", "m9", sub="s2")
            synced = {"type": "sync", "data": {"text": "elsewhere", "id": "m9"}}
            assert await receive(ws) == event("messages", "room-2", synced, "m9")

    run(before)
    run(after)


def test_an_item_subscription_gets_that_item_and_its_events_only() -> None:
    @scenario(app(streams=(MESSAGES,)))
    async def _(server: Server) -> None:
        items = server.runtime.streams["messages"]
        async with connect(server.url) as ws:
            await join(ws, "messages", "room-1", "m1")
            assert await receive(ws) == event("messages", "room-1", {"type": "sync", "data": None}, "m1")
            await items.set("room-1", "other", {"text": "not this one"})
            await items.send({"groupId": "room-1"}, {"type": "typing", "data": None})  # the group's only
            await items.send({"groupId": "room-1", "id": "m1"}, {"type": "seen", "data": 1})
            await items.set("room-1", "m1", {"text": "this one"})
            assert await receive(ws) == event(
                "messages", "room-1", {"type": "event", "event": {"type": "seen", "data": 1}}, "m1"
            )
            assert await receive(ws) == event(
                "messages", "room-1", {"type": "create", "data": {"text": "this one", "id": "m1"}}, "m1"
            )
            await join(ws, "messages", "room-1", "m1", sub="s2")  # a second join of the item: its sync
            assert await receive(ws) == event(
                "messages", "room-1", {"type": "sync", "data": {"text": "this one", "id": "m1"}}, "m1"
            )


def test_changes_made_by_a_handler_reach_the_clients() -> None:
    async def post(req: Any, ctx: Any) -> dict[str, Any]:
        item = await ctx.streams.messages.set(
            req.path_params["room"], req.body["id"], {"text": req.body["text"]}
        )
        return {"status": 201, "body": item}

    spec = app(streams=(MESSAGES,), routes=(route(step(post, "Post"), "POST", "/rooms/:room"),))

    @scenario(spec)
    async def _(server: Server) -> None:
        async with (
            connect(server.url) as ws,
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as http,
        ):
            await join(ws, "messages", "r")
            assert (await receive(ws))["event"] == {"type": "sync", "data": []}
            response = await http.post("/rooms/r", json={"id": "m1", "text": "hello"})
            assert response.status_code == 201
            assert await receive(ws) == event(
                "messages", "r", {"type": "create", "data": {"text": "hello", "id": "m1"}}, "m1"
            )


def test_two_clients_on_a_group_both_get_every_change_and_another_group_gets_none() -> None:
    @scenario(app(streams=(MESSAGES,)))
    async def _(server: Server) -> None:
        items = server.runtime.streams["messages"]
        async with connect(server.url) as a, connect(server.url) as b, connect(server.url) as other:
            for ws in (a, b):
                await join(ws, "messages", "room-1")
                assert (await receive(ws))["event"]["type"] == "sync"
            await join(other, "messages", "room-2")
            assert (await receive(other))["event"] == {"type": "sync", "data": []}
            for index in range(20):
                await items.set("room-1", f"m{index:02}", {"n": index})
            await items.set("room-2", "x", {"n": -1})
            for ws in (a, b):
                for index in range(20):
                    assert await receive(ws) == event(
                        "messages",
                        "room-1",
                        {"type": "create", "data": {"n": index, "id": f"m{index:02}"}},
                        f"m{index:02}",
                    )
            # the other group's client: nothing of room-1, then its own group's change
            assert await receive(other) == event(
                "messages", "room-2", {"type": "create", "data": {"n": -1, "id": "x"}}, "x"
            )


def test_leave_stops_delivery_and_disconnect_cleans_up() -> None:
    left: list[tuple[str, str, str | None]] = []

    def on_leave(sub: StreamSubscription, ctx: Any, auth: Any) -> None:
        left.append((sub.group_id, sub["subscriptionId"], auth))

    spec = app(streams=(StreamSpec("messages", "streams/messages_stream.py", on_leave=on_leave),))

    @scenario(spec)
    async def _(server: Server) -> None:
        items = server.runtime.streams["messages"]
        hub = server.http.streams
        async with connect(server.url) as ws:
            await join(ws, "messages", "room-1", sub="a")
            await join(ws, "messages", "room-2", sub="b")
            assert (await receive(ws))["groupId"] == "room-1"
            assert (await receive(ws))["groupId"] == "room-2"
            await join(ws, "messages", "room-1", sub="a", kind="leave")
            await join(ws, "messages", "room-3", sub="c")  # messages are handled in order: once this
            assert (await receive(ws))["groupId"] == "room-3"  # join is answered, the leave is done
            await items.set("room-1", "m", {"n": 1})
            await items.set("room-2", "m", {"n": 2})
            assert await receive(ws) == event(
                "messages", "room-2", {"type": "create", "data": {"n": 2, "id": "m"}}, "m"
            )
            assert left == [("room-1", "a", None)]
            assert hub.rooms == 2
        for _ in range(100):  # the server notices the close on its own time
            if hub.rooms == 0:
                break
            await asyncio.sleep(0.01)
        assert hub.rooms == 0
        assert left == [("room-1", "a", None), ("room-2", "b", None), ("room-3", "c", None)]
        assert server.runtime.streams.listeners == []  # no clients: writes do not pay for delivery


async def authenticate(request: StreamAuthInput) -> dict[str, Any] | None:
    token = request.headers.get("authorization") or request.query_params.get("token")
    if token == "bad":
        raise PermissionError("bad token")
    return {"user": token} if token else None


def can_access(sub: StreamSubscription, auth: dict[str, Any]) -> bool:
    return sub["groupId"] == f"user-{auth['user']}"


PRIVATE = StreamSpec("private", "streams/private_stream.py", can_access=can_access)


def test_a_connection_authenticate_refuses_is_closed_with_4401_before_any_data() -> None:
    spec = AppSpec(streams=(PRIVATE,), authenticate=authenticate)

    @scenario(spec)
    async def _(server: Server) -> None:
        for url in (server.url, f"{server.url}?token=bad"):
            async with connect(url) as ws:
                with pytest.raises(ConnectionClosed) as closed:
                    await asyncio.wait_for(ws.recv(), WAIT)
                assert closed.value.rcvd is not None
                assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
                    AUTH_FAILED,
                    "Authentication failed",
                )
        async with connect(f"{server.url}/?token=ana") as ws:  # query params, and a header below
            await join(ws, "private", "user-ana")
            assert (await receive(ws))["event"] == {"type": "sync", "data": []}
        async with connect(server.url, additional_headers={"Authorization": "ana"}) as ws:
            await join(ws, "private", "user-ana")
            assert (await receive(ws))["event"] == {"type": "sync", "data": []}


def test_a_denied_join_gets_the_error_event_and_nothing_else() -> None:
    spec = AppSpec(streams=(PRIVATE,), authenticate=authenticate)

    @scenario(spec)
    async def _(server: Server) -> None:
        items = server.runtime.streams["private"]
        await items.set("user-bob", "secret", {"text": "bob's"})
        async with connect(server.url, additional_headers={"Authorization": "ana"}) as ws:
            await join(ws, "private", "user-bob")
            assert await receive(ws) == event("private", "user-bob", DENIED)
            await items.set("user-bob", "secret", {"text": "still bob's"})
            await join(ws, "private", "user-ana")  # the next message is this join's: nothing of bob's came
            assert await receive(ws) == event("private", "user-ana", {"type": "sync", "data": []})
            assert server.http.streams.rooms == 1


def test_on_join_hooks_sync_or_async_decide_access_and_get_the_auth_context() -> None:
    seen: list[Any] = []

    async def on_join(sub: StreamSubscription, ctx: Any, auth: Any) -> bool:
        seen.append((sub.stream_name, sub.group_id, sub.id, auth))
        await ctx.state.set("joins", sub.group_id, True)  # the hooks get state through ctx
        return sub.group_id != "closed"

    def watch(sub: StreamSubscription, ctx: Any, auth: Any) -> None:
        seen.append("watched")

    spec = AppSpec(
        streams=(
            StreamSpec("rooms", "streams/rooms_stream.py", on_join=on_join),
            StreamSpec("watched", "streams/watched_stream.py", on_join=watch),
        ),
        authenticate=lambda request, ctx: True,
    )

    @scenario(spec)
    async def _(server: Server) -> None:
        async with connect(server.url) as ws:
            await join(ws, "rooms", "closed", "i")
            assert await receive(ws) == event("rooms", "closed", DENIED, "i")
            await join(ws, "rooms", "open")
            assert (await receive(ws))["event"] == {"type": "sync", "data": []}
            await join(ws, "watched", "g")
            assert (await receive(ws))["event"] == {"type": "sync", "data": []}
        assert seen == [("rooms", "closed", "i", None), ("rooms", "open", None, None), "watched"]
        assert await server.runtime.state.get("joins", "open") is True


def test_bad_messages_and_unknown_streams_get_error_events_and_the_socket_keeps_working() -> None:
    @scenario(app(streams=(MESSAGES,)))
    async def _(server: Server) -> None:
        async with connect(server.url) as ws:
            await ws.send("not json")
            assert (await receive(ws))["event"]["event"]["data"]["code"] == "INVALID_MESSAGE"
            await ws.send(json.dumps({"type": "subscribe", "data": {}}))
            assert (await receive(ws))["event"]["event"]["data"]["code"] == "INVALID_MESSAGE"
            await ws.send(json.dumps({"type": "join", "data": {"streamName": "messages", "groupId": 7}}))
            error = await receive(ws)
            assert (error["streamName"], error["event"]["event"]["data"]["code"]) == (
                "messages",
                "INVALID_MESSAGE",
            )
            await join(ws, "nope", "g")
            error = await receive(ws)
            assert error["event"]["event"]["data"] == {
                "code": "STREAM_NOT_FOUND",
                "message": "there is no stream named 'nope' (streams: messages)",
            }
            await ws.send(b'{"type": "join", "data": {"streamName": "messages", "groupId": "g"}}')
            assert await receive(ws) == event("messages", "g", {"type": "sync", "data": []})


def test_other_websocket_paths_are_refused_and_http_is_unchanged() -> None:
    @scenario(app(streams=(MESSAGES,)))
    async def _(server: Server) -> None:
        with pytest.raises(Exception, match="403"):
            async with connect(f"{server.url}/elsewhere"):
                pass
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as http:
            assert (await http.get("/")).status_code == 404
            assert (await http.get("/__motia/health")).json() == {"status": "ok", "running": True}


def test_an_offered_subprotocol_is_chosen() -> None:
    @scenario(app(streams=(MESSAGES,)))
    async def _(server: Server) -> None:
        async with connect(server.url, subprotocols=["motia"]) as ws:  # type: ignore[list-item]
            assert ws.subprotocol == "motia"


def test_parse_message() -> None:
    kind, sub = parse_message(
        '{"type":"leave","data":{"streamName":"s","groupId":"g","id":"i","subscriptionId":"x"}}'
    )
    assert (kind, sub) == ("leave", StreamSubscription("s", "g", "i", "x"))
    assert sub["streamName"] == "s"
    assert sub.get("missing", 1) == 1


@dataclass
class AuthResult:
    authorized: bool
    context: Any = None


def test_auth_outcome_reads_every_shape_authenticate_may_return() -> None:
    assert auth_outcome(True) == (True, None)
    assert auth_outcome({"user": "ana"}) == (True, {"user": "ana"})
    # A dict with "authorized" is a result, as in the seeds; any other dict is the auth context.
    assert auth_outcome({"authorized": False}) == (False, None)
    assert auth_outcome({"authorized": True, "context": {"user": "ana"}}) == (True, {"user": "ana"})
    assert auth_outcome({"authorized": "yes"}) == (False, None)  # only True lets a connection in
    assert auth_outcome(StreamAuthResult(authorized=True, context=7)) == (True, 7)
    assert auth_outcome(AuthResult(True, {"user": "ana"})) == (True, {"user": "ana"})
    assert auth_outcome(AuthResult(False, {"user": "ana"})) == (False, {"user": "ana"})
    assert auth_outcome(False) == (False, None)
    assert auth_outcome(None) == (False, None)


def test_a_two_parameter_authenticate_gets_a_context_and_its_result_reaches_the_hooks() -> None:
    seen: list[Any] = []

    async def authenticate(request: StreamAuthInput, ctx: Any) -> AuthResult:
        seen.append((request["path"], request.query_params, request.url, await ctx.state.get("x", "y")))
        return AuthResult(authorized=True, context={"user": request.query_params["user"]})

    def on_leave(sub: StreamSubscription, ctx: Any, auth: Any) -> None:
        seen.append(auth)

    spec = AppSpec(
        streams=(StreamSpec("messages", "streams/messages_stream.py", on_leave=on_leave),),
        authenticate=authenticate,
    )

    @scenario(spec)
    async def _(server: Server) -> None:
        async with connect(f"{server.url}/?user=ana&tag=a&tag=b") as ws:
            await join(ws, "messages", "g")
            assert (await receive(ws))["event"]["type"] == "sync"
            await join(ws, "messages", "g", kind="leave")
            await join(ws, "messages", "h")
            assert (await receive(ws))["groupId"] == "h"  # so the leave of g is done
            assert seen == [
                ("/", {"user": "ana", "tag": ["a", "b"]}, "/?user=ana&tag=a&tag=b", None),
                {"user": "ana"},
            ]


def test_a_socket_too_far_behind_is_closed_instead_of_buffering_without_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stream_socket, "MAX_BACKLOG", 3)
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def main() -> None:
        hub = stream_socket.StreamHub(Runtime(app(streams=(MESSAGES,)), MemoryBackend()))
        client = stream_socket.StreamClient(hub, None)
        for index in range(5):
            client.push(f"m{index}")
        assert client.overflowed
        await asyncio.wait_for(stream_socket._write(client, send), WAIT)

    run(main)
    assert sent[-1] == {"type": "websocket.close", "code": 1013, "reason": "too far behind"}
    assert len(sent) == 1  # nothing of the backlog: the client has to join again anyway
