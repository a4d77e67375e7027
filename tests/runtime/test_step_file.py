"""A step file in the Motia 1.x style imports under the runtime and defines real objects."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import motia
import pytest

STEP_FILE = textwrap.dedent(
    """
    from pydantic import BaseModel

    from motia import (
        ApiResponse, Enqueue, Motia, QueryParam, QueueConfig, StepConfig, Stream, StreamConfig,
        cron, enqueue, http, logger, queue, state, step, stream,
    )


    class Order(BaseModel):
        order_id: str


    orders = Stream(StreamConfig(name="orders", schema=Order))

    config = StepConfig(
        name="ProcessOrder",
        description="Accepts and processes orders",
        triggers=[
            http("POST", "/orders", body_schema=Order, query_params=[QueryParam("dry", "Dry run")]),
            queue("order.created", input=Order, config=QueueConfig(max_retries=5)),
            cron("0 9 * * *"),
            state(),
            stream("orders"),
        ],
        enqueues=["order.processed", Enqueue("order.audit", conditional=True)],
        flows=["orders"],
    )


    async def handler(input, ctx):
        logger.info("Processing order", {"input": input})
        await enqueue({"topic": "order.processed", "data": input})
        return ApiResponse(status=200, body={"ok": True})


    definition = step(config, handler)
    builder_definition = step(config).handle(handler)

    app = Motia()
    app.add_step(definition, __file__)
    app.add_stream(orders.config, __file__)
    """
)


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("process_order_step", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_1x_step_file_defines_real_objects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "process_order_step.py"
    path.write_text(STEP_FILE, encoding="utf-8")
    monkeypatch.setitem(sys.modules, "process_order_step", ModuleType("placeholder"))
    module = load(path)
    assert isinstance(module.config, motia.StepConfig)
    assert [t.type for t in module.config.triggers] == ["http", "queue", "cron", "state", "stream"]
    http_trigger, queue_trigger = module.config.triggers[:2]
    assert isinstance(http_trigger, motia.HttpTrigger)
    assert http_trigger.body_schema == module.Order.model_json_schema()
    assert isinstance(queue_trigger, motia.QueueTrigger)
    assert queue_trigger.config == motia.QueueConfig(max_retries=5)
    assert (
        module.definition == module.builder_definition == motia.StepDefinition(module.config, module.handler)
    )
    assert module.app.steps == (module.definition,)
    assert list(module.app.streams) == ["orders"]
