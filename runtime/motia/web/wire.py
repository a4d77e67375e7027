"""What goes over the wire: requests in, Starlette responses out.

Requests: headers as a lower-case dict (a repeated header's values joined with ", ", as Node does), query
strings and form bodies through Starlette's `QueryParams` as dicts (a str per name, a list for a repeated
name), bodies read from `Request.stream()` up to a size limit (checked against Content-Length first, then
while the body streams in) and parsed by content type. Responses: what a handler returned (`{"status",
"body", "headers"}` or `ApiResponse`) as a `starlette.responses.Response`, or `InvalidResponse` when it is
not a response. `motia.web.app` has the rules in full.

The header dict is decoded from the ASGI scope in one comprehension, as Starlette's `Headers.items()`
does; going through `Request.headers` first would cost a sixth of a whole plain Starlette request.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from contextlib import aclosing
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

from starlette.datastructures import Headers, ImmutableMultiDict, QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from motia.request import ApiResponse
from motia.web.watchdog import Watchdog

__all__ = [
    "HttpError",
    "InvalidResponse",
    "error_response",
    "header_dict",
    "json_bytes",
    "json_response",
    "multi_dict",
    "parse_body",
    "read_body",
    "render",
]

JSON_TYPE = "application/json"
_TEXT = "text/plain"  # Starlette adds "; charset=utf-8"
_BINARY = "application/octet-stream"
_RESPONSE_KEYS = frozenset({"status", "status_code", "body", "headers"})
_OWN_HEADERS = frozenset({"content-length", "x-trace-id"})


def _json_default(value: object) -> Any:
    dump = getattr(value, "model_dump", None)  # a pydantic model in a response body
    if callable(dump):
        return dump(mode="json")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


if c_make_encoder is not None:
    # The C encoder `json.dumps` builds on every call, built once: compact, UTF-8 kept, NaN refused, no
    # check for cycles (a cyclic value fails with RecursionError instead).
    _ITERENCODE = c_make_encoder(None, _json_default, encode_basestring, None, ":", ",", False, False, False)

    def json_bytes(value: Any) -> bytes:
        return "".join(_ITERENCODE(value, 0)).encode()

else:  # pragma: no cover (Python without the json C accelerator)
    _ENCODE = json.JSONEncoder(
        ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=_json_default
    ).encode

    def json_bytes(value: Any) -> bytes:
        return _ENCODE(value).encode()


def json_response(value: Any, status: int = 200) -> Response:
    return Response(json_bytes(value), status, media_type=JSON_TYPE)


def error_response(status: int, message: str, **extra: Any) -> Response:
    return json_response({"error": message, **extra}, status)


def cross_origin(scope: Scope) -> bool:
    """Whether the request comes from a page of another origin: an `Origin` header whose host is not the
    one the request was sent to. (Browsers send `Origin` on every cross-origin request.)"""
    origin: str | None = None
    host: str | None = None
    for name, value in scope["headers"]:
        if name == b"origin":
            origin = value.decode("latin-1")
        elif name == b"host":
            host = value.decode("latin-1")
    if origin is None:
        return False
    return bool(origin.partition("://")[2].rstrip("/") != (host or ""))


def refuse_cross_origin() -> Response:
    return error_response(403, "the runtime's own endpoints do not serve other origins")


class HttpError(Exception):
    """A request the app answers with an error status before any handler runs."""

    def __init__(self, status: int, body: Mapping[str, Any]) -> None:
        super().__init__(body.get("error"))
        self.status, self.body = status, body

    def response(self) -> Response:
        return json_response(self.body, self.status)


class InvalidResponse(TypeError):
    """A handler returned something that is not a response."""


# -- requests --------------------------------------------------------------------------------------------


def header_dict(scope: Scope) -> dict[str, str]:
    """The request's headers by lower-case name; a repeated header's values joined with ", "."""
    raw = scope["headers"]
    headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in raw}
    if len(headers) != len(raw):  # a repeated header: join its values, as Node does
        getlist = Headers(raw=raw).getlist
        headers = {name: ", ".join(getlist(name)) for name in headers}
    return headers


def multi_dict(params: ImmutableMultiDict[str, str]) -> dict[str, str | list[str]]:
    """Query or form parameters: a str per name, a list of str for a name given more than once."""
    items = params.multi_items()
    single: dict[str, str | list[str]] = dict(items)
    if len(single) != len(items):
        for name in single:
            values = params.getlist(name)
            if len(values) > 1:
                single[name] = values
    return single


async def read_body(request: Request, headers: Mapping[str, str], limit: int, watchdog: Watchdog) -> bytes:
    """The request's body, at most `limit` bytes (413 past it) and within the watchdog's time (the app's
    `http_timeout`): a client that sends its body byte by byte gets 408 instead of holding the connection.
    The app's one watchdog keeps the time, so a body costs no timer of its own."""
    declared = headers.get("content-length")
    if declared is not None:
        try:
            length = int(declared)
        except ValueError:
            raise HttpError(400, {"error": "invalid Content-Length header"}) from None
        if length > limit:
            raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    task = watchdog.enter()
    try:
        async with aclosing(request.stream()) as stream:
            async for chunk in stream:
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                chunks.append(chunk)
    except asyncio.CancelledError:
        if task not in watchdog.expired:
            raise  # the server is stopping or the client went away
        task.uncancel()
        late = {"error": "the request body did not arrive in time", "timeoutSeconds": watchdog.seconds}
        raise HttpError(408, late) from None
    finally:
        watchdog.leave(task)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _too_large(limit: int) -> HttpError:
    return HttpError(413, {"error": "request body too large", "limit": limit})


def parse_body(raw: bytes, content_type: str | None, json_only: bool) -> Any:
    if not raw:
        return None
    media = content_type.partition(";")[0].strip().lower() if content_type else ""
    if media == "application/json" or media.endswith("+json"):
        return _parse_json(raw)
    if not media:
        if json_only:
            return _parse_json(raw)
        try:
            return loads(raw)
        except ValueError:
            try:
                return raw.decode()
            except UnicodeDecodeError:
                return raw
    if json_only:
        raise HttpError(415, {"error": f"unsupported media type {media!r}", "expected": JSON_TYPE})
    if media.startswith("text/"):
        try:
            return raw.decode(_charset(content_type or ""))
        except (UnicodeDecodeError, LookupError):
            raise HttpError(400, {"error": "the body is not valid text in its charset"}) from None
    if media == "application/x-www-form-urlencoded":
        try:
            return multi_dict(QueryParams(raw.decode()))
        except UnicodeDecodeError:
            raise HttpError(400, {"error": "the form body is not valid UTF-8"}) from None
    return raw


def _parse_json(raw: bytes) -> Any:
    try:
        return loads(raw)
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError and the limits below
        raise HttpError(400, {"error": "invalid JSON", "detail": str(error)}) from None


MAX_JSON_DEPTH = 100
"""How deeply a request's JSON may nest. Deeper bodies are refused before any validator or handler walks
them (a recursive walk of a 100,000-deep list would exhaust the stack)."""


def loads(raw: bytes) -> Any:
    """Strict JSON: `NaN` and `Infinity` are refused (they are not JSON, and no client can read them back),
    and so is nesting deeper than `MAX_JSON_DEPTH`; both raise ValueError."""
    try:
        value = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels") from None
    opened = raw.count(b"[" if isinstance(raw, bytes) else "[") + raw.count(
        b"{" if isinstance(raw, bytes) else "{"
    )
    if opened > MAX_JSON_DEPTH and _too_deep(value):  # only bodies with that many brackets can be too deep
        raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels")
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _too_deep(value: Any) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > MAX_JSON_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _charset(content_type: str) -> str:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return "utf-8"


# -- responses --------------------------------------------------------------------------------------------


def render(result: Any) -> Response:
    """A handler's return value as a response; raises `InvalidResponse` for anything that is not one."""
    if type(result) is not dict and isinstance(result, ApiResponse):
        status, body, given = result.status, result.body, result.headers
    else:
        if type(result) is not dict and not isinstance(result, Mapping):
            dump = getattr(result, "model_dump", None)
            if result is None or not callable(dump):
                raise InvalidResponse(
                    f"a handler must return {{'status', 'body', 'headers'}} or ApiResponse, "
                    f"not {type(result).__name__}"
                )
            result = dump()
        if not result.keys() <= _RESPONSE_KEYS:
            unknown = [key for key in result if key not in _RESPONSE_KEYS]
            raise InvalidResponse(
                f"the response has unexpected keys {sorted(map(str, unknown))}; "
                f"expected status, body and headers"
            )
        status = result.get("status", result.get("status_code", 200))
        body, given = result.get("body"), result.get("headers")
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            raise InvalidResponse(f"the response status must be an int from 100 to 599, not {status!r}")
    headers, typed = _response_headers(given) if given else (None, False)
    if body is None or status < 200 or status in (204, 304):
        payload, media_type = b"", None
    elif isinstance(body, str):
        payload, media_type = body.encode(), _TEXT
    elif isinstance(body, bytes | bytearray | memoryview):
        payload, media_type = bytes(body), _BINARY
    else:
        try:
            payload, media_type = json_bytes(body), JSON_TYPE
        except (TypeError, ValueError, RecursionError) as error:
            raise InvalidResponse(f"the response body is not JSON: {error}") from None
    response = Response(payload, status, media_type=None if typed else media_type)
    if headers:
        response.raw_headers += headers
    return response


def _response_headers(given: object) -> tuple[list[tuple[bytes, bytes]], bool]:
    """The handler's headers as raw pairs (a list value gives the header once per item), and whether
    they name a content type."""
    if not isinstance(given, Mapping):
        raise InvalidResponse(f"response headers must be a dict, not {type(given).__name__}")
    headers: list[tuple[bytes, bytes]] = []
    typed = False
    for name, value in given.items():
        if not isinstance(name, str) or not name:
            raise InvalidResponse(f"a response header name must be a non-empty str, not {name!r}")
        key = name.lower()
        if key in _OWN_HEADERS:
            continue
        for item in value if isinstance(value, list | tuple) else (value,):
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                raise InvalidResponse(f"response header {name!r} must be a str, not {type(item).__name__}")
            text = str(item)
            if "\r" in text or "\n" in text:
                raise InvalidResponse(f"response header {name!r} contains a line break")
            headers.append((key.encode("latin-1", "replace"), text.encode("latin-1", "replace")))
            typed = typed or key == "content-type"
    return headers, typed
