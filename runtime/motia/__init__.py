"""The motia runtime: the user-facing API step files import (`import motia`)."""

from motia.app import AuthenticateHandler, Motia
from motia.config import StepConfig
from motia.context import Enqueuer, FlowContext, StateStore, StreamStore, enqueue
from motia.delivery.inputs import StateTriggerInput, StreamChange, StreamTriggerInput
from motia.logging import Logger, logger
from motia.runtime import Runtime, UndeclaredTopicError
from motia.step import StepBuilder, StepDefinition, StepHandler, step
from motia.streams.handle import Stream, StreamConfig
from motia.streams.socket import StreamAuthInput, StreamAuthResult, StreamSubscription
from motia.streams.store import StreamEvent
from motia.testing import TestApp
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
from motia.web.app import HttpApp
from motia.web.serve import create_app, load_dispatch

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
