"""Motia 1.x's synchronous API (`enqueue`, `Stream(...)` handles, `stateManager`) works called plainly or
awaited, in sync and async handlers, and nothing a handler starts is lost: what it leaves un-awaited runs
before its result is acknowledged, in the order it was made, and a failure there fails the call."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from motia import Stream, enqueue, logger, stateManager
from motia.operations import Ledger, Operation
from motia.runtime import Runtime
from motia.spec import StreamSpec
from motia.storage.memory import MemoryBackend
from motia.testing import TestApp
from motia.triggers import QueueConfig

from tests.runtime.specs import app, route, run, step, subscription

todos: Stream[Any] = Stream("todos")
TODOS = StreamSpec("todos", None)
QUICK = QueueConfig(max_retries=1, backoff_delay_ms=1)


def _received(seen: list[Any]) -> Any:
    async def downstream(data: Any, ctx: Any) -> None:
        seen.append(data)

    return subscription(step(downstream, "Downstream"), "todo.created")


def test_a_sync_handler_gets_values_back_from_plain_calls() -> None:
    seen: list[Any] = []
    read: dict[str, Any] = {}

    def create(request: Any) -> dict[str, Any]:
        stored = todos.set("inbox", "t1", {"title": "milk"})
        stateManager.set("counts", "inbox", 1)
        enqueue({"topic": "todo.created", "data": stored})
        read["item"] = todos.get("inbox", "t1")
        read["group"] = todos.get_group("inbox")
        read["count"] = stateManager.get("counts", "inbox")
        read["groups"] = stateManager.list_groups()
        return {"status": 201, "body": stored}

    owner = step(create, "Create", form="v1", arity=1, enqueues=("todo.created",))
    spec = app(routes=(route(owner, "POST", "/todos"),), subscriptions=(_received(seen),), streams=(TODOS,))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            response = await client.post("/todos")
            await client.runtime.wait_idle(10)
        assert response.status_code == 201
        assert response.json() == {"title": "milk", "id": "t1"}
        assert read == {
            "item": {"title": "milk", "id": "t1"},
            "group": [{"title": "milk", "id": "t1"}],
            "count": 1,
            "groups": ["counts"],
        }
        assert seen == [{"title": "milk", "id": "t1"}]

    run(scenario)


def test_an_async_handler_may_call_plainly_or_await() -> None:
    seen: list[Any] = []
    after: dict[str, Any] = {}

    async def create(request: Any) -> dict[str, Any]:
        todos.set("inbox", "t1", {"title": "milk"})  # Motia 1.x style: no await
        stateManager.set("counts", "inbox", 1)
        enqueue({"topic": "todo.created", "data": {"id": "t1"}})
        # An awaited read sees the un-awaited writes made before it: a call's operations keep their order.
        after["item"] = await todos.get("inbox", "t1")
        after["plain"] = todos.get("inbox", "t1")  # not awaited: the value, as in Motia
        after["count"] = stateManager.get("counts", "inbox")
        await stateManager.set("counts", "inbox", 2)
        return {"status": 201, "body": {}}

    owner = step(create, "Create", form="v1", arity=1, enqueues=("todo.created",))
    spec = app(routes=(route(owner, "POST", "/todos"),), subscriptions=(_received(seen),), streams=(TODOS,))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            response = await client.post("/todos")
            await client.runtime.wait_idle(10)
            assert response.status_code == 201
            assert await client.streams["todos"].get("inbox", "t1") == {"title": "milk", "id": "t1"}
            assert await client.state.get("counts", "inbox") == 2
        item = {"title": "milk", "id": "t1"}
        assert after == {"item": item, "plain": item, "count": 1}
        assert seen == [{"id": "t1"}]

    run(scenario)


def test_un_awaited_writes_are_done_before_the_response_in_program_order() -> None:
    async def create(request: Any) -> dict[str, Any]:
        for n in range(20):
            stateManager.set("log", "last", n)
        todos.set("inbox", "t1", {"n": 1})
        todos.delete("inbox", "t1")
        return {"status": 200, "body": {}}

    owner = step(create, "Create", form="v1", arity=1)
    spec = app(routes=(route(owner, "POST", "/todos"),), streams=(TODOS,))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            assert (await client.post("/todos")).status_code == 200
            assert await client.state.get("log", "last") == 19
            assert await client.streams["todos"].get_group("inbox") == []

    run(scenario)


def test_classic_calls_left_un_awaited_happen_and_are_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[Any] = []

    async def create(req: Any, context: Any) -> dict[str, Any]:
        context.emit({"topic": "todo.created", "data": {"id": "t1"}})  # forgot await
        context.state.set("counts", "inbox", 1)  # forgot await
        context.streams.todos.set("inbox", "t1", {"title": "milk"})  # forgot await
        return {"status": 200, "body": {}}

    owner = step(create, "Create", enqueues=("todo.created",))
    spec = app(routes=(route(owner, "POST", "/todos"),), subscriptions=(_received(seen),), streams=(TODOS,))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            assert (await client.post("/todos")).status_code == 200
            await client.runtime.wait_idle(10)
            assert await client.state.get("counts", "inbox") == 1
            assert await client.streams["todos"].get("inbox", "t1") == {"title": "milk", "id": "t1"}
        assert seen == [{"id": "t1"}]

    with caplog.at_level(logging.WARNING, logger="motia"):
        run(scenario)
    reports = [record.getMessage() for record in caplog.records if "was not awaited" in record.getMessage()]
    assert [report.split("(...)")[0] for report in reports] == [
        "ctx.emit",
        "ctx.state.set",
        "ctx.streams.todos.set",
    ]
    assert all(f"{__file__}:" in report for report in reports)  # where the call was made


def test_awaited_classic_calls_are_not_reported(caplog: pytest.LogCaptureFixture) -> None:
    async def create(req: Any, context: Any) -> dict[str, Any]:
        await context.emit({"topic": "todo.created", "data": {}})
        await context.state.set("counts", "inbox", 1)
        return {"status": 200, "body": await context.state.get("counts", "inbox")}

    owner = step(create, "Create", enqueues=("todo.created",))
    spec = app(routes=(route(owner, "POST", "/todos"),), subscriptions=(_received([]),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            assert (await client.post("/todos")).json() == 1

    with caplog.at_level(logging.WARNING, logger="motia"):
        run(scenario)
    assert not [record for record in caplog.records if "was not awaited" in record.getMessage()]


def test_a_failing_un_awaited_call_fails_the_request() -> None:
    async def create(request: Any) -> dict[str, Any]:
        stateManager.set("bad", "value", {1, 2})  # not JSON: refused when it runs
        return {"status": 200, "body": {}}

    owner = step(create, "Create", form="v1", arity=1)
    spec = app(routes=(route(owner, "POST", "/todos"),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            response = await client.post("/todos")
            assert response.status_code == 500
            assert await client.state.get("bad", "value") is None

    run(scenario)


def test_a_failing_un_awaited_call_fails_the_delivery_which_is_retried() -> None:
    attempts: list[int] = []

    def handle(data: Any) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            stateManager.set("bad", "value", {1, 2})  # sync handler: raises right here
        stateManager.set("good", "value", len(attempts))

    async def handle_async(data: Any) -> None:
        stateManager.set("bad", "async", float("nan"))  # async handler: fails when settled

    spec = app(
        subscriptions=(
            subscription(step(handle, "Sync", form="v1", arity=1), "t", queue=QUICK),
            subscription(step(handle_async, "Async", form="v1", arity=1), "t", queue=QUICK),
        )
    )

    async def scenario() -> None:
        runtime = Runtime(spec, MemoryBackend())
        async with runtime:
            await runtime.emit("t", {})
            await runtime.wait_idle(30)
            letters = await runtime.dead_letters()
            assert await runtime.state.get("good", "value") == 2
        assert [letter.subscriber for letter in letters] == ["Async"]

    run(scenario)


def test_writes_made_before_a_handler_raises_still_happen() -> None:
    async def create(request: Any) -> dict[str, Any]:
        stateManager.set("audit", "attempt", True)
        raise ValueError("boom")

    owner = step(create, "Create", form="v1", arity=1)
    spec = app(routes=(route(owner, "POST", "/todos"),))

    async def scenario() -> None:
        async with TestApp(spec) as client:
            assert (await client.post("/todos")).status_code == 500
            assert await client.state.get("audit", "attempt") is True

    run(scenario)


def test_outside_a_running_app_the_handles_say_so() -> None:
    with pytest.raises(RuntimeError, match="outside a running app"):
        stateManager.get("g", "k")
    with pytest.raises(RuntimeError, match="outside a step handler"):
        enqueue({"topic": "t", "data": {}})


def test_a_plain_call_that_has_to_wait_goes_on_as_a_task_that_settle_waits_for() -> None:
    async def slow(value: int) -> int:
        await asyncio.sleep(0)  # a store that waits on something (none of ours does)
        if value < 0:
            raise ValueError("negative")
        return value

    def plain_call(ledger: Ledger, value: int) -> Any:  # a sync caller on the loop's thread
        return ledger.perform(lambda: slow(value), "slow", classic=False, depth=1)

    async def scenario() -> None:
        ledger = Ledger(asyncio.get_running_loop(), logger)
        pending = plain_call(ledger, 5)
        assert isinstance(pending, Operation)
        assert await pending == 5
        plain_call(ledger, -1)
        with pytest.raises(ValueError, match="negative"):
            await ledger.settle()

    asyncio.run(scenario())
