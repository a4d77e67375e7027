"""The handler context: emit and enqueue send through the runtime's enqueuer; parts are exposed as given."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, cast

import pytest
from motia import FlowContext, StateStore, TriggerInfo, logger

NO_STATE = cast(StateStore, object())  # these tests never touch state


def test_emit_and_enqueue_send_the_message() -> None:
    sent: list[Mapping[str, Any]] = []

    async def enqueuer(message: Mapping[str, Any]) -> None:
        sent.append(message)

    trigger = TriggerInfo(type="queue", index=0, topic="t")
    context: FlowContext[Mapping[str, Any], None] = FlowContext(
        trace_id="t-1",
        enqueuer=enqueuer,
        state=NO_STATE,
        streams=None,
        logger=logger,
        trigger=trigger,
    )

    async def send() -> None:
        await context.emit({"topic": "a", "data": {}})
        await context.enqueue({"topic": "b", "data": {"x": 1}})

    asyncio.run(send())
    assert [m["topic"] for m in sent] == ["a", "b"]
    assert (context.trace_id, context.trigger, context.streams) == ("t-1", trigger, None)


def test_a_message_must_be_a_mapping() -> None:
    async def enqueuer(message: Mapping[str, Any]) -> None:
        raise AssertionError("not sent")

    context: FlowContext[Any, None] = FlowContext(
        trace_id="t",
        enqueuer=enqueuer,
        state=NO_STATE,
        streams=None,
        logger=logger,
    )
    with pytest.raises(TypeError, match="must be a dict with 'topic' and 'data', not list"):
        asyncio.run(context.emit(["order.created"]))
