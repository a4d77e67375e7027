"""What the Workbench shows of a running app: the recent traces with their spans, and the recent log lines,
in bounded rings, with live listeners.

The runtime calls `start` when a handler call begins (an HTTP request, a queue delivery attempt, a state or
stream change, a cron run) and `finish` when it ends, and `emitted` for each message a handler enqueues;
`LogTap`, a `logging.Handler` on the "motia" logger, adds every log line. Old traces and lines fall out of
the rings (`MAX_TRACES`, `MAX_LOGS`), so memory stays bounded however long the app runs.

Listeners (the page's event stream) get each change through a bounded `asyncio.Queue`; one that falls
`LISTENER_BACKLOG` items behind is dropped (its stream ends and the page reconnects), rather than holding
memory for a reader that does not read. Log lines come from worker threads too (sync handlers): they reach
the rings under a lock and the listeners through the event loop.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
import traceback
from collections import OrderedDict, deque
from typing import Any

from motia.logging import level_label, record_fields

MAX_TRACES = 1000
MAX_LOGS = 5000
MAX_SPANS_PER_TRACE = 500  # a trace past it keeps its first spans (a runaway loop of events)
LISTENER_BACKLOG = 1000

Event = tuple[str, dict[str, Any]]  # (SSE event name, its JSON object)


class Span:
    """One handler call within a trace. (A plain slotted class: one is made per request and delivery, and
    a dataclass's generated `__init__` with defaults costs the hot path twice as much.)"""

    __slots__ = (
        "attempt",
        "emitted",
        "end",
        "error",
        "http_status",
        "id",
        "kind",
        "label",
        "start",
        "status",
        "step",
        "trace_id",
    )

    def __init__(self, id: int, trace_id: str, step: str, kind: str, label: str, attempt: int) -> None:
        self.id, self.trace_id, self.step, self.kind, self.label = id, trace_id, step, kind, label
        self.start = time.time()  # seconds since the epoch
        self.attempt = attempt
        self.end: float | None = None
        self.status = "running"
        self.error: str | None = None
        self.http_status: int | None = None
        self.emitted: list[str] | None = None  # made by the first emit: most calls emit nothing

    def document(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "step": self.step,
            "kind": self.kind,
            "label": self.label,
            "start": _ms(self.start),
            "end": None if self.end is None else _ms(self.end),
            "durationMs": None if self.end is None else round((self.end - self.start) * 1000, 3),
            "status": self.status,
            "attempt": self.attempt,
            "error": self.error,
            "emitted": list(self.emitted or ()),
            "httpStatus": self.http_status,
        }


class Trace:
    __slots__ = ("spans", "trace_id")

    def __init__(self, trace_id: str, spans: list[Span]) -> None:
        self.trace_id, self.spans = trace_id, spans

    def summary(self) -> dict[str, Any]:
        spans = self.spans
        first = spans[0]
        ends = [s.end for s in spans]
        running = any(e is None for e in ends)
        # Failed: a step whose latest call failed (one retried to success is not a failure of the trace).
        latest = {span.step: span.status for span in spans}
        failed = "error" in latest.values()
        steps: list[str] = []
        for span in spans:
            if span.step not in steps:
                steps.append(span.step)
        return {
            "traceId": self.trace_id,
            "start": _ms(first.start),
            "end": None if running else _ms(max(e for e in ends if e is not None)),
            "status": "running" if running else "error" if failed else "ok",
            "entry": {"step": first.step, "kind": first.kind, "label": first.label},
            "steps": steps,
            "spans": len(spans),
        }


class Recorder:
    """The rings of traces and log lines, and the listeners told of every change."""

    def __init__(self, *, max_traces: int = MAX_TRACES, max_logs: int = MAX_LOGS) -> None:
        self.max_traces = max_traces
        self.traces: OrderedDict[str, Trace] = OrderedDict()
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
        span = Span(next(self._ids), trace_id, step, kind, label, attempt)
        traces = self.traces
        trace = traces.get(trace_id)
        if trace is None:
            trace = traces[trace_id] = Trace(trace_id, [])
            if len(traces) > self.max_traces:
                traces.popitem(last=False)
        else:
            traces.move_to_end(trace_id)
        if len(trace.spans) < MAX_SPANS_PER_TRACE:
            trace.spans.append(span)
        if self.listeners:
            self._publish(("trace", trace.summary()))
        return span

    def finish(
        self, span: Span, status: str, *, error: BaseException | None = None, http_status: int | None = None
    ) -> None:
        span.end = time.time()
        span.status = status
        span.http_status = http_status
        if error is not None:
            span.error = f"{type(error).__name__}: {error}"
        if self.listeners:
            trace = self.traces.get(span.trace_id)
            if trace is not None:
                self._publish(("trace", trace.summary()))

    def emitted(self, trace_id: str, step: str, topic: str) -> None:
        """A message `step` enqueued while handling `trace_id`: noted on its latest running span."""
        trace = self.traces.get(trace_id)
        if trace is None:
            return
        for span in reversed(trace.spans):
            if span.step == step and span.end is None:
                if span.emitted is None:
                    span.emitted = []
                span.emitted.append(topic)
                return

    # -- reading
    def trace_list(self, limit: int) -> list[dict[str, Any]]:
        newest = list(self.traces.values())[-limit:] if limit > 0 else []
        return [t.summary() for t in reversed(newest)]

    def trace(self, trace_id: str) -> dict[str, Any] | None:
        trace = self.traces.get(trace_id)
        if trace is None:
            return None
        with self._lock:
            logs = [line for line in self.logs if line["traceId"] == trace_id]
        return {"trace": trace.summary(), "spans": [s.document() for s in trace.spans], "logs": logs}

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
