"""What the Workbench shows of a running app: the recent handler calls (spans, grouped by trace when
read) and the recent log lines, in bounded rings, with live listeners.

The runtime calls `start` when a handler call begins (an HTTP request, a queue delivery attempt, a state or
stream change, a cron run) and `finish` when it ends, and `emitted` for each message a handler enqueues;
`LogTap`, a `logging.Handler` on the "motia" logger, adds every log line. Old spans and lines fall out of
the rings (`MAX_SPANS`, `MAX_LOGS`), so memory stays bounded however long the app runs.

The request path does as little as it can: a running call is a `Span` in a dict; a finished one becomes a
tuple of plain values in a deque. Such tuples are not tracked by the garbage collector, so thousands of
them kept cost the collector nothing (a ring of objects made collections walk them all, which served
requests measurably paid for). Traces are put together when the API reads them.

Listeners (the page's event stream) get each change through a bounded `asyncio.Queue`; one that falls
`LISTENER_BACKLOG` items behind is dropped (its stream ends and the page reconnects), rather than holding
memory for a reader that does not read. A live trace update sums up the trace's spans among the last
`LIVE_WINDOW` calls (a trace's calls are recent ones). Log lines come from worker threads too (sync
handlers): they reach the ring under a lock and the listeners through the event loop.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterable
from typing import Any, NamedTuple

from motia.logging import level_label, record_fields

MAX_SPANS = 10_000
MAX_LOGS = 5000
LIVE_WINDOW = 1000
LISTENER_BACKLOG = 1000

Event = tuple[str, dict[str, Any]]  # (SSE event name, its JSON object)


# A running call: (id, trace id, step, kind, label, start in seconds since the epoch, attempt). A tuple
# rather than an object: it is made for every request and delivery, and a class's `__init__` is a Python
# call that costs the hot path more than everything else the recorder does.
Span = tuple[int, str, str, str, str, float, int]


class Call(NamedTuple):
    """A handler call, running (`end` None, status "running") or finished: plain values only."""

    id: int
    trace_id: str
    step: str
    kind: str
    label: str
    start: float
    end: float | None
    status: str
    attempt: int
    error: str | None
    http_status: int | None
    emitted: tuple[str, ...]

    def document(self) -> dict[str, Any]:
        end = self.end
        return {
            "id": self.id,
            "step": self.step,
            "kind": self.kind,
            "label": self.label,
            "start": _ms(self.start),
            "end": None if end is None else _ms(end),
            "durationMs": None if end is None else round((end - self.start) * 1000, 3),
            "status": self.status,
            "attempt": self.attempt,
            "error": self.error,
            "emitted": list(self.emitted),
            "httpStatus": self.http_status,
        }


def _running(span: Span, emitted: tuple[str, ...]) -> Call:
    return Call(*span[:6], None, "running", span[6], None, None, emitted)


def summary(trace_id: str, calls: list[Call]) -> dict[str, Any]:
    """A trace as the list shows it, from its calls in the order they started."""
    first = calls[0]
    ends = [c.end for c in calls]
    running = any(e is None for e in ends)
    # Failed: a step whose latest call failed (one retried to success is not a failure of the trace).
    latest = {call.step: call.status for call in calls}
    failed = "error" in latest.values()
    return {
        "traceId": trace_id,
        "start": _ms(first.start),
        "end": None if running else _ms(max(e for e in ends if e is not None)),
        "status": "running" if running else "error" if failed else "ok",
        "entry": {"step": first.step, "kind": first.kind, "label": first.label},
        "steps": list(dict.fromkeys(call.step for call in calls)),
        "spans": len(calls),
    }


class Recorder:
    """The rings of handler calls and log lines, and the listeners told of every change."""

    def __init__(self, *, max_spans: int = MAX_SPANS, max_logs: int = MAX_LOGS) -> None:
        self.finished: deque[tuple[Any, ...]] = deque(maxlen=max_spans)  # `Call`s as plain tuples
        self.running: dict[int, Span] = {}
        self._emitted: dict[int, tuple[str, ...]] = {}  # by running call: few calls emit
        self.logs: deque[dict[str, Any]] = deque(maxlen=max_logs)
        self.listeners: set[asyncio.Queue[Event | None]] = set()
        self._ids = itertools.count(1)
        self._log_seq = itertools.count(1)
        self._lock = threading.Lock()  # log lines arrive from worker threads
        self._loop: asyncio.AbstractEventLoop | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """The loop the listeners live on (the server's)."""
        self._loop = loop

    # -- spans (called on the event loop)
    def start(self, trace_id: str, step: str, kind: str, label: str, attempt: int = 1) -> Span:
        span = (next(self._ids), trace_id, step, kind, label, time.time(), attempt)
        self.running[span[0]] = span
        if self.listeners:
            self._publish_trace(trace_id)
        return span

    def finish(
        self, span: Span, status: str, *, error: BaseException | None = None, http_status: int | None = None
    ) -> None:
        del self.running[span[0]]
        failure = None if error is None else f"{type(error).__name__}: {error}"
        emitted = self._emitted.pop(span[0], ()) if self._emitted else ()
        # A plain tuple (as `Call` reads it): the collector stops tracking it, a subclass it would not.
        self.finished.append((*span[:6], time.time(), status, span[6], failure, http_status, emitted))
        if self.listeners:
            self._publish_trace(span[1])

    def emitted(self, trace_id: str, step: str, topic: str) -> None:
        """A message `step` enqueued while handling `trace_id`: noted on its latest running call."""
        for span in reversed(self.running.values()):
            if span[1] == trace_id and span[2] == step:
                self._emitted[span[0]] = (*self._emitted.get(span[0], ()), topic)
                return

    # -- reading
    def calls(self) -> list[Call]:
        """Every call in the rings, in the order they started."""
        running = [_running(span, self._emitted.get(span[0], ())) for span in self.running.values()]
        every = [*map(Call._make, self.finished), *running]
        every.sort(key=lambda call: call.id)
        return every

    def traces(self) -> dict[str, list[Call]]:
        """The calls by trace, the most recently active trace last."""
        grouped: dict[str, list[Call]] = {}
        for call in self.calls():
            found = grouped.pop(call.trace_id, [])  # put back at the end: the latest activity is last
            found.append(call)
            grouped[call.trace_id] = found
        return grouped

    def trace_list(self, limit: int) -> list[dict[str, Any]]:
        if limit <= 0:
            return []
        newest = list(self.traces().items())[-limit:]
        return [summary(trace_id, calls) for trace_id, calls in reversed(newest)]

    def calls_of(self, trace_id: str, window: int | None = None) -> list[Call]:
        """The calls of one trace (among the last `window` finished ones), in the order they started;
        filtered before they are made into `Call`s, since the page asks on every change it is shown."""
        finished: Iterable[tuple[Any, ...]] = self.finished
        if window is not None:
            finished = itertools.islice(reversed(self.finished), window)
        mine = [Call._make(t) for t in finished if t[1] == trace_id]
        emitted = self._emitted
        mine += [_running(s, emitted.get(s[0], ())) for s in self.running.values() if s[1] == trace_id]
        mine.sort(key=lambda call: call.id)
        return mine

    def trace(self, trace_id: str) -> dict[str, Any] | None:
        calls = self.calls_of(trace_id)
        if not calls:
            return None
        with self._lock:
            logs = [line for line in self.logs if line["traceId"] == trace_id]
        return {"trace": summary(trace_id, calls), "spans": [c.document() for c in calls], "logs": logs}

    def _publish_trace(self, trace_id: str) -> None:
        calls = self.calls_of(trace_id, LIVE_WINDOW)
        if calls:
            self._publish(("trace", summary(trace_id, calls)))

    def log_lines(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.logs)

    # -- log lines (any thread)
    def add_log(self, line: dict[str, Any]) -> None:
        with self._lock:
            line["seq"] = next(self._log_seq)
            self.logs.append(line)
        if self.listeners:
            self._publish(("log", line))

    # -- listeners
    def listen(self) -> asyncio.Queue[Event | None]:
        queue: asyncio.Queue[Event | None] = asyncio.Queue(LISTENER_BACKLOG)
        self.listeners.add(queue)
        return queue

    def unlisten(self, queue: asyncio.Queue[Event | None]) -> None:
        self.listeners.discard(queue)

    def publish(self, name: str, document: dict[str, Any]) -> None:
        """Tell every listener (from the event loop or any thread)."""
        self._publish((name, document))

    def close(self) -> None:
        """End every listener's stream (the server is stopping)."""
        for queue in tuple(self.listeners):
            self._drop(queue)

    def _publish(self, event: Event) -> None:
        loop = self._loop
        if loop is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._deliver(event)
        elif not loop.is_closed():
            loop.call_soon_threadsafe(self._deliver, event)

    def _deliver(self, event: Event) -> None:
        for queue in tuple(self.listeners):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                self._drop(queue)  # a reader this far behind starts again from the lists

    def _drop(self, queue: asyncio.Queue[Event | None]) -> None:
        self.listeners.discard(queue)
        while not queue.empty():  # room for the end marker
            queue.get_nowait()
        queue.put_nowait(None)


class LogTap(logging.Handler):
    """Every record of the "motia" logger (step logs, the runtime's own lines) into the recorder."""

    def __init__(self, recorder: Recorder) -> None:
        super().__init__(logging.DEBUG)
        self.recorder = recorder

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.recorder.add_log(log_line(record))
        except Exception:  # a log line must never fail the code that wrote it
            self.handleError(record)


def log_line(record: logging.LogRecord) -> dict[str, Any]:
    fields = dict(record_fields(record))
    step = fields.pop("step", None)
    trace = fields.pop("trace_id", None) or fields.pop("traceId", None)
    fields.pop("flows", None)
    if record.name not in ("motia",):
        fields.setdefault("logger", record.name)
    if record.exc_info and record.exc_info[1] is not None:
        fields["exception"] = "".join(traceback.format_exception(record.exc_info[1])).rstrip()
    return {
        "seq": 0,
        "time": int(record.created * 1000),
        "level": level_label(record.levelno),
        "msg": record.getMessage(),
        "step": None if step is None else str(step),
        "traceId": None if trace is None else str(trace),
        "fields": fields,
    }


def _ms(seconds: float) -> int:
    return int(seconds * 1000)
