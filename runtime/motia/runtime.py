"""The runtime: runs the steps of an `AppSpec` over a backend.

    runtime = Runtime(spec, SqliteBackend(".motia/motia.sqlite3"))
    await runtime.start()      # queue consumers (and the cron scheduler) start
    await runtime.emit("order.created", {"id": "o-1"})
    await runtime.stop()

It turns every topic subscription into a queue subscriber (and every state and stream trigger into a
subscriber of the runtime's own change topics, `motia.delivery.changes`), gives each handler call its
context and calls handlers the way their step's form expects (`motia.spec.call_args`). The HTTP side
(`motia.web.app`) and the cron scheduler call in through `StepRunner`, so every trigger gets the same context:

* `trace_id`: the message's for a queue delivery (so a whole flow shares one), new for an HTTP request and
  for each cron run;
* `logger`: the shared `motia.logger` bound with `step`, `trace_id` and `flows`;
* `state`: a `BackendState` over the backend; `streams`: one attribute per stream (`motia.streams.store`);
* `trigger`: which of the step's triggers fired (`TriggerInfo`);
* `emit` / `enqueue` (and the module-level `motia.enqueue`, through a context variable set around each
  call): only to the topics the step declares. A step that declares no topics may not emit at all; the
  compiler reports undeclared emits statically, and this is the same rule at run time.

Queue deliveries check the subscription's `input` before the handler runs (an invalid payload goes to the
dead letters at once, since retrying cannot fix it) and then its `condition` (false: the message is done
and the handler does not run). Sync handlers run in a worker thread so they cannot stall the event loop;
sync middleware and conditions are called inline (they are meant to be quick).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from motia import cron_runs
from motia.clock import Clock
from motia.context import (
    AppStores,
    Enqueuer,
    FlowContext,
    current_context,
    release_default_stores,
    set_default_stores,
)
from motia.delivery.changes import RESERVED_PREFIX, ChangeTriggers
from motia.delivery.engine import MessageInfo, QueueEngine, Subscriber, new_trace_id
from motia.logging import extra
from motia.logging import logger as root_logger
from motia.request import TriggerInfo
from motia.scheduler import CronScheduler
from motia.spec import AppSpec, CronSpec, Function, StepSpec, SubscriptionSpec, call_args
from motia.state_manager import BackendState
from motia.storage.backend import Backend, DeadLetter
from motia.streams.store import Streams

if TYPE_CHECKING:
    from motia.workbench.recorder import Recorder

__all__ = ["Runtime", "StepRunner", "UndeclaredTopicError", "is_async_callable", "resolve"]

log = logging.getLogger("motia.runtime")


class UndeclaredTopicError(RuntimeError):
    """A handler emitted to a topic its step does not declare."""

    def __init__(self, step: str, topic: str, declared: frozenset[str]) -> None:
        self.step, self.topic = step, topic
        if declared:
            listed = ", ".join(repr(name) for name in sorted(declared))
            what = f"it declares only {listed}"
        else:
            what = "it declares no topics"
        super().__init__(
            f"step {step!r} emitted topic {topic!r}, but {what}; add the topic to the step's "
            f"enqueues (emits in classic configs)"
        )


def is_async_callable(function: object) -> bool:
    """A coroutine function, or an object whose `__call__` is one."""
    return inspect.iscoroutinefunction(function) or inspect.iscoroutinefunction(
        getattr(function, "__call__", None)  # noqa: B004 (any callable object, not only functions)
    )


async def resolve(value: Any) -> Any:
    """`value`, awaited first when it is awaitable (what a sync-or-async callable returned)."""
    if inspect.isawaitable(value):
        return await value
    return value


class HandlerExit(Exception):
    """Step code raised `SystemExit` (`sys.exit()`, `exit()`) or `KeyboardInterrupt`. It fails that call
    (a 500, a failed queue attempt, a failed cron run) like any other exception; it never stops the server,
    which only its own signals do."""

    def __init__(self, step: str, error: BaseException) -> None:
        super().__init__(f"step {step!r} raised {type(error).__name__}({error})")


class StepRunner:
    """What the runtime keeps per step: its logger and how to call its handler."""

    __slots__ = ("handler", "is_async", "logger", "runtime", "step")

    def __init__(self, runtime: Runtime, step: StepSpec) -> None:
        self.runtime = runtime
        self.step = step
        self.handler = step.handler
        self.is_async = is_async_callable(step.handler)
        self.logger = root_logger.bind(step=step.name, flows=list(step.flows))

    def context(self, trace_id: str, trigger: TriggerInfo) -> FlowContext[Any, Any]:
        """A fresh handler context for one call."""
        runtime = self.runtime
        return FlowContext(
            trace_id=trace_id,
            enqueuer=self.enqueuer(trace_id),
            state=runtime.state,
            streams=runtime.streams,
            logger=self.logger,
            trigger=trigger,
        )

    def enqueuer(self, trace_id: str) -> Enqueuer:
        """Sends this step's messages, carrying the caller's trace id."""
        runtime = self.runtime
        step, queue = self.step, runtime.queue

        async def send(message: Mapping[str, Any]) -> None:
            topic = message.get("topic")
            if not isinstance(topic, str) or not topic:
                raise TypeError(f"step {step.name!r}: an emitted message needs a 'topic' string")
            if topic not in step.enqueues:
                raise UndeclaredTopicError(step.name, topic, step.enqueues)
            group_id = message.get("messageGroupId")
            if group_id is not None and not isinstance(group_id, str):
                raise TypeError(
                    f"step {step.name!r}: messageGroupId must be a string, not {type(group_id).__name__}"
                )
            await queue.enqueue(topic, message.get("data"), group_id=group_id, trace_id=trace_id)
            recorder = runtime.recorder
            if recorder is not None:
                recorder.emitted(trace_id, step.name, topic)

        return send

    async def call(self, kind: str, value: Any, ctx: FlowContext[Any, Any]) -> Any:
        """Call the handler for a trigger of `kind` with `motia.enqueue` bound to this call."""
        ctx.input = value
        token = current_context.set(ctx)
        try:
            try:
                result = await self.invoke(call_args(self.step, kind, value, ctx))
            finally:
                await ctx.settle()  # what the handler left un-awaited runs even when it raised
            return result
        finally:
            current_context.reset(token)

    async def deliver(
        self, trigger: TriggerInfo, value: Any, message: MessageInfo, condition: Function | None
    ) -> None:
        """Handle one queued delivery (a queue trigger's message, or a state or stream change): a fresh
        context with the message's trace id, the condition (false: done, the handler does not run), then
        the handler. An exception is logged with the step and raised again for the queue to retry."""
        recorder = self.runtime.recorder
        if recorder is None:
            await self._deliver(trigger, value, message, condition)
            return
        label = message.topic if trigger.type == "queue" else trigger.type
        span = recorder.start(message.trace_id, self.step.name, trigger.type, label, message.attempt)
        try:
            ran = await self._deliver(trigger, value, message, condition)
        except BaseException as error:
            recorder.finish(span, "error", error=error)
            raise
        recorder.finish(span, "ok" if ran else "skipped")

    async def _deliver(
        self, trigger: TriggerInfo, value: Any, message: MessageInfo, condition: Function | None
    ) -> bool:
        """`deliver`; False when the condition kept the handler from running."""
        ctx = self.context(message.trace_id, trigger)
        try:
            if condition is not None and not await resolve(condition(value, ctx)):
                return False
            await self.call(trigger.type, value, ctx)
        except Exception:
            log.exception(
                "step %s failed on topic %s (attempt %d of %d)",
                self.step.name,
                message.topic,
                message.attempt,
                message.max_attempts,
                extra=extra(step=self.step.name, trace_id=message.trace_id, topic=message.topic),
            )
            raise
        return True

    async def invoke(self, args: tuple[Any, ...]) -> Any:
        """Call the handler with `args`: awaited when async, in a worker thread when sync (the context
        variables go along). `SystemExit` or `KeyboardInterrupt` from step code becomes `HandlerExit`."""
        try:
            if self.is_async:
                return await self.handler(*args)
            return await resolve(await asyncio.to_thread(self.handler, *args))
        except (SystemExit, KeyboardInterrupt) as error:
            raise HandlerExit(self.step.name, error) from error


class Runtime:
    """Serves `spec` over `backend`. `start` and `stop` may be called more than once.

    `clock` drives the queue (a `ManualClock` in tests); `cron=False` leaves the cron scheduler off (cron
    jobs can still be run by hand with `run_cron`); `consume=False` leaves the queue's consumers off, so
    events are stored for other instances to handle (an HTTP-only instance); `close_backend=True` closes
    the backend on `stop` (for a backend the runtime's creator made only for it). `stop_grace` is how long
    running handlers get to finish on `stop` before they are cancelled and their messages handed back.
    """

    def __init__(
        self,
        spec: AppSpec,
        backend: Backend,
        *,
        clock: Clock | None = None,
        cron: bool = True,
        consume: bool = True,
        close_backend: bool = False,
        stop_grace: float = 5.0,
    ) -> None:
        self.spec = spec
        self.backend = backend
        self._runners: dict[int, StepRunner] = {}
        changes = ChangeTriggers(self)
        self.state = BackendState(backend, on_change=changes.state_changed if changes.has_state else None)
        self.streams = Streams(spec.streams, backend)
        if changes.streams:
            self.streams.listeners.append(changes.stream_changed)
        registry = {**self._registry(spec), **changes.registry()}
        if spec.crons:  # `motia cron run NAME`
            registry[cron_runs.TOPIC] = [cron_runs.subscriber(spec.crons, self._run_requested)]
        self.queue = QueueEngine(backend, registry, clock=clock, held=_held(spec))
        self._cron_enabled = cron
        self._consume = consume
        self._close_backend = close_backend
        self._stop_grace = stop_grace
        self._scheduler: CronScheduler | None = None
        self._started = False
        self._stores: AppStores | None = None
        # What the Workbench records of handler calls (`motia.workbench`); None: nothing is recorded.
        self.recorder: Recorder | None = None

    # -- lifecycle
    @property
    def started(self) -> bool:
        return self._started

    async def start(self) -> None:
        """Start the queue consumers and the cron scheduler; does nothing when already started."""
        if self._started:
            return
        self._started = True
        self._stores = AppStores(self.state, self.streams, asyncio.get_running_loop())
        set_default_stores(self._stores)
        if self._consume:
            await self.queue.start()
        if self.spec.foreign_subscriptions:
            await self._tell_held()
        if self._cron_enabled and self.spec.crons:
            self._scheduler = self._start_cron()
            await self._scheduler.start()

    async def _tell_held(self) -> None:
        """Say once which topics only steps of another language subscribe to: their events wait in the
        store for a runtime that serves those steps."""
        served = {s.topic for s in self.spec.subscriptions}
        steps: dict[str, list[str]] = {}
        for subscription in self.spec.foreign_subscriptions:
            if subscription.topic not in served:
                described = f"{subscription.language} step {subscription.step}"
                steps.setdefault(subscription.topic, []).append(described)
        waiting: dict[str, int] = {}
        for topic, _subscriber, count in await self.queue.held():
            waiting[topic] = waiting.get(topic, 0) + count
        for topic, names in steps.items():
            log.warning(
                "topic %r is subscribed to only by %s, which this runtime does not run: its events are kept "
                "in the store, not delivered (%d waiting)",
                topic,
                ", ".join(names),
                waiting.get(topic, 0),
            )

    async def stop(self) -> None:
        """Stop the scheduler, then the queue (running handlers get `stop_grace` seconds); does nothing
        when not started."""
        if not self._started:
            return
        self._started = False
        if self._stores is not None:
            release_default_stores(self._stores)
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            await scheduler.stop(grace=self._stop_grace)
        await self.queue.stop(grace=self._stop_grace)
        if self._close_backend:
            await self.backend.close()

    async def __aenter__(self) -> Runtime:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    # -- steps
    def runner(self, step: StepSpec) -> StepRunner:
        """The runner of `step` (made once per step)."""
        runner = self._runners.get(id(step))
        if runner is None or runner.step is not step:
            runner = self._runners[id(step)] = StepRunner(self, step)
        return runner

    def step(self, name: str) -> StepSpec:
        for step in self.spec.steps:
            if step.name == name:
                return step
        spec = self.spec
        for triggers in (
            spec.routes,
            spec.subscriptions,
            spec.crons,
            spec.state_triggers,
            spec.stream_triggers,
        ):
            for trigger in triggers:
                if trigger.step.name == name:
                    return trigger.step
        raise KeyError(f"there is no step named {name!r}")

    # -- the queue
    def _registry(self, spec: AppSpec) -> dict[str, list[Subscriber]]:
        registry: dict[str, list[Subscriber]] = {}
        for subscription in spec.subscriptions:
            subscribers = registry.setdefault(subscription.topic, [])
            name = subscription.step.name
            if any(subscriber.name == name for subscriber in subscribers):
                name = f"{name}#{subscription.index}"  # one step subscribing twice to a topic
            subscribers.append(self._subscriber(subscription, name))
        return registry

    def _subscriber(self, subscription: SubscriptionSpec, name: str) -> Subscriber:
        runner = self.runner(subscription.step)
        trigger = TriggerInfo("queue", subscription.index, topic=subscription.topic)
        condition = subscription.condition

        async def handle(value: Any, message: MessageInfo) -> None:
            await runner.deliver(trigger, value, message, condition)

        return Subscriber(name, handle, subscription.queue, subscription.input, subscription.timeout)

    async def emit(
        self, topic: str, data: Any, *, trace_id: str | None = None, group_id: str | None = None
    ) -> list[str]:
        """Enqueue `data` on `topic` from outside any step (the `/emit` endpoint, tests, tools); returns
        the stored message ids, one per subscriber (none when nobody subscribes)."""
        if not isinstance(topic, str) or not topic:
            raise TypeError("emit: the topic must be a non-empty string")
        if topic.startswith(RESERVED_PREFIX):
            raise ValueError(f"emit: topics starting with {RESERVED_PREFIX!r} are the runtime's own")
        return await self.queue.enqueue(topic, data, group_id=group_id, trace_id=trace_id or new_trace_id())

    async def wait_idle(self, timeout: float | None = None) -> None:
        """Wait until every queued message is settled (handled or dead-lettered)."""
        await self.queue.wait_idle(timeout)

    async def dead_letters(
        self, *, topic: str | None = None, subscriber: str | None = None
    ) -> list[DeadLetter]:
        return await self.queue.dead_letters(topic=topic, subscriber=subscriber)

    # -- cron
    async def run_cron(self, job: CronSpec, *, trace_id: str | None = None) -> None:
        """Run one cron job once, now, with a new trace id; the handler's exception propagates."""
        trace_id = trace_id or new_trace_id()
        recorder = self.recorder
        if recorder is None:
            await self._run_cron(job, trace_id)
            return
        span = recorder.start(trace_id, job.step.name, "cron", job.expression)
        try:
            ran = await self._run_cron(job, trace_id)
        except BaseException as error:
            recorder.finish(span, "error", error=error)
            raise
        recorder.finish(span, "ok" if ran else "skipped")

    async def _run_cron(self, job: CronSpec, trace_id: str) -> bool:
        runner = self.runner(job.step)
        ctx = runner.context(trace_id, TriggerInfo("cron", job.index, expression=job.expression))
        if job.condition is not None and not await resolve(job.condition(None, ctx)):
            return False
        await runner.call("cron", None, ctx)
        return True

    async def _run_requested(self, job: CronSpec, trace_id: str) -> None:
        log.info(
            "running cron job %s on request",
            job.step.name,
            extra=extra(step=job.step.name, trace_id=trace_id),
        )
        await self.run_cron(job, trace_id=trace_id)

    def _start_cron(self) -> CronScheduler:
        """The cron scheduler for `spec.crons`, in the project's timezone (`settings.timezone`, UTC
        unless set). It locks each tick in the backend, so several instances run a tick once, and logs a
        run's exception without dropping the job."""
        timezone = self.spec.settings.timezone
        return CronScheduler(
            self.spec.crons, self.backend, self.run_cron, timezone=timezone, clock=self.queue.clock
        )


def _held(spec: AppSpec) -> dict[str, list[Subscriber]]:
    """The subscribers of `spec.foreign_subscriptions`, whose messages the queue stores and never runs."""

    async def elsewhere(_value: Any, message: MessageInfo) -> None:
        raise RuntimeError(f"message {message.id} belongs to a step this runtime does not run")

    held: dict[str, list[Subscriber]] = {}
    for subscription in spec.foreign_subscriptions:
        subscribers = held.setdefault(subscription.topic, [])
        name = subscription.step
        if any(subscriber.name == name for subscriber in subscribers):
            name = f"{name}#{len(subscribers)}"
        subscribers.append(Subscriber(name, elsewhere, subscription.queue))
    return held
