"""CORS: `settings["cors_origins"]` as Starlette's `CORSMiddleware`.

Absent, empty, `"*"`, `True` or a list holding `"*"`: every origin (Motia's default); a list: those
origins; `False`: no CORS middleware at all. Any method and any requested header are allowed, and
`X-Trace-Id` is exposed to scripts. Preflight answers carry an `X-Trace-Id` of their own, like every other
response.

`TracedCORSMiddleware` answers exactly as `CORSMiddleware` does. It only takes a shorter way for a
request without an `Origin` header (most of them: servers, scripts, same-origin pages), where all the
middleware would do is add `Vary: Origin` to the response: it marks the scope with `VARY_ORIGIN` instead
of wrapping `send`, and the app that answers (`motia.web.app.RouteTable` answers every HTTP request) adds the
header with `vary_origin`. Starlette's general path for such a request costs about half of what a whole
plain Starlette request does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from motia.delivery.engine import new_trace_id

__all__ = ["VARY_ORIGIN", "TracedCORSMiddleware", "cors_middleware", "vary_origin"]


VARY_ORIGIN = "motia.vary_origin"
"""Scope key: the response needs `Vary: Origin`, and nothing else from CORS (see the module docstring)."""


class TracedCORSMiddleware(CORSMiddleware):
    """`CORSMiddleware` whose preflight answers carry an `X-Trace-Id`, with a quick way through for
    requests that are not CORS requests. Paths in `private` (the runtime's own endpoints) get no CORS
    answer at all: a page of another origin is never allowed to call them."""

    def __init__(
        self,
        app: ASGIApp,
        allow_origins: Sequence[str] = (),
        allow_methods: Sequence[str] = ("GET",),
        allow_headers: Sequence[str] = (),
        expose_headers: Sequence[str] = (),
        private: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(
            app,
            allow_origins=allow_origins,
            allow_methods=allow_methods,
            allow_headers=allow_headers,
            expose_headers=expose_headers,
        )
        self.private = private

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, _ in scope["headers"]:
                if name == b"origin":
                    break
            else:
                scope[VARY_ORIGIN] = True
                await self.app(scope, receive, send)
                return
            if scope["path"] in self.private:
                await self.app(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        response.raw_headers.append((b"x-trace-id", new_trace_id().encode()))
        return response


def vary_origin(response: Response) -> None:
    """What `CORSMiddleware` does to the response to a request without `Origin`: add `Origin` to `Vary`."""
    headers = response.raw_headers
    for name, _ in headers:
        if name == b"vary":
            mutable = response.headers
            mutable["Vary"] = ", ".join([*mutable.getlist("Vary"), "Origin"])
            return
    headers.append((b"vary", b"Origin"))


def cors_middleware(
    origins: tuple[str, ...] | Literal[False], private: frozenset[str] = frozenset()
) -> Middleware | None:
    """The CORS middleware for the `cors_origins` setting (see `motia.spec.RuntimeSettings`), or None when
    CORS is off. No origins, or "*" among them, allows any (Motia's default)."""
    if origins is False:
        return None
    allowed = ["*"] if not origins or "*" in origins else list(origins)
    return Middleware(
        TracedCORSMiddleware,
        private=private,
        allow_origins=allowed,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=["X-Trace-Id"],
    )
