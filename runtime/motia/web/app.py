"""HTTP: the Starlette app that serves an app's routes, `/emit` and `/__motia/health`.

    app = HttpApp(Runtime(spec, backend))   # any ASGI server; its lifespan starts and stops the runtime

(Not called `http`: `motia.http` is the trigger helper step files import, and a submodule of that name
would replace it on the package once imported. Request reading and response rendering live in
`motia.web.wire`, the CORS setting in `motia.web.cors`.)

`HttpApp` is a `starlette.routing.Router`: the lifespan, the middleware stack (CORS) and the requests and
responses are Starlette's. The routing is ours, one Starlette route (`RouteTable`) that takes every HTTP
request: paths without parameters are found by one dict lookup, the others by the route's precompiled
pattern (tried in the spec's order, after every static path). A trailing slash is ignored, as in Express.
An unknown path is 404; a known path with another method is 405 with an `Allow` header; `HEAD` is served by
a `GET` route without the body. Every exception is caught in the route table and answered in the shapes
below (Starlette's `ServerErrorMiddleware` and `ExceptionMiddleware` are left out: they would cost a fifth
of a plain Starlette request and have nothing left to catch).

The request a handler gets is a `motia.request.ApiRequest` (`req.body`, `req["pathParams"]`, ...):

* `path_params` from the path, URL-decoded; `query_params`: a str per name, a list of str for a name given
  more than once; `headers`: lower-case names, repeated headers joined with ", ".
* `body` by content type: JSON (`application/json`, `*+json`) parsed, invalid JSON is 400
  `{"error": "invalid JSON", "detail": ...}`; `text/*` a str; form-urlencoded a dict like the query;
  anything else bytes; no content type: JSON when it parses, else text (bytes when not UTF-8); an empty
  body is None. A route with a body schema takes JSON only: another declared content type is 415 (a
  missing one is read as JSON), and a body that fails the schema is 400
  `{"error": "invalid request body", "errors": [{"path", "message"}, ...]}` without running the handler.
* Bodies over `settings.body_limit` bytes (default 1 MiB) are 413,
  checked against Content-Length before reading and again while the body streams in.

Per request, in order: the route's `condition(req, ctx)` (false: 422 `{"error": "Request condition not
met", "skipped": true}`, as Motia's engine answers), the middleware (first element outermost, each
`(req, ctx, next)`, sync or async; `await next()` runs the rest and returns the handler's response, and
`next(request)` passes a different request on; a middleware may answer by itself), the body schema, then
the handler. Handlers return `{"status", "body", "headers"}` or an `ApiResponse` (status 200 unless
given): a str body is sent raw as text/plain, bytes as application/octet-stream (unless the headers name a
content type), None as an empty body, anything else as JSON. Anything else returned is a bug in the
handler and gives 500, as does an exception, with `{"error": "Internal Server Error", "traceId": ...}` and
the stack in the log, never in the response. Condition, middleware and handler together get
`settings.http_timeout` seconds (default 30, kept by one `motia.web.watchdog.Watchdog` per app); past
that they are cancelled and the answer is 504
`{"error": "Handler timed out", "traceId", "timeoutSeconds"}` (a sync handler's thread cannot be stopped:
it finishes in the background, its answer discarded).

Every response carries `X-Trace-Id`. CORS (`settings.cors_origins`, through Starlette's
`CORSMiddleware`): absent, empty (what `motia build` writes when the project sets nothing), `"*"` or a
list holding `"*"` allows every origin (Motia's default); a list allows those origins; `False` turns CORS
off. A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered by the
middleware, before any route: 200 when the origin is allowed, 400 when it is not. Any other `OPTIONS`
request is routed like every other method.

With a `motia.workbench.api.Workbench` (`motia dev`, `motia start --workbench`) the app also serves the
Workbench page and its API under `/__motia/`, after the app's own routes.

WebSocket connections at `/` speak Motia's stream protocol (`motia.streams.socket`); at any other path they
are refused.

`POST /emit` (`{"topic", "data", "messageGroupId"?}` → `{"success": true, "emitted": {"topic", "data"}}`)
publishes to a topic over HTTP. It is off unless `settings.emit_endpoint` is True or, when the setting is
unset, the server asks for it (`HttpApp(..., emit=True)`: `motia start --emit`, and `TestApp`, which serves
no network). It takes a JSON body with a JSON Content-Type only (else 415), so a browser cannot send one
without a preflight.

The runtime's own endpoints (`/emit`, `/__motia/…`) never serve another origin, whatever the app's CORS
policy: a request whose `Origin` is not the server's own is 403, and CORS adds nothing to their answers
(a preflight gets no permission). An app route with the same method and path takes precedence over these
system routes.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Router
from starlette.types import Receive, Scope

from motia.context import FlowContext, current_context
from motia.delivery.changes import RESERVED_PREFIX
from motia.http_stream import MotiaHttpResponse, streamed_response, takes_streaming_args
from motia.logging import extra
from motia.request import ApiRequest, TriggerInfo
from motia.runtime import Runtime, StepRunner, resolve
from motia.spec import Function, RouteSpec, call_args
from motia.streams.socket import StreamHub, StreamSocketRoute
from motia.validation import InvalidData
from motia.web.cors import cors_middleware
from motia.web.routes import RouteTable, normal_path, route_pattern
from motia.web.watchdog import HandlerTimeout, Watchdog
from motia.web.wire import (
    JSON_TYPE,
    HttpError,
    cross_origin,
    error_response,
    header_dict,
    json_response,
    multi_dict,
    parse_body,
    read_body,
    refuse_cross_origin,
    render,
)

if TYPE_CHECKING:
    from motia.workbench.api import Workbench

__all__ = [
    "HEALTH_PATH",
    "HttpApp",
    "HttpError",
    "RouteTable",
    "route_pattern",
]

HEALTH_PATH = "/__motia/health"
EMIT_PATH = "/emit"

log = logging.getLogger("motia.http")


# -- endpoints --------------------------------------------------------------------------------------------


class RouteEndpoint:
    """One http trigger of a step: reads the request, runs condition, middleware, body check, handler."""

    __slots__ = (
        "body_limit",
        "condition",
        "json_only",
        "middleware",
        "runner",
        "streaming",
        "trigger",
        "validate",
        "watchdog",
    )

    def __init__(self, route: RouteSpec, runner: StepRunner, body_limit: int, watchdog: Watchdog) -> None:
        self.runner, self.body_limit, self.watchdog = runner, body_limit, watchdog
        self.trigger = TriggerInfo("http", route.index, path=route.path, method=route.method)
        self.validate = route.body
        self.json_only = route.body is not None
        self.condition = route.condition
        self.middleware: tuple[Function, ...] = route.middleware
        self.streaming = takes_streaming_args(route.step.handler)

    async def __call__(
        self, scope: Scope, receive: Receive, params: dict[str, str] | None, trace: str
    ) -> Response:
        headers = header_dict(scope)
        raw = b""
        if scope["method"] in ("GET", "HEAD") and not (
            "content-length" in headers or "transfer-encoding" in headers
        ):
            body = None
        else:
            raw = await read_body(Request(scope, receive), headers, self.body_limit, self.watchdog)
            body = parse_body(raw, headers.get("content-type"), self.json_only)
        query = scope["query_string"]
        api_request: ApiRequest[Any, Any, Any] = ApiRequest(
            path_params=params if params is not None else {},
            query_params=multi_dict(QueryParams(query)) if query else {},
            body=body,
            headers=headers,
            method=scope["method"],
            raw_body=raw,
        )
        ctx = self.runner.context(trace, self.trigger)
        token = current_context.set(ctx)
        watchdog = self.watchdog
        task = watchdog.enter()
        try:
            if self.streaming:
                return await self._streamed(api_request, ctx)
            result = await self._run(api_request, ctx)
            if isinstance(result, Response):  # the condition refused the request
                return result
        except asyncio.CancelledError:
            if task not in watchdog.expired:
                raise  # the server is stopping or the client went away
            task.uncancel()
            raise HandlerTimeout(self.runner.step.name, watchdog.seconds) from None
        finally:
            watchdog.leave(task)
            current_context.reset(token)
        response = api_request._response
        if response is not None and response.used:
            response.close()
            return streamed_response(response)
        return render(result)

    async def _run(self, api_request: ApiRequest[Any, Any, Any], ctx: FlowContext[Any, Any]) -> Any:
        """Condition, middleware and handler; then what the handler left un-awaited."""
        try:
            if self.condition is not None and not await resolve(self.condition(api_request, ctx)):
                return error_response(422, "Request condition not met", skipped=True)
            if self.middleware:
                return await self._through(0, api_request, ctx)
            return await self._handle(api_request, ctx)
        finally:
            await ctx.settle()  # un-awaited writes happen before the response, even on an error

    async def _streamed(self, api_request: ApiRequest[Any, Any, Any], ctx: FlowContext[Any, Any]) -> Response:
        """A handler that takes `MotiaHttpArgs`: its response starts with its first chunk, while it runs on;
        one that returns without writing is answered as usual."""
        response = api_request.response
        handler = asyncio.ensure_future(self._run(api_request, ctx))
        started = asyncio.ensure_future(response.started.wait())
        await asyncio.wait({handler, started}, return_when=asyncio.FIRST_COMPLETED)
        if not response.used:
            started.cancel()
            result = await handler
            return result if isinstance(result, Response) else render(result)
        started.cancel()
        handler.add_done_callback(lambda done: self._finished_stream(done, response))
        return streamed_response(response)

    def _finished_stream(self, handler: asyncio.Future[Any], response: MotiaHttpResponse) -> None:
        response.close()
        if not handler.cancelled() and (error := handler.exception()) is not None:
            log.error(
                "step %s failed after its streamed response began: %s",
                self.runner.step.name,
                error,
                exc_info=error,
                extra=extra(step=self.runner.step.name),
            )

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


# -- routing ---------------------------------------------------------------------------------------------


# -- the app ---------------------------------------------------------------------------------------------


class HttpApp(Router):
    """The ASGI app of a `Runtime`: a Starlette `Router` holding one `RouteTable` and, for WebSocket
    connections at `/`, the stream socket route (`motia.streams.socket`), behind the CORS middleware.
    With `lifespan=True` (the default) the server's lifespan events start and stop the runtime; the test
    harness starts it itself."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        lifespan: bool = True,
        emit: bool = False,
        access_log: bool = False,
        workbench: Workbench | None = None,
    ) -> None:
        self.runtime = runtime
        self.workbench = workbench
        settings = runtime.spec.settings
        self.body_limit = settings.body_limit
        watchdog = self.watchdog = Watchdog(settings.http_timeout)
        table = self.table = RouteTable(
            runtime.backend.check, access_log=access_log, recorder=runtime.recorder
        )
        table.add(HEALTH_PATH, "GET", self._health)
        emit_on = settings.emit_endpoint if settings.emit_endpoint is not None else emit
        if emit_on:
            table.add(EMIT_PATH, "POST", self._emit)
        for route in runtime.spec.routes:
            endpoint = RouteEndpoint(route, runtime.runner(route.step), self.body_limit, watchdog)
            table.add(route.path, route.method, endpoint, route.pattern, step=route.step.name)
        if workbench is not None:
            workbench.mount(table)
        # The runtime's own paths get no CORS answers, unless an app route took the path over.
        own = {normal_path(r.path) for r in runtime.spec.routes}
        cors = cors_middleware(settings.cors_origins, frozenset({HEALTH_PATH, EMIT_PATH} - own))
        self.streams = StreamHub(runtime)
        super().__init__(
            routes=[table, StreamSocketRoute(self.streams)],  # the table takes every HTTP request first
            redirect_slashes=False,
            lifespan=self._run if lifespan else None,
            middleware=[cors] if cors is not None else None,
        )

    @asynccontextmanager
    async def _run(self, app: object) -> AsyncIterator[None]:
        """The lifespan: the runtime runs while the server does."""
        await self.runtime.start()
        if self.workbench is not None:
            await self.workbench.open()
        try:
            yield
        finally:
            self.stopping()
            await self.streams.close()
            await self.runtime.stop()

    def stopping(self) -> None:
        """The server is stopping: end the Workbench's live streams, which would otherwise keep it waiting
        for their connections to finish (the server calls this before it waits)."""
        if self.workbench is not None:
            self.workbench.close()

    # -- system routes
    async def _health(self, scope: Scope, receive: Receive, params: object, trace: str) -> Response:
        if cross_origin(scope):
            return refuse_cross_origin()
        problem = await self.runtime.backend.check()
        if problem is not None:  # a load balancer takes this instance out before events are refused
            return json_response(
                {"status": "degraded", "running": self.runtime.started, "problem": problem}, 503
            )
        return json_response({"status": "ok", "running": self.runtime.started})

    async def _emit(self, scope: Scope, receive: Receive, params: object, trace: str) -> Response:
        if cross_origin(scope):
            return refuse_cross_origin()
        headers = header_dict(scope)
        media = headers.get("content-type", "").partition(";")[0].strip().lower()
        if media != JSON_TYPE and not media.endswith("+json"):
            return error_response(415, f"/emit takes {JSON_TYPE} only", expected=JSON_TYPE)
        raw = await read_body(Request(scope, receive), headers, self.body_limit, self.watchdog)
        message = parse_body(raw, headers.get("content-type"), True)
        expected = 'expected a JSON object {"topic": string, "data": any, "messageGroupId"?: string}'
        if not isinstance(message, dict):
            return error_response(400, expected)
        topic, data, group_id = message.get("topic"), message.get("data"), message.get("messageGroupId")
        if not isinstance(topic, str) or not topic:
            return error_response(400, f"'topic' must be a non-empty string; {expected}")
        if group_id is not None and not isinstance(group_id, str):
            return error_response(400, f"'messageGroupId' must be a string; {expected}")
        if topic.startswith(RESERVED_PREFIX):
            return error_response(400, f"topics starting with {RESERVED_PREFIX!r} are the runtime's own")
        if not await self.runtime.emit(topic, data, trace_id=trace, group_id=group_id):
            # Nothing subscribes: the event would be dropped without a word. Say so, with near misses.
            topics = sorted({s.topic for s in self.runtime.spec.subscriptions})
            close = difflib.get_close_matches(topic, topics, n=3, cutoff=0.6)
            return error_response(422, f"no step subscribes to topic {topic!r}", didYouMean=close)
        return json_response({"success": True, "emitted": {"topic": topic, "data": data}})
