"""The module-level `logger` and `enqueue` step files import."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import Any

import pytest
from motia import enqueue, logger
from motia.context import FlowContext, current_context, current_trace_id
from motia.logging import LOGGER_NAME, JsonFormatter, format_line
from motia.testing import TestApp

from tests.runtime.specs import app, run, step, subscription


def logged(caplog: pytest.LogCaptureFixture) -> list[tuple[int, dict[str, Any]]]:
    """Each record of the "motia" logger as its JSON line, without the time."""
    lines = []
    for record in caplog.records:
        if record.name == LOGGER_NAME:
            line = json.loads(JsonFormatter().format(record))
            del line["time"]
            lines.append((record.levelno, line))
    return lines


def test_logger_makes_one_structured_record_per_call(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    logger.debug("d")
    logger.info("Order created", {"orderId": "o-1", "amount": 3})
    logger.warn("w", {"n": 1})
    logger.warning("w2")
    logger.error("e", {"error": "boom"})
    assert logged(caplog) == [
        (logging.DEBUG, {"level": "debug", "msg": "d"}),
        (logging.INFO, {"level": "info", "msg": "Order created", "orderId": "o-1", "amount": 3}),
        (logging.WARNING, {"level": "warn", "msg": "w", "n": 1}),
        (logging.WARNING, {"level": "warn", "msg": "w2"}),
        (logging.ERROR, {"level": "error", "msg": "e", "error": "boom"}),
    ]


def test_logger_respects_the_configured_level(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER_NAME)
    logger.info("hidden")
    logger.error("shown")
    assert [line["msg"] for _, line in logged(caplog)] == ["shown"]


def test_log_lines_survive_non_json_values_and_keep_level_and_msg() -> None:
    line = json.loads(format_line("info", "m", {"when": object(), "msg": "spoof", "level": "spoof"}))
    assert line["level"] == "info"
    assert line["msg"] == "m"
    assert line["when"].startswith("<object object")


def test_enqueue_outside_a_handler_says_so() -> None:
    with pytest.raises(RuntimeError, match="outside a step handler"):
        asyncio.run(enqueue({"topic": "t", "data": {}}))


def test_enqueue_checks_the_message() -> None:
    with pytest.raises(TypeError, match="enqueue\\(\\) message must be a dict"):
        asyncio.run(enqueue("t"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="enqueue topic must be a string"):
        asyncio.run(enqueue({"data": {}}))


def test_enqueue_sends_through_the_current_handler_call() -> None:
    sent: list[Mapping[str, Any]] = []

    async def send(message: Mapping[str, Any]) -> None:
        sent.append(message)

    ctx: FlowContext[Any, Any] = FlowContext(
        trace_id="trace-1",
        enqueuer=send,
        state=None,
        streams=None,
        logger=logger,  # type: ignore[arg-type]
    )

    async def run() -> None:
        assert current_trace_id() is None
        token = current_context.set(ctx)
        try:
            assert current_trace_id() == "trace-1"
            await enqueue({"topic": "order.created", "data": {"id": 1}})
        finally:
            current_context.reset(token)

    asyncio.run(run())
    assert sent == [{"topic": "order.created", "data": {"id": 1}}]


def test_the_module_level_logger_inside_a_handler_carries_its_step_and_trace() -> None:
    def sync_handler(input: Any, ctx: Any) -> None:  # run in a worker thread: the context goes along
        logger.info("from a sync handler", {"n": input["n"]})

    async def async_handler(input: Any, ctx: Any) -> None:
        logger.info("from an async handler")

    spec = app(
        subscriptions=(
            subscription(step(sync_handler, "SyncStep", flows=("f",)), "one"),
            subscription(step(async_handler, "AsyncStep"), "two"),
        )
    )

    async def scenario() -> None:
        async with TestApp(spec) as test:
            await test.emit("one", {"n": 1}, trace_id="trace-1")
            await test.emit("two", {}, trace_id="trace-2")
            await test.wait_idle()
            logger.info("outside any handler")
            found = {entry["msg"]: entry for entry in test.logs}
        assert found["from a sync handler"]["step"] == "SyncStep"
        assert found["from a sync handler"]["trace_id"] == "trace-1"
        assert found["from a sync handler"]["n"] == 1
        assert found["from an async handler"]["step"] == "AsyncStep"
        assert found["from an async handler"]["trace_id"] == "trace-2"
        assert "step" not in found["outside any handler"]

    run(scenario)
