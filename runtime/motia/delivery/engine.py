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
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from motia.clock import Clock, SystemClock
from motia.delivery.consumer import (
    LEASE_GRACE_SECONDS,
    Consumer,
    Handler,
    Subscriber,
    Validator,
)
from motia.delivery.settle import MessageInfo
from motia.logging import extra
from motia.storage.backend import Backend, DeadLetter, NewMessage
from motia.storage.jsonvalue import is_json, require_json

__all__ = [
    "LEASE_GRACE_SECONDS",
    "Handler",
    "MessageInfo",
    "QueueEngine",
    "Registry",
    "Subscriber",
    "Validator",
    "new_trace_id",
]

_random_bits = random.getrandbits  # the global generator: reseeded in a forked child, so ids stay unique

Registry = Mapping[str, Sequence[Subscriber]]
"""Topic → its subscribers, as the generated dispatch module lists them."""


def new_trace_id() -> str:
    """32 random hex digits (the shape of a uuid4 without dashes, at a fraction of the cost). A trace id
    only has to be unique, not unguessable, so it comes from the fast generator, not the OS."""
    return f"{_random_bits(128):032x}"


log = logging.getLogger("motia.queue")


class QueueEngine:
    """Runs the subscribers of `registry` over `backend`.

    `enqueue` works before `start` (messages wait in the backend). `stop` loses nothing: messages claimed
    but not started are handed back, running handlers get `grace` seconds to finish, and the rest are
    cancelled and handed back too (or, with `release=False`, left to come back when their lease ends, as
    after a crash).
    """

    def __init__(
        self,
        backend: Backend,
        registry: Registry,
        *,
        clock: Clock | None = None,
        held: Registry | None = None,
    ) -> None:
        self.backend = backend
        self.clock: Clock = clock or SystemClock()
        self._consumers = self._make(registry)
        # Subscribers served by another runtime (the TypeScript steps of a mixed app): their messages are
        # stored like any other and wait there; this engine never claims them, nor counts them as its own.
        self._held = self._make(held or {})
        self._shared = callable(getattr(backend, "queue_wakeups", None))  # see `Consumer.shared`
        self._by_topic: dict[str, list[Consumer]] = {}
        for consumer in (*self._consumers, *self._held):
            self._by_topic.setdefault(consumer.topic, []).append(consumer)
        _check_unique([*self._consumers, *self._held])
        self._started = False
        self._activity = 0
        self._changed: asyncio.Event | None = None
        self._stop_wakeups: Callable[[], Awaitable[None]] | None = None

    def _make(self, registry: Registry) -> list[Consumer]:
        return [
            Consumer(topic, spec, backend=self.backend, clock=self.clock, on_progress=self._touch)
            for topic, subscribers in registry.items()
            for spec in subscribers
        ]

    async def held(self) -> list[tuple[str, str, int]]:
        """(topic, subscriber, messages waiting) for each held subscriber (see `__init__`)."""
        pending = self.backend.pending
        return [(c.topic, c.name, await pending(topic=c.topic, subscriber=c.name)) for c in self._held]

    async def __aenter__(self) -> QueueEngine:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    async def start(self) -> None:
        if self._started:
            raise RuntimeError("the queue engine is already running")
        self._started = True
        idle = bool(self._consumers) and await self.backend.pending() == 0
        for consumer in self._consumers:
            consumer.start(idle=idle)
        # A backend shared by several instances says when any of them enqueued: look at once rather
        # than on the idle poll.
        wakeups = getattr(self.backend, "queue_wakeups", None)
        if callable(wakeups) and self._consumers:
            self._stop_wakeups = wakeups(self._woken, [(c.topic, c.name) for c in self._consumers])

    async def stop(self, *, grace: float = 5.0, release: bool = True) -> None:
        """Stop claiming and wait up to `grace` seconds for running handlers; see the class docstring."""
        if not self._started:
            return
        self._started = False
        if self._stop_wakeups is not None:
            await self._stop_wakeups()
            self._stop_wakeups = None
        await asyncio.gather(*(consumer.stop(grace=grace, release=release) for consumer in self._consumers))

    async def _woken(self, topic: str) -> None:
        for consumer in self._by_topic.get(topic, ()):
            consumer.nudge()

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
        if not is_json(data):
            require_json(data, f"the payload of topic {topic!r}")
        consumers = self._by_topic.get(topic, ())
        if not consumers:
            return []
        now = self.clock.now()
        trace = trace_id or new_trace_id()
        messages = [consumer.message(data, now, trace, group_id, delay_seconds) for consumer in consumers]
        if log.isEnabledFor(logging.DEBUG):
            names = ", ".join(consumer.name for consumer in consumers)
            log.debug("enqueued %s for %s [trace %s]", topic, names, trace, extra=extra(trace_id=trace))
        if not self._shared or all(message.claim_until is None for message in messages):
            ids = await self.backend.enqueue(messages)
            for consumer in consumers:
                consumer.nudge()
        else:
            ids = await self._enqueue_claim(consumers, messages)
        self._touch()
        return ids

    async def _enqueue_claim(self, consumers: Sequence[Consumer], messages: list[NewMessage]) -> list[str]:
        """Enqueue, letting the store claim at once the messages consumers here kept room for: each runs
        without a claim's round trip (a shared store only, see `Consumer.message`)."""
        try:
            result = await self.backend.enqueue_claim(messages)
        except BaseException:
            for consumer, message in zip(consumers, messages, strict=True):
                if message.claim_until is not None:
                    consumer.promised -= 1  # the room kept for it is free again
            raise
        for consumer, message, claimed in zip(consumers, messages, result.claimed, strict=True):
            if message.claim_until is None:
                consumer.nudge()
            else:
                await consumer.settle_promise(claimed)
        return result.ids

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


def _check_unique(consumers: list[Consumer]) -> None:
    seen: set[tuple[str, str]] = set()
    for consumer in consumers:
        key = (consumer.topic, consumer.name)
        if key in seen:
            raise ValueError(f"topic {consumer.topic!r} has two subscribers named {consumer.name!r}")
        seen.add(key)
