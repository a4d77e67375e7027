"""The queue engine: delivers enqueued events to every subscriber of their topic, at least once.

An event is fanned out when it is enqueued: each subscriber of the topic gets its own stored message, so
one subscriber's retries, delays and failures never touch another's. Each subscriber is a consumer that
claims ready messages from the backend (up to its concurrency limit) and runs them on a few worker tasks,
which await the handler inline: a task per event costs about six times as much (reference notes on event
queues). A failed attempt is retried with exponential backoff; the last one, or a payload the input
validator refuses, ends in the dead letters with its reason.

FIFO subscribers get one message at a time per message group (the backend only hands out a group's oldest
message), and different groups run in parallel up to the concurrency limit.

Every claim is a lease: a handler that outlives it (or a process that dies) gives the message back to be
delivered again. Handlers are cancelled at their timeout (the visibility timeout unless the subscriber sets
its own), which counts as a failed attempt, and the lease lasts a little longer so that a timed-out
message is settled by its own worker before anyone else can claim it.

(The module is not called `queue`: `motia.queue` is the queue trigger helper step files import.)
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from motia.backend import Backend, DeadLetter, Message, NewMessage
from motia.backends.jsonvalue import require_json
from motia.clock import Clock, SystemClock
from motia.types import QueueConfig

DEFAULT_CONCURRENCY = 10
DEFAULT_BACKOFF_MS = 1000
DEFAULT_VISIBILITY_TIMEOUT = 30
MAX_BACKOFF_SECONDS = 3600.0
LEASE_GRACE_SECONDS = 1.0
"""How much longer a lease lasts than the handler timeout, so the worker settles a timed-out message first."""

log = logging.getLogger("motia.queue")


@dataclass(frozen=True, slots=True)
class MessageInfo:
    """What a handler learns about the message it runs: ids, trace id and which attempt this is."""

    id: str
    topic: str
    subscriber: str
    trace_id: str
    group_id: str | None
    attempt: int
    max_attempts: int


Handler = Callable[[Any, MessageInfo], Awaitable[None]]
Validator = Callable[[Any], Any]
"""Checks a payload before the handler runs and returns what the handler receives; raising any exception
(pydantic's `ValidationError`, `ValueError`, ...) marks the payload invalid."""


@dataclass(frozen=True, slots=True)
class Subscriber:
    """One subscription of a topic: a name unique on the topic (the step's), a handler and its settings.

    `timeout` is the handler timeout in seconds; None means the visibility timeout.
    """

    name: str
    handler: Handler
    config: QueueConfig = field(default_factory=QueueConfig)
    validator: Validator | None = None
    timeout: float | None = None

    @property
    def max_attempts(self) -> int:
        """The first delivery plus `max_retries` retries."""
        return 1 + self.config.max_retries

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based): `backoff_delay_ms`, doubled
        after each failure unless `backoff_type` is `"fixed"`."""
        base = (
            DEFAULT_BACKOFF_MS if self.config.backoff_delay_ms is None else self.config.backoff_delay_ms
        ) / 1000
        factor = 1 if self.config.backoff_type == "fixed" else 2 ** min(attempt - 1, 32)
        return min(base * factor, MAX_BACKOFF_SECONDS)


Registry = Mapping[str, Sequence[Subscriber]]
"""Topic → its subscribers, as the generated dispatch module lists them."""


def new_trace_id() -> str:
    return uuid.uuid4().hex


class QueueEngine:
    """Runs the subscribers of `registry` over `backend`.

    `enqueue` works before `start` (messages wait in the backend). `stop` loses nothing: messages claimed
    but not started are handed back, running handlers get `grace` seconds to finish, and the rest are
    cancelled and handed back too (or, with `release=False`, left to come back when their lease ends, as
    after a crash).
    """

    def __init__(self, backend: Backend, registry: Registry, *, clock: Clock | None = None) -> None:
        self.backend = backend
        self.clock: Clock = clock or SystemClock()
        self._consumers = [_Consumer(self, topic, s) for topic, subs in registry.items() for s in subs]
        self._by_topic: dict[str, list[_Consumer]] = {}
        for consumer in self._consumers:
            self._by_topic.setdefault(consumer.topic, []).append(consumer)
        _check_unique(self._consumers)
        self._started = False
        self._activity = 0
        self._changed: asyncio.Event | None = None

    async def __aenter__(self) -> QueueEngine:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    async def start(self) -> None:
        if self._started:
            raise RuntimeError("the queue engine is already running")
        self._started = True
        for consumer in self._consumers:
            consumer.start()

    async def stop(self, *, grace: float = 5.0, release: bool = True) -> None:
        """Stop claiming and wait up to `grace` seconds for running handlers; see the class docstring."""
        if not self._started:
            return
        self._started = False
        await asyncio.gather(*(consumer.stop(grace=grace, release=release) for consumer in self._consumers))

    async def enqueue(
        self,
        topic: str,
        data: Any,
        *,
        group_id: str | None = None,
        trace_id: str | None = None,
        delay_seconds: float | None = None,
    ) -> list[str]:
        """Store one message per subscriber of `topic`; returns their ids (none when nobody subscribes).

        `delay_seconds` overrides the subscribers' own `delay_seconds` setting for this event.
        """
        require_json(data, f"the payload of topic {topic!r}")
        consumers = self._by_topic.get(topic, ())
        if not consumers:
            return []
        now = self.clock.now()
        trace = trace_id or new_trace_id()
        messages = [consumer.message(data, now, trace, group_id, delay_seconds) for consumer in consumers]
        ids = await self.backend.enqueue(messages)
        for consumer in consumers:
            consumer.nudge()
        self._touch()
        return ids

    async def dead_letters(
        self, *, topic: str | None = None, subscriber: str | None = None
    ) -> list[DeadLetter]:
        return await self.backend.dead_letters(topic=topic, subscriber=subscriber)

    async def replay(self, dead_letter_id: str) -> str | None:
        """Queue a dead letter again (attempts start over); returns the new message id, or None."""
        message_id = await self.backend.replay(dead_letter_id, now=self.clock.now())
        for consumer in self._consumers:
            consumer.nudge()
        self._touch()
        return message_id

    async def pending(self) -> int:
        """Messages stored for this engine's subscribers (ready, delayed, retrying or in flight)."""
        counts = [await self.backend.pending(topic=c.topic, subscriber=c.name) for c in self._consumers]
        return sum(counts)

    async def wait_settled(self) -> None:
        """Wait until no handler runs and no message is ready at the clock's current time (messages may
        still wait for a delay or a retry). With a manual clock, this is the point to advance it."""
        self._require_started()
        while True:
            activity = self._activity
            await asyncio.gather(*(consumer.quiet() for consumer in self._consumers))
            if activity == self._activity:
                return

    async def wait_idle(self, timeout: float | None = None) -> None:
        """Wait until every message of this engine's subscribers is settled (acked or dead-lettered)."""
        self._require_started()
        async with asyncio.timeout(timeout):
            while True:
                changed = self._changed = self._changed or asyncio.Event()
                await self.wait_settled()
                if await self.pending() == 0:
                    return
                await changed.wait()

    # -- used by the consumers
    def _touch(self) -> None:
        """Record progress (a message stored or claimed) for `wait_settled` and `wait_idle`."""
        self._activity += 1
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    def _require_started(self) -> None:
        if not self._started:
            raise RuntimeError("the queue engine is not running; call start() first")


def _check_unique(consumers: list[_Consumer]) -> None:
    seen: set[tuple[str, str]] = set()
    for consumer in consumers:
        key = (consumer.topic, consumer.name)
        if key in seen:
            raise ValueError(f"topic {consumer.topic!r} has two subscribers named {consumer.name!r}")
        seen.add(key)


class _Consumer:
    """One subscriber of one topic: a claim loop filling a buffer, and up to `capacity` workers."""

    def __init__(self, engine: QueueEngine, topic: str, spec: Subscriber) -> None:
        self.engine = engine
        self.backend = engine.backend
        self.topic = topic
        self.name = spec.name
        self.spec = spec
        self.capacity = spec.config.concurrency or DEFAULT_CONCURRENCY
        visibility = spec.config.visibility_timeout or DEFAULT_VISIBILITY_TIMEOUT
        self.timeout = visibility if spec.timeout is None else spec.timeout
        self.lease = max(visibility, self.timeout) + LEASE_GRACE_SECONDS
        self.fifo = spec.config.type == "fifo"
        self.buffer: deque[Message] = deque()
        self.busy = 0  # claimed and not yet settled: buffered plus running
        self.active = 0  # workers that will still take from the buffer
        self.wake = asyncio.Event()
        self.loop_task: asyncio.Task[None] | None = None
        self.workers: set[asyncio.Task[None]] = set()
        self.waiters: list[asyncio.Future[None]] = []
        self.stopping = False
        self.release_on_stop = True

    def message(
        self, data: Any, now: float, trace_id: str, group_id: str | None, delay: float | None
    ) -> NewMessage:
        wait = self.spec.config.delay_seconds if delay is None else delay
        return NewMessage(
            topic=self.topic,
            subscriber=self.name,
            payload=data,
            trace_id=trace_id,
            visible_at=now + wait,
            enqueued_at=now,
            group_id=group_id,
            fifo_group=(group_id or "") if self.fifo else None,
        )

    def nudge(self) -> None:
        """Something may be ready: look again, unless full (a finishing handler will wake the loop)."""
        if self.busy < self.capacity:
            self.wake.set()

    def start(self) -> None:
        self.stopping = False
        self.loop_task = asyncio.create_task(self.run(), name=f"motia queue {self.topic} → {self.name}")

    async def quiet(self) -> None:
        """Resolves after a pass of the claim loop that found nothing ready and nothing running."""
        if self.loop_task is None or self.loop_task.done():
            return
        waiter = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        self.wake.set()
        await waiter

    async def run(self) -> None:
        try:
            await self.claim_loop()
        except Exception as error:
            log.exception("%s → %s: the claim loop failed; this subscriber stopped", self.topic, self.name)
            for waiter in self.waiters:
                if not waiter.done():
                    waiter.set_exception(error)
            raise

    async def claim_loop(self) -> None:
        while not self.stopping:
            self.wake.clear()
            free = self.capacity - self.busy
            claimed = await self.fill(free) if free > 0 else 0
            deadline = None
            if claimed < free:  # nothing more is ready now
                deadline = await self.backend.next_visible(
                    self.topic, self.name, after=self.engine.clock.now()
                )
                if self.busy == 0:
                    self.resolve_waiters()
            await self.sleep(deadline)

    async def fill(self, free: int) -> int:
        now = self.engine.clock.now()
        messages = await self.backend.claim(
            self.topic, self.name, now=now, lease_until=now + self.lease, limit=free
        )
        if messages:
            self.buffer.extend(messages)
            self.busy += len(messages)
            self.engine._touch()
            # One worker per claimed message: each running handler holds one, each buffered message needs one.
            for _ in range(self.busy - self.active):
                self.active += 1
                worker = asyncio.create_task(self.work())
                self.workers.add(worker)
                worker.add_done_callback(self.workers.discard)
        return len(messages)

    async def sleep(self, deadline: float | None) -> None:
        timer = None if deadline is None else self.engine.clock.call_at(deadline, self.wake.set)
        try:
            await self.wake.wait()
        finally:
            if timer is not None:
                timer.cancel()

    def resolve_waiters(self) -> None:
        waiters, self.waiters = self.waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def work(self) -> None:
        # `active` drops in the same step that finds the buffer empty, with no await in between, so
        # `fill` never counts on a worker that is about to leave.
        try:
            while self.buffer and not self.stopping:
                message = self.buffer.popleft()
                try:
                    await deliver(self, message)
                except Exception:
                    # The backend failed to settle it; the lease will bring the message back.
                    log.exception("%s → %s: could not settle message %s", self.topic, self.name, message.id)
                finally:
                    self.busy -= 1
                    self.wake.set()
        finally:
            self.active -= 1

    async def stop(self, *, grace: float, release: bool) -> None:
        self.stopping = True
        self.release_on_stop = release
        if self.loop_task is not None:
            self.loop_task.cancel()
            await asyncio.gather(self.loop_task, return_exceptions=True)
        buffered, self.buffer = self.buffer, deque()
        for message in buffered:
            await self.settle_unfinished(message, release)
        workers = set(self.workers)
        if workers:
            _, late = await asyncio.wait(workers, timeout=grace)
            for worker in late:
                worker.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        self.busy = 0
        self.resolve_waiters()

    async def settle_unfinished(self, message: Message, release: bool) -> None:
        if release:
            await self.backend.release(message, now=self.engine.clock.now())
        self.busy -= 1


async def deliver(consumer: _Consumer, message: Message) -> None:
    """Run one message through the validator and the handler, then ack, retry or dead-letter it."""
    spec, backend, clock = consumer.spec, consumer.backend, consumer.engine.clock
    info = MessageInfo(
        id=message.id,
        topic=message.topic,
        subscriber=message.subscriber,
        trace_id=message.trace_id,
        group_id=message.group_id,
        attempt=message.attempt,
        max_attempts=spec.max_attempts,
    )
    try:
        value = message.payload if spec.validator is None else spec.validator(message.payload)
    except Exception as error:
        # Retrying cannot make a payload valid: straight to the dead letters.
        await _dead(consumer, message, f"invalid input: {error}")
        return
    timeout = asyncio.timeout(consumer.timeout)
    try:
        async with timeout:
            await spec.handler(value, info)
    except asyncio.CancelledError:
        # Cancelled by `stop`: hand the message back now, or (release=False, as in a crash) let its
        # lease run out. Cancelled from elsewhere: the lease brings it back.
        if consumer.stopping and consumer.release_on_stop:
            await backend.release(message, now=clock.now())
        raise
    except Exception as error:
        await _failed(consumer, message, _reason(error, timeout, consumer.timeout))
    else:
        await backend.ack(message)


async def _failed(consumer: _Consumer, message: Message, reason: str) -> None:
    spec = consumer.spec
    if message.attempt >= spec.max_attempts:
        await _dead(consumer, message, reason)
        return
    delay = spec.backoff(message.attempt)
    log.warning(
        "%s → %s: attempt %d of %d failed (%s); retrying in %g s [trace %s]",
        message.topic,
        message.subscriber,
        message.attempt,
        spec.max_attempts,
        reason,
        delay,
        message.trace_id,
    )
    await consumer.backend.retry(message, visible_at=consumer.engine.clock.now() + delay)


async def _dead(consumer: _Consumer, message: Message, reason: str) -> None:
    log.error(
        "%s → %s: message %s moved to the dead letters after %d attempt(s): %s [trace %s]",
        message.topic,
        message.subscriber,
        message.id,
        message.attempt,
        reason,
        message.trace_id,
    )
    await consumer.backend.dead_letter(message, reason=reason, now=consumer.engine.clock.now())


def _reason(error: Exception, timeout: asyncio.Timeout, seconds: float) -> str:
    if isinstance(error, TimeoutError) and timeout.expired():
        return f"handler timed out after {seconds:g} s"
    return f"{type(error).__name__}: {error}"
