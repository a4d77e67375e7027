"""The motia runtime: the user-facing API step files import (`import motia`)."""

from motia.app import AuthenticateHandler, Motia
from motia.config import StepConfig
from motia.context import Enqueuer, enqueue
from motia.flow import FlowContext, StateStore, StreamStore
from motia.logging import Logger, logger
from motia.step import StepBuilder, StepDefinition, StepHandler, step
from motia.streams import Stream, StreamConfig
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
    "HttpMethod",
    "HttpTrigger",
    "JsonValue",
    "Logger",
    "Motia",
    "QueryParam",
    "QueueConfig",
    "QueueTrigger",
    "StateStore",
    "StateTrigger",
    "StepBuilder",
    "StepConfig",
    "StepDefinition",
    "StepHandler",
    "Stream",
    "StreamConfig",
    "StreamStore",
    "StreamTrigger",
    "Trigger",
    "TriggerCondition",
    "TriggerInfo",
    "api",
    "cron",
    "enqueue",
    "http",
    "logger",
    "queue",
    "state",
    "step",
    "stream",
]
