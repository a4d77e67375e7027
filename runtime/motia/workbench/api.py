"""The Workbench's HTTP side: the page at `/__motia/`, its files at `/__motia/static/<file>` and the JSON API
under `/__motia/api/` (documented in docs/workbench.md), added to an app's routing table.

It serves what the runtime already has: the build's `workbench.json` (the graph the compiler wrote), the
diagnostics (`motia dev` rewrites a file after every check; otherwise the build's), the recorder's traces
and log lines, and the backend's state, streams and dead letters. Like the runtime's other own endpoints it
refuses other origins; with a token (required off loopback) every request must carry it, as the
`motia_workbench` cookie that opening `/__motia/?token=...` sets, or as `Authorization: Bearer ...`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope

from motia.runtime import Runtime
from motia.storage.backend import STATE_NAMESPACE, stream_namespace
from motia.streams.store import StreamEvent
from motia.web.routes import RouteTable
from motia.web.wire import HttpError, cross_origin, error_response, json_response, refuse_cross_origin
from motia.workbench.recorder import LogTap, Recorder

STATIC = Path(__file__).resolve().parent / "static"
GRAPH_FILE = "workbench.json"  # what `motia build` writes for the Workbench, in dist/
PREFIX = "/__motia"
COOKIE = "motia_workbench"
HEARTBEAT_SECONDS = 15.0
DIAGNOSTICS_POLL_SECONDS = 0.2
_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".svg": "image/svg+xml"}
_LEVELS = {"debug": 10, "info": 20, "warn": 30, "warning": 30, "error": 40, "critical": 50}

Handler = Callable[[Scope, Receive, dict[str, str] | None, str], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class WorkbenchOptions:
    """How the Workbench is served: `dev` (under `motia dev`), the `token` every request needs (None: no
    token), the file `motia dev` keeps the latest diagnostics in, and the build's `workbench.json`."""

    dev: bool = False
    token: str | None = None
    diagnostics_file: Path | None = None
    graph_file: Path | None = None

    @classmethod
    def from_environment(cls, graph_file: Path | None = None) -> WorkbenchOptions | None:
        """What `motia dev` and `motia start --workbench` hand their server process: `MOTIA_WORKBENCH=1`,
        `MOTIA_WORKBENCH_TOKEN`, `MOTIA_WORKBENCH_DEV=1` and `MOTIA_WORKBENCH_DIAGNOSTICS`."""
        if os.environ.get("MOTIA_WORKBENCH") != "1":
            return None
        diagnostics = os.environ.get("MOTIA_WORKBENCH_DIAGNOSTICS")
        return cls(
            dev=os.environ.get("MOTIA_WORKBENCH_DEV") == "1",
            token=os.environ.get("MOTIA_WORKBENCH_TOKEN") or None,
            diagnostics_file=Path(diagnostics) if diagnostics else None,
            graph_file=graph_file,
        )


class Workbench:
    """The Workbench of one app's server: call `mount` with its routing table, `open` when it starts and
    `close` when it stops."""

    def __init__(self, runtime: Runtime, options: WorkbenchOptions, *, name: str = "app") -> None:
        self.runtime = runtime
        self.options = options
        self.name = name
        self.recorder = Recorder()
        runtime.recorder = self.recorder
        self._tap = LogTap(self.recorder)
        self._watching: asyncio.Task[None] | None = None
        self._files = {p.name: p for p in STATIC.iterdir() if p.is_file()} if STATIC.is_dir() else {}
        self._graph_read = False
        self._graph_document: dict[str, Any] | None = None

    def mount(self, table: RouteTable) -> None:
        get = [
            ("", self._page),
            ("/static/:file", self._static),
            ("/api/app", self._app),
            ("/api/diagnostics", self._diagnostics),
            ("/api/traces", self._traces),
            ("/api/traces/:trace", self._trace),
            ("/api/logs", self._logs),
            ("/api/state", self._state_groups),
            ("/api/state/:group", self._state_group),
            ("/api/streams", self._streams),
            ("/api/streams/:stream/:group", self._stream_group),
            ("/api/dead-letters", self._dead_letters),
            ("/api/events", self._events),
        ]
        # After the app's routes: an app route of the same path wins, and the app's own patterns are
        # tried before these on every request.
        for path, handler in get:
            table.add(PREFIX + path, "GET", self._guard(handler, page=path == ""), fallback=True)
        replay = PREFIX + "/api/dead-letters/:id/replay"
        table.add(replay, "POST", self._guard(self._replay), fallback=True)

    async def open(self) -> None:
        self.recorder.bind(asyncio.get_running_loop())
        logging.getLogger("motia").addHandler(self._tap)
        self.runtime.streams.listeners.append(self._stream_changed)
        if self.options.diagnostics_file is not None:
            source = self.options.diagnostics_file
            self._watching = asyncio.ensure_future(self._watch(source, _signature(source)))

    def close(self) -> None:
        """End the live streams (the server stops: they would keep it waiting) and stop listening."""
        logging.getLogger("motia").removeHandler(self._tap)
        with contextlib.suppress(ValueError):
            self.runtime.streams.listeners.remove(self._stream_changed)
        if self._watching is not None:
            self._watching.cancel()
            self._watching = None
        self.recorder.close()

    # -- access
    def _guard(self, handler: Handler, *, page: bool = False) -> Handler:
        token = self.options.token

        async def guarded(
            scope: Scope, receive: Receive, params: dict[str, str] | None, trace: str
        ) -> Response:
            if cross_origin(scope):
                return refuse_cross_origin()
            if token is not None and not _carries(scope, token):
                if page and hmac.compare_digest(_query(scope).get("token", ""), token):
                    response = Response(status_code=303, headers={"location": f"{PREFIX}/"})
                    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path=PREFIX)
                    return response
                return error_response(401, "the Workbench needs its token: open /__motia/?token=<token>")
            return await handler(scope, receive, params, trace)

        return guarded

    # -- the page
    async def _page(self, scope: Scope, receive: Receive, params: object, trace: str) -> Response:
        return self._file("index.html")

    async def _static(
        self, scope: Scope, receive: Receive, params: dict[str, str] | None, trace: str
    ) -> Response:
        return self._file((params or {}).get("file", ""))

    def _file(self, name: str) -> Response:
        path = self._files.get(name)  # only the files the build wrote: no path reaches elsewhere
        if path is None:
            if name == "index.html":
                message = "the Workbench page is not built: run scripts/build-workbench"
                return error_response(404, message)
            return error_response(404, "Not Found")
        media = _TYPES.get(path.suffix, "application/octet-stream")
        return Response(path.read_bytes(), media_type=media, headers={"cache-control": "no-cache"})

    # -- the app and its diagnostics
    async def _app(self, scope: Scope, receive: Receive, params: object, trace: str) -> Response:
        return json_response({"name": self.name, "dev": self.options.dev, "graph": self._graph()})

    def _graph(self) -> dict[str, Any] | None:
        """The build's `workbench.json`, read once: a build never changes under its server (`motia dev`
        serves each build from a new one)."""
        if not self._graph_read:
            self._graph_read = True
            self._graph_document = _read_graph(self.options.graph_file)
        return self._graph_document

    async def _diagnostics(self, scope: Scope, receive: Receive, params: object, trace: str) -> Response:
        return json_response(self.diagnostics())

    def diagnostics(self) -> dict[str, Any]:
        """The latest diagnostics: `motia dev`'s file when there is one, else the build's."""
        source = self.options.diagnostics_file
        items: Any = None
        updated = 0
        if source is not None:
            with contextlib.suppress(OSError, ValueError):
                document = json.loads(source.read_text(encoding="utf-8"))
                items = document.get("diagnostics") if isinstance(document, dict) else None
                updated = int(source.stat().st_mtime * 1000)
        if not isinstance(items, list):
            graph = self._graph() or {}
            items = graph.get("diagnostics") if isinstance(graph.get("diagnostics"), list) else []
            if self.options.graph_file is not None:
                with contextlib.suppress(OSError):
                    updated = int(self.options.graph_file.stat().st_mtime * 1000)
        severities = [item.get("severity") for item in items if isinstance(item, dict)]
        return {
            "diagnostics": items,
            "errors": severities.count("error"),
            "warnings": severities.count("warning"),
            "updated": updated,
        }

    async def _watch(self, source: Path, seen: tuple[int, int, int] | None) -> None:
        """Tell the page when `motia dev` rewrote the diagnostics (it checks on every save, errors or
        not, while this build keeps serving); `seen`: the file as it was when the server started."""
        while True:
            await asyncio.sleep(DIAGNOSTICS_POLL_SECONDS)
            now = _signature(source)
            if now != seen:
                seen = now
                if self.recorder.listeners:
                    self.recorder.publish("diagnostics", self.diagnostics())

    # -- traces and logs
    async def _traces(self, scope: Scope, receive: Receive, params: object, trace: str) -> Response:
        limit = _number(_query(scope).get("limit"), 100)
        return json_response({"traces": self.recorder.trace_list(limit)})

    async def _trace(
        self, scope: Scope, receive: Receive, params: dict[str, str] | None, trace: str
    ) -> Response:
        found = self.recorder.trace((params or {}).get("trace", ""))
        if found is None:
            return error_response(404, "no such trace among the recent ones")
        return _json(found)

    async def _logs(self, scope: Scope, receive: Receive, params: object, trace: str) -> Response:
        query = _query(scope)
        limit = _number(query.get("limit"), 500)
        step, trace_id, text = query.get("step"), query.get("trace"), (query.get("q") or "").lower()
        level = _LEVELS.get((query.get("level") or "debug").lower())
        if level is None:
            raise HttpError(400, {"error": "level must be one of debug, info, warn, error"})
        lines = [
            line
            for line in self.recorder.log_lines()
            if (step is None or line["step"] == step)
            and (trace_id is None or line["traceId"] == trace_id)
            and _LEVELS.get(line["level"], 50) >= level
            and (not text or text in _searchable(line))
        ]
        return _json({"logs": lines[-limit:] if limit > 0 else []})

    # -- state, streams, dead letters
    async def _state_groups(self, scope: Scope, receive: Receive, params: object, trace: str) -> Response:
        return json_response({"groups": sorted(await self.runtime.backend.list_groups(STATE_NAMESPACE))})

    async def _state_group(
        self, scope: Scope, receive: Receive, params: dict[str, str] | None, trace: str
    ) -> Response:
        group = (params or {}).get("group", "")
        items = await self.runtime.backend.get_group(STATE_NAMESPACE, group)
        return json_response({"group": group, "items": [{"key": k, "value": v} for k, v in sorted(items)]})

    async def _streams(self, scope: Scope, receive: Receive, params: object, trace: str) -> Response:
        backend = self.runtime.backend
        streams = []
        for name in sorted({s.name for s in self.runtime.spec.streams}):
            groups = await backend.list_groups(stream_namespace(name))
            streams.append({"name": name, "groups": sorted(groups)})
        return json_response({"streams": streams})

    async def _stream_group(
        self, scope: Scope, receive: Receive, params: dict[str, str] | None, trace: str
    ) -> Response:
        params = params or {}
        name, group = params.get("stream", ""), params.get("group", "")
        if name not in {s.name for s in self.runtime.spec.streams}:
            return error_response(404, f"no stream named {name!r}")
        items = await self.runtime.backend.get_group(stream_namespace(name), group)
        return json_response({"items": [{"id": k, "data": v} for k, v in sorted(items)]})

    async def _dead_letters(self, scope: Scope, receive: Receive, params: object, trace: str) -> Response:
        letters = await self.runtime.dead_letters()
        return _json(
            {
                "deadLetters": [
                    {
                        "id": d.id,
                        "topic": d.topic,
                        "subscriber": d.subscriber,
                        "traceId": d.trace_id,
                        "attempts": d.attempts,
                        "reason": d.reason,
                        "failedAt": int(d.failed_at * 1000),
                        "data": d.payload,
                    }
                    for d in letters
                ]
            }
        )

    async def _replay(
        self, scope: Scope, receive: Receive, params: dict[str, str] | None, trace: str
    ) -> Response:
        dead_letter_id = (params or {}).get("id", "")
        message_id = await self.runtime.queue.replay(dead_letter_id)
        if message_id is None:
            return error_response(404, f"no dead letter {dead_letter_id!r} (replayed or gone)")
        return json_response({"replayed": dead_letter_id, "messageId": message_id})

    # -- live
    async def _stream_changed(self, event: StreamEvent) -> None:
        if self.recorder.listeners and event.type != "event":
            document = {
                "stream": event.stream,
                "group": event.group_id,
                "id": event.item_id,
                "event": event.type,
                "data": event.data,
            }
            self.recorder.publish("stream", document)

    async def _events(self, scope: Scope, receive: Receive, params: object, trace: str) -> Response:
        queue = self.recorder.listen()

        async def body() -> AsyncIterator[bytes]:
            try:
                yield b": connected\n\n"
                while True:
                    try:
                        event = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
                    except TimeoutError:
                        yield b": ping\n\n"
                        continue
                    if event is None:  # dropped for falling behind, or the server stops
                        return
                    name, document = event
                    yield f"event: {name}\ndata: {_dumps(document)}\n\n".encode()
            finally:
                self.recorder.unlisten(queue)

        headers = {"cache-control": "no-cache", "x-accel-buffering": "no"}
        return StreamingResponse(body(), media_type="text/event-stream", headers=headers)


def _read_graph(graph_file: Path | None) -> dict[str, Any] | None:
    if graph_file is None:
        return None
    try:
        graph = json.loads(graph_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return graph if isinstance(graph, dict) else None


def _carries(scope: Scope, token: str) -> bool:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, given = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token):
                return True
        elif name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, given = part.strip().partition("=")
                if key == COOKIE and hmac.compare_digest(given, token):
                    return True
    return False


def _query(scope: Scope) -> dict[str, str]:
    raw = scope.get("query_string", b"").decode("latin-1")
    return {key: values[-1] for key, values in parse_qs(raw).items()}


def _number(text: str | None, default: int) -> int:
    if text is None:
        return default
    try:
        return max(0, min(int(text), 100_000))
    except ValueError:
        raise HttpError(400, {"error": f"expected a whole number, not {text!r}"}) from None


def _searchable(line: dict[str, Any]) -> str:
    return f"{line['msg']} {_dumps(line['fields'])}".lower()


def _dumps(document: Any) -> str:
    return json.dumps(document, default=str, ensure_ascii=False)


def _json(document: Any) -> Response:
    """JSON for documents holding log fields, which may hold anything (written with `str()`)."""
    return Response(_dumps(document), media_type="application/json")


def _signature(path: Path) -> tuple[int, int, int] | None:
    """What changes when the file is rewritten: its inode (`motia dev` replaces it whole), size and time
    (a coarse clock can give two writes the same time)."""
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_ino, found.st_size, found.st_mtime_ns)
