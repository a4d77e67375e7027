"""Aliases shared across the API: JSON values, queue and trigger kinds, and the type variables of the
generic request and response types (`motia.request`).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from typing_extensions import TypeVar

# Defaults keep the plain spellings meaning what they did: `ApiRequest` is `ApiRequest[Any, ...]`. Path and
# query parameters default to Any, so Motia's canonical `request: ApiRequest[Any]` annotation accepts the
# precise request type generated for a step.
TBody = TypeVar("TBody", default=Any)
TStatus = TypeVar("TStatus", bound=int, default=int)
TPath = TypeVar("TPath", default=Any)
TQuery = TypeVar("TQuery", default=Any)

JsonValue: TypeAlias = Mapping[str, object] | Sequence[object] | str | int | float | bool | None
"""A JSON value: the type of a payload no subscriber describes. Containers are read-only and hold
`object`, so TypedDicts and `dict[str, int]` are JSON values too (mypy treats a TypedDict as a
`Mapping[str, object]` and nothing narrower)."""

QueueType = Literal["standard", "fifo"]
TriggerType = Literal["http", "queue", "cron", "state", "stream"]

TriggerInput: TypeAlias = Any
"""What a handler receives as its input (Motia 1.x's name): a request, a payload or a change."""

# Motia 1.x step files also import the API from `motia.types` (`from motia.types import FlowContext`):
# those names are the package's, loaded from it on first use (it imports this module).
if TYPE_CHECKING:
    from motia import (
        ApiMiddleware,
        ApiRequest,
        ApiResponse,
        ApiRouteMethod,
        ApiTrigger,
        CronTrigger,
        Enqueue,
        Enqueuer,
        FlowContext,
        MotiaHttpArgs,
        MotiaHttpRequest,
        MotiaHttpResponse,
        QueryParam,
        QueueConfig,
        QueueTrigger,
        StateTrigger,
        StateTriggerInput,
        Step,
        StepConfig,
        StreamEvent,
        StreamTrigger,
        StreamTriggerInput,
        TriggerCondition,
        TriggerConfig,
        TriggerInfo,
        api,
        cron,
        http,
        queue,
        state,
        stream,
    )


if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        if name not in MOTIA_NAMES:
            raise AttributeError(f"module 'motia.types' has no attribute {name!r}")
        return getattr(importlib.import_module("motia"), name)


__all__ = [
    "ApiMiddleware",
    "ApiRequest",
    "ApiResponse",
    "ApiRouteMethod",
    "ApiTrigger",
    "CronTrigger",
    "Enqueue",
    "Enqueuer",
    "FlowContext",
    "JsonValue",
    "MotiaHttpArgs",
    "MotiaHttpRequest",
    "MotiaHttpResponse",
    "QueryParam",
    "QueueConfig",
    "QueueTrigger",
    "QueueType",
    "StateTrigger",
    "StateTriggerInput",
    "Step",
    "StepConfig",
    "StreamEvent",
    "StreamTrigger",
    "StreamTriggerInput",
    "TBody",
    "TPath",
    "TQuery",
    "TStatus",
    "TriggerCondition",
    "TriggerConfig",
    "TriggerInfo",
    "TriggerInput",
    "TriggerType",
    "api",
    "cron",
    "http",
    "queue",
    "state",
    "stream",
]

_OWN = frozenset(
    {"JsonValue", "QueueType", "TriggerType", "TriggerInput", "TBody", "TStatus", "TPath", "TQuery"}
)
MOTIA_NAMES = frozenset(__all__) - _OWN
"""The package's names this module forwards (imported above for type checkers)."""
