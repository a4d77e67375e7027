"""Small value types of the Motia 1.x API: queue settings, query parameters, enqueue declarations, HTTP
request and response, and the description of the trigger that fired.

All are frozen: configs are read by the runtime and (statically) by the compiler, and a config that
changed after import would make the two disagree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from motia import _convert

TBody = TypeVar("TBody")

QueueType = Literal["standard", "fifo"]
TriggerType = Literal["http", "queue", "cron", "state", "stream"]

_QUEUE_TYPES: tuple[QueueType, ...] = ("standard", "fifo")
_QUEUE_CONFIG_FIELDS = (
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
        return cls(**_convert.keyword_arguments("queue config", mapping, _QUEUE_CONFIG_FIELDS))


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


@dataclass(frozen=True, slots=True)
class Enqueue:
    """A topic a step may enqueue to; `conditional` marks an edge that is not always taken (drawn dashed)."""

    topic: str
    label: str | None = None
    conditional: bool = False

    def __post_init__(self) -> None:
        _convert.text(self.topic, "enqueue topic")
        _convert.optional_text(self.label, "enqueue label")
        _convert.boolean(self.conditional, "enqueue conditional")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> Enqueue:
        fields = (("topic", "topic"), ("label", "label"), ("conditional", "conditional"))
        arguments = _convert.keyword_arguments("enqueue", mapping, fields, hints={"type": "topic"})
        _convert.require("enqueue", arguments, "topic")
        return cls(**arguments)


@dataclass(frozen=True, slots=True)
class TriggerInfo:
    """Which of a step's triggers fired (`index` into `StepConfig.triggers`) and its identifying details,
    so a multi-trigger handler can tell its callers apart."""

    type: TriggerType
    index: int
    path: str | None = None
    method: str | None = None
    topic: str | None = None
    expression: str | None = None


@dataclass(frozen=True, slots=True)
class ApiResponse(Generic[TBody]):
    """What an HTTP handler returns. Generic in the body so handlers can declare their response shape."""

    status: int = 200
    body: TBody | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _count(self.status, "response status", minimum=100)
        if self.status > 599:
            raise ValueError(f"response status must be an HTTP status code (100-599), not {self.status}")


_REQUEST_KEYS = {
    "pathParams": "path_params",
    "path_params": "path_params",
    "queryParams": "query_params",
    "query_params": "query_params",
    "body": "body",
    "headers": "headers",
}
_REQUEST_ORDER = ("pathParams", "queryParams", "body", "headers")


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiRequest(Mapping[str, Any], Generic[TBody]):
    """The request an HTTP handler receives.

    Handlers in the wild read it three ways: `req.body` (1.x), `req["body"]` / `req.get("pathParams")`
    (classic dict handlers). It is a read-only mapping as well as an object so all of them work; keys may
    be camelCase (as Motia serialises them) or snake_case, and iterate in camelCase.
    """

    path_params: Mapping[str, str] = field(default_factory=dict)
    query_params: Mapping[str, str | list[str]] = field(default_factory=dict)
    body: TBody | None = None
    headers: Mapping[str, str | list[str]] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        name = _REQUEST_KEYS.get(key)
        if name is None:
            raise KeyError(key)
        return getattr(self, name)

    def __iter__(self) -> Iterator[str]:
        return iter(_REQUEST_ORDER)

    def __len__(self) -> int:
        return len(_REQUEST_ORDER)
