"""HTTP: the ASGI app that serves an app's routes, `/emit` and `/__motia/health`.

    app = HttpApp(Runtime(spec, backend))   # any ASGI server; its lifespan starts and stops the runtime

(Not called `http`: `motia.http` is the trigger helper step files import, and a submodule of that name
would replace it on the package once imported. Request parsing and response rendering live in
`motia.wire`, CORS in `motia.cors`.)

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

import logging
import os
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from motia.context import current_enqueuer
from motia.cors import Cors
from motia.flow import FlowContext
from motia.logging import extra
from motia.queue_engine import new_trace_id
from motia.runtime import Runtime, StepRunner, resolve
from motia.spec import Function, RouteSpec, call_args
from motia.types import ApiRequest, TriggerInfo
from motia.validation import InvalidData
from motia.wire import (
    DEFAULT_BODY_LIMIT,
    JSON_TYPE,
    Disconnected,
    HttpError,
    InvalidResponse,
    Reply,
    error_reply,
    header_dict,
    json_bytes,
    parse_body,
    parse_pairs,
    parse_size,
    read_body,
    render,
)

__all__ = [
    "DEFAULT_BODY_LIMIT",
    "HEALTH_PATH",
    "HttpApp",
    "HttpError",
    "parse_size",
    "route_pattern",
]

HEALTH_PATH = "/__motia/health"
EMIT_PATH = "/emit"
TRACE_HEADER = b"x-trace-id"

log = logging.getLogger("motia.http")

_PARAM = re.compile(r":([A-Za-z_][A-Za-z0-9_]*)")


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
        headers = header_dict(scope["headers"])
        query = scope["query_string"]
        if (
            scope["method"] in ("GET", "HEAD")
            and "content-length" not in headers
            and ("transfer-encoding" not in headers)
        ):
            body = None
        else:
            raw = await read_body(receive, headers, self.body_limit)
            body = parse_body(raw, headers.get("content-type"), self.json_only)
        request: ApiRequest[Any, Any, Any] = ApiRequest(
            path_params=params if params is not None else {},
            query_params=parse_pairs(query.decode("latin-1")) if query else {},
            body=body,
            headers=headers,
        )
        runner = self.runner
        ctx = runner.context(trace, self.trigger)
        token = current_enqueuer.set(ctx._enqueuer)
        try:
            if self.condition is not None and not await resolve(self.condition(request, ctx)):
                return error_reply(422, "Request condition not met", skipped=True)
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
        ctx.input = request
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
        endpoint: Endpoint | None = None
        try:
            methods = self.static.get(path)
            params = None
            if methods is None:
                methods, params = self._match(path, method)
            endpoint = methods.get(method) if methods is not None else None
            if endpoint is None:
                if method == "HEAD" and methods is not None and "GET" in methods:
                    endpoint = methods["GET"]
                elif method == "OPTIONS" and self.cors.enabled:
                    reply = self.cors.preflight(scope)
                elif methods is not None:
                    reply = error_reply(405, "Method Not Allowed")
                    reply[1].append((b"allow", self._allow(methods)))
                else:
                    reply = error_reply(404, "Not Found")
            if endpoint is not None:
                reply = await endpoint(scope, receive, params, trace)
        except HttpError as error:
            reply = error.reply()
        except Disconnected:
            return
        except InvalidResponse as error:
            log.error("%s %s: %s", method, path, error, extra=self._fields(endpoint, trace))
            reply = error_reply(500, "Internal Server Error", traceId=trace)
        except Exception as error:
            log.error("%s %s failed", method, path, exc_info=error, extra=self._fields(endpoint, trace))
            reply = error_reply(500, "Internal Server Error", traceId=trace)
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
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})

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

    @staticmethod
    def _fields(endpoint: Endpoint | None, trace: str) -> dict[str, Any]:
        if isinstance(endpoint, RouteEndpoint):
            return extra(step=endpoint.runner.step.name, trace_id=trace)
        return extra(trace_id=trace)

    def _allow(self, methods: Mapping[str, Endpoint]) -> bytes:
        allowed = set(methods)
        if "GET" in allowed:
            allowed.add("HEAD")
        if self.cors.enabled:
            allowed.add("OPTIONS")
        return ", ".join(sorted(allowed)).encode()

    # -- system routes
    async def _health(self, scope: Scope, receive: Receive, params: object, trace: str) -> Reply:
        return (
            200,
            [(b"content-type", JSON_TYPE)],
            json_bytes({"status": "ok", "running": self.runtime.started}),
        )

    async def _emit(self, scope: Scope, receive: Receive, params: object, trace: str) -> Reply:
        headers = header_dict(scope["headers"])
        message = parse_body(
            await read_body(receive, headers, self.body_limit), headers.get("content-type"), True
        )
        expected = 'expected a JSON object {"topic": string, "data": any, "messageGroupId"?: string}'
        if not isinstance(message, dict):
            return error_reply(400, expected)
        topic, data, group_id = message.get("topic"), message.get("data"), message.get("messageGroupId")
        if not isinstance(topic, str) or not topic:
            return error_reply(400, f"'topic' must be a non-empty string; {expected}")
        if group_id is not None and not isinstance(group_id, str):
            return error_reply(400, f"'messageGroupId' must be a string; {expected}")
        await self.runtime.emit(topic, data, trace_id=trace, group_id=group_id)
        return (
            200,
            [(b"content-type", JSON_TYPE)],
            json_bytes({"success": True, "emitted": {"topic": topic, "data": data}}),
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
