"""What an HTTP handler receives and returns (`ApiRequest`, `ApiResponse`), and which trigger fired
(`TriggerInfo`). All are frozen: a handler cannot change what the runtime and other middleware see.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, overload

from motia.types import TBody, TPath, TQuery, TriggerType, TStatus

if TYPE_CHECKING:
    from motia.http_stream import MotiaHttpResponse, RequestBody


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
    method: str
    raw_body: bytes = field(compare=False, repr=False)
    _response: Any = field(compare=False, repr=False)

    def __init__(
        self,
        *,
        path_params: TPath | None = None,
        query_params: TQuery | None = None,
        body: TBody = _NO_BODY,
        headers: Headers | None = None,
        method: str = "",
        raw_body: bytes = b"",
    ) -> None:
        object.__setattr__(self, "path_params", path_params if path_params is not None else {})
        object.__setattr__(self, "query_params", query_params if query_params is not None else {})
        object.__setattr__(self, "body", body)
        object.__setattr__(self, "headers", headers if headers is not None else {})
        object.__setattr__(self, "method", method)
        object.__setattr__(self, "raw_body", raw_body)
        object.__setattr__(self, "_response", None)

    # -- Motia 1.x's `MotiaHttpArgs` shape: `args.request` (this request) and `args.response`
    @property
    def request(self) -> ApiRequest[TBody, TPath, TQuery]:
        return self

    @property
    def request_body(self) -> RequestBody:
        """The raw body (`request_body.stream` iterates it), as Motia's streaming handlers read it."""
        from motia.http_stream import RequestBody  # noqa: PLC0415 (only streaming handlers need it)

        return RequestBody(self.raw_body)

    @property
    def response(self) -> MotiaHttpResponse:
        """The response to write as it goes (`motia.http_stream`); a handler that uses it returns None."""
        if self._response is None:
            import asyncio  # noqa: PLC0415 (`import motia` stays cheap for code that only declares)

            from motia.context import current_context  # noqa: PLC0415 (made for streaming handlers only)
            from motia.http_stream import MotiaHttpResponse  # noqa: PLC0415

            ctx = current_context.get()
            loop = ctx._loop if ctx is not None else None
            object.__setattr__(self, "_response", MotiaHttpResponse(loop or asyncio.get_running_loop()))
        response: MotiaHttpResponse = self._response
        return response

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


# Motia 1.x's names for what a streaming HTTP handler receives: the request is its own `.request` and
# carries the `.response` to write to. For type checkers the same type; at run time `MotiaHttpArgs` is a
# marker subclass, so an annotation naming it tells the server to send chunks as they are written.
if TYPE_CHECKING:
    MotiaHttpArgs = ApiRequest
else:

    class MotiaHttpArgs(ApiRequest):
        __slots__ = ()


MotiaHttpRequest = ApiRequest
