"""Cron jobs run on demand (`motia cron run NAME`), through the queue.

A request is a message on the runtime's own topic `__motia.cron.run`, naming the job's step; whichever
instance of the app claims it runs the job once, by the same call as a tick of the scheduler
(`Runtime.run_cron`: the job's condition, then its handler, with the message's trace id). Going through the
queue means a request made while the app is down runs when it starts, one made with several instances
runs on one of them, and a run that fails is a dead letter (`motia dlq list`) rather than a lost line: it
is not retried, as a tick is not.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from motia.delivery.changes import RESERVED_PREFIX
from motia.delivery.engine import MessageInfo, Subscriber
from motia.spec import CronSpec
from motia.storage.backend import Backend, NewMessage
from motia.triggers import QueueConfig

TOPIC = RESERVED_PREFIX + "cron.run"
SUBSCRIBER = "motia::cron"
# Once, like a tick; as long as a cron handler may take (ticks have no timeout either, within reason).
QUEUE = QueueConfig(max_retries=0, visibility_timeout=3600)


async def request_run(backend: Backend, step: str, *, trace_id: str, now: float) -> str:
    """Queue one run of the cron job of `step` on the app's backend; returns the message id."""
    message = NewMessage(TOPIC, SUBSCRIBER, {"step": step}, trace_id, now, now)
    (message_id,) = await backend.enqueue([message])
    return message_id


def subscriber(crons: Sequence[CronSpec], run: Callable[[CronSpec, str], Awaitable[None]]) -> Subscriber:
    """The runtime's subscriber to run requests: finds the job by its step's name and `run`s it with the
    message's trace id. A name the app has no cron job for (the app changed since) fails the message."""
    by_step = {job.step.name: job for job in crons}

    async def handle(payload: Any, info: MessageInfo) -> None:
        name = payload.get("step") if isinstance(payload, dict) else None
        job = by_step.get(name) if isinstance(name, str) else None
        if job is None:
            raise LookupError(f"the app has no cron job named {name!r}")
        await run(job, info.trace_id)

    return Subscriber(SUBSCRIBER, handle, QUEUE)
