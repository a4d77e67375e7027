"""Hand-built app specs for the runtime tests: the same classes the generated dispatch module uses."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from motia.spec import (
    AppSpec,
    CronSpec,
    Function,
    RouteSpec,
    RuntimeSettings,
    StepForm,
    StepSpec,
    StreamSpec,
    SubscriptionSpec,
    Validator,
)
from motia.triggers import QueueConfig
from motia.web.app import route_pattern


def step(
    handler: Function,
    name: str = "Step",
    *,
    form: StepForm = "classic",
    arity: int | None = 2,
    enqueues: Iterable[str] = (),
    flows: tuple[str, ...] = (),
) -> StepSpec:
    return StepSpec(name, f"steps/{name.lower()}_step.py", form, handler, arity, frozenset(enqueues), flows)


def route(
    owner: StepSpec,
    method: str,
    path: str,
    *,
    index: int = 0,
    body: Validator | None = None,
    middleware: tuple[Function, ...] = (),
    condition: Function | None = None,
) -> RouteSpec:
    pattern, params = route_pattern(path)
    return RouteSpec(owner, index, method, path, pattern, params, body, middleware, condition)


def subscription(
    owner: StepSpec,
    topic: str,
    *,
    index: int = 0,
    queue: QueueConfig | None = None,
    input: Validator | None = None,
    condition: Function | None = None,
) -> SubscriptionSpec:
    return SubscriptionSpec(owner, index, topic, queue or QueueConfig(), input, condition)


def app(
    *,
    routes: tuple[RouteSpec, ...] = (),
    subscriptions: tuple[SubscriptionSpec, ...] = (),
    crons: tuple[CronSpec, ...] = (),
    streams: tuple[StreamSpec, ...] = (),
    settings: RuntimeSettings | None = None,
) -> AppSpec:
    steps: dict[str, StepSpec] = {}
    for trigger in (*routes, *subscriptions, *crons):
        steps.setdefault(trigger.step.name, trigger.step)
    return AppSpec(
        steps=tuple(steps.values()),
        routes=routes,
        subscriptions=subscriptions,
        crons=crons,
        streams=streams,
        settings=settings or RuntimeSettings(),
    )


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(scenario())


async def ok(req: Any, ctx: Any) -> dict[str, Any]:
    return {"status": 200, "body": {"ok": True}}
