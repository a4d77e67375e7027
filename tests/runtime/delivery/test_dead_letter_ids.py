"""The log line that reports a dead letter names it by the id `motia dlq list` shows and `replay` takes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from motia.storage.sqlite import SqliteBackend
from motia.testing import TestApp
from motia.triggers import QueueConfig

from tests.runtime.specs import app, run, step, subscription


def test_the_log_names_the_dead_letter_by_its_own_id(tmp_path: Path) -> None:
    async def fine(input: Any, ctx: Any) -> None:
        return None

    async def broken(input: Any, ctx: Any) -> None:
        raise ValueError("no")

    spec = app(
        subscriptions=(
            subscription(step(fine, "Fine"), "ok"),
            subscription(step(broken, "Broken"), "bad", queue=QueueConfig(max_retries=0)),
        )
    )

    async def scenario() -> None:
        async with TestApp(spec, SqliteBackend(tmp_path / "motia.sqlite3")) as test:
            for n in range(3):  # message ids 1-3 are used up, so the failing one is message 4
                await test.emit("ok", {"n": n})
            await test.wait_idle()
            await test.emit("bad", {"n": 9})
            await test.wait_idle()
            (letter,) = await test.dead_letters()
            lines = [entry["msg"] for entry in test.logs if "dead letters" in entry["msg"]]
            assert lines == [
                f"bad → Broken: moved to the dead letters as {letter.id} after 1 attempt(s): "
                f"ValueError: no [trace {letter.trace_id}]"
            ]
            assert await test.runtime.backend.replay(letter.id, now=0.0) is not None

    run(scenario)
