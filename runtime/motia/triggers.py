"""Triggers: what makes a step run (an HTTP request, a queue message, a schedule, a state or stream change).

Build them with the helpers `http`, `queue`, `cron`, `state` and `stream`, whose signatures are Motia
1.x's. The helpers convert pydantic model classes to JSON Schema and dict forms to their value types; the
trigger classes check their arguments when constructed, so a bad method or path fails on import.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from motia import _convert
from motia._convert import JsonSchema, SchemaInput
from motia.types import QueueType

_QUEUE_TYPES: tuple[QueueType, ...] = ("standard", "fifo")
QUEUE_CONFIG_FIELDS = (
    ("type", "type"),
    ("max_retries", "maxRetries"),
    ("visibility_timeout", "visibilityTimeout"),
    ("delay_seconds", "delaySeconds"),
    ("concurrency", "concurrency"),
    ("backoff_type", "backoffType"),
    ("backoff_delay_ms", "backoffDelayMs"),
)


def _count(value: object, what: str, *, minimum: int = 0) -> None:
    """Counts and durations are whole numbers; `True` is not a retry count even though it is an int."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an integer, not {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{what} must be at least {minimum}, not {value}")


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueConfig:
    """How a queue trigger delivers messages. Keyword-only, like Motia's model and the compiler's reading
    of `QueueConfig(...)`."""

    type: QueueType = "standard"
    max_retries: int = 3
    visibility_timeout: int = 30
    delay_seconds: int = 0
    concurrency: int | None = None
    backoff_type: str | None = None
    backoff_delay_ms: int | None = None

    def __post_init__(self) -> None:
        if self.type not in _QUEUE_TYPES:
            raise ValueError(f"queue type must be 'standard' or 'fifo', not {self.type!r}")
        _count(self.max_retries, "max_retries")
        _count(self.visibility_timeout, "visibility_timeout")
        _count(self.delay_seconds, "delay_seconds")
        if self.concurrency is not None:
            _count(self.concurrency, "concurrency", minimum=1)
        _convert.optional_text(self.backoff_type, "backoff_type")
        if self.backoff_delay_ms is not None:
            _count(self.backoff_delay_ms, "backoff_delay_ms")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> QueueConfig:
        """A queue config dict (snake_case or camelCase keys, e.g. `{"maxRetries": 5}`)."""
        return cls(**_convert.keyword_arguments("queue config", mapping, QUEUE_CONFIG_FIELDS))


@dataclass(frozen=True, slots=True)
class QueryParam:
    """A documented query parameter of an HTTP trigger. The description may be left out, as the compiler
    allows."""

    name: str
    description: str | None = None

    def __post_init__(self) -> None:
        _convert.text(self.name, "query parameter name")
        _convert.optional_text(self.description, "query parameter description")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> QueryParam:
        arguments = _convert.keyword_arguments(
            "query parameter", mapping, (("name", "name"), ("description", "description"))
        )
        _convert.require("query parameter", arguments, "name")
        return cls(**arguments)


HttpMethod = Literal["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]
HTTP_METHODS: tuple[HttpMethod, ...] = ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD")

TriggerCondition = Callable[..., bool | Awaitable[bool]]
"""Called with the trigger's input and the handler context; the step runs only when it returns true."""

ApiMiddleware = Callable[..., Any]
"""Called with the request, the context and `next`; returns the response."""


def _condition(value: TriggerCondition | None) -> None:
    _convert.optional_function(value, "condition")


@dataclass(frozen=True, slots=True)
class HttpTrigger:
    """Runs the step for requests matching `method` and `path` (`:name` segments are path parameters)."""

    method: HttpMethod
    path: str
    body_schema: JsonSchema | None = None
    response_schema: Mapping[int, JsonSchema] | None = None
    query_params: tuple[QueryParam, ...] | None = None
    middleware: tuple[ApiMiddleware, ...] | None = None
    condition: TriggerCondition | None = None
    type: Literal["http"] = field(default="http", init=False)

    def __post_init__(self) -> None:
        _check_method(self.method)
        _check_path(self.path)
        for item in self.middleware or ():
            _convert.function(item, "each middleware")
        _condition(self.condition)


@dataclass(frozen=True, slots=True)
class QueueTrigger:
    """Runs the step for each message enqueued to `topic`; `input` is the message's JSON Schema."""

    topic: str
    input: JsonSchema | None = None
    config: QueueConfig | None = None
    condition: TriggerCondition | None = None
    type: Literal["queue"] = field(default="queue", init=False)

    def __post_init__(self) -> None:
        _convert.text(self.topic, "queue topic")
        _condition(self.condition)


@dataclass(frozen=True, slots=True)
class CronTrigger:
    """Runs the step on a cron schedule."""

    expression: str
    condition: TriggerCondition | None = None
    type: Literal["cron"] = field(default="cron", init=False)

    def __post_init__(self) -> None:
        _convert.text(self.expression, "cron expression")
        _condition(self.condition)


@dataclass(frozen=True, slots=True)
class StateTrigger:
    """Runs the step when state changes (narrowed by `condition`)."""

    condition: TriggerCondition | None = None
    type: Literal["state"] = field(default="state", init=False)

    def __post_init__(self) -> None:
        _condition(self.condition)


@dataclass(frozen=True, slots=True)
class StreamTrigger:
    """Runs the step on changes to a stream, optionally one group or one item of it."""

    stream_name: str
    group_id: str | None = None
    item_id: str | None = None
    condition: TriggerCondition | None = None
    type: Literal["stream"] = field(default="stream", init=False)

    def __post_init__(self) -> None:
        _convert.text(self.stream_name, "stream name")
        _convert.optional_text(self.group_id, "stream group_id")
        _convert.optional_text(self.item_id, "stream item_id")
        _condition(self.condition)


Trigger = HttpTrigger | QueueTrigger | CronTrigger | StateTrigger | StreamTrigger

# Motia 1.x's names for the same types.
ApiTrigger = HttpTrigger
ApiRouteMethod = HttpMethod
TriggerConfig = Trigger


def _check_method(method: object) -> None:
    if method in HTTP_METHODS:
        return
    if isinstance(method, str) and method.upper() in HTTP_METHODS:
        raise ValueError(f"HTTP method {method!r} must be upper case: use {method.upper()!r}")
    raise ValueError(f"unknown HTTP method {method!r}; expected one of {', '.join(HTTP_METHODS)}")


def _check_path(path: object) -> None:
    checked = _convert.text(path, "HTTP path")
    if not checked.startswith("/"):
        raise ValueError(f"HTTP path {checked!r} must start with '/': use {'/' + checked!r}")


# -- helpers -------------------------------------------------------------------------------------------


def http(
    method: HttpMethod,
    path: str,
    *,
    body_schema: SchemaInput | None = None,
    response_schema: Mapping[int, SchemaInput] | None = None,
    query_params: Sequence[QueryParam | Mapping[str, Any]] | None = None,
    middleware: Sequence[ApiMiddleware] | None = None,
    condition: TriggerCondition | None = None,
) -> HttpTrigger:
    """An HTTP trigger: `http("POST", "/orders", body_schema=Order)`."""
    return HttpTrigger(
        method=method,
        path=path,
        body_schema=_convert.optional_json_schema(body_schema, "body_schema"),
        response_schema=_responses(response_schema),
        query_params=_query_params(query_params),
        middleware=None if middleware is None else _middleware(middleware),
        condition=condition,
    )


def api(
    method: HttpMethod,
    path: str,
    *,
    body_schema: SchemaInput | None = None,
    response_schema: Mapping[int, SchemaInput] | None = None,
    query_params: Sequence[QueryParam | Mapping[str, Any]] | None = None,
    middleware: Sequence[ApiMiddleware] | None = None,
    condition: TriggerCondition | None = None,
) -> HttpTrigger:
    """Deprecated name of `http`, kept because Motia 1.0 pre-releases used it."""
    warnings.warn("api() is deprecated, use http() instead", DeprecationWarning, stacklevel=2)
    return http(
        method,
        path,
        body_schema=body_schema,
        response_schema=response_schema,
        query_params=query_params,
        middleware=middleware,
        condition=condition,
    )


def queue(
    topic: str,
    *,
    input: SchemaInput | None = None,
    config: QueueConfig | Mapping[str, Any] | None = None,
    condition: TriggerCondition | None = None,
) -> QueueTrigger:
    """A queue trigger: `queue("order.created", input=Order, config=QueueConfig(max_retries=5))`."""
    return QueueTrigger(
        topic=topic,
        input=_convert.optional_json_schema(input, "queue input"),
        config=_queue_config(config),
        condition=condition,
    )


def cron(expression: str, *, condition: TriggerCondition | None = None) -> CronTrigger:
    """A cron trigger: `cron("0 9 * * *")`."""
    return CronTrigger(expression=expression, condition=condition)


def state(*, condition: TriggerCondition | None = None) -> StateTrigger:
    """A state-change trigger."""
    return StateTrigger(condition=condition)


def stream(
    stream_name: str,
    *,
    group_id: str | None = None,
    item_id: str | None = None,
    condition: TriggerCondition | None = None,
) -> StreamTrigger:
    """A stream-change trigger: `stream("messages", group_id="room-1")`."""
    return StreamTrigger(stream_name=stream_name, group_id=group_id, item_id=item_id, condition=condition)


def _responses(value: Mapping[int, SchemaInput] | None) -> dict[int, JsonSchema] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"response_schema must map status codes to schemas, not {type(value).__name__}")
    return {
        status: _convert.json_schema(schema, f"response_schema[{status!r}]")
        for status, schema in value.items()
    }


def _query_params(value: Sequence[QueryParam | Mapping[str, Any]] | None) -> tuple[QueryParam, ...] | None:
    if value is None:
        return None
    return tuple(_query_param(item) for item in _convert.items(value, "query_params"))


def _query_param(item: object) -> QueryParam:
    if isinstance(item, QueryParam):
        return item
    if isinstance(item, Mapping):
        return QueryParam.from_mapping(item)
    raise TypeError(f"a query parameter must be QueryParam(...) or a dict, not {type(item).__name__}")


def _middleware(value: Sequence[ApiMiddleware]) -> tuple[ApiMiddleware, ...]:
    return tuple(_convert.function(item, "each middleware") for item in _convert.items(value, "middleware"))


def _queue_config(value: object) -> QueueConfig | None:
    if value is None or isinstance(value, QueueConfig):
        return value
    if isinstance(value, Mapping):
        return QueueConfig.from_mapping(value)
    raise TypeError(f"queue config must be QueueConfig(...) or a dict, not {type(value).__name__}")


# -- dict triggers ---------------------------------------------------------------------------------------

TRIGGER_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "http": (
        ("method", "method"),
        ("path", "path"),
        ("body_schema", "bodySchema"),
        ("response_schema", "responseSchema"),
        ("query_params", "queryParams"),
        ("middleware", "middleware"),
        ("condition", "condition"),
    ),
    "queue": (("topic", "topic"), ("input", "input"), ("config", "config"), ("condition", "condition")),
    "cron": (("expression", "expression"), ("condition", "condition")),
    "state": (("condition", "condition"),),
    "stream": (
        ("stream_name", "streamName"),
        ("group_id", "groupId"),
        ("item_id", "itemId"),
        ("condition", "condition"),
    ),
}
TRIGGER_POSITIONAL: dict[str, tuple[str, ...]] = {
    "http": ("method", "path"),
    "queue": ("topic",),
    "cron": ("expression",),
    "state": (),
    "stream": ("stream_name",),
}
_HELPERS: dict[str, Callable[..., Trigger]] = {
    "http": http,
    "queue": queue,
    "cron": cron,
    "state": state,
    "stream": stream,
}


def trigger_from_mapping(mapping: Mapping[str, Any]) -> Trigger:
    """A trigger written as a dict, e.g. `{"type": "http", "method": "GET", "path": "/x"}`.

    `type` "api" is accepted as the older name of "http", as the compiler does.
    """
    kind = mapping.get("type")
    kind = "http" if kind == "api" else kind
    if not isinstance(kind, str) or kind not in _HELPERS:
        raise ValueError(f"unknown trigger type {kind!r}; expected one of {', '.join(_HELPERS)}")
    entries = {key: value for key, value in mapping.items() if key != "type"}
    arguments = _convert.keyword_arguments(f"{kind} trigger", entries, TRIGGER_FIELDS[kind])
    _convert.require(f"{kind} trigger", arguments, *TRIGGER_POSITIONAL[kind])
    positional = [arguments.pop(name) for name in TRIGGER_POSITIONAL[kind]]
    return _HELPERS[kind](*positional, **arguments)


def as_trigger(value: object) -> Trigger:
    """A trigger object as it is, or a dict trigger converted."""
    if isinstance(value, HttpTrigger | QueueTrigger | CronTrigger | StateTrigger | StreamTrigger):
        return value
    if isinstance(value, Mapping):
        return trigger_from_mapping(value)
    raise TypeError(
        f"a trigger must be http(...), queue(...), cron(...), state(...), stream(...) or a dict, "
        f"not {type(value).__name__}"
    )
