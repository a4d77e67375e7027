"""Hostile request bodies are a 400, never a 500: deep nesting, NaN and Infinity, on app routes and on
`/emit`; bodies within the limits still work."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from motia.spec import RuntimeSettings
from motia.testing import TestApp
from motia.web.wire import MAX_JSON_DEPTH

from tests.e2e.server import build, start
from tests.runtime.specs import app, route, run, step, subscription

RECEIVED: list[Any] = []


async def echo(req: Any, ctx: Any) -> dict[str, Any]:
    RECEIVED.append(req.body)
    return {"status": 200, "body": {"ok": True}}


async def on_event(input: Any, ctx: Any) -> None:
    RECEIVED.append(input)


SPEC = app(
    routes=(route(step(echo, "Echo"), "POST", "/echo"),),
    subscriptions=(subscription(step(on_event, "OnEvent"), "topic"),),
)
JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"[" * 100_000 + b"]" * 100_000, f"nested deeper than {MAX_JSON_DEPTH} levels"),
        (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), f"nested deeper than {MAX_JSON_DEPTH}"),
        (b'{"a": NaN}', "NaN is not a JSON value"),
        (b'{"a": -Infinity}', "-Infinity is not a JSON value"),
    ],
    ids=["100k-deep", "just-too-deep", "NaN", "Infinity"],
)
@pytest.mark.parametrize("path", ["/echo", "/emit"])
def test_hostile_json_is_a_400_and_reaches_no_handler(path: str, body: bytes, detail: str) -> None:
    RECEIVED.clear()
    if path == "/emit":
        body = b'{"topic": "topic", "data": ' + body + b"}"

    async def scenario() -> None:
        async with TestApp(SPEC) as test:
            answer = await test.post(path, content=body, headers=JSON)
            await test.wait_idle()
            assert answer.status_code == 400, answer.text
            assert answer.json()["error"] == "invalid JSON"
            assert detail in answer.json()["detail"]

    run(scenario)
    assert RECEIVED == []


def test_json_at_the_depth_limit_and_wide_bodies_pass() -> None:
    RECEIVED.clear()
    deep = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    wide = b"[" + b",".join(b'{"a": [1, 2]}' for _ in range(5_000)) + b"]"

    async def scenario() -> None:
        async with TestApp(SPEC) as test:
            assert (await test.post("/echo", content=deep, headers=JSON)).status_code == 200
            assert (await test.post("/echo", content=wide, headers=JSON)).status_code == 200

    run(scenario)
    assert len(RECEIVED) == 2
    assert len(RECEIVED[1]) == 5_000


def test_a_body_that_trickles_in_gets_408_within_the_request_timeout() -> None:
    RECEIVED.clear()
    spec = app(
        routes=(route(step(echo, "Echo"), "POST", "/echo"),), settings=RuntimeSettings(http_timeout=0.2)
    )

    async def trickle() -> AsyncIterator[bytes]:
        for byte in b'{"a": 1}':
            await asyncio.sleep(0.1)  # eight bytes over 0.8 s, against a 0.2 s limit
            yield bytes([byte])

    async def scenario() -> None:
        async with TestApp(spec) as test:
            answer = await test.post("/echo", content=trickle(), headers=JSON)
            assert answer.status_code == 408
            assert answer.json() == {
                "error": "the request body did not arrive in time",
                "timeoutSeconds": 0.2,
            }
            assert (await test.post("/echo", json={"a": 1})).status_code == 200

    run(scenario)
    assert RECEIVED == [{"a": 1}]


SLOW_STEP = """import asyncio

config = {"type": "api", "name": "Slow", "path": "/slow", "method": "GET", "emits": []}


async def handler(req, context):
    await asyncio.sleep(1.5)
    return {"status": 200, "body": {"ok": True}}
"""


@pytest.mark.slow
def test_start_limit_concurrency_answers_503_past_the_limit(tmp_path: Path) -> None:
    application = tmp_path / "slow"
    (application / "steps").mkdir(parents=True)
    (application / "steps" / "slow_step.py").write_text(SLOW_STEP, encoding="utf-8")
    build(application)
    server = start(application, options=("--limit-concurrency", "4"))

    async def burst() -> list[int]:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
            first = [asyncio.create_task(client.get("/slow")) for _ in range(2)]
            await asyncio.sleep(0.5)  # two requests under way, well within the limit
            later = [asyncio.create_task(client.get("/slow")) for _ in range(6)]
            answers = await asyncio.gather(*first, *later)
        return [answer.status_code for answer in answers]

    try:
        statuses = asyncio.run(burst())
    finally:
        server.stop()
    assert statuses[:2] == [200, 200]
    assert 503 in statuses[2:]


@pytest.mark.slow
def test_start_answers_431_to_a_request_head_past_64_kib(tmp_path: Path) -> None:
    application = tmp_path / "slow"
    (application / "steps").mkdir(parents=True)
    (application / "steps" / "slow_step.py").write_text(SLOW_STEP, encoding="utf-8")
    build(application)
    server = start(application)
    try:
        huge = _raw(
            server.port, b"GET /__motia/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n"
        )
        fine = _raw(
            server.port, b"GET /__motia/health HTTP/1.1\r\nHost: x\r\nX-Ok: " + b"a" * 8_000 + b"\r\n\r\n"
        )
    finally:
        server.stop()
    assert huge.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    assert fine.startswith(b"HTTP/1.1 200 OK\r\n")


def _raw(port: int, request: bytes) -> bytes:
    """Send one request over a plain socket and read the start of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        with contextlib.suppress(OSError):  # the server may close before taking the whole head
            connection.sendall(request)
        return connection.recv(200)
