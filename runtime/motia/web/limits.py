"""Limits the HTTP server itself keeps, before a request reaches the app: the size of a request's head
(request line and headers). uvicorn's httptools protocol has no such limit, and httptools buffers a
header's value whole, so a client could send a 64 MB header and have the server hold it.

`BoundedHttpToolsProtocol` counts the bytes that arrive while a request's head is being read and answers
`431 Request Header Fields Too Large` (then closes the connection) once they pass `MAX_HEAD_BYTES`. Where
httptools is not installed, uvicorn's h11 protocol is used with its own limit set to the same size.
"""

from __future__ import annotations

from typing import Any

MAX_HEAD_BYTES = 64 * 1024
"""The largest request line plus headers the server reads (browsers send a few KiB)."""

_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-type: application/json\r\n"
    b"connection: close\r\n"
    b"content-length: 45\r\n\r\n"
    b'{"error": "request header fields too large"}\n'
)


def http_options() -> dict[str, Any]:
    """The uvicorn options that put the head limit in place."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol  # noqa: PLC0415
    except ImportError:  # httptools is optional in uvicorn
        return {"http": "h11", "h11_max_incomplete_event_size": MAX_HEAD_BYTES}

    class BoundedHttpToolsProtocol(HttpToolsProtocol):
        _head_bytes = 0
        _in_head = True

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._in_head, self._head_bytes = True, 0

        def on_headers_complete(self) -> None:
            self._in_head = False
            super().on_headers_complete()

        def data_received(self, data: bytes) -> None:
            if self._in_head:
                self._head_bytes += len(data)
                if self._head_bytes > MAX_HEAD_BYTES:
                    self.transport.write(_TOO_LARGE)
                    self.transport.close()
                    return
            super().data_received(data)

    return {"http": BoundedHttpToolsProtocol}
