"""A poison message never takes the app down: a handler that kills its process is dead-lettered once its
attempts are used up, and `SystemExit`/`KeyboardInterrupt` from step code fail one call, not the server."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from motia.storage.backend import NewMessage
from motia.storage.jsonvalue import dumps
from motia.storage.memory import MemoryBackend
from motia.testing import TestApp
from motia.triggers import QueueConfig

from tests.commands import motia
from tests.e2e.server import build, eventually, start
from tests.runtime.specs import app, route, run, step, subscription


def test_a_message_whose_attempts_all_died_is_dead_lettered_when_claimed_again() -> None:
    """Two claims that never settled (the process died each time), with maxRetries 1: the third claim does
    not run the handler again."""
    calls: list[Any] = []

    async def handler(input: Any, ctx: Any) -> None:
        calls.append(input)

    crash = step(handler, "Crash")
    spec = app(subscriptions=(subscription(crash, "boom", queue=QueueConfig(max_retries=1)),))

    async def scenario() -> None:
        backend = MemoryBackend()
        message = NewMessage("boom", "Crash", dumps({"n": 1}), "trace", visible_at=0.0, enqueued_at=0.0)
        await backend.enqueue([message])
        for attempt in range(2):  # each claim's lease ran out: the process died in the handler
            (claimed,) = await backend.claim(
                "boom", "Crash", now=attempt * 10.0, lease_until=attempt * 10.0 + 1, limit=1
            )
            assert claimed.attempt == attempt + 1
        async with TestApp(spec, backend) as test:
            await test.wait_idle()
            (dead,) = await test.dead_letters()
        assert calls == []
        assert dead.reason == "the handler did not finish (process died); 2 attempt(s) made, 2 allowed"

    run(scenario)


@pytest.mark.parametrize(
    "error", [SystemExit(3), KeyboardInterrupt()], ids=["SystemExit", "KeyboardInterrupt"]
)
def test_system_exit_in_step_code_fails_the_call_not_the_server(error: BaseException) -> None:
    attempts: list[int] = []

    async def on_event(input: Any, ctx: Any) -> None:
        attempts.append(1)
        raise error

    def on_request(req: Any, ctx: Any) -> dict[str, Any]:  # sync: run in a worker thread
        raise error

    async def ok(req: Any, ctx: Any) -> dict[str, Any]:
        return {"status": 200, "body": {"ok": True}}

    worker = step(on_event, "Worker")
    spec = app(
        routes=(route(step(on_request, "Exit"), "GET", "/exit"), route(step(ok, "Ok"), "GET", "/ok")),
        subscriptions=(subscription(worker, "job", queue=QueueConfig(max_retries=1, backoff_delay_ms=1)),),
    )

    async def scenario() -> None:
        async with TestApp(spec) as test:
            assert (await test.get("/exit")).status_code == 500
            await test.emit("job", {"n": 1})
            await test.wait_idle()
            (dead,) = await test.dead_letters()
            assert (await test.get("/ok")).status_code == 200
        assert len(attempts) == 2
        assert f"raised {type(error).__name__}" in dead.reason

    run(scenario)


CRASH_STEP = """import os
from pathlib import Path

config = {
    "type": "event",
    "name": "Crash",
    "subscribes": ["boom"],
    "emits": [],
    "infrastructure": {"queue": {"maxRetries": 1, "visibilityTimeout": 1}},
}


async def handler(input, context):
    with Path(os.environ["MOTIA_CRASH_RECORD"]).open("a") as record:
        record.write("ran\\n")
    os._exit(1)
"""

PING_STEP = """config = {"type": "api", "name": "Ping", "path": "/ping", "method": "GET", "emits": ["boom"]}


async def handler(req, context):
    await context.emit({"topic": "boom", "data": {"n": 1}})
    return {"status": 200, "body": {"ok": True}}
"""


@pytest.mark.slow
def test_a_handler_that_kills_the_process_is_dead_lettered_across_restarts_and_the_app_stays_up(
    tmp_path: Path,
) -> None:
    application = tmp_path / "crash"
    (application / "steps").mkdir(parents=True)
    (application / "steps" / "crash_step.py").write_text(CRASH_STEP, encoding="utf-8")
    (application / "steps" / "ping_step.py").write_text(PING_STEP, encoding="utf-8")
    build(application)
    record = tmp_path / "record.txt"
    env = {"MOTIA_CRASH_RECORD": str(record)}
    ran = lambda: record.read_text().count("ran") if record.exists() else 0  # noqa: E731

    server = start(application, env=env)
    with server.client() as client:
        assert client.get("/ping").status_code == 200
    assert server.process.wait(timeout=30) == 1  # attempt 1 took the process down
    assert ran() == 1
    time.sleep(1.2)  # the dead attempt's lease runs out
    assert _run_until_it_dies(application, env) == 1  # attempt 2
    assert ran() == 2
    time.sleep(1.2)
    server = start(application, env=env)
    try:
        listed = eventually(lambda: _dead_letters(application), what="the dead letter")
        assert "the handler did not finish (process died); 2 attempt(s) made, 2 allowed" in listed
        with server.client() as client:
            assert client.get("/__motia/health").status_code == 200
        assert server.process.poll() is None
        assert ran() == 2  # never a third time
    finally:
        server.stop()


def _run_until_it_dies(application: Path, env: dict[str, str]) -> int:
    """Start the app and wait for it to exit; its code. It may die before or after its first health
    check answers."""
    try:
        server = start(application, env=env)
    except AssertionError as died:
        return 1 if "exited with 1" in str(died) else -1
    return server.process.wait(timeout=30)


def _dead_letters(application: Path) -> str | None:
    listed = motia("dlq", "list", str(application)).stdout
    return listed if "Crash" in listed else None
