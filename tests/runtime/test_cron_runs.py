"""Cron jobs run on request (`motia cron run`): a message on the runtime's own topic, run once by the
same call as a tick, with the request's trace id; a name the app has no job for is a dead letter."""

from __future__ import annotations

from typing import Any

from motia import cron_runs
from motia.runtime import Runtime
from motia.spec import CronSpec
from motia.storage.memory import MemoryBackend

from tests.runtime.specs import app, run, step

T0 = 1_000_000.0


def test_a_requested_run_goes_through_the_queue_once_and_a_wrong_name_is_a_dead_letter() -> None:
    runs: list[str | None] = []

    async def nightly(ctx: Any) -> None:
        runs.append(ctx.trace_id)

    spec = app(crons=(CronSpec(step(nightly, "Nightly", arity=1), 0, "0 3 * * *"),))

    async def scenario() -> None:
        backend = MemoryBackend()
        async with Runtime(spec, backend, cron=False) as runtime:
            await cron_runs.request_run(backend, "Nightly", trace_id="t-1", now=T0)
            await cron_runs.request_run(backend, "Gone", trace_id="t-2", now=T0)
            await runtime.wait_idle(timeout=5)
            assert runs == ["t-1"]
            (dead,) = await runtime.dead_letters()
            assert (dead.topic, dead.trace_id, dead.attempts) == (cron_runs.TOPIC, "t-2", 1)
            assert dead.reason == "LookupError: the app has no cron job named 'Gone'"

    run(scenario)


def test_a_request_to_an_app_without_cron_jobs_waits_in_the_store() -> None:
    async def scenario() -> None:
        backend = MemoryBackend()
        async with Runtime(app(), backend) as runtime:
            await cron_runs.request_run(backend, "Nightly", trace_id="t-1", now=T0)
            await runtime.wait_idle(timeout=5)
            assert await backend.pending() == 1  # not taken by anyone, not lost either

    run(scenario)
