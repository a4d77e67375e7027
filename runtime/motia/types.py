"""Small value types of the Motia 1.x API: queue settings, query parameters, enqueue declarations, HTTP
request and response, and the description of the trigger that fired.

All are frozen: configs are read by the runtime and (statically) by the compiler, and a config that
changed after import would make the two disagree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeAlias, overload

from typing_extensions import TypeVar

from motia import _convert

# Defaults keep the plain spellings meaning what they did: `ApiRequest` is `ApiRequest[Any, ...]`.
TBody = TypeVar("TBody", default=Any)
TStatus = TypeVar("TStatus", bound=int, default=int)
TPath = TypeVar("TPath", default=Mapping[str, str])
TQuery = TypeVar("TQuery", default=Mapping[str, str | list[str]])

JsonValue: TypeAlias = Mapping[str, object] | Sequence[object] | str | int | float | bool | None
"""A JSON value: the type of a payload no subscriber describes. Containers are read-only and hold
`object`, so TypedDicts and `dict[str, int]` are JSON values too (mypy treats a TypedDict as a
`Mapping[str, object]` and nothing narrower)."""

QueueType = Literal["standard", "fifo"]
TriggerType = Literal["http", "queue", "cron", "state", "stream"]

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


# Defaults of generic parameters: typed Any because a literal cannot have the type of a type variable.
_OK: Any = 200
_NO_BODY: Any = None


@dataclass(frozen=True, slots=True, init=False)
class ApiResponse(Generic[TBody, TStatus]):
    """What an HTTP handler returns. Generic in the body and the status, so generated step types can say
    which statuses a step declares: `ApiResponse[Order | Error, Literal[201, 404]]`."""

    status: TStatus
    body: TBody
    headers: Mapping[str, str]

    def __init__(
        self, status: TStatus = _OK, body: TBody = _NO_BODY, headers: Mapping[str, str] | None = None
    ) -> None:
        if isinstance(status, bool) or not isinstance(status, int):
            raise TypeError(f"response status must be an integer, not {type(status).__name__}")
        if not 100 <= status <= 599:
            raise ValueError(f"response status must be an HTTP status code (100-599), not {status}")
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "body", body)
        object.__setattr__(self, "headers", dict(headers or {}))


_REQUEST_KEYS = {
    "pathParams": "path_params",
    "path_params": "path_params",
    "queryParams": "query_params",
    "query_params": "query_params",
    "body": "body",
    "headers": "headers",
}
_REQUEST_ORDER = ("pathParams", "queryParams", "body", "headers")
Headers = Mapping[str, str | list[str]]
PathKey = Literal["pathParams", "path_params"]
QueryKey = Literal["queryParams", "query_params"]


@dataclass(frozen=True, slots=True, init=False)
class ApiRequest(Mapping[str, Any], Generic[TBody, TPath, TQuery]):
    """The request an HTTP handler receives.

    Handlers in the wild read it three ways: `req.body` (1.x), `req["body"]` / `req.get("pathParams")`
    (classic dict handlers). It is a read-only mapping as well as an object so all of them work; keys may
    be camelCase (as Motia serialises them) or snake_case, and iterate in camelCase. Both ways are typed:
    generated step types fill in the body, path parameters and query parameters, and the overloads of
    `__getitem__` and `get` carry them to the dict spellings.
    """

    path_params: TPath
    query_params: TQuery
    body: TBody
    headers: Headers

    def __init__(
        self,
        *,
        path_params: TPath | None = None,
        query_params: TQuery | None = None,
        body: TBody = _NO_BODY,
        headers: Headers | None = None,
    ) -> None:
        object.__setattr__(self, "path_params", path_params if path_params is not None else {})
        object.__setattr__(self, "query_params", query_params if query_params is not None else {})
        object.__setattr__(self, "body", body)
        object.__setattr__(self, "headers", headers if headers is not None else {})

    @overload
    def __getitem__(self, key: Literal["body"]) -> TBody: ...
    @overload
    def __getitem__(self, key: PathKey) -> TPath: ...
    @overload
    def __getitem__(self, key: QueryKey) -> TQuery: ...
    @overload
    def __getitem__(self, key: Literal["headers"]) -> Headers: ...
    @overload
    def __getitem__(self, key: str) -> Any: ...
    def __getitem__(self, key: str) -> Any:
        name = _REQUEST_KEYS.get(key)
        if name is None:
            raise KeyError(key)
        return getattr(self, name)

    @overload
    def get(self, key: Literal["body"], default: object = None) -> TBody: ...
    @overload
    def get(self, key: PathKey, default: object = None) -> TPath: ...
    @overload
    def get(self, key: QueryKey, default: object = None) -> TQuery: ...
    @overload
    def get(self, key: Literal["headers"], default: object = None) -> Headers: ...
    @overload
    def get(self, key: str, default: Any = None) -> Any: ...
    def get(self, key: str, default: Any = None) -> Any:
        """Every request key is always present, so the default is never used for them."""
        name = _REQUEST_KEYS.get(key)
        return default if name is None else getattr(self, name)

    def __iter__(self) -> Iterator[str]:
        return iter(_REQUEST_ORDER)

    def __len__(self) -> int:
        return len(_REQUEST_ORDER)
