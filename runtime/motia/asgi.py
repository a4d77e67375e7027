"""HTTP: the ASGI app that serves an app's routes, `/emit` and `/__motia/health`.

    app = HttpApp(Runtime(spec, backend))   # any ASGI server; its lifespan starts and stops the runtime

(Not called `http`: `motia.http` is the trigger helper step files import, and a submodule of that name
would replace it on the package once imported.)

Routing: paths without parameters are found by one dict lookup, the others by the route's precompiled
pattern (tried in the spec's order, after every static path). A trailing slash is ignored, as in Express.
An unknown path is 404; a known path with another method is 405 with an `Allow` header; `HEAD` is served
by a `GET` route without the body.

The request a handler gets is a `motia.types.ApiRequest` (`req.body`, `req["pathParams"]`, ...):

* `path_params` from the path, URL-decoded; `query_params`: a str per name, a list of str for a name given
  more than once; `headers`: lower-case names, repeated headers joined with ", ".
* `body` by content type: JSON (`application/json`, `*+json`) parsed, invalid JSON is 400
  `{"error": "invalid JSON", "detail": ...}`; `text/*` a str; form-urlencoded a dict like the query;
  anything else bytes; no content type: JSON when it parses, else text (bytes when not UTF-8); an empty
  body is None. A route with a body schema takes JSON only: another declared content type is 415 (a
  missing one is read as JSON), and a body that fails the schema is 400
  `{"error": "invalid request body", "errors": [{"path", "message"}, ...]}` without running the handler.
* Bodies over `settings["body_limit"]` bytes (default 1 MiB; `"512kb"`-style strings work too) are 413,
  checked against Content-Length before reading and again while the body streams in.

Per request, in order: the route's `condition(req, ctx)` (false: 422 `{"error": "Request condition not
met", "skipped": true}`, as Motia's engine answers), the middleware (first element outermost, each
`(req, ctx, next)`, sync or async; `await next()` runs the rest and returns the handler's response, and
`next(request)` passes a different request on; a middleware may answer by itself), the body schema, then
the handler. Handlers return `{"status", "body", "headers"}` or an `ApiResponse` (status 200 unless
given): a str body is sent raw as text/plain, bytes as application/octet-stream (unless the headers name a
content type), None as an empty body, anything else as JSON. Anything else returned is a bug in the
handler and gives 500, as does an exception, with `{"error": "Internal Server Error", "traceId": ...}` and
the stack in the log, never in the response.

Every response carries `X-Trace-Id`. CORS (`settings["cors_origins"]`): absent, empty (what `motia build`
writes when the project sets nothing), `"*"` or a list holding `"*"` allows every origin (Motia's
default); a list allows those origins; `False` turns CORS off.
With CORS on, `OPTIONS` (a preflight) is answered 204 unless the app declares that `OPTIONS` route.

`POST /emit` (`{"topic", "data", "messageGroupId"?}` → `{"success": true, "emitted": {"topic", "data"}}`)
is on unless `settings["emit_endpoint"]` is False, or the environment has `MOTIA_ENV=production` and the
setting is not True. An app route with the same method and path takes precedence over these system routes.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import Message, Receive, Scope, Send

from motia.context import current_enqueuer
from motia.flow import FlowContext
from motia.queue_engine import new_trace_id
from motia.runtime import Runtime, StepRunner, resolve
from motia.spec import Function, RouteSpec, call_args
from motia.types import ApiRequest, ApiResponse, TriggerInfo
from motia.validation import InvalidData

__all__ = [
    "DEFAULT_BODY_LIMIT",
    "HEALTH_PATH",
    "HttpApp",
    "HttpError",
    "parse_size",
    "route_pattern",
]

DEFAULT_BODY_LIMIT = 1024 * 1024
HEALTH_PATH = "/__motia/health"
EMIT_PATH = "/emit"
TRACE_HEADER = b"x-trace-id"

log = logging.getLogger("motia.http")

Reply = tuple[int, list[tuple[bytes, bytes]], bytes]
"""Status, headers (without the trace id and CORS headers, which are added on the way out), body."""

_JSON = b"application/json"
_TEXT = b"text/plain; charset=utf-8"
_BINARY = b"application/octet-stream"
_RESPONSE_KEYS = frozenset({"status", "status_code", "body", "headers"})
_OWN_HEADERS = frozenset({"content-length", "x-trace-id"})
_NO_BODY_STATUSES = frozenset({204, 304})
_PREFLIGHT_METHODS = b"GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS"
_SIZE = re.compile(r"\s*(\d+)\s*(b|kb|kib|mb|mib|gb|gib)?\s*", re.IGNORECASE)
_UNITS = {"b": 1, "kb": 1024, "kib": 1024, "mb": 1024**2, "mib": 1024**2, "gb": 1024**3, "gib": 1024**3}
_PARAM = re.compile(r":([A-Za-z_][A-Za-z0-9_]*)")


def _json_default(value: object) -> Any:
    dump = getattr(value, "model_dump", None)  # a pydantic model in a response body
    if callable(dump):
        return dump(mode="json")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


_ENCODE = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=_json_default
).encode


def _json(value: Any) -> bytes:
    return _ENCODE(value).encode()


class HttpError(Exception):
    """A request the app answers with an error status before any handler runs."""

    def __init__(
        self, status: int, body: Mapping[str, Any], headers: Iterable[tuple[bytes, bytes]] = ()
    ) -> None:
        super().__init__(body.get("error"))
        self.status, self.body, self.headers = status, body, list(headers)

    def reply(self) -> Reply:
        return self.status, [(b"content-type", _JSON), *self.headers], _json(self.body)


class _Disconnected(Exception):
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


def route_pattern(path: str) -> tuple[re.Pattern[str] | None, tuple[str, ...]]:
    """The matcher for a Motia path (`/pets/:id`): None for a path without parameters, else a regex whose
    named groups are the parameters. For specs built by hand; the compiler writes these out."""
    params = tuple(_PARAM.findall(path))
    if not params:
        return None, ()
    parts = _PARAM.split(path)  # literal, name, literal, name, ..., literal
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^/]+)" for index, part in enumerate(parts)
    )
    return re.compile(regex), params


# -- request parsing --------------------------------------------------------------------------------------


def _headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in raw}
    if len(headers) != len(raw):  # a repeated header: join its values, as Node does
        headers = {}
        for name_bytes, value_bytes in raw:
            name, value = name_bytes.decode("latin-1"), value_bytes.decode("latin-1")
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def _pairs(text: str) -> dict[str, str | list[str]]:
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


async def _read_body(receive: Receive, headers: Mapping[str, str], limit: int) -> bytes:
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
            raise _Disconnected
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


def _parse_body(raw: bytes, content_type: str | None, json_only: bool) -> Any:
    if not raw:
        return None
    media = content_type.partition(";")[0].strip().lower() if content_type else ""
    if media == "application/json" or media.endswith("+json"):
        return _parse_json(raw)
    if not media:
        if json_only:
            return _parse_json(raw)
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
            return _pairs(raw.decode())
        except UnicodeDecodeError:
            raise HttpError(400, {"error": "the form body is not valid UTF-8"}) from None
    return raw


def _parse_json(raw: bytes) -> Any:
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
    headers, content_type = _response_headers(given) if given else ([], None)
    if status in _NO_BODY_STATUSES or status < 200 or body is None:
        return status, headers, b""
    if isinstance(body, str):
        payload, default_type = body.encode(), _TEXT
    elif isinstance(body, bytes | bytearray | memoryview):
        payload, default_type = bytes(body), _BINARY
    else:
        try:
            payload, default_type = _json(body), _JSON
        except (TypeError, ValueError) as error:
            raise InvalidResponse(f"the response body is not JSON: {error}") from None
    if content_type is None:
        headers.append((b"content-type", default_type))
    return status, headers, payload


def _response_headers(given: object) -> tuple[list[tuple[bytes, bytes]], bytes | None]:
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


def _error(status: int, message: str, **extra: Any) -> Reply:
    return status, [(b"content-type", _JSON)], _json({"error": message, **extra})


# -- CORS -------------------------------------------------------------------------------------------------


class Cors:
    """Which origins may call the app: every one (`allow_all`), a list, or none (`enabled` False)."""

    __slots__ = ("allow_all", "enabled", "origins")

    def __init__(self, setting: object) -> None:
        if setting is None or setting == "*" or setting is True or setting == []:
            origins: frozenset[str] = frozenset({"*"})
        elif setting is False:
            origins = frozenset()
        elif isinstance(setting, list | tuple) and all(isinstance(item, str) for item in setting):
            origins = frozenset(setting)
        else:
            raise ValueError(f"cors_origins must be '*', a list of origins or false, not {setting!r}")
        self.enabled = bool(origins)
        self.allow_all = "*" in origins
        self.origins = origins

    def allowed(self, scope: Scope) -> bytes | None:
        """The `Access-Control-Allow-Origin` value for this request, or None."""
        if self.allow_all:
            return b"*"
        if self.enabled:
            for name, value in scope["headers"]:
                if name == b"origin":
                    return value if value.decode("latin-1") in self.origins else None
        return None

    def preflight(self, scope: Scope) -> Reply:
        origin = self.allowed(scope)
        if origin is None:
            return _error(403, "CORS origin not allowed")
        requested = next((v for n, v in scope["headers"] if n == b"access-control-request-headers"), b"*")
        headers = [
            (b"access-control-allow-methods", _PREFLIGHT_METHODS),
            (b"access-control-allow-headers", requested),
            (b"access-control-max-age", b"600"),
        ]
        return 204, headers, b""


# -- endpoints --------------------------------------------------------------------------------------------

Endpoint = Callable[[Scope, Receive, dict[str, str] | None, str], Awaitable[Reply]]


class RouteEndpoint:
    """One http trigger of a step: parses the request, runs condition, middleware, body check, handler."""

    __slots__ = (
        "body_limit",
        "condition",
        "json_only",
        "middleware",
        "route",
        "runner",
        "trigger",
        "validate",
    )

    def __init__(self, route: RouteSpec, runner: StepRunner, body_limit: int) -> None:
        self.route, self.runner, self.body_limit = route, runner, body_limit
        self.trigger = TriggerInfo("http", route.index, path=route.path, method=route.method)
        self.validate = route.body
        self.json_only = route.body is not None
        self.condition = route.condition
        self.middleware: tuple[Function, ...] = route.middleware

    async def __call__(
        self, scope: Scope, receive: Receive, params: dict[str, str] | None, trace: str
    ) -> Reply:
        headers = _headers(scope["headers"])
        query = scope["query_string"]
        if (
            scope["method"] in ("GET", "HEAD")
            and "content-length" not in headers
            and ("transfer-encoding" not in headers)
        ):
            body = None
        else:
            raw = await _read_body(receive, headers, self.body_limit)
            body = _parse_body(raw, headers.get("content-type"), self.json_only)
        request: ApiRequest[Any, Any, Any] = ApiRequest(
            path_params=params if params is not None else {},
            query_params=_pairs(query.decode("latin-1")) if query else {},
            body=body,
            headers=headers,
        )
        runner = self.runner
        ctx = runner.context(trace, self.trigger)
        token = current_enqueuer.set(ctx._enqueuer)
        try:
            if self.condition is not None and not await resolve(self.condition(request, ctx)):
                return _error(422, "Request condition not met", skipped=True)
            if self.middleware:
                result = await self._through(0, request, ctx)
            else:
                result = await self._handle(request, ctx)
        finally:
            current_enqueuer.reset(token)
        return render(result)

    async def _through(self, index: int, request: Any, ctx: FlowContext[Any, Any]) -> Any:
        if index == len(self.middleware):
            return await self._handle(request, ctx)

        async def next_(replacement: Any = None) -> Any:
            return await self._through(index + 1, request if replacement is None else replacement, ctx)

        return await resolve(self.middleware[index](request, ctx, next_))

    async def _handle(self, request: Any, ctx: FlowContext[Any, Any]) -> Any:
        if self.validate is not None:
            try:
                self.validate(request["body"])
            except InvalidData as error:
                return {"status": 400, "body": {"error": "invalid request body", "errors": error.issues}}
        return await self.runner.invoke(call_args(self.runner.step, "http", request, ctx))


class HttpApp:
    """The ASGI app of a `Runtime`. With `lifespan=True` (the default) the server's lifespan events start
    and stop the runtime; the test harness starts it itself."""

    def __init__(self, runtime: Runtime, *, lifespan: bool = True) -> None:
        self.runtime = runtime
        self.lifespan = lifespan
        settings = runtime.spec.settings
        self.body_limit = parse_size(settings.get("body_limit"))
        self.cors = Cors(settings.get("cors_origins"))
        self._cors_all = [
            (b"access-control-allow-origin", b"*"),
            (b"access-control-expose-headers", b"x-trace-id"),
        ]
        self.static: dict[str, dict[str, Endpoint]] = {}
        self.dynamic: list[tuple[re.Pattern[str], dict[str, Endpoint]]] = []
        self._system_routes(settings.get("emit_endpoint"))
        by_pattern: dict[str, dict[str, Endpoint]] = {}
        for route in runtime.spec.routes:
            endpoint = RouteEndpoint(route, runtime.runner(route.step), self.body_limit)
            path = _normal_path(route.path)
            pattern = route.pattern
            if pattern is None and ":" in path:
                pattern = route_pattern(path)[0]
            if pattern is None:
                self.static.setdefault(path, {})[route.method.upper()] = endpoint
            else:
                methods = by_pattern.get(pattern.pattern)
                if methods is None:
                    methods = by_pattern[pattern.pattern] = {}
                    self.dynamic.append((pattern, methods))
                methods[route.method.upper()] = endpoint

    def _system_routes(self, emit_setting: object) -> None:
        self.static[HEALTH_PATH] = {"GET": self._health}
        if emit_setting is True or (emit_setting is None and os.environ.get("MOTIA_ENV") != "production"):
            self.static[EMIT_PATH] = {"POST": self._emit}
        elif emit_setting not in (None, False):
            raise ValueError(f"emit_endpoint must be true or false, not {emit_setting!r}")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)
        else:  # websockets: streams are not served here yet
            await send({"type": "websocket.close", "code": 1000})

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        method: str = scope["method"]
        path: str = scope["path"]
        trace = new_trace_id()
        head = False
        try:
            methods = self.static.get(path)
            params = None
            if methods is None:
                methods, params = self._match(path, method)
            endpoint = methods.get(method) if methods is not None else None
            if endpoint is None:
                if method == "HEAD" and methods is not None and "GET" in methods:
                    endpoint, head = methods["GET"], True
                elif method == "OPTIONS" and self.cors.enabled:
                    reply = self.cors.preflight(scope)
                elif methods is not None:
                    reply = _error(405, "Method Not Allowed")
                    reply[1].append((b"allow", self._allow(methods)))
                else:
                    reply = _error(404, "Not Found")
            if endpoint is not None:
                reply = await endpoint(scope, receive, params, trace)
        except HttpError as error:
            reply = error.reply()
        except _Disconnected:
            return
        except InvalidResponse as error:
            log.error("%s %s: %s [trace %s]", method, path, error, trace)
            reply = _error(500, "Internal Server Error", traceId=trace)
        except Exception as error:
            log.error("%s %s failed [trace %s]", method, path, trace, exc_info=error)
            reply = _error(500, "Internal Server Error", traceId=trace)
        status, headers, body = reply
        headers.append((b"content-length", str(len(body)).encode()))
        headers.append((TRACE_HEADER, trace.encode()))
        if self.cors.allow_all:
            headers.extend(self._cors_all)
        elif self.cors.enabled:
            origin = self.cors.allowed(scope)
            if origin is not None:
                headers += [(b"access-control-allow-origin", origin), (b"vary", b"Origin")]
                headers.append((b"access-control-expose-headers", b"x-trace-id"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else body})

    def _match(self, path: str, method: str) -> tuple[dict[str, Endpoint] | None, dict[str, str] | None]:
        """The methods of the first dynamic path that matches and serves `method` (or `GET`, for a
        `HEAD`), with its parameters; when none serves it, every matching path's methods (for 405)."""
        if len(path) > 1 and path.endswith("/"):
            path = path.rstrip("/") or "/"
            methods = self.static.get(path)
            if methods is not None:
                return methods, None
        found: dict[str, Endpoint] | None = None
        found_params = None
        for pattern, methods in self.dynamic:
            match = pattern.fullmatch(path)
            if match is not None:
                if method in methods or (method == "HEAD" and "GET" in methods):
                    return methods, match.groupdict()
                if found is None:
                    found, found_params = dict(methods), match.groupdict()
                else:
                    found.update(methods)
        return found, found_params

    def _allow(self, methods: Mapping[str, Endpoint]) -> bytes:
        allowed = set(methods)
        if "GET" in allowed:
            allowed.add("HEAD")
        if self.cors.enabled:
            allowed.add("OPTIONS")
        return ", ".join(sorted(allowed)).encode()

    # -- system routes
    async def _health(self, scope: Scope, receive: Receive, params: object, trace: str) -> Reply:
        return 200, [(b"content-type", _JSON)], _json({"status": "ok", "running": self.runtime.started})

    async def _emit(self, scope: Scope, receive: Receive, params: object, trace: str) -> Reply:
        headers = _headers(scope["headers"])
        message = _parse_body(
            await _read_body(receive, headers, self.body_limit), headers.get("content-type"), True
        )
        expected = 'expected a JSON object {"topic": string, "data": any, "messageGroupId"?: string}'
        if not isinstance(message, dict):
            return _error(400, expected)
        topic, data, group_id = message.get("topic"), message.get("data"), message.get("messageGroupId")
        if not isinstance(topic, str) or not topic:
            return _error(400, f"'topic' must be a non-empty string; {expected}")
        if group_id is not None and not isinstance(group_id, str):
            return _error(400, f"'messageGroupId' must be a string; {expected}")
        await self.runtime.emit(topic, data, trace_id=trace, group_id=group_id)
        return (
            200,
            [(b"content-type", _JSON)],
            _json({"success": True, "emitted": {"topic": topic, "data": data}}),
        )

    # -- lifespan
    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message: Message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    if self.lifespan:
                        await self.runtime.start()
                except Exception as error:
                    log.exception("the runtime failed to start")
                    await send({"type": "lifespan.startup.failed", "message": str(error)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                try:
                    if self.lifespan:
                        await self.runtime.stop()
                except Exception as error:
                    log.exception("the runtime failed to stop")
                    await send({"type": "lifespan.shutdown.failed", "message": str(error)})
                    return
                await send({"type": "lifespan.shutdown.complete"})
                return


def _normal_path(path: str) -> str:
    path = path if path.startswith("/") else f"/{path}"
    return path.rstrip("/") or "/"
