"""`ctx.match`: one Motia 1.x handler for several triggers picks its branch by the trigger that fired."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from motia.spec import CronSpec
from motia.testing import TestApp

from tests.runtime.specs import app, route, step, subscription


def _app(seen: list[tuple[str, Any]]) -> Any:
    async def on_request(request: Any) -> dict[str, Any]:
        seen.append(("http", request.body))
        return {"status": 200, "body": {"via": "http"}}

    def on_event(data: Any) -> None:  # sync branches work too
        seen.append(("queue", data))

    async def on_schedule() -> None:
        seen.append(("cron", None))

    async def handler(input: Any, ctx: Any) -> Any:
        return await ctx.match({"api": on_request, "queue": on_event, "cron": on_schedule})

    multi = step(handler, "Multi", form="v1")
    return app(
        routes=(route(multi, "POST", "/multi", index=0),),
        subscriptions=(subscription(multi, "work", index=1),),
        crons=(CronSpec(multi, 2, "* * * * *"),),
    )


def test_each_trigger_runs_its_branch() -> None:
    seen: list[tuple[str, Any]] = []

    async def scenario() -> None:
        async with TestApp(_app(seen)) as test:
            response = await test.post("/multi", json={"n": 1})
            assert response.json() == {"via": "http"}
            await test.emit("work", {"n": 2})
            await test.wait_idle()
            await test.run_cron("Multi")

    asyncio.run(scenario())
    assert seen == [("http", {"n": 1}), ("queue", {"n": 2}), ("cron", None)]


def test_default_branch_and_a_missing_one() -> None:
    seen: list[Any] = []

    async def fallback(data: Any) -> None:
        seen.append(data)

    async def with_default(input: Any, ctx: Any) -> None:
        await ctx.match({"http": fallback, "default": fallback})

    async def without(input: Any, ctx: Any) -> None:
        await ctx.match({"http": fallback})

    defaulted = step(with_default, "Defaulted", form="v1")
    missing = step(without, "Missing", form="v1")
    spec = app(subscriptions=(subscription(defaulted, "a"), subscription(missing, "b")))

    async def scenario() -> list[Any]:
        async with TestApp(spec) as test:
            await test.emit("a", {"n": 1})
            await test.emit("b", {"n": 2})
            await test.wait_idle()
            return await test.dead_letters()

    dead = asyncio.run(scenario())
    assert seen == [{"n": 1}]
    assert [letter.subscriber for letter in dead] == ["Missing"]
    assert "no handler for a queue trigger (given: http) and no 'default'" in dead[0].reason


def test_match_outside_the_runtime_needs_a_trigger() -> None:
    from motia.context import FlowContext  # noqa: PLC0415

    async def send(_: Any) -> None:
        pass

    ctx: FlowContext[Any, Any] = FlowContext(
        trace_id="t",
        enqueuer=send,
        state=None,
        streams=None,
        logger=None,  # type: ignore[arg-type]
    )
    with pytest.raises(LookupError, match="no handler for a None trigger"):
        asyncio.run(ctx.match({"http": lambda _: None}))
