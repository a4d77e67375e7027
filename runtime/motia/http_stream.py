"""A response a handler writes as it goes (Motia 1.x's `MotiaHttpResponse`), for server-sent events and
other streamed bodies:

    async def handler(args: MotiaHttpArgs[Any]) -> None:
        await args.response.status(200)
        await args.response.headers({"content-type": "text/event-stream"})
        args.response.writer.stream.write(b"event: item\\ndata: {}\\n\\n")
        args.response.close()

Status and headers are sent with the first chunk (or on `close`), so they may be set until then. A handler
whose first parameter is annotated `MotiaHttpArgs` has its chunks sent as they are written; for any other
handler that uses the response, they are sent when it returns. Writes may come from a sync handler's
worker thread. A handler that returns without closing the response has it closed for it.
"""

from __future__ import annotations

import asyncio
import inspect
import typing
from collections.abc import AsyncIterator, Mapping

from starlette.responses import Response, StreamingResponse

_END = b""  # marks the end of the body in the chunk queue (a real empty write is dropped)


class ResponseStream:
    """`response.writer.stream`: `write(bytes | str)`."""

    __slots__ = ("_response",)

    def __init__(self, response: MotiaHttpResponse) -> None:
        self._response = response

    def write(self, data: bytes | bytearray | str) -> None:
        self._response.write(data)


class ResponseWriter:
    """`response.writer`: holds the `stream` chunks are written to, as Motia's channel writer does."""

    __slots__ = ("stream",)

    def __init__(self, response: MotiaHttpResponse) -> None:
        self.stream = ResponseStream(response)

    def close(self) -> None:
        self.stream._response.close()


class MotiaHttpResponse:
    """The streamed response of one request."""

    __slots__ = ("_chunks", "_closed", "_headers", "_loop", "_status", "started", "writer")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._status = 200
        self._headers: dict[str, str] = {}
        self._chunks: asyncio.Queue[bytes] = asyncio.Queue()
        self._closed = False
        self.started = asyncio.Event()  # set by the first chunk or by close: status and headers are final
        self.writer = ResponseWriter(self)

    async def status(self, status_code: int) -> None:
        if isinstance(status_code, bool) or not isinstance(status_code, int) or not 100 <= status_code <= 599:
            raise ValueError(f"response status must be an HTTP status code (100-599), not {status_code!r}")
        self._check_open("set the status of")
        self._status = status_code

    async def headers(self, headers: Mapping[str, str]) -> None:
        self._check_open("set headers on")
        for name, value in headers.items():
            if not isinstance(name, str) or not isinstance(value, str):
                raise TypeError("response headers must map strings to strings")
            self._headers[name.lower()] = value

    def write(self, data: bytes | bytearray | str) -> None:
        """Send a chunk of the body."""
        if self._closed:
            raise RuntimeError("the response is closed; nothing more can be written to it")
        if not isinstance(data, bytes | bytearray | str):
            raise TypeError(f"a response chunk must be bytes or str, not {type(data).__name__}")
        chunk = data.encode() if isinstance(data, str) else bytes(data)
        if chunk:
            self._hand_over(chunk)

    def close(self) -> None:
        """End the body (again: nothing)."""
        if not self._closed:
            self._closed = True
            self._hand_over(_END)

    @property
    def used(self) -> bool:
        """Whether the handler wrote to the response or closed it."""
        return self.started.is_set() or self._closed

    def _hand_over(self, chunk: bytes) -> None:
        try:
            on_loop = asyncio.get_running_loop() is self._loop
        except RuntimeError:
            on_loop = False
        if on_loop:
            self._put(chunk)
        else:  # a sync handler's worker thread
            self._loop.call_soon_threadsafe(self._put, chunk)

    def _put(self, chunk: bytes) -> None:
        self._chunks.put_nowait(chunk)
        self.started.set()

    def _check_open(self, what: str) -> None:
        if self.started.is_set():
            raise RuntimeError(f"cannot {what} a response whose body has started")

    # -- for the server
    def status_code(self) -> int:
        return self._status

    def header_items(self) -> dict[str, str]:
        return dict(self._headers)

    async def body(self) -> AsyncIterator[bytes]:
        """The chunks as written, until `close` (which the server calls once the handler is done)."""
        while (chunk := await self._chunks.get()) != _END:
            yield chunk


class RequestBody:
    """`request.request_body`: the raw body, read whole before the handler runs; `stream` iterates its
    chunks (one), as Motia's channel reader does."""

    __slots__ = ("raw",)

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    @property
    def stream(self) -> tuple[bytes, ...]:
        return (self.raw,) if self.raw else ()

    def read(self) -> bytes:
        return self.raw


def streamed_response(response: MotiaHttpResponse) -> Response:
    """The HTTP response sending `response`'s chunks as they come."""
    headers = response.header_items()
    media_type = headers.pop("content-type", None)
    return StreamingResponse(response.body(), response.status_code(), headers, media_type)


def takes_streaming_args(handler: object) -> bool:
    """Whether the handler's first parameter is annotated `MotiaHttpArgs` (written as a string or not)."""
    from motia.request import MotiaHttpArgs  # noqa: PLC0415 (that module imports this one lazily)

    try:
        parameters = list(inspect.signature(handler).parameters.values())  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    if not parameters:
        return False
    annotation = parameters[0].annotation
    if isinstance(annotation, str):
        return "MotiaHttpArgs" in annotation
    return (typing.get_origin(annotation) or annotation) is MotiaHttpArgs
