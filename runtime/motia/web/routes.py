"""The routing table: every HTTP path of an app as one Starlette route, static paths by dict lookup and
the rest by pattern; 404, 405, `HEAD`, the `X-Trace-Id` header, failures as 500/503/504, and the access
log (one line per request, when on)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import Receive, Scope, Send

from motia.delivery.engine import new_trace_id
from motia.logging import extra
from motia.web.cors import VARY_ORIGIN, vary_origin
from motia.web.watchdog import HandlerTimeout
from motia.web.wire import HttpError, InvalidResponse, error_response

TRACE_HEADER = b"x-trace-id"

log = logging.getLogger("motia.http")
access = logging.getLogger("motia.http.access")

Endpoint = Callable[[Scope, Receive, dict[str, str] | None, str], Awaitable[Response]]


class SpanRecorder(Protocol):
    """Where the table records each call of a step's route (the Workbench's `Recorder`)."""

    def start(self, trace_id: str, step: str, kind: str, label: str, attempt: int = 1) -> Any: ...

    def finish(
        self, span: Any, status: str, *, error: BaseException | None = None, http_status: int | None = None
    ) -> None: ...


_EVERY: tuple[Match, Scope] = (Match.FULL, {})  # no child scope: the table looks the path up itself
_NONE: tuple[Match, Scope] = (Match.NONE, {})


def route_pattern(path: str) -> tuple[re.Pattern[str] | None, tuple[str, ...]]:
    """The matcher for a Motia path (`/pets/:id`): None for a path without parameters, else a regex whose
    named groups are the parameters. A segment that is `:` and an identifier is a parameter matching one
    non-empty segment; every other segment is literal. For specs built by hand; the compiler writes these
    out (from `motia_gen.model.routes`, which a test proves this agrees with)."""
    parts: list[str] = []
    params: list[str] = []
    for segment in path.split("/"):
        name = segment[1:]
        if segment.startswith(":") and name.isidentifier() and name not in params:
            params.append(name)
            parts.append(f"(?P<{name}>[^/]+)")
        else:
            parts.append(re.escape(segment))
    return (re.compile("/".join(parts)), tuple(params)) if params else (None, ())


class RouteTable(BaseRoute):
    """Every path of the app as one Starlette route: static paths in a dict, the rest by pattern. It
    takes every HTTP request and answers 404 and 405 itself."""

    def __init__(
        self,
        check: Callable[[], Awaitable[str | None]] | None = None,
        *,
        access_log: bool = False,
        recorder: SpanRecorder | None = None,
    ) -> None:
        self.check = check  # the store's health: a failure while it is down is 503, not 500
        self.access_log = access_log
        self.recorder = recorder
        # The step and label of each endpoint whose calls are recorded (empty when nothing records: the
        # table does it, rather than a wrapper per endpoint, so a recorded request costs no extra call).
        self._spans: dict[Endpoint, tuple[str, str]] = {}
        self.static: dict[str, dict[str, Endpoint]] = {}
        self.dynamic: list[tuple[re.Pattern[str], dict[str, Endpoint]]] = []
        self._by_pattern: dict[str, dict[str, Endpoint]] = {}

    def add(
        self,
        path: str,
        method: str,
        endpoint: Endpoint,
        pattern: re.Pattern[str] | None = None,
        *,
        step: str | None = None,
        fallback: bool = False,
    ) -> None:
        """Serve `endpoint` at `path` (Motia's `:param` form); `step`: the step it calls, whose calls the
        recorder (when there is one) records; `fallback`: only where nothing serves the method and path
        yet (the runtime's own routes, added after the app's, so that the app's patterns are tried
        first)."""
        if step is not None and self.recorder is not None:
            self._spans[endpoint] = (step, f"{method.upper()} {path}")
        path = normal_path(path)
        if pattern is None and ":" in path:
            pattern = route_pattern(path)[0]
        if pattern is None:
            methods = self.static.setdefault(path, {})
        else:
            found = self._by_pattern.get(pattern.pattern)
            if found is None:
                found = self._by_pattern[pattern.pattern] = {}
                self.dynamic.append((pattern, found))
            methods = found
        if not (fallback and method.upper() in methods):
            methods[method.upper()] = endpoint

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        return _EVERY if scope["type"] == "http" else _NONE

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.access_log:
            await self.answer(scope, receive, send, new_trace_id())
            return
        began = time.perf_counter()
        trace = new_trace_id()
        status = await self.answer(scope, receive, send, trace)
        milliseconds = (time.perf_counter() - began) * 1000
        method, path = scope["method"], scope["path"]
        fields = extra(
            trace_id=trace, method=method, path=path, status=status, durationMs=round(milliseconds, 1)
        )
        access.info("%s %s %s %.1f ms", method, path, status or "-", milliseconds, extra=fields)

    async def answer(self, scope: Scope, receive: Receive, send: Send, trace: str) -> int | None:
        """Route and answer one request; returns the status sent (None: the client left first)."""
        method: str = scope["method"]
        path: str = scope["path"]
        endpoint: Endpoint | None = None
        span: Any = None
        failure: BaseException | None = None
        try:
            methods = self.static.get(path)
            params = None
            if methods is None:
                methods, params = self._match(path, method)
            endpoint = methods.get(method) if methods is not None else None
            if endpoint is None and method == "HEAD" and methods is not None:
                endpoint = methods.get("GET")
            if endpoint is not None:
                if self._spans and (named := self._spans.get(endpoint)) is not None:
                    span = self.recorder.start(trace, named[0], "http", named[1])  # type: ignore[union-attr]
                response = await endpoint(scope, receive, params, trace)
            elif methods is not None:
                response = error_response(405, "Method Not Allowed")
                response.raw_headers.append((b"allow", _allow(methods)))
            else:
                response = error_response(404, "Not Found")
        except HttpError as error:
            response = error.response()
        except ClientDisconnect as error:
            if span is not None:
                self.recorder.finish(span, "error", error=error)  # type: ignore[union-attr]
            return None  # no one to answer
        except InvalidResponse as error:
            log.error("%s %s: %s", method, path, error, extra=_fields(endpoint, trace))
            response = error_response(500, "Internal Server Error", traceId=trace)
            failure = error
        except HandlerTimeout as error:
            log.error("%s %s: %s", method, path, error, extra=_fields(endpoint, trace))
            response = error_response(504, "Handler timed out", traceId=trace, timeoutSeconds=error.seconds)
            failure = error
        except Exception as error:
            log.error("%s %s failed", method, path, exc_info=error, extra=_fields(endpoint, trace))
            response = await self._failed(trace)
            failure = error
        if span is not None:
            status = response.status_code
            outcome = "error" if status >= 500 else "ok"
            self.recorder.finish(span, outcome, error=failure, http_status=status)  # type: ignore[union-attr]
        response.raw_headers.append((TRACE_HEADER, trace.encode()))
        if VARY_ORIGIN in scope:
            vary_origin(response)
        if method == "HEAD":
            response.body = b""
        await response(scope, receive, send)
        return response.status_code

    async def _failed(self, trace: str) -> Response:
        """500 for a failed handler; 503 with `Retry-After` when the store cannot be written right now (a
        Redis server that went away): the request may be sent again once it is back."""
        try:
            problem = await self.check() if self.check is not None else None
        except Exception as error:  # a check that cannot even run says the same
            problem = type(error).__name__
        if problem is None:
            return error_response(500, "Internal Server Error", traceId=trace)
        response = error_response(503, "Storage unavailable", traceId=trace, problem=problem)
        response.raw_headers.append((b"retry-after", b"1"))
        return response

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


def _allow(methods: Mapping[str, Endpoint]) -> bytes:
    allowed = set(methods)
    if "GET" in allowed:
        allowed.add("HEAD")
    return ", ".join(sorted(allowed)).encode()


def _fields(endpoint: Endpoint | None, trace: str) -> dict[str, Any]:
    runner = getattr(endpoint, "runner", None)  # a step's endpoint (`motia.web.app.RouteEndpoint`)
    if runner is not None:
        return extra(step=runner.step.name, trace_id=trace)
    return extra(trace_id=trace)


def normal_path(path: str) -> str:
    path = path if path.startswith("/") else f"/{path}"
    return path.rstrip("/") or "/"
