"""One subscription at work: a claim loop and a few worker tasks (what happens to each message is in
`motia.delivery.settle`).

The claim loop takes ready messages from the backend, never more than the subscription may run at once
(its concurrency), and hands them to long-lived workers through a local buffer. Workers await handlers
inline: spawning a task per event costs about six times as much (reference notes on event queues). The
loop sleeps until a worker finishes, a new message arrives, or the backend's next visible time comes.

Handler timeouts are kept by one watchdog timer per subscription rather than a timer per message: the
worker notes when its handler started, and the watchdog, armed for the oldest start, cancels handlers that
overran. A per-message `asyncio.timeout` would cost a timer allocation and cancellation on every event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from motia.clock import Clock
from motia.delivery.settle import MessageInfo, deliver
from motia.storage.backend import Backend, Claimed, Message, NewMessage
from motia.triggers import QueueConfig

DEFAULT_CONCURRENCY = 10
DEFAULT_BACKOFF_MS = 1000
DEFAULT_VISIBILITY_TIMEOUT = 30
MAX_BACKOFF_SECONDS = 3600.0
RETRY_CLAIM_SECONDS = 1.0
MAX_RETRY_CLAIM_SECONDS = 30.0
IDLE_POLL_SECONDS = 2.0
"""An idle subscription looks at the backend this often even when nothing woke it: another process
sharing the backend (`motia dlq replay`, a second instance on the same SQLite file) may have added
messages that this one was never told about."""
LEASE_GRACE_SECONDS = 1.0
"""How much longer a lease lasts than the handler timeout, so the worker settles a timed-out message
before anyone can claim it again."""
ACK_DELAY_SECONDS = 0.01
"""How long acks wait, when no claim is due, to go to a shared store in one call with the next few."""
ACK_BATCH = 100
"""How many acks wait at most: a busy subscription sends them in calls of this many, not one per handful of
messages (each call costs the shared store as much as a small enqueue)."""

log = logging.getLogger("motia.queue")


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
        delay_ms = self.config.backoff_delay_ms
        base = (DEFAULT_BACKOFF_MS if delay_ms is None else delay_ms) / 1000
        factor = 1 if self.config.backoff_type == "fixed" else 2 ** min(attempt - 1, 32)
        return min(base * factor, MAX_BACKOFF_SECONDS)


class Consumer:
    """Runs one subscriber of one topic. `busy` counts messages claimed and not yet settled (buffered or
    running); it never exceeds `capacity`, which is how the concurrency limit holds."""

    def __init__(
        self, topic: str, spec: Subscriber, *, backend: Backend, clock: Clock, on_progress: Callable[[], None]
    ) -> None:
        self.topic, self.name, self.spec = topic, spec.name, spec
        self.backend, self.clock, self.on_progress = backend, clock, on_progress
        self.capacity = spec.config.concurrency or DEFAULT_CONCURRENCY
        self.max_attempts = spec.max_attempts
        visibility = spec.config.visibility_timeout or DEFAULT_VISIBILITY_TIMEOUT
        self.timeout = float(visibility if spec.timeout is None else spec.timeout)
        self.lease = max(visibility, self.timeout) + LEASE_GRACE_SECONDS
        self.fifo = spec.config.type == "fifo"
        self.delay = spec.config.delay_seconds
        self.busy = 0
        self.promised = 0  # room kept for messages being enqueued here (`promise`)
        # Several instances share the store (it wakes them): worth saying which messages stay here.
        self.shared = callable(getattr(backend, "queue_wakeups", None))
        self.wake = asyncio.Event()
        self.buffer: deque[Message] = deque()
        self.idle: deque[asyncio.Future[None]] = deque()  # workers waiting for a message
        self.waking = 0  # workers woken that have not run yet
        self.loop_task: asyncio.Task[None] | None = None
        self.workers: set[asyncio.Task[None]] = set()
        self.running: set[asyncio.Task[Any]] = set()  # workers holding a message
        self.started: dict[asyncio.Task[Any], float] = {}  # worker → loop time its handler started
        self.timed_out: set[asyncio.Task[Any]] = set()
        self.watchdog: asyncio.TimerHandle | None = None
        self.loop: asyncio.AbstractEventLoop  # the running loop, set by start()
        # `quiet()` callers, each with the number of passes begun when it asked: only a pass begun after
        # that may answer it (one already under way may have read the clock before it moved).
        self.waiters: list[tuple[int, asyncio.Future[None]]] = []
        self.passes = 0
        self.failures = 0  # claim passes failed in a row (the store is down): the retry wait doubles
        self.delivered: list[Message] = []  # handled, to be acked by the claim loop's next pass
        self.drained = False  # the last pass found nothing more, and no news came since (shared stores)
        self.news = 0  # nudges so far
        self.finished = 0  # messages settled so far
        self.passing = False  # a pass of the claim loop is under way
        self.ack_timer: asyncio.TimerHandle | None = None
        self.stopping = True  # until start()
        self.release_on_stop = True

    def message(
        self, data: Any, now: float, trace_id: str, group_id: str | None, delay: float | None
    ) -> NewMessage:
        visible_at = now + (self.delay if delay is None else delay)
        fifo_group = (group_id or "") if self.fifo else None
        # On a shared store, a message this consumer has room for is claimed by the enqueue itself.
        claim_until = now + self.lease if self.shared and visible_at <= now and self.promise() else None
        return NewMessage(
            self.topic, self.name, data, trace_id, visible_at, now, group_id, fifo_group, claim_until
        )

    def promise(self) -> bool:
        """Keep room for a message being enqueued here (see `NewMessage.claim_until`); `settle_promise`
        gives the room back once the enqueue has answered."""
        if not self.stopping and self.busy + self.promised < self.capacity:
            self.promised += 1
            return True
        return False

    async def settle_promise(self, claimed: Message | None) -> None:
        """The enqueue a promise was made for has answered: with the message claimed for this consumer
        (run it), or not (it waits in the store: look)."""
        self.promised -= 1
        if claimed is None:
            self.nudge()
        elif self.stopping:
            await self.backend.release(claimed, now=self.clock.now())
        else:
            self.hand_over([claimed])

    def nudge(self) -> None:
        """Something may be ready: look again, unless full (a finishing handler will wake the loop)."""
        self.drained = False
        self.news += 1
        if self.busy < self.capacity:
            self.wake.set()

    # -- the claim loop
    def start(self, *, idle: bool = False) -> None:
        """Start the claim loop. `idle`: the backend held no message at all, so the loop waits to be woken
        (or for its idle poll) instead of asking the backend at once: an app with a thousand
        subscriptions would otherwise send two thousand queries while it starts serving."""
        self.stopping = False
        self.loop = asyncio.get_running_loop()
        self.loop_task = asyncio.create_task(self.run(idle), name=f"motia queue {self.topic} → {self.name}")

    async def run(self, idle: bool = False) -> None:
        """The claim loop, restarted after a pause when the backend fails (a locked or unreachable store
        should delay delivery, not end it)."""
        if idle:
            await self.sleep(self.clock.now() + IDLE_POLL_SECONDS)
        while not self.stopping:
            try:
                await self.claim_loop()
            except Exception as error:
                # Waits double while the store stays down, and only the first failure has a traceback:
                # an outage should not flood the log once per subscription and second.
                wait = min(RETRY_CLAIM_SECONDS * 2**self.failures, MAX_RETRY_CLAIM_SECONDS)
                message = "%s → %s: claiming failed; trying again in %g s"
                if self.failures == 0:
                    log.exception(message, self.topic, self.name, wait)
                else:
                    log.warning(message + " (%s)", self.topic, self.name, wait, _reason(error))
                self.failures += 1
                waiters, self.waiters = self.waiters, []
                for _, waiter in waiters:
                    if not waiter.done():
                        waiter.set_exception(error)
                # A nudge cuts the wait short (Redis says so once it is back: `queue_wakeups`).
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), wait)

    async def claim_loop(self) -> None:
        while not self.stopping:
            self.wake.clear()
            self.passes += 1
            finished = self.finished
            self.passing = True
            try:
                deadline = await self.one_pass(self.passes)
            finally:
                self.passing = False
            if not self.drained and self.finished != finished and self.busy + self.promised < self.capacity:
                self.wake.set()  # handlers finished during the pass: room to claim into, at once
            await self.sleep(deadline)

    async def one_pass(self, begun: int) -> float | None:
        """Ack what was delivered and claim what there is room for; returns when to look next (None:
        when woken)."""
        self.drained = False
        news = self.news
        if self.ack_timer is not None:  # this pass acks
            self.ack_timer.cancel()
            self.ack_timer = None
        free = self.capacity - self.busy - self.promised
        if free <= 0:
            await self.ack_delivered()
            return None
        now = self.clock.now()
        claimed = await self.fill(now, free)
        if self.failures:
            log.info("%s → %s: claiming again", self.topic, self.name)
            self.failures = 0
        if len(claimed.messages) == free:  # more may be ready: look again when there is room
            return None
        # Nothing more is ready now. On a shared store this instance now waits on the subscription: news
        # of a message for it comes as a nudge, so until then a finished handler need not look again.
        # (Not on a FIFO queue: there the ack is what lets the group's next message be claimed.)
        self.drained = self.shared and not self.fifo and news == self.news
        if self.busy == 0:
            self.resolve_waiters(begun)
        latest = now + IDLE_POLL_SECONDS
        return latest if claimed.next_visible is None else min(claimed.next_visible, latest)

    async def fill(self, now: float, free: int) -> Claimed:
        """Ack what was delivered, claim up to `free` messages and hand them to workers; says when to look
        next."""
        delivered = self.delivered[:]
        claimed = await self.backend.claim_next(
            self.topic, self.name, now=now, lease_until=now + self.lease, limit=free, ack=delivered
        )
        del self.delivered[: len(delivered)]
        if claimed.messages:
            self.hand_over(claimed.messages)
        return claimed

    def hand_over(self, messages: list[Message]) -> None:
        """Give claimed messages to the workers."""
        self.buffer.extend(messages)
        self.busy += len(messages)
        self.on_progress()
        # Workers live until stop; start one for each claimed message beyond those there are.
        while len(self.workers) < self.busy:
            worker = asyncio.create_task(self.work())
            self.workers.add(worker)
            worker.add_done_callback(self.workers.discard)
        self.wake_worker()

    def handler_done(self) -> None:
        """A worker settled its message: room for one more. Look again at once, unless this instance
        waits on the subscription (`drained`) or a pass is under way: then only the ack is due, sent with
        the next few."""
        self.busy -= 1
        self.finished += 1
        # (A pass under way says when it ends whether to look again at once.)
        if self.shared and (self.drained or self.passing) and len(self.delivered) < ACK_BATCH:
            if self.ack_timer is None:
                self.ack_timer = self.loop.call_later(ACK_DELAY_SECONDS, self.wake.set)
        else:
            self.wake.set()

    def wake_worker(self) -> None:
        """Wake one idle worker, unless one is already on its way: a worker that takes a message wakes the
        next one before running its handler, so handlers that wait run side by side, while handlers that
        never wait are run one after another by one worker without a wake-up per message."""
        if self.waking == 0 and self.idle:
            self.waking += 1
            self.idle.popleft().set_result(None)

    async def ack_delivered(self) -> None:
        """Ack what the workers finished since the last pass, in one backend call. A message stays held
        until then, so a crash in between only means it is delivered again."""
        if self.delivered:
            batch = self.delivered[:]
            await self.backend.ack(batch)
            del self.delivered[: len(batch)]

    async def sleep(self, deadline: float | None) -> None:
        timer = None if deadline is None else self.clock.call_at(deadline, self.wake.set)
        try:
            await self.wake.wait()
        finally:
            if timer is not None:
                timer.cancel()

    async def quiet(self) -> None:
        """Resolves after a pass of the claim loop that found nothing ready and nothing running; raises
        what the backend raised if the pass failed."""
        if self.loop_task is None or self.loop_task.done():
            return
        waiter = asyncio.get_running_loop().create_future()
        self.waiters.append((self.passes, waiter))
        self.wake.set()
        await waiter

    def resolve_waiters(self, begun: int | None = None) -> None:
        """Answer the `quiet()` callers that asked before pass `begun` started (all, when None)."""
        if begun is None:
            waiters, self.waiters = self.waiters, []
        else:
            waiters = [w for w in self.waiters if w[0] < begun]
            self.waiters = [w for w in self.waiters if w[0] >= begun]
        for _, waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    # -- workers
    async def work(self) -> None:
        worker = asyncio.current_task()
        assert worker is not None
        while not self.stopping:
            if not self.buffer:
                await self.wait_for_message()
                continue
            message = self.buffer.popleft()
            if self.buffer:
                self.wake_worker()
            self.running.add(worker)
            try:
                await deliver(self, message, worker)
            except Exception:
                # The backend failed to settle it; the lease will bring the message back.
                log.exception("%s → %s: could not settle message %s", self.topic, self.name, message.id)
            finally:
                self.running.discard(worker)
                self.handler_done()

    async def wait_for_message(self) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self.idle.append(waiter)
        try:
            await waiter
        finally:
            if waiter.done() and not waiter.cancelled():
                self.waking -= 1
            else:
                self.idle.remove(waiter)

    def handler_started(self, worker: asyncio.Task[Any]) -> None:
        now = self.loop.time()
        self.started[worker] = now
        if self.watchdog is None:
            self.watchdog = self.loop.call_at(now + self.timeout, self.check_timeouts)

    def handler_finished(self, worker: asyncio.Task[Any]) -> None:
        del self.started[worker]
        if worker in self.timed_out:
            # The watchdog's cancellation ended here (or the handler swallowed it): the worker goes on.
            self.timed_out.discard(worker)
            worker.uncancel()

    def check_timeouts(self) -> None:
        """Cancel handlers that have run for `timeout` seconds; re-arm for the oldest one still running."""
        self.watchdog = None
        now = self.loop.time()
        oldest = None
        for worker, started in self.started.items():
            if worker in self.timed_out:
                continue
            if now - started >= self.timeout:
                self.timed_out.add(worker)
                worker.cancel()
            elif oldest is None or started < oldest:
                oldest = started
        if oldest is not None:
            self.watchdog = self.loop.call_at(oldest + self.timeout, self.check_timeouts)

    async def stop(self, *, grace: float, release: bool) -> None:
        """Stop claiming; hand back buffered messages; give running handlers `grace` seconds."""
        self.stopping, self.release_on_stop = True, release
        if self.loop_task is not None:
            self.loop_task.cancel()
            await asyncio.gather(self.loop_task, return_exceptions=True)
        while self.buffer:
            message = self.buffer.popleft()
            if release:
                await self.backend.release(message, now=self.clock.now())
            self.busy -= 1
        running = set(self.running)
        for worker in self.workers - running:
            worker.cancel()
        if running:
            _, late = await asyncio.wait(running, timeout=grace)
            for worker in late:
                worker.cancel()
        await asyncio.gather(*self.workers, return_exceptions=True)
        await self.ack_delivered()
        if self.ack_timer is not None:
            self.ack_timer.cancel()
            self.ack_timer = None
        if self.watchdog is not None:
            self.watchdog.cancel()
            self.watchdog = None
        self.busy = 0
        self.resolve_waiters()


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
