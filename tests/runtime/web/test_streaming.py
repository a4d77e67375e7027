"""Streamed responses (Motia 1.x's `MotiaHttpArgs`): status and headers set by the handler, chunks sent as
they are written when the handler's parameter is annotated `MotiaHttpArgs`, and sent when it returns
otherwise; the raw request body readable as `request_body.stream`."""

from __future__ import annotations

import asyncio
from typing import Any

from motia import MotiaHttpArgs
from motia.testing import TestApp

from tests.runtime.specs import app, route, run, step

JSON = {"content-type": "application/json"}


async def _asgi(http: Any, method: str, path: str, body: bytes, on_chunk: Any) -> dict[str, Any]:
    """Call the ASGI app directly, handing each body chunk to `on_chunk` as it is sent."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"test"), (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 1),
        "server": ("test", 80),
    }
    sent = False
    started: dict[str, Any] = {}

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started["status"] = message["status"]
            started["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message.get("body"):
            await on_chunk(message["body"])

    await http(scope, receive, send)
    return started


def test_an_annotated_handler_streams_chunks_while_it_runs() -> None:
    first_received = asyncio.Event()
    finished: list[str] = []

    async def events(args: MotiaHttpArgs[Any]) -> None:
        await args.response.status(201)
        await args.response.headers({"content-type": "text/event-stream", "cache-control": "no-cache"})
        args.response.writer.stream.write(b"event: item\ndata: 1\n\n")
        await asyncio.wait_for(first_received.wait(), 5)  # only reached if the first chunk went out
        args.response.writer.stream.write("event: done\ndata: {}\n\n")
        args.response.close()
        finished.append("handler")

    owner = step(events, "Events", form="v1", arity=1)
    spec = app(routes=(route(owner, "POST", "/events"),))
    chunks: list[bytes] = []

    async def on_chunk(chunk: bytes) -> None:
        chunks.append(chunk)
        first_received.set()

    async def scenario() -> None:
        async with TestApp(spec) as client:
            started = await _asgi(client.http, "POST", "/events", b"", on_chunk)
        assert started["status"] == 201
        assert started["headers"]["content-type"].startswith("text/event-stream")
        assert started["headers"]["cache-control"] == "no-cache"
        assert b"".join(chunks) == b"event: item\ndata: 1\n\nevent: done\ndata: {}\n\n"
        assert finished == ["handler"]

    run(scenario)


def test_a_sync_handler_writing_the_response_and_reading_the_raw_body() -> None:
    def echo(args: Any) -> None:  # no annotation: the body is sent when the handler returns
        raw = b"".join(args.request.request_body.stream)
        args.response.writer.stream.write(b"got ")
        args.response.writer.stream.write(raw)
        args.response.close()

    owner = step(echo, "Echo", form="v1", arity=1)
    spec = app(routes=(route(owner, "POST", "/echo"),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            response = await client.post("/echo", content=b"a=1&b=2")
        assert response.status_code == 200
        assert response.content == b"got a=1&b=2"

    run(scenario)


def test_a_streaming_handler_that_returns_a_result_is_answered_as_usual() -> None:
    async def maybe(args: MotiaHttpArgs[Any]) -> dict[str, Any]:
        assert args.method == "GET"
        assert args.request is args
        return {"status": 404, "body": {"error": "none"}}

    owner = step(maybe, "Maybe", form="v1", arity=1)
    spec = app(routes=(route(owner, "GET", "/maybe"),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            response = await client.get("/maybe")
        assert (response.status_code, response.json()) == (404, {"error": "none"})

    run(scenario)


def test_status_and_headers_cannot_change_once_the_body_started() -> None:
    errors: list[str] = []

    async def late(args: MotiaHttpArgs[Any]) -> None:
        args.response.writer.stream.write(b"x")
        try:
            await args.response.status(500)
        except RuntimeError as error:
            errors.append(str(error))
        args.response.close()

    owner = step(late, "Late", form="v1", arity=1)
    spec = app(routes=(route(owner, "GET", "/late"),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            response = await client.get("/late")
        assert (response.status_code, response.content) == (200, b"x")
        assert errors == ["cannot set the status of a response whose body has started"]

    run(scenario)


def test_json_body_still_parsed_for_streaming_handlers() -> None:
    async def read(args: MotiaHttpArgs[Any]) -> dict[str, Any]:
        return {"status": 200, "body": {"body": args.body, "raw": args.raw_body.decode()}}

    owner = step(read, "Read", form="v1", arity=1)
    spec = app(routes=(route(owner, "POST", "/read"),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            response = await client.post("/read", content=b'{"a": 1}', headers=JSON)
        assert response.json() == {"body": {"a": 1}, "raw": '{"a": 1}'}

    run(scenario)
