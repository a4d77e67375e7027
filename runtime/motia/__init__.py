"""The motia runtime: the user-facing API step files import (`import motia`)."""

from motia.app import AuthenticateHandler, Motia
from motia.asgi import HttpApp
from motia.config import StepConfig
from motia.context import Enqueuer, enqueue
from motia.flow import FlowContext, StateStore, StreamStore
from motia.logging import Logger, logger
from motia.runtime import Runtime, UndeclaredTopicError
from motia.serve import create_app, load_dispatch
from motia.step import StepBuilder, StepDefinition, StepHandler, step
from motia.stream_socket import StreamAuthInput, StreamAuthResult, StreamSubscription
from motia.stream_store import StreamEvent
from motia.streams import Stream, StreamConfig
from motia.testing import TestApp
from motia.trigger_inputs import StateTriggerInput, StreamChange, StreamTriggerInput
from motia.triggers import (
    ApiMiddleware,
    CronTrigger,
    HttpMethod,
    HttpTrigger,
    QueueTrigger,
    StateTrigger,
    StreamTrigger,
    Trigger,
    TriggerCondition,
    api,
    cron,
    http,
    queue,
    state,
    stream,
)
from motia.types import (
    ApiRequest,
    ApiResponse,
    Enqueue,
    JsonValue,
    QueryParam,
    QueueConfig,
    TriggerInfo,
)

__all__ = [
    "ApiMiddleware",
    "ApiRequest",
    "ApiResponse",
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
    "QueryParam",
    "QueueConfig",
    "QueueTrigger",
    "Runtime",
    "StateStore",
    "StateTrigger",
    "StateTriggerInput",
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
    "TriggerInfo",
    "UndeclaredTopicError",
    "api",
    "create_app",
    "cron",
    "enqueue",
    "http",
    "load_dispatch",
    "logger",
    "queue",
    "state",
    "step",
    "stream",
]
