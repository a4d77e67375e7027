"""The names Motia 1.x step files import exist here and do what they do in Motia."""

from __future__ import annotations

import importlib
from typing import Any

import motia
import pytest
from motia import guards

# Motia 1.x's public names a step file can use (its engine plumbing, such as `init_iii`, is not here).
MOTIA_1X_NAMES = [
    "Motia",
    "api",
    "http",
    "queue",
    "cron",
    "state",
    "stream",
    "schema_to_json_schema",
    "step",
    "StepDefinition",
    "StepBuilder",
    "ApiMiddleware",
    "ApiRequest",
    "ApiResponse",
    "ApiRouteMethod",
    "MotiaHttpRequest",
    "MotiaHttpArgs",
    "MotiaHttpResponse",
    "ApiTrigger",
    "CronTrigger",
    "Enqueue",
    "Enqueuer",
    "FlowContext",
    "QueryParam",
    "QueueTrigger",
    "StateTrigger",
    "StateTriggerInput",
    "Step",
    "StepConfig",
    "StreamConfig",
    "StreamAuthInput",
    "StreamAuthResult",
    "StreamEvent",
    "StreamSubscription",
    "StreamTrigger",
    "StreamTriggerInput",
    "TriggerCondition",
    "TriggerConfig",
    "TriggerInfo",
    "TriggerInput",
    "enqueue",
    "logger",
    "Stream",
    "StateManager",
    "stateManager",
    "is_api_trigger",
    "is_queue_trigger",
    "is_cron_trigger",
    "is_state_trigger",
    "is_stream_trigger",
    "is_api_step",
    "is_queue_step",
    "is_cron_step",
    "is_state_step",
    "is_stream_step",
    "get_api_triggers",
    "get_queue_triggers",
    "get_cron_triggers",
    "get_state_triggers",
    "get_stream_triggers",
]


@pytest.mark.parametrize("name", MOTIA_1X_NAMES)
def test_motia_exports(name: str) -> None:
    assert name in motia.__all__
    assert getattr(motia, name) is not None


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("motia.types_stream", "StreamConfig"),
        ("motia.types_stream", "StreamSubscription"),
        ("motia.types", "FlowContext"),
        ("motia.types", "StepConfig"),
        ("motia.types", "state"),
        ("motia.streams", "Stream"),
        ("motia.step", "StepDefinition"),
        ("motia.triggers", "http"),
        ("motia.guards", "is_api_step"),
        ("motia.schema_utils", "schema_to_json_schema"),
    ],
)
def test_motia_modules(module: str, name: str) -> None:
    assert getattr(importlib.import_module(module), name) is getattr(motia, name)


def test_unknown_names_stay_unknown() -> None:
    with pytest.raises(AttributeError, match="no attribute 'stateManger'"):
        motia.stateManger  # noqa: B018
    with pytest.raises(AttributeError):
        importlib.import_module("motia.types").NotAThing  # noqa: B018


def test_guards_tell_trigger_and_step_kinds() -> None:
    async def handler(request: Any) -> None:
        return None

    definition = motia.step(
        {"name": "Both", "triggers": [motia.http("GET", "/x"), motia.queue("t")]}, handler
    )
    assert guards.is_api_step(definition)
    assert guards.is_queue_step(definition)
    assert not guards.is_cron_step(definition)
    assert [trigger.path for trigger in motia.get_api_triggers(definition)] == ["/x"]
    assert motia.is_queue_trigger(definition.config.triggers[1])
    assert motia.schema_to_json_schema({"type": "string"}) == {"type": "string"}
    assert motia.schema_to_json_schema(None) is None
