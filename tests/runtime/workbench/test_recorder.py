"""The Workbench's rings: bounded whatever the app does, listeners that fall behind are dropped, and log
lines from worker threads reach the listeners on the event loop."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading

from motia.logging import extra
from motia.workbench.recorder import LISTENER_BACKLOG, LogTap, Recorder

from tests.runtime.specs import run


def test_the_span_ring_keeps_the_newest_calls_and_traces_are_grouped_when_read() -> None:
    recorder = Recorder(max_spans=4)
    for number in range(5):
        recorder.finish(recorder.start(f"t{number}", "Step", "queue", "topic"), "ok")
    running = recorder.start("t2", "Step", "queue", "topic")  # a new call makes a trace recent again
    assert [t["traceId"] for t in recorder.trace_list(10)] == ["t2", "t4", "t3", "t1"]
    assert recorder.trace("t0") is None  # its only call fell out of the ring
    assert recorder.trace_list(10)[0]["status"] == "running"
    recorder.finish(running, "error", error=ValueError("boom"))
    document = recorder.trace("t2")
    assert document is not None
    assert [(s["status"], s["error"]) for s in document["spans"]] == [
        ("ok", None),
        ("error", "ValueError: boom"),
    ]
    assert document["trace"]["status"] == "error"
    assert len(recorder.finished) == 4  # bounded


def test_kept_calls_are_plain_values_the_garbage_collector_does_not_track() -> None:
    recorder = Recorder()
    for number in range(100):
        recorder.finish(recorder.start(f"t{number}", "Step", "http", "GET /"), "ok", http_status=200)
    gc.collect()
    assert not any(gc.is_tracked(call) for call in recorder.finished)
    assert recorder.running == {}


def test_the_log_ring_keeps_the_newest_lines() -> None:
    recorder = Recorder(max_logs=4)
    for number in range(10):
        recorder.add_log({"msg": str(number), "traceId": None})
    assert [line["msg"] for line in recorder.log_lines()] == ["6", "7", "8", "9"]
    assert [line["seq"] for line in recorder.log_lines()] == [7, 8, 9, 10]


def test_a_listener_that_falls_behind_is_dropped_and_its_stream_ends() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        recorder.bind(asyncio.get_running_loop())
        slow, quick = recorder.listen(), recorder.listen()
        for number in range(LISTENER_BACKLOG + 1):
            recorder.add_log({"msg": str(number), "traceId": None})
            while not quick.empty():
                quick.get_nowait()
        assert slow not in recorder.listeners
        assert quick in recorder.listeners
        assert slow.get_nowait() is None  # the end of its stream, nothing held for it

    run(scenario)


def test_log_lines_from_threads_reach_listeners_on_the_loop_with_their_fields() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        recorder.bind(asyncio.get_running_loop())
        listener = recorder.listen()
        logger = logging.getLogger("motia.test-workbench")
        tap = LogTap(recorder)
        logger.addHandler(tap)
        logger.setLevel(logging.INFO)
        try:
            fields = extra(step="Sync", trace_id="t-1", orderId="o-1")
            thread = threading.Thread(target=lambda: logger.info("from a thread", extra=fields))
            thread.start()
            thread.join()
            name, line = await asyncio.wait_for(listener.get(), 5)  # type: ignore[misc]
        finally:
            logger.removeHandler(tap)
        assert name == "log"
        assert (line["msg"], line["step"], line["traceId"], line["level"]) == (
            "from a thread",
            "Sync",
            "t-1",
            "info",
        )
        assert line["fields"] == {"orderId": "o-1", "logger": "motia.test-workbench"}

    run(scenario)


def test_emitted_topics_go_to_the_running_call_of_the_step() -> None:
    recorder = Recorder()
    first = recorder.start("t", "A", "http", "POST /a")
    recorder.finish(first, "ok")
    second = recorder.start("t", "A", "queue", "again")
    recorder.emitted("t", "A", "next")
    recorder.emitted("unknown", "A", "ignored")
    recorder.finish(second, "ok")
    document = recorder.trace("t")
    assert document is not None
    assert [s["emitted"] for s in document["spans"]] == [[], ["next"]]
