"""The Workbench's JSON API over a running app: traces with their spans, logs with filters, state, streams,
dead letters and replay, diagnostics, the live event stream, access rules and the page's files."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from motia.runtime import Runtime
from motia.spec import StreamSpec
from motia.storage.memory import MemoryBackend
from motia.triggers import QueueConfig
from motia.web.app import HttpApp
from motia.workbench import api as workbench_api
from motia.workbench.api import Workbench, WorkbenchOptions

from tests.runtime.specs import app, route, run, step, subscription

ORIGIN = "http://testserver"


async def place(req: Any, ctx: Any) -> dict[str, Any]:
    ctx.logger.info("Order placed", {"orderId": "o-1"})  # noqa: PLE1205 (motia's logger takes fields)
    await ctx.enqueue({"topic": "order.placed", "data": {"id": "o-1", "fail": req.body.get("fail", 0)}})
    return {"status": 201, "body": {"id": "o-1"}}


ATTEMPTS: dict[str, int] = {}


async def reserve(data: Any, ctx: Any) -> None:
    ATTEMPTS[ctx.trace_id] = ATTEMPTS.get(ctx.trace_id, 0) + 1
    if ATTEMPTS[ctx.trace_id] <= data["fail"]:
        raise RuntimeError(f"no stock (attempt {ATTEMPTS[ctx.trace_id]})")
    ctx.logger.warn("Reserved late", {"attempt": ATTEMPTS[ctx.trace_id]})  # noqa: PLE1205
    await ctx.state.set("orders", data["id"], {"status": "reserved"})
    await ctx.streams.orders.set("c-1", data["id"], {"status": "reserved"})


PLACE = step(place, "PlaceOrder", enqueues=["order.placed"])
RESERVE = step(reserve, "ReserveStock")
SPEC = app(
    routes=(route(PLACE, "POST", "/orders"),),
    subscriptions=(
        subscription(RESERVE, "order.placed", queue=QueueConfig(max_retries=1, backoff_delay_ms=1)),
    ),
    streams=(StreamSpec("orders", "steps/orders_stream.py"),),
)


class Bench:
    """A running app with its Workbench, and a client of its own origin."""

    def __init__(self, runtime: Runtime, workbench: Workbench, client: httpx.AsyncClient) -> None:
        self.runtime, self.workbench, self.client = runtime, workbench, client

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.client.get(path, **kwargs)

    async def order(self, fail: int = 0) -> str:
        response = await self.client.post("/orders", json={"fail": fail})
        assert response.status_code == 201
        await self.runtime.wait_idle(5)
        return str(response.headers["x-trace-id"])


@asynccontextmanager
async def bench(options: WorkbenchOptions) -> AsyncIterator[Bench]:
    runtime = Runtime(SPEC, MemoryBackend())
    workbench = Workbench(runtime, options, name="shop")
    logger = logging.getLogger("motia")
    level = logger.level
    logger.setLevel(logging.INFO)  # as a served app logs
    http = HttpApp(runtime, lifespan=False, workbench=workbench)
    await runtime.start()
    await workbench.open()
    transport = httpx.ASGITransport(app=http)
    try:
        async with httpx.AsyncClient(transport=transport, base_url=ORIGIN) as client:
            yield Bench(runtime, workbench, client)
    finally:
        workbench.close()
        await runtime.stop()
        logger.setLevel(level)


def scenario(body: Callable[[Bench], Awaitable[None]], options: WorkbenchOptions | None = None) -> None:
    async def main() -> None:
        async with bench(options or WorkbenchOptions()) as b:
            await body(b)

    run(main)


def test_a_request_and_the_events_it_caused_make_one_trace_with_a_span_per_call() -> None:
    async def body(b: Bench) -> None:
        trace = await b.order(fail=1)
        listed = (await b.get("/__motia/api/traces")).json()["traces"]
        assert [t["traceId"] for t in listed] == [trace]
        summary = listed[0]
        assert summary["entry"] == {"step": "PlaceOrder", "kind": "http", "label": "POST /orders"}
        assert summary["steps"] == ["PlaceOrder", "ReserveStock"]
        assert summary["status"] == "ok"  # the failed attempt was retried to success
        detail = (await b.get(f"/__motia/api/traces/{trace}")).json()
        spans = detail["spans"]
        assert [(s["step"], s["kind"], s["status"], s["attempt"]) for s in spans] == [
            ("PlaceOrder", "http", "ok", 1),
            ("ReserveStock", "queue", "error", 1),
            ("ReserveStock", "queue", "ok", 2),
        ]
        assert spans[0]["httpStatus"] == 201
        assert spans[0]["emitted"] == ["order.placed"]
        assert spans[1]["error"] == "RuntimeError: no stock (attempt 1)"
        assert spans[1]["label"] == "order.placed"
        assert all(s["durationMs"] >= 0 and s["end"] >= s["start"] for s in spans)
        messages = [line["msg"] for line in detail["logs"]]
        assert "Order placed" in messages
        assert "Reserved late" in messages
        assert all(line["traceId"] == trace for line in detail["logs"])

    scenario(body)


def test_a_trace_whose_last_attempt_failed_is_an_error_and_an_unknown_trace_is_404() -> None:
    async def body(b: Bench) -> None:
        trace = await b.order(fail=5)
        summary = (await b.get("/__motia/api/traces")).json()["traces"][0]
        assert summary["traceId"] == trace
        assert summary["status"] == "error"
        missing = await b.get("/__motia/api/traces/nope")
        assert missing.status_code == 404

    scenario(body)


def test_logs_filter_by_step_level_trace_and_text_and_bad_filters_are_400() -> None:
    async def body(b: Bench) -> None:
        first = await b.order()
        await b.order()

        async def logs(query: str) -> list[dict[str, Any]]:
            response = await b.get(f"/__motia/api/logs?{query}")
            assert response.status_code == 200
            return list(response.json()["logs"])

        placed = await logs("step=PlaceOrder")
        assert [line["msg"] for line in placed] == ["Order placed", "Order placed"]
        assert placed[0]["fields"] == {"orderId": "o-1"}
        assert placed[0]["level"] == "info"
        assert [line["msg"] for line in await logs("level=warn")] == ["Reserved late", "Reserved late"]
        assert {line["traceId"] for line in await logs(f"trace={first}")} == {first}
        assert [line["msg"] for line in await logs("q=ORDERID")] == ["Order placed", "Order placed"]
        assert len(await logs("limit=1")) == 1
        assert (await b.get("/__motia/api/logs?level=loud")).status_code == 400
        assert (await b.get("/__motia/api/logs?limit=many")).status_code == 400
        sequence = [line["seq"] for line in await logs("")]
        assert sequence == sorted(sequence)

    scenario(body)


def test_state_streams_and_dead_letters_with_replay() -> None:
    async def body(b: Bench) -> None:
        await b.order()
        assert (await b.get("/__motia/api/state")).json() == {"groups": ["orders"]}
        group = (await b.get("/__motia/api/state/orders")).json()
        assert group == {"group": "orders", "items": [{"key": "o-1", "value": {"status": "reserved"}}]}
        assert (await b.get("/__motia/api/streams")).json() == {
            "streams": [{"name": "orders", "groups": ["c-1"]}]
        }
        items = (await b.get("/__motia/api/streams/orders/c-1")).json()
        assert items == {"items": [{"id": "o-1", "data": {"status": "reserved", "id": "o-1"}}]}
        assert (await b.get("/__motia/api/streams/nope/c-1")).status_code == 404

        ATTEMPTS.clear()
        trace = await b.order(fail=2)  # two attempts allowed: a dead letter
        letters = (await b.get("/__motia/api/dead-letters")).json()["deadLetters"]
        assert [(d["topic"], d["subscriber"], d["traceId"], d["attempts"]) for d in letters] == [
            ("order.placed", "ReserveStock", trace, 2)
        ]
        assert "no stock" in letters[0]["reason"]
        assert letters[0]["data"]["fail"] == 2
        replayed = await b.client.post(f"/__motia/api/dead-letters/{letters[0]['id']}/replay")
        assert replayed.status_code == 200
        assert replayed.json()["replayed"] == letters[0]["id"]
        await b.runtime.wait_idle(5)
        assert (await b.get("/__motia/api/dead-letters")).json()["deadLetters"] == []
        again = await b.client.post(f"/__motia/api/dead-letters/{letters[0]['id']}/replay")
        assert again.status_code == 404

    scenario(body)


def test_other_origins_are_refused() -> None:
    async def body(b: Bench) -> None:
        for path in ("/__motia/api/traces", "/__motia/", "/__motia/api/events"):
            response = await b.get(path, headers={"origin": "http://evil.example"})
            assert response.status_code == 403
        replay = await b.client.post(
            "/__motia/api/dead-letters/1/replay", headers={"origin": "http://x.example"}
        )
        assert replay.status_code == 403

    scenario(body)


def test_a_token_is_needed_as_a_cookie_or_a_bearer_header_and_the_page_sets_the_cookie() -> None:
    async def body(b: Bench) -> None:
        assert (await b.get("/__motia/api/traces")).status_code == 401
        assert (
            await b.get("/__motia/api/traces", headers={"authorization": "Bearer wrong"})
        ).status_code == 401
        assert (
            await b.get("/__motia/api/traces", headers={"authorization": "Bearer s3cret"})
        ).status_code == 200
        assert (await b.get("/__motia/?token=wrong")).status_code == 401
        opened = await b.get("/__motia/?token=s3cret")
        assert opened.status_code == 303
        assert opened.headers["location"] == "/__motia/"
        cookie = opened.headers["set-cookie"]
        assert "motia_workbench=s3cret" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie
        with_cookie = await b.get("/__motia/api/traces", headers={"cookie": "motia_workbench=s3cret"})
        assert with_cookie.status_code == 200
        assert (await b.client.post("/orders", json={})).status_code == 201  # the app itself needs none

    scenario(body, WorkbenchOptions(token="s3cret"))


def test_the_graph_is_the_builds_file_and_diagnostics_come_from_the_dev_file_when_there_is_one(
    tmp_path: Path,
) -> None:
    graph_file = tmp_path / "workbench.json"
    warning = {"code": "MG300", "severity": "warning", "message": "built"}
    graph_file.write_text(json.dumps({"version": 1, "steps": [], "diagnostics": [warning]}), encoding="utf-8")
    dev_file = tmp_path / "diagnostics.json"

    async def body(b: Bench) -> None:
        document = (await b.get("/__motia/api/app")).json()
        assert document["name"] == "shop"
        assert document["dev"] is True
        assert document["graph"]["diagnostics"] == [warning]
        built = (await b.get("/__motia/api/diagnostics")).json()
        assert built["diagnostics"] == [warning]
        assert built["warnings"] == 1
        assert built["errors"] == 0
        error = {"code": "MG101", "severity": "error", "message": "now"}
        dev_file.write_text(json.dumps({"diagnostics": [error]}), encoding="utf-8")
        live = (await b.get("/__motia/api/diagnostics")).json()
        assert live["diagnostics"] == [error]
        assert live["errors"] == 1
        assert live["updated"] > 0

    scenario(body, WorkbenchOptions(dev=True, graph_file=graph_file, diagnostics_file=dev_file))


def test_without_a_build_file_the_graph_is_null() -> None:
    async def body(b: Bench) -> None:
        assert (await b.get("/__motia/api/app")).json()["graph"] is None
        assert (await b.get("/__motia/api/diagnostics")).json()["diagnostics"] == []

    scenario(body)


def test_the_page_and_only_the_built_files_are_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "index.html").write_text("<html>workbench</html>", encoding="utf-8")
    (tmp_path / "workbench.js").write_text("export {}", encoding="utf-8")
    monkeypatch.setattr(workbench_api, "STATIC", tmp_path)

    async def body(b: Bench) -> None:
        page = await b.get("/__motia/")
        assert page.status_code == 200
        assert "workbench" in page.text
        assert page.headers["content-type"].startswith("text/html")
        script = await b.get("/__motia/static/workbench.js")
        assert script.headers["content-type"].startswith("text/javascript")
        for path in ("/__motia/static/..%2Fapi.py", "/__motia/static/api.py", "/__motia/static/"):
            assert (await b.get(path)).status_code == 404

    scenario(body)


def test_a_missing_page_says_how_to_build_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbench_api, "STATIC", tmp_path / "none")

    async def body(b: Bench) -> None:
        page = await b.get("/__motia/")
        assert page.status_code == 404
        assert "scripts/build-workbench" in page.json()["error"]

    scenario(body)


async def _events(b: Bench) -> tuple[Any, AsyncIterator[bytes]]:
    """The event stream's response, read directly (an in-process transport would wait for its end)."""
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/__motia/api/events",
        "headers": [],
        "query_string": b"",
    }
    response = await b.workbench._events(scope, _no_body, None, "t")
    return response, response.body_iterator


async def _no_body() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _next_event(stream: AsyncIterator[bytes], name: str) -> dict[str, Any]:
    while True:
        chunk = await asyncio.wait_for(stream.__anext__(), 5)
        text = chunk.decode() if isinstance(chunk, bytes) else str(chunk)
        if text.startswith(f"event: {name}\n"):
            return dict(json.loads(text.split("data: ", 1)[1]))


def test_the_event_stream_carries_traces_logs_and_stream_changes_and_ends_when_the_server_stops() -> None:
    async def body(b: Bench) -> None:
        response, stream = await _events(b)
        assert response.media_type == "text/event-stream"
        assert (await stream.__anext__()).startswith(b": connected")
        await b.client.post("/orders", json={})
        trace = await _next_event(stream, "trace")
        assert trace["entry"]["step"] == "PlaceOrder"
        log = await _next_event(stream, "log")
        assert log["msg"] == "Order placed"
        assert log["step"] == "PlaceOrder"
        change = await _next_event(stream, "stream")
        assert change == {
            "stream": "orders",
            "group": "c-1",
            "id": "o-1",
            "event": "create",
            "data": {"status": "reserved", "id": "o-1"},
        }
        b.workbench.close()
        rest = [chunk async for chunk in stream]  # ends: the server would otherwise wait for it
        assert all(b"event: " in chunk or chunk.startswith(b":") for chunk in rest)
        assert not b.workbench.recorder.listeners

    scenario(body)


def test_the_event_stream_tells_when_the_dev_diagnostics_change(tmp_path: Path) -> None:
    dev_file = tmp_path / "diagnostics.json"
    dev_file.write_text(json.dumps({"diagnostics": []}), encoding="utf-8")

    async def body(b: Bench) -> None:
        _response, stream = await _events(b)
        await stream.__anext__()
        error = {"code": "MG101", "severity": "error", "message": "broken"}
        dev_file.write_text(json.dumps({"diagnostics": [error]}), encoding="utf-8")
        event = await _next_event(stream, "diagnostics")
        assert event["diagnostics"] == [error]
        assert event["errors"] == 1

    scenario(body, WorkbenchOptions(dev=True, diagnostics_file=dev_file))


def test_an_app_route_on_a_workbench_path_wins() -> None:
    async def mine(req: Any, ctx: Any) -> dict[str, Any]:
        return {"status": 200, "body": {"mine": req.path_params.get("trace", True)}}

    owner = step(mine, "Mine")
    spec = app(
        routes=(route(owner, "GET", "/__motia/api/traces"), route(owner, "GET", "/__motia/api/traces/:trace"))
    )

    async def main() -> None:
        runtime = Runtime(spec, MemoryBackend())
        workbench = Workbench(runtime, WorkbenchOptions())
        http = HttpApp(runtime, lifespan=False, workbench=workbench)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=http), base_url=ORIGIN) as client:
            assert (await client.get("/__motia/api/traces")).json() == {"mine": True}
            assert (await client.get("/__motia/api/traces/t-1")).json() == {"mine": "t-1"}
            assert (await client.get("/__motia/api/logs")).json() == {"logs": []}  # the rest stay

    run(main)


def test_hostile_requests_get_4xx_or_an_answer_never_a_500() -> None:
    async def body(b: Bench) -> None:
        gets = [
            "/__motia/api/traces?limit=-5",
            "/__motia/api/traces?limit=99999999999999999999",
            "/__motia/api/logs?limit=1e9&level=&q=%00%ff",
            "/__motia/api/traces/%00",
            "/__motia/api/state/..%2F..",
            "/__motia/api/streams/orders/%2F",
            "/__motia/static/%2e%2e%2fapi.py",
            "/__motia/api/nothing",
        ]
        for path in gets:
            assert (await b.get(path)).status_code < 500, path
        for letter in ("abc", "-1", "1" * 40, "%00"):
            response = await b.client.post(f"/__motia/api/dead-letters/{letter}/replay")
            assert response.status_code == 404, letter
        assert (await b.client.put("/__motia/api/traces")).status_code == 405

    scenario(body)
