"""The queue engine over every backend: fan-out, retries and backoff, FIFO groups, dead letters and replay,
delays, leases, timeouts, concurrency, idle waits and shutdown.

Time is a `ManualClock`: a test moves it and then waits until the engine has nothing ready to do, so
delays and backoff are checked exactly and nothing depends on how fast the machine is. Ordering and
parallelism are shown with events that handlers wait on, not with sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pydantic
import pytest
from motia.clock import ManualClock
from motia.delivery import consumer as queue_consumer
from motia.delivery.engine import LEASE_GRACE_SECONDS, MessageInfo, QueueEngine, Subscriber
from motia.storage.backend import Backend, NewMessage
from motia.storage.memory import MemoryBackend
from motia.storage.redis_backend import RedisBackend
from motia.storage.sqlite import SqliteBackend
from motia.triggers import QueueConfig

T0 = 1_000_000.0
Scenario = Callable[[Backend, ManualClock], Awaitable[None]]


@pytest.fixture(params=["memory", "sqlite", "redis"])
def make_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], Backend]:
    if request.param == "memory":
        return MemoryBackend
    if request.param == "redis":
        url, app = request.getfixturevalue("redis_url"), uuid.uuid4().hex  # its own keys on the server
        return lambda: RedisBackend(url, app=app)
    return lambda: SqliteBackend(tmp_path / "queue.sqlite3")


def run(make_backend: Callable[[], Backend], scenario: Scenario) -> None:
    async def main() -> None:
        backend = make_backend()
        try:
            await scenario(backend, ManualClock(T0))
        finally:
            await backend.close()

    asyncio.run(main())


class Recorder:
    """A handler that records each call (payload, info, clock time) and fails while `failures` lasts."""

    def __init__(self, clock: ManualClock, *, failures: int = 0) -> None:
        self.clock = clock
        self.failures = failures
        self.calls: list[tuple[Any, MessageInfo, float]] = []

    async def __call__(self, payload: Any, info: MessageInfo) -> None:
        self.calls.append((payload, info, self.clock.now()))
        if self.failures:
            self.failures -= 1
            raise RuntimeError("boom")

    @property
    def payloads(self) -> list[Any]:
        return [payload for payload, _, _ in self.calls]

    @property
    def times(self) -> list[float]:
        return [round(at - T0, 6) for _, _, at in self.calls]

    @property
    def attempts(self) -> list[int]:
        return [info.attempt for _, info, _ in self.calls]


def engine(backend: Backend, clock: ManualClock, registry: Mapping[str, Sequence[Subscriber]]) -> QueueEngine:
    return QueueEngine(backend, registry, clock=clock)


async def settle(queue: QueueEngine, clock: ManualClock, seconds: float = 0.0) -> None:
    clock.advance(seconds)
    await queue.wait_settled()


async def reached(event: asyncio.Event) -> None:
    await asyncio.wait_for(event.wait(), timeout=5)


# -- delivery


def test_every_subscriber_gets_its_own_copy_with_the_trace_id(make_backend: Callable[[], Backend]) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        first, second, elsewhere = Recorder(clock), Recorder(clock), Recorder(clock)

        async def mutating(payload: Any, info: MessageInfo) -> None:
            payload["items"].append("changed by the second subscriber")
            await second(payload, info)

        registry = {
            "order.created": [Subscriber("Mutate", mutating), Subscriber("Record", first)],
            "order.shipped": [Subscriber("Ship", elsewhere)],
        }
        async with engine(backend, clock, registry) as queue:
            ids = await queue.enqueue("order.created", {"items": [1]}, trace_id="trace-1", group_id="g")
            await queue.wait_idle(timeout=5)
        assert len(ids) == 2
        assert first.payloads == [{"items": [1]}]
        assert len(second.calls) == 1
        assert elsewhere.calls == []
        (_, info, _) = first.calls[0]
        assert (info.topic, info.subscriber, info.trace_id, info.group_id) == (
            "order.created",
            "Record",
            "trace-1",
            "g",
        )
        assert (info.attempt, info.max_attempts) == (1, 4)
        assert await backend.pending() == 0

    run(make_backend, scenario)


def test_a_trace_id_is_made_when_none_is_given(make_backend: Callable[[], Backend]) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        record = Recorder(clock)
        async with engine(backend, clock, {"t": [Subscriber("s", record)]}) as queue:
            await queue.enqueue("t", 1)
            await queue.enqueue("t", 2)
            await queue.wait_idle(timeout=5)
        traces = [info.trace_id for _, info, _ in record.calls]
        assert all(traces)
        assert len(set(traces)) == 2

    run(make_backend, scenario)


def test_enqueue_checks_the_payload_and_ignores_topics_nobody_reads(
    make_backend: Callable[[], Backend],
) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        queue = engine(backend, clock, {"t": [Subscriber("s", Recorder(clock))]})
        with pytest.raises(
            TypeError, match=r"payload of topic 't' must be a JSON value; \$\.at is of type set"
        ):
            await queue.enqueue("t", {"at": {1}})
        assert await queue.enqueue("nobody.listens", {"x": 1}) == []
        assert await backend.pending() == 0

    run(make_backend, scenario)


def test_subscriber_names_are_unique_per_topic() -> None:
    async def noop(payload: Any, info: MessageInfo) -> None:
        return None

    with pytest.raises(ValueError, match="topic 't' has two subscribers named 's'"):
        QueueEngine(MemoryBackend(), {"t": [Subscriber("s", noop), Subscriber("s", noop)]})


# -- retries, backoff and dead letters


def test_failed_attempts_back_off_exponentially_then_go_to_the_dead_letters(
    make_backend: Callable[[], Backend],
) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        record = Recorder(clock, failures=10)
        config = QueueConfig(max_retries=3, backoff_delay_ms=1000)
        async with engine(backend, clock, {"t": [Subscriber("s", record, config)]}) as queue:
            await queue.enqueue("t", {"n": 1}, trace_id="trace-9")
            await settle(queue, clock)
            assert record.times == [0]
            for wait, expected in [(1, [0, 1]), (2, [0, 1, 3]), (4, [0, 1, 3, 7])]:
                await settle(queue, clock, wait - 0.001)
                assert len(record.times) == len(expected) - 1, "retried before its backoff ended"
                await settle(queue, clock, 0.001)
                assert record.times == expected
            await settle(queue, clock, 3600)
            assert record.attempts == [1, 2, 3, 4]
            (dead,) = await queue.dead_letters()
        assert (dead.topic, dead.subscriber, dead.payload) == ("t", "s", {"n": 1})
        assert (dead.reason, dead.attempts, dead.trace_id) == ("RuntimeError: boom", 4, "trace-9")
        assert await backend.pending() == 0

    run(make_backend, scenario)


def test_fixed_backoff_waits_the_same_each_time(make_backend: Callable[[], Backend]) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        record = Recorder(clock, failures=10)
        config = QueueConfig(max_retries=2, backoff_type="fixed", backoff_delay_ms=500)
        async with engine(backend, clock, {"t": [Subscriber("s", record, config)]}) as queue:
            await queue.enqueue("t", 1)
            for wait in (0, 0.5, 0.5):
                await settle(queue, clock, wait)
        assert record.times == [0, 0.5, 1.0]
        assert len(await backend.dead_letters()) == 1

    run(make_backend, scenario)


def test_a_retry_that_succeeds_is_acknowledged(make_backend: Callable[[], Backend]) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        record = Recorder(clock, failures=1)
        async with engine(backend, clock, {"t": [Subscriber("s", record)]}) as queue:
            await queue.enqueue("t", "x")
            await settle(queue, clock)
            await settle(queue, clock, 1)
            await queue.wait_idle(timeout=5)
        assert record.attempts == [1, 2]
        assert await backend.dead_letters() == []

    run(make_backend, scenario)


class Order(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(strict=True, extra="forbid")
    sku: str
    qty: int


def test_invalid_input_goes_straight_to_the_dead_letters(make_backend: Callable[[], Backend]) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        record = Recorder(clock)
        subscriber = Subscriber("s", record, QueueConfig(max_retries=5), validator=Order.model_validate)
        async with engine(backend, clock, {"t": [subscriber]}) as queue:
            await queue.enqueue("t", {"sku": "A-1", "qty": 2})
            await queue.enqueue("t", {"sku": "A-2", "qty": "two"})
            await queue.wait_idle(timeout=5)
        assert record.payloads == [Order(sku="A-1", qty=2)]
        (dead,) = await backend.dead_letters()
        assert dead.payload == {"sku": "A-2", "qty": "two"}
        assert dead.attempts == 1
        assert dead.reason.startswith("invalid input: 1 validation error for Order")
        assert "qty" in dead.reason

    run(make_backend, scenario)


def test_the_handler_gets_what_the_validator_returns(make_backend: Callable[[], Backend]) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        record = Recorder(clock)
        subscriber = Subscriber("s", record, validator=lambda payload: ("validated", payload))
        async with engine(backend, clock, {"t": [subscriber]}) as queue:
            await queue.enqueue("t", 7)
            await queue.wait_idle(timeout=5)
        assert record.payloads == [("validated", 7)]

    run(make_backend, scenario)


def test_a_replayed_dead_letter_is_delivered_again(make_backend: Callable[[], Backend]) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        record = Recorder(clock, failures=1)
        config = QueueConfig(max_retries=0)
        async with engine(backend, clock, {"t": [Subscriber("s", record, config)]}) as queue:
            await queue.enqueue("t", {"id": 3}, trace_id="trace-3")
            await queue.wait_idle(timeout=5)
            (dead,) = await queue.dead_letters(topic="t", subscriber="s")
            assert await queue.replay(dead.id) is not None
            await queue.wait_idle(timeout=5)
            assert await queue.replay(dead.id) is None
        assert record.payloads == [{"id": 3}, {"id": 3}]
        assert record.attempts == [1, 1]
        assert [info.trace_id for _, info, _ in record.calls] == ["trace-3", "trace-3"]
        assert await backend.dead_letters() == []

    run(make_backend, scenario)


# -- FIFO groups


def test_fifo_groups_keep_their_order_and_run_in_parallel(make_backend: Callable[[], Backend]) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        started: list[str] = []
        running: dict[str, int] = {"a": 0, "b": 0}
        most = {"a": 0, "b": 0}
        a1_may_finish, b_done = asyncio.Event(), asyncio.Event()

        async def handler(payload: Any, info: MessageInfo) -> None:
            group = info.group_id or ""
            started.append(payload)
            running[group] += 1
            most[group] = max(most[group], running[group])
            if payload == "a1":
                await a1_may_finish.wait()
            running[group] -= 1
            if payload == "b3":
                b_done.set()

        config = QueueConfig(type="fifo", concurrency=4)
        async with engine(backend, clock, {"t": [Subscriber("s", handler, config)]}) as queue:
            for n in (1, 2, 3):
                await queue.enqueue("t", f"a{n}", group_id="a")
                await queue.enqueue("t", f"b{n}", group_id="b")
            await reached(b_done)
            # Group b ran to the end while a1 was still running, and a2 waited behind a1.
            assert "a2" not in started
            a1_may_finish.set()
            await queue.wait_idle(timeout=5)
        assert [p for p in started if p.startswith("a")] == ["a1", "a2", "a3"]
        assert [p for p in started if p.startswith("b")] == ["b1", "b2", "b3"]
        assert most == {"a": 1, "b": 1}

    run(make_backend, scenario)


def test_a_fifo_retry_holds_back_the_rest_of_its_group(make_backend: Callable[[], Backend]) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        record = Recorder(clock, failures=1)
        config = QueueConfig(type="fifo", backoff_delay_ms=1000)
        async with engine(backend, clock, {"t": [Subscriber("s", record, config)]}) as queue:
            await queue.enqueue("t", "a1", group_id="a")
            await queue.enqueue("t", "a2", group_id="a")
            await queue.enqueue("t", "b1", group_id="b")
            await settle(queue, clock)
            assert sorted(record.payloads) == ["a1", "b1"]
            assert "a2" not in record.payloads
            await settle(queue, clock, 1)
        assert [p for p in record.payloads if p.startswith("a")] == ["a1", "a1", "a2"]

    run(make_backend, scenario)


# -- delays, leases, timeouts


def test_delayed_messages_wait_for_their_time(make_backend: Callable[[], Backend]) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        record = Recorder(clock)
        config = QueueConfig(delay_seconds=5)
        async with engine(backend, clock, {"t": [Subscriber("s", record, config)]}) as queue:
            await queue.enqueue("t", "configured delay")
            await queue.enqueue("t", "own delay", delay_seconds=2)
            await queue.enqueue("t", "no delay", delay_seconds=0)
            await settle(queue, clock)
            assert record.payloads == ["no delay"]
            await settle(queue, clock, 1.999)
            assert record.payloads == ["no delay"]
            await settle(queue, clock, 0.001)
            await settle(queue, clock, 2.999)
            assert record.payloads == ["no delay", "own delay"]
            await settle(queue, clock, 0.001)
        assert record.payloads == ["no delay", "own delay", "configured delay"]
        assert record.times == [0, 2, 5]

    run(make_backend, scenario)


def test_a_handler_that_overruns_its_lease_is_delivered_again(make_backend: Callable[[], Backend]) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        first_started, second_started, release = asyncio.Event(), asyncio.Event(), asyncio.Event()
        attempts: list[int] = []

        async def slow(payload: Any, info: MessageInfo) -> None:
            attempts.append(info.attempt)
            (first_started if info.attempt == 1 else second_started).set()
            await release.wait()

        config = QueueConfig(visibility_timeout=10)
        async with engine(backend, clock, {"t": [Subscriber("s", slow, config)]}) as queue:
            await queue.enqueue("t", "m")
            await reached(first_started)
            clock.advance(10 + LEASE_GRACE_SECONDS - 0.001)
            await asyncio.sleep(0.01)
            assert attempts == [1]
            clock.advance(0.001)
            await reached(second_started)
            release.set()
            await queue.wait_idle(timeout=5)
        assert attempts == [1, 2]
        assert await backend.dead_letters() == []

    run(make_backend, scenario)


def test_a_timed_out_handler_is_cancelled_and_counts_as_a_failed_attempt(
    make_backend: Callable[[], Backend],
) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        cancelled = asyncio.Event()

        async def stuck(payload: Any, info: MessageInfo) -> None:
            try:
                await asyncio.sleep(60)
            except asyncio.CancelledError:
                cancelled.set()
                raise

        async def raises_its_own(payload: Any, info: MessageInfo) -> None:
            raise TimeoutError("the upstream API timed out")

        config = QueueConfig(max_retries=0)
        registry = {
            "t": [Subscriber("stuck", stuck, config, timeout=0.05), Subscriber("own", raises_its_own, config)]
        }
        async with engine(backend, clock, registry) as queue:
            await queue.enqueue("t", "m")
            await queue.wait_idle(timeout=5)
        assert cancelled.is_set()
        reasons = {dead.subscriber: dead.reason for dead in await backend.dead_letters()}
        assert reasons == {
            "stuck": "handler timed out after 0.05 s",
            "own": "TimeoutError: the upstream API timed out",
        }

    run(make_backend, scenario)


def test_a_handler_that_swallows_its_timeout_is_acked_and_its_worker_goes_on(
    make_backend: Callable[[], Backend],
) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        seen: list[str] = []

        async def stubborn(payload: Any, info: MessageInfo) -> None:
            if payload == "slow":
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.sleep(60)
            task = asyncio.current_task()
            assert task is not None
            seen.append(f"{payload} (cancelling={task.cancelling()})")

        subscriber = Subscriber("s", stubborn, QueueConfig(concurrency=1), timeout=0.05)
        async with engine(backend, clock, {"t": [subscriber]}) as queue:
            await queue.enqueue("t", "slow")
            await queue.enqueue("t", "next")
            await queue.wait_idle(timeout=5)
        # The worker's cancellation count is reset, or timeouts inside later handlers would misfire.
        assert seen == ["slow (cancelling=1)", "next (cancelling=0)"]
        assert await backend.dead_letters() == []

    run(make_backend, scenario)


# -- concurrency, idle and shutdown


def test_a_subscriber_runs_at_most_its_concurrency(make_backend: Callable[[], Backend]) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        running, most, done = 0, 0, 0
        three_running, go = asyncio.Event(), asyncio.Event()

        async def handler(payload: Any, info: MessageInfo) -> None:
            nonlocal running, most, done
            running += 1
            most = max(most, running)
            if running == 3:
                three_running.set()
            await go.wait()
            running -= 1
            done += 1

        async with engine(
            backend, clock, {"t": [Subscriber("s", handler, QueueConfig(concurrency=3))]}
        ) as queue:
            for n in range(10):
                await queue.enqueue("t", n)
            await reached(three_running)
            go.set()
            await queue.wait_idle(timeout=5)
        assert (most, done) == (3, 10)

    run(make_backend, scenario)


def test_wait_idle_covers_retries_and_the_events_handlers_enqueue(
    make_backend: Callable[[], Backend],
) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        downstream = Recorder(clock)
        queue: QueueEngine

        async def upstream(payload: Any, info: MessageInfo) -> None:
            if info.attempt < 3:
                raise RuntimeError("not yet")
            await queue.enqueue("b", payload + 1, trace_id=info.trace_id)

        registry = {
            "a": [Subscriber("up", upstream, QueueConfig(backoff_delay_ms=1))],
            "b": [Subscriber("down", downstream)],
        }
        # The real clock: wait_idle must see the retries through on its own.
        async with QueueEngine(backend, registry) as queue:
            await queue.enqueue("a", 1, trace_id="trace-a")
            await queue.wait_idle(timeout=5)
            assert await queue.pending() == 0
        assert downstream.payloads == [2]
        assert downstream.calls[0][1].trace_id == "trace-a"

    run(make_backend, scenario)


def test_stop_hands_back_what_is_unfinished_and_a_new_engine_delivers_it(
    make_backend: Callable[[], Backend],
) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        two_running = asyncio.Event()
        started: list[int] = []

        async def blocked(payload: Any, info: MessageInfo) -> None:
            started.append(payload)
            if len(started) == 2:
                two_running.set()
            await asyncio.Event().wait()

        config = QueueConfig(concurrency=2)
        first = engine(backend, clock, {"t": [Subscriber("s", blocked, config)]})
        await first.start()
        for n in range(5):
            await first.enqueue("t", n)
        await reached(two_running)
        await first.stop(grace=0)
        assert await backend.pending() == 5

        record = Recorder(clock)
        async with engine(backend, clock, {"t": [Subscriber("s", record, config)]}) as second:
            await second.wait_idle(timeout=5)
        assert sorted(record.payloads) == [0, 1, 2, 3, 4]
        assert record.attempts == [1] * 5, "a released attempt is not counted"

    run(make_backend, scenario)


def test_stop_lets_running_handlers_finish_within_the_grace_period(
    make_backend: Callable[[], Backend],
) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        started = asyncio.Event()
        finished: list[int] = []

        async def quick(payload: Any, info: MessageInfo) -> None:
            started.set()
            await asyncio.sleep(0.02)
            finished.append(payload)

        queue = engine(backend, clock, {"t": [Subscriber("s", quick)]})
        await queue.start()
        await queue.enqueue("t", 1)
        await reached(started)
        await queue.stop(grace=5)
        assert finished == [1]
        assert await backend.pending() == 0

    run(make_backend, scenario)


def test_after_a_crash_a_claimed_message_returns_when_its_lease_ends(
    make_backend: Callable[[], Backend],
) -> None:
    async def scenario(backend: Backend, clock: ManualClock) -> None:
        started = asyncio.Event()

        async def dies(payload: Any, info: MessageInfo) -> None:
            started.set()
            await asyncio.Event().wait()

        config = QueueConfig(visibility_timeout=20)
        crashed = engine(backend, clock, {"t": [Subscriber("s", dies, config)]})
        await crashed.start()
        await crashed.enqueue("t", "m")
        await reached(started)
        await crashed.stop(grace=0, release=False)  # as if the process died: nothing handed back

        record = Recorder(clock)
        async with engine(backend, clock, {"t": [Subscriber("s", record, config)]}) as restarted:
            await settle(restarted, clock, 20)
            assert record.calls == []
            await settle(restarted, clock, LEASE_GRACE_SECONDS)
        assert (record.payloads, record.attempts) == (["m"], [2])

    run(make_backend, scenario)


def test_a_failing_backend_delays_delivery_but_does_not_end_it(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(queue_consumer, "RETRY_CLAIM_SECONDS", 0.01)
    caplog.set_level(logging.INFO, "motia.queue")

    class Flaky(MemoryBackend):
        failures = 3

        async def claim(
            self, topic: str, subscriber: str, *, now: float, lease_until: float, limit: int
        ) -> Any:
            if self.failures:
                self.failures -= 1
                raise sqlite3.OperationalError("database is locked")
            return await super().claim(topic, subscriber, now=now, lease_until=lease_until, limit=limit)

    async def main() -> None:
        clock = ManualClock(T0)
        record = Recorder(clock)
        async with QueueEngine(Flaky(), {"t": [Subscriber("s", record)]}, clock=clock) as queue:
            await queue.enqueue("t", "m")
            for _ in range(Flaky.failures + 1):  # a wait for idle is told of each failed pass
                with contextlib.suppress(sqlite3.OperationalError):
                    await queue.wait_idle(timeout=5)
                    break
        assert record.payloads == ["m"]
        # The wait doubles while the store stays down; one traceback, then a line each time.
        assert "t → s: claiming failed; trying again in 0.01 s\nTraceback" in caplog.text
        assert (
            "t → s: claiming failed; trying again in 0.02 s (OperationalError: database is locked)"
            in caplog.text
        )
        assert "t → s: claiming failed; trying again in 0.04 s (OperationalError" in caplog.text
        assert caplog.text.count("Traceback") == 1
        assert "t → s: claiming again" in caplog.text

    asyncio.run(main())


def test_idle_subscription_finds_messages_another_process_added(
    make_backend: Callable[[], Backend],
) -> None:
    """Messages written straight to the backend (as `motia dlq replay` or another instance does) are found
    by the idle poll, with no nudge from this engine."""

    async def scenario(backend: Backend, clock: ManualClock) -> None:
        recorder = Recorder(clock)
        queue = engine(backend, clock, {"t": [Subscriber("s", recorder)]})
        redis = isinstance(backend, RedisBackend)
        async with queue:
            await settle(queue, clock)
            # Another instance: for Redis, a client of its own on the same server and app.
            other = RedisBackend(backend.url, app=backend.prefix[6:-1]) if redis else backend
            await other.enqueue([NewMessage("t", "s", {"n": 1}, "trace", clock.now(), clock.now())])
            if not redis:
                for _ in range(20):  # the engine was not told: nothing happens while the clock stands still
                    await asyncio.sleep(0.005)
                assert recorder.payloads == []
                clock.advance(queue_consumer.IDLE_POLL_SECONDS)
            # else Redis tells every instance what was enqueued (`queue_wakeups`): no poll needed
            async with asyncio.timeout(5):
                while not recorder.payloads:
                    await asyncio.sleep(0.005)
            assert recorder.payloads == [{"n": 1}]
            if redis:
                await other.close()

    run(make_backend, scenario)


def test_an_engine_starting_on_an_empty_backend_asks_nothing_until_told() -> None:
    """Starting a thousand subscriptions on an empty store must not cost two thousand queries; the first
    event still goes through at once."""

    class Counting(MemoryBackend):
        claims = 0

        async def claim(self, *args: Any, **kwargs: Any) -> Any:
            Counting.claims += 1
            return await super().claim(*args, **kwargs)

    async def scenario() -> None:
        clock = ManualClock(T0)
        recorders = [Recorder(clock) for _ in range(50)]
        backend = Counting()
        registry = {f"t{i}": [Subscriber("s", recorder)] for i, recorder in enumerate(recorders)}
        async with engine(backend, clock, registry) as queue:
            for _ in range(20):
                await asyncio.sleep(0)
            assert Counting.claims == 0
            await queue.enqueue("t7", {"n": 1})
            async with asyncio.timeout(5):
                while not recorders[7].payloads:
                    await asyncio.sleep(0)
            assert recorders[7].payloads == [{"n": 1}]
            assert Counting.claims <= 3  # only t7's subscription looked

    asyncio.run(scenario())


# -- subscribers served elsewhere


def test_messages_for_held_subscribers_are_kept_never_run(make_backend: Callable[[], Backend]) -> None:
    """The TS/JS steps of a mixed app: their copies of an event wait in the store (FIFO ones in their
    line), apart from this engine's own count, across restarts."""

    async def scenario(backend: Backend, clock: ManualClock) -> None:
        here = Recorder(clock)
        never = Recorder(clock)
        registry = {"order.created": [Subscriber("Python", here)]}
        held = {
            "order.created": [Subscriber("Audit", never)],
            "order.paid": [Subscriber("Ship", never, QueueConfig(type="fifo"))],
        }
        async with QueueEngine(backend, registry, clock=clock, held=held) as queue:
            ids = await queue.enqueue("order.created", {"n": 1})
            assert len(ids) == 2
            assert len(await queue.enqueue("order.paid", {"n": 2}, group_id="o-1")) == 1
            await queue.wait_idle(timeout=5)  # settles what is this engine's, not the held messages
            await settle(queue, clock, 3600)
            assert await queue.pending() == 0
            assert await queue.held() == [("order.created", "Audit", 1), ("order.paid", "Ship", 1)]
        assert (here.payloads, never.calls) == ([{"n": 1}], [])
        assert await backend.pending() == 2
        async with QueueEngine(backend, registry, clock=clock, held=held) as queue:
            await settle(queue, clock, 3600)
            assert [count for _, _, count in await queue.held()] == [1, 1]
        assert never.calls == []

    run(make_backend, scenario)
