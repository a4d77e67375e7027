"""The motia runtime: the user-facing API step files import (`import motia`).

What a step file needs to declare itself (configs, triggers, `step`, the small value types) is imported
with the package; everything else (the context, streams, the server, testing) loads on first use, so
`import motia` stays cheap for code that only declares, such as the compiler reading the runtime's key
tables. Type checkers see every name as a plain import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from motia.config import Enqueue, StepConfig
from motia.request import ApiRequest, ApiResponse, MotiaHttpArgs, MotiaHttpRequest, TriggerInfo
from motia.step import Step, StepBuilder, StepDefinition, StepHandler, step
from motia.triggers import (
    ApiMiddleware,
    ApiRouteMethod,
    ApiTrigger,
    CronTrigger,
    HttpMethod,
    HttpTrigger,
    QueryParam,
    QueueConfig,
    QueueTrigger,
    StateTrigger,
    StreamTrigger,
    Trigger,
    TriggerCondition,
    TriggerConfig,
    api,
    cron,
    http,
    queue,
    state,
    stream,
)
from motia.types import JsonValue, TriggerInput

if TYPE_CHECKING:
    from motia.app import AuthenticateHandler, Motia
    from motia.context import Enqueuer, FlowContext, StateStore, StreamStore, enqueue
    from motia.delivery.inputs import StateTriggerInput, StreamChange, StreamTriggerInput
    from motia.guards import (
        get_api_triggers,
        get_cron_triggers,
        get_queue_triggers,
        get_state_triggers,
        get_stream_triggers,
        is_api_step,
        is_api_trigger,
        is_cron_step,
        is_cron_trigger,
        is_queue_step,
        is_queue_trigger,
        is_state_step,
        is_state_trigger,
        is_stream_step,
        is_stream_trigger,
    )
    from motia.http_stream import MotiaHttpResponse
    from motia.logging import Logger, logger
    from motia.runtime import Runtime, UndeclaredTopicError
    from motia.schema_utils import schema_to_json_schema
    from motia.state_handle import StateManager, stateManager
    from motia.streams.handle import Stream, StreamConfig
    from motia.streams.protocol import StreamAuthInput, StreamAuthResult, StreamSubscription
    from motia.streams.store import StreamEvent
    from motia.testing import TestApp
    from motia.web.app import HttpApp
    from motia.web.serve import create_app, load_dispatch

_LAZY = {
    "AuthenticateHandler": "motia.app",
    "Enqueuer": "motia.context",
    "FlowContext": "motia.context",
    "HttpApp": "motia.web.app",
    "Logger": "motia.logging",
    "Motia": "motia.app",
    "MotiaHttpResponse": "motia.http_stream",
    "Runtime": "motia.runtime",
    "StateManager": "motia.state_handle",
    "StateStore": "motia.context",
    "StateTriggerInput": "motia.delivery.inputs",
    "Stream": "motia.streams.handle",
    "StreamAuthInput": "motia.streams.protocol",
    "StreamAuthResult": "motia.streams.protocol",
    "StreamChange": "motia.delivery.inputs",
    "StreamConfig": "motia.streams.handle",
    "StreamEvent": "motia.streams.store",
    "StreamStore": "motia.context",
    "StreamSubscription": "motia.streams.protocol",
    "StreamTriggerInput": "motia.delivery.inputs",
    "TestApp": "motia.testing",
    "UndeclaredTopicError": "motia.runtime",
    "create_app": "motia.web.serve",
    "enqueue": "motia.context",
    "load_dispatch": "motia.web.serve",
    "schema_to_json_schema": "motia.schema_utils",
    **{
        name: "motia.guards"
        for kind in ("api", "queue", "cron", "state", "stream")
        for name in (f"is_{kind}_step", f"is_{kind}_trigger", f"get_{kind}_triggers")
    },
    "stateManager": "motia.state_handle",
    "logger": "motia.logging",
}


if not TYPE_CHECKING:  # hidden from type checkers, which would read any unknown name as Any

    def __getattr__(name: str) -> Any:
        """Load a lazily imported name on first use (PEP 562), then keep it as a plain attribute."""
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module 'motia' has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_LAZY})


__all__ = [
    "ApiMiddleware",
    "ApiRequest",
    "ApiResponse",
    "ApiRouteMethod",
    "ApiTrigger",
    "AuthenticateHandler",
    "CronTrigger",
    "Enqueue",
    "Enqueuer",
    "FlowContext",
    "HttpApp",
    "HttpMethod",
    "HttpTrigger",
    "JsonValue",
    "Logger",
    "Motia",
    "MotiaHttpArgs",
    "MotiaHttpRequest",
    "MotiaHttpResponse",
    "QueryParam",
    "QueueConfig",
    "QueueTrigger",
    "Runtime",
    "StateManager",
    "StateStore",
    "StateTrigger",
    "StateTriggerInput",
    "Step",
    "StepBuilder",
    "StepConfig",
    "StepDefinition",
    "StepHandler",
    "Stream",
    "StreamAuthInput",
    "StreamAuthResult",
    "StreamChange",
    "StreamConfig",
    "StreamEvent",
    "StreamStore",
    "StreamSubscription",
    "StreamTrigger",
    "StreamTriggerInput",
    "TestApp",
    "Trigger",
    "TriggerCondition",
    "TriggerConfig",
    "TriggerInfo",
    "TriggerInput",
    "UndeclaredTopicError",
    "api",
    "create_app",
    "cron",
    "enqueue",
    "get_api_triggers",
    "get_cron_triggers",
    "get_queue_triggers",
    "get_state_triggers",
    "get_stream_triggers",
    "http",
    "is_api_step",
    "is_api_trigger",
    "is_cron_step",
    "is_cron_trigger",
    "is_queue_step",
    "is_queue_trigger",
    "is_state_step",
    "is_state_trigger",
    "is_stream_step",
    "is_stream_trigger",
    "load_dispatch",
    "logger",
    "queue",
    "schema_to_json_schema",
    "state",
    "stateManager",
    "step",
    "stream",
]
