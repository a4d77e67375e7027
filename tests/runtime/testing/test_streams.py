"""`TestApp.stream_client()`: the app's WebSocket endpoint driven in process."""

from __future__ import annotations

from typing import Any

import pytest
from motia import StreamAuthInput, StreamSubscription
from motia.spec import AppSpec, StreamSpec
from motia.testing import StreamClosed, TestApp

from tests.runtime.specs import route, run, step


async def authenticate(request: StreamAuthInput) -> dict[str, Any]:
    token = request.query_params.get("token") or request.headers.get("authorization")
    return {"authorized": token == "secret", "context": {"rooms": ["lobby"]}}


def can_access(subscription: StreamSubscription, auth: dict[str, Any]) -> bool:
    return subscription.group_id in auth["rooms"]


async def post(request: Any, ctx: Any) -> dict[str, Any]:
    item = await ctx.streams.chat.set(request.path_params["room"], request.body["id"], {"text": "hi"})
    return {"status": 201, "body": item}


CHAT = StreamSpec("chat", "steps/chat_stream.py", can_access=can_access)
SPEC = AppSpec(
    steps=(step(post, "Post"),),
    routes=(route(step(post, "Post"), "POST", "/rooms/:room"),),
    streams=(CHAT,),
    authenticate=authenticate,
)


def test_a_stream_client_joins_gets_changes_and_is_denied_other_groups() -> None:
    async def scenario() -> None:
        async with TestApp(SPEC) as app, app.stream_client(query={"token": "secret"}) as client:
            sync = await client.join("chat", "lobby")
            assert (sync["groupId"], sync["event"]) == ("lobby", {"type": "sync", "data": []})
            denied = await client.join("chat", "vault")
            assert denied["event"]["event"]["data"]["code"] == "STREAM_ACCESS_DENIED"
            assert (await app.post("/rooms/lobby", json={"id": "m1"})).status_code == 201
            change = await client.receive()
            assert (change["id"], change["event"]) == (
                "m1",
                {"type": "create", "data": {"text": "hi", "id": "m1"}},
            )
            await client.leave("chat", "lobby", subscription_id="sub-1")
            await client.join("chat", "vault")  # answered after the leave: messages are handled in order
            await app.post("/rooms/lobby", json={"id": "m2"})
            assert await client.nothing_within(0.1)

    run(scenario)


def test_a_refused_connection_raises_stream_closed_with_4401() -> None:
    async def scenario() -> None:
        async with TestApp(SPEC) as app:
            for credentials in ({}, {"query": {"token": "wrong"}}):
                with pytest.raises(StreamClosed) as closed:
                    async with app.stream_client(**credentials):
                        pass
                assert closed.value.code == 4401
            async with app.stream_client(headers={"Authorization": "secret"}) as client:
                assert (await client.join("chat", "lobby"))["event"]["type"] == "sync"

    run(scenario)
