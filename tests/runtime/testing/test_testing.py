"""The TestApp harness: requests, events, idle waits, state, streams, logs, dead letters and cron runs."""

from __future__ import annotations

import logging
import sys
from typing import Any

import pytest
from motia import TestApp
from motia.spec import CronSpec, StreamSpec
from motia.storage.memory import MemoryBackend
from motia.triggers import QueueConfig

from tests.runtime.specs import app, route, run, step, subscription


async def create(req: Any, ctx: Any) -> dict[str, Any]:
    order = {"id": "o-1", **req.body}
    await ctx.state.set("orders", order["id"], order)
    await ctx.emit({"topic": "order.created", "data": order})
    ctx.logger.info("Order created", {"orderId": order["id"]})  # noqa: PLE1205 (Motia's logger, not stdlib)
    return {"status": 201, "body": order}


async def notify(order: Any, ctx: Any) -> None:
    await ctx.streams.notifications.set("customers", order["id"], {"text": f"order {order['id']}"})
    ctx.logger.info("Notified customer")


async def fail(order: Any, ctx: Any) -> None:
    raise RuntimeError("mail server down")


async def nightly(ctx: Any) -> None:
    await ctx.state.set("reports", "last", ctx.trace_id)
    ctx.logger.warn("Report sent")


ORDERS = app(
    routes=(
        route(step(create, "CreateOrder", enqueues={"order.created"}, flows=("orders",)), "POST", "/orders"),
    ),
    subscriptions=(
        subscription(step(notify, "Notify", flows=("orders",)), "order.created"),
        subscription(step(fail, "Mail"), "order.created", queue=QueueConfig(max_retries=0)),
    ),
    crons=(CronSpec(step(nightly, "Nightly"), 0, "0 3 * * *"),),
    streams=(StreamSpec("notifications", "streams/notifications_stream.py"),),
)


def test_a_request_and_everything_it_causes() -> None:
    async def scenario() -> None:
        async with TestApp(ORDERS) as client:
            response = await client.request("POST", "/orders", json={"item": "book"})
            assert response.status_code == 201
            trace = response.headers["x-trace-id"]
            await client.wait_idle()
            assert await client.state.get("orders", "o-1") == {"id": "o-1", "item": "book"}
            note = await client.streams.notifications.get("customers", "o-1")
            assert note == {"text": "order o-1", "id": "o-1"}
            dead = await client.dead_letters()
            assert [(d.subscriber, d.reason, d.trace_id) for d in dead] == [
                ("Mail", "RuntimeError: mail server down", trace)
            ]
            mine = [line for line in client.logs if line.get("trace_id") == trace]
            infos = [line for line in mine if line["level"] == "info"]
            assert [(line["msg"], line["step"]) for line in infos] == [
                ("Order created", "CreateOrder"),
                ("Notified customer", "Notify"),
            ]
            assert infos[0]["orderId"] == "o-1"
            assert infos[0]["flows"] == ["orders"]
            debug = [line["msg"] for line in mine if line["level"] == "debug"]
            assert f"enqueued order.created for Notify, Mail [trace {trace}]" in debug
            failed = [line for line in mine if line["level"] == "error"]
            assert [(line.get("step"), line["logger"]) for line in failed] == [
                ("Mail", "motia.runtime"),
                (None, "motia.queue"),  # moved to the dead letters, in the same trace
            ]
            assert "RuntimeError('mail server down')" in failed[0]["error"]

    run(scenario)


def test_emit_and_run_cron() -> None:
    async def scenario() -> None:
        async with TestApp(ORDERS) as client:
            ids = await client.emit("order.created", {"id": "o-9"}, trace_id="t-9")
            assert len(ids) == 2
            await client.wait_idle()
            assert await client.streams.notifications.get("customers", "o-9") is not None
            await client.run_cron("Nightly")
            last = await client.state.get("reports", "last")
            assert isinstance(last, str)
            assert len(last) == 32
            assert ("warn", "Report sent") in [(line["level"], line["msg"]) for line in client.logs]
            with pytest.raises(KeyError, match="step 'Notify' has no cron trigger"):
                await client.run_cron("Notify")
            with pytest.raises(KeyError, match="no cron trigger 2"):
                await client.run_cron("Nightly", index=2)

    run(scenario)


def test_each_app_starts_fresh_unless_given_a_backend() -> None:
    backend = MemoryBackend()

    async def scenario() -> None:
        async with TestApp(ORDERS, backend) as client:
            await client.post("/orders", json={"item": "pen"})
            await client.wait_idle()
        async with TestApp(ORDERS, backend) as client:  # the same backend: still there
            assert await client.state.get("orders", "o-1") is not None
        async with TestApp(ORDERS) as client:  # a fresh one
            assert await client.state.get("orders", "o-1") is None

    run(scenario)


def test_http_helpers_and_an_exception_logged_with_its_error() -> None:
    async def boom(req: Any, ctx: Any) -> Any:
        raise ValueError("bad")

    async def echo(req: Any, ctx: Any) -> dict[str, Any]:
        return {"body": {"method": req.headers.get("x-method"), "query": req.query_params}}

    spec = app(
        routes=(
            route(step(boom, "Boom"), "GET", "/boom"),
            *(route(step(echo, f"Echo{m}"), m, "/echo") for m in ("GET", "PUT", "PATCH", "DELETE")),
        )
    )

    async def scenario() -> None:
        async with TestApp(spec) as client:
            assert (await client.get("/boom")).status_code == 500
            failure = [line for line in client.logs if line.get("logger") == "motia.http"]
            assert failure
            assert failure[0]["level"] == "error"
            assert "ValueError('bad')" in failure[0]["error"]
            for call in (client.get, client.put, client.patch, client.delete):
                response = await call("/echo", params={"a": ["1", "2"]}, headers={"x-method": "m"})
                assert response.json() == {"method": "m", "query": {"a": ["1", "2"]}}

    run(scenario)


def test_the_log_level_is_restored_and_a_closed_app_says_so() -> None:
    before = logging.getLogger("motia").level
    client = TestApp(app())

    async def scenario() -> None:
        async with client:
            assert logging.getLogger("motia").level == logging.DEBUG
        with pytest.raises(RuntimeError, match="not running"):
            await client.get("/")

    run(scenario)
    assert logging.getLogger("motia").level == before
    with pytest.raises(RuntimeError, match="not running"):
        _ = TestApp(app()).state


def test_without_httpx_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "httpx", None)  # what a plain install looks like to an import

    async def enter() -> None:
        async with TestApp(app()):
            pass

    with pytest.raises(ImportError, match=r"pip install 'motia-gen\[testing\]'"):
        run(enter)
