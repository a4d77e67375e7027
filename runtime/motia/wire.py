"""What goes over the wire: requests in, responses out.

Requests: headers as a lower-case dict (a repeated header's values joined with ", ", as Node does), query
strings and form bodies as dicts (a str per name, a list for a repeated name), bodies read up to a size
limit (checked against Content-Length first, then while the body streams in) and parsed by content type.
Responses: what a handler returned (`{"status", "body", "headers"}` or `ApiResponse`) rendered to status,
headers and bytes, or `InvalidResponse` when it is not a response. `motia.asgi` has the rules in full.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import Receive

from motia.types import ApiResponse

__all__ = [
    "DEFAULT_BODY_LIMIT",
    "JSON_TYPE",
    "Disconnected",
    "HttpError",
    "InvalidResponse",
    "Reply",
    "error_reply",
    "header_dict",
    "json_bytes",
    "parse_body",
    "parse_pairs",
    "parse_size",
    "read_body",
    "render",
]

DEFAULT_BODY_LIMIT = 1024 * 1024

Reply = tuple[int, list[tuple[bytes, bytes]], bytes]
"""Status, headers (without the trace id and CORS headers, which are added on the way out), body."""

JSON_TYPE = b"application/json"
_TEXT = b"text/plain; charset=utf-8"
_BINARY = b"application/octet-stream"
_RESPONSE_KEYS = frozenset({"status", "status_code", "body", "headers"})
_OWN_HEADERS = frozenset({"content-length", "x-trace-id"})
_NO_BODY_STATUSES = frozenset({204, 304})
_SIZE = re.compile(r"\s*(\d+)\s*(b|kb|kib|mb|mib|gb|gib)?\s*", re.IGNORECASE)
_UNITS = {"b": 1, "kb": 1024, "kib": 1024, "mb": 1024**2, "mib": 1024**2, "gb": 1024**3, "gib": 1024**3}


def _json_default(value: object) -> Any:
    dump = getattr(value, "model_dump", None)  # a pydantic model in a response body
    if callable(dump):
        return dump(mode="json")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


_ENCODE = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=_json_default
).encode


def json_bytes(value: Any) -> bytes:
    return _ENCODE(value).encode()


class HttpError(Exception):
    """A request the app answers with an error status before any handler runs."""

    def __init__(
        self, status: int, body: Mapping[str, Any], headers: Iterable[tuple[bytes, bytes]] = ()
    ) -> None:
        super().__init__(body.get("error"))
        self.status, self.body, self.headers = status, body, list(headers)

    def reply(self) -> Reply:
        return self.status, [(b"content-type", JSON_TYPE), *self.headers], json_bytes(self.body)


class Disconnected(Exception):
    """The client went away while its body was being read; there is no one to answer."""


class InvalidResponse(TypeError):
    """A handler returned something that is not a response."""


def parse_size(value: object, default: int = DEFAULT_BODY_LIMIT) -> int:
    """A size in bytes from a setting: an int, or a str such as `"512kb"` / `"1mb"` (None: `default`)."""
    if value is None:
        return default
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str):
        match = _SIZE.fullmatch(value)
        if match:
            return int(match[1]) * _UNITS[(match[2] or "b").lower()]
    raise ValueError(f"body_limit must be a number of bytes or a size like '1mb', not {value!r}")


# -- requests --------------------------------------------------------------------------------------------


def header_dict(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in raw}
    if len(headers) != len(raw):  # a repeated header: join its values, as Node does
        headers = {}
        for name_bytes, value_bytes in raw:
            name, value = name_bytes.decode("latin-1"), value_bytes.decode("latin-1")
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def parse_pairs(text: str) -> dict[str, str | list[str]]:
    params: dict[str, str | list[str]] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        earlier = params.get(name)
        if earlier is None:
            params[name] = value
        elif isinstance(earlier, list):
            earlier.append(value)
        else:
            params[name] = [earlier, value]
    return params


async def read_body(receive: Receive, headers: Mapping[str, str], limit: int) -> bytes:
    declared = headers.get("content-length")
    if declared is not None:
        try:
            length = int(declared)
        except ValueError:
            raise HttpError(400, {"error": "invalid Content-Length header"}) from None
        if length > limit:
            raise _too_large(limit)
        if length == 0 and "transfer-encoding" not in headers:
            return b""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Disconnected
        chunk: bytes = message.get("body", b"")
        more = message.get("more_body", False)
        if not chunks and not more and len(chunk) <= limit:
            return chunk  # the whole body in one message: the usual case
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
        if not more:
            return b"".join(chunks)


def _too_large(limit: int) -> HttpError:
    return HttpError(413, {"error": "request body too large", "limit": limit})


def parse_body(raw: bytes, content_type: str | None, json_only: bool) -> Any:
    if not raw:
        return None
    media = content_type.partition(";")[0].strip().lower() if content_type else ""
    if media == "application/json" or media.endswith("+json"):
        return _parsejson_bytes(raw)
    if not media:
        if json_only:
            return _parsejson_bytes(raw)
        try:
            return json.loads(raw)
        except ValueError:
            try:
                return raw.decode()
            except UnicodeDecodeError:
                return raw
    if json_only:
        raise HttpError(415, {"error": f"unsupported media type {media!r}", "expected": "application/json"})
    if media.startswith("text/"):
        try:
            return raw.decode(_charset(content_type or ""))
        except (UnicodeDecodeError, LookupError):
            raise HttpError(400, {"error": "the body is not valid text in its charset"}) from None
    if media == "application/x-www-form-urlencoded":
        try:
            return parse_pairs(raw.decode())
        except UnicodeDecodeError:
            raise HttpError(400, {"error": "the form body is not valid UTF-8"}) from None
    return raw


def _parsejson_bytes(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError both
        raise HttpError(400, {"error": "invalid JSON", "detail": str(error)}) from None


def _charset(content_type: str) -> str:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return "utf-8"


# -- responses --------------------------------------------------------------------------------------------


def render(result: Any) -> Reply:
    """A handler's return value as status, headers and body; raises `InvalidResponse` for anything that
    is not a response."""
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
    headers, content_type = _responseheader_dict(given) if given else ([], None)
    if status in _NO_BODY_STATUSES or status < 200 or body is None:
        return status, headers, b""
    if isinstance(body, str):
        payload, default_type = body.encode(), _TEXT
    elif isinstance(body, bytes | bytearray | memoryview):
        payload, default_type = bytes(body), _BINARY
    else:
        try:
            payload, default_type = json_bytes(body), JSON_TYPE
        except (TypeError, ValueError) as error:
            raise InvalidResponse(f"the response body is not JSON: {error}") from None
    if content_type is None:
        headers.append((b"content-type", default_type))
    return status, headers, payload


def _responseheader_dict(given: object) -> tuple[list[tuple[bytes, bytes]], bytes | None]:
    if not isinstance(given, Mapping):
        raise InvalidResponse(f"response headers must be a dict, not {type(given).__name__}")
    headers: list[tuple[bytes, bytes]] = []
    content_type = None
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
            encoded = text.encode("latin-1", "replace")
            headers.append((key.encode("latin-1", "replace"), encoded))
            if key == "content-type":
                content_type = encoded
    return headers, content_type


def error_reply(status: int, message: str, **extra: Any) -> Reply:
    return status, [(b"content-type", JSON_TYPE)], json_bytes({"error": message, **extra})
