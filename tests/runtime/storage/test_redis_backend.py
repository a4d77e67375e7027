"""What the Redis backend promises beyond the shared contract (`test_backends.py` runs that on Redis too):
several instances (clients) on one server share everything and stay atomic, apps on one server stay
apart, and an unreachable server is said plainly."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from motia.clock import ManualClock
from motia.delivery import consumer as queue_consumer
from motia.delivery.engine import MessageInfo, QueueEngine, Subscriber
from motia.storage.backend import STATE_NAMESPACE, IncrementOp, NewMessage, stream_namespace
from motia.storage.redis_backend import RedisBackend
from motia.triggers import QueueConfig

from tests.redis_server import free_port

T0 = 1_000_000.0


def _new(payload: object, *, fifo: str | None = None, at: float = T0) -> NewMessage:
    return NewMessage("t", "s", payload, "tr", at, at, fifo, fifo)


def _pair(url: str) -> tuple[RedisBackend, RedisBackend]:
    app = uuid.uuid4().hex
    return RedisBackend(url, app=app), RedisBackend(url, app=app)


def test_everything_is_there_for_the_next_instance(redis_url: str) -> None:
    app = uuid.uuid4().hex

    async def first() -> None:
        b = RedisBackend(redis_url, app=app)
        await b.set(STATE_NAMESPACE, "users", "u1", {"name": "Al"})
        await b.set(stream_namespace("todos"), "list", "i1", {"done": False})
        await b.enqueue([_new("queued"), _new("in flight"), _new("dead")])
        claimed = await b.claim("t", "s", now=T0, lease_until=T0 + 30, limit=3)
        await b.release(claimed[0], now=T0)
        await b.dead_letter(claimed[2], reason="boom", now=T0)
        await b.close()  # the in-flight message is neither acked nor released

    async def second() -> None:
        b = RedisBackend(redis_url, app=app)
        try:
            assert await b.get(STATE_NAMESPACE, "users", "u1") == {"name": "Al"}
            assert await b.list_groups(stream_namespace("todos")) == ["list"]
            assert [(d.payload, d.reason, d.attempts) for d in await b.dead_letters()] == [
                ("dead", "boom", 1)
            ]
            queued = await b.claim("t", "s", now=T0 + 1, lease_until=T0 + 100, limit=5)
            assert [m.payload for m in queued] == ["queued"]
            (redelivered,) = await b.claim("t", "s", now=T0 + 30, lease_until=T0 + 60, limit=5)
            assert (redelivered.payload, redelivered.attempt) == ("in flight", 2)
            assert await b.pending() == 2
        finally:
            await b.close()

    asyncio.run(first())
    asyncio.run(second())


def test_updates_are_atomic_across_instances(redis_url: str) -> None:
    rounds = 100

    async def main() -> None:
        first, second = _pair(redis_url)
        try:

            async def bump(b: RedisBackend) -> None:
                for _ in range(rounds):
                    await b.update(STATE_NAMESPACE, "counters", "hits", [IncrementOp(("n",), 1)])

            await asyncio.gather(bump(first), bump(second), bump(first), bump(second))
            assert await first.get(STATE_NAMESPACE, "counters", "hits") == {"n": 4 * rounds}
        finally:
            await first.close()
            await second.close()

    asyncio.run(main())


def test_a_fifo_group_hands_out_its_head_to_one_instance_at_a_time(redis_url: str) -> None:
    async def main() -> None:
        first, second = _pair(redis_url)
        try:
            await first.enqueue([_new(1, fifo="g"), _new(2, fifo="g"), _new(3, fifo="h")])
            got_first = await first.claim("t", "s", now=T0, lease_until=T0 + 30, limit=10)
            assert [m.payload for m in got_first] == [1, 3]
            assert await second.claim("t", "s", now=T0, lease_until=T0 + 30, limit=10) == []
            assert await second.ack([got_first[0]]) == 1  # settled by another instance: the receipt holds
            (head,) = await second.claim("t", "s", now=T0, lease_until=T0 + 30, limit=10)
            assert head.payload == 2
            assert await first.ack([got_first[0]]) == 0  # already settled
        finally:
            await first.close()
            await second.close()

    asyncio.run(main())


async def _heard(topics: list[str], count: int) -> None:
    async with asyncio.timeout(5):
        while len(topics) < count:
            await asyncio.sleep(0.01)


def test_an_idle_instance_is_woken_once_by_another_instances_message(redis_url: str) -> None:
    """An instance whose claim found nothing is told (on its own channel) when another instance enqueues
    for that subscriber, once until it looks again; an instance is never told of its own messages, and a
    message claimed by the instance that enqueued it wakes nobody."""

    async def main() -> None:
        first, second = _pair(redis_url)
        woken: dict[str, list[str]] = {"first": [], "second": []}

        def recorder(name: str) -> Callable[[str], Awaitable[None]]:
            async def wake(topic: str) -> None:
                woken[name].append(topic)

            return wake

        stops = [first.queue_wakeups(recorder("first"), []), second.queue_wakeups(recorder("second"), [])]
        try:
            await asyncio.sleep(0.3)  # both listening
            for backend in (first, second):  # both look, find nothing and so wait for news
                assert await backend.claim("t", "s", now=T0, lease_until=T0 + 30, limit=10) == []
            kept = await first.enqueue_claim([_new(1)._replace(claim_until=T0 + 30)])
            assert [(m.payload, m.attempt) for m in kept.claimed if m is not None] == [(1, 1)]
            await first.enqueue([_new(2)])
            await _heard(woken["second"], 1)
            await first.enqueue([_new(3)])  # the second has not looked since: not told twice
            claimed = await second.claim("t", "s", now=T0, lease_until=T0 + 30, limit=10)
            assert [m.payload for m in claimed] == [2, 3]  # and nothing left: it waits again
            await first.enqueue([_new(4)])
            await _heard(woken["second"], 2)
            await second.enqueue([_new(5)])  # the first has not looked since the second message
            await asyncio.sleep(0.2)
            assert woken == {"first": [], "second": ["t", "t"]}
        finally:
            for stop in stops:
                await stop()
            await first.close()
            await second.close()

    asyncio.run(main())


def test_an_instance_without_room_leaves_the_rest_to_the_others(redis_url: str) -> None:
    """Two engines on one server: the one that enqueues a burst keeps what it has room for and the idle
    one is woken for the rest at once, not on its idle poll (the clock never moves here)."""

    async def main() -> None:
        first, second = _pair(redis_url)
        release = asyncio.Event()
        seen: dict[str, list[int]] = {"first": [], "second": []}

        def handler(name: str) -> Callable[[Any, MessageInfo], Awaitable[None]]:
            async def handle(payload: Any, info: MessageInfo) -> None:
                seen[name].append(payload)
                await release.wait()

            return handle

        one = QueueConfig(concurrency=1)
        clock = ManualClock(T0)
        engines = [
            QueueEngine(first, {"t": [Subscriber("s", handler("first"), config=one)]}, clock=clock),
            QueueEngine(second, {"t": [Subscriber("s", handler("second"), config=one)]}, clock=clock),
        ]
        try:
            for queue in engines:
                await queue.start()
            await asyncio.sleep(0.3)  # both have looked once and listen
            for n in range(3):
                await engines[0].enqueue("t", n)
            async with asyncio.timeout(5):
                while not (seen["first"] and seen["second"]):
                    await asyncio.sleep(0.01)
            assert sorted(seen["first"] + seen["second"]) == [0, 1]
            release.set()
            async with asyncio.timeout(5):
                while len(seen["first"]) + len(seen["second"]) < 3:
                    await asyncio.sleep(0.01)
        finally:
            release.set()
            for queue in engines:
                await queue.stop()
            await first.close()
            await second.close()

    asyncio.run(main())


def test_a_cron_lock_has_one_owner_across_instances(redis_url: str) -> None:
    async def main() -> None:
        first, second = _pair(redis_url)
        try:
            won = await asyncio.gather(
                first.acquire_lock("cron:job:60", "a", until=T0 + 60, now=T0),
                second.acquire_lock("cron:job:60", "b", until=T0 + 60, now=T0),
            )
            assert sorted(won) == [False, True]
        finally:
            await first.close()
            await second.close()

    asyncio.run(main())


def test_apps_on_one_server_keep_apart(redis_url: str) -> None:
    async def main() -> None:
        shop, blog = (
            RedisBackend(redis_url, app="shop-" + uuid.uuid4().hex),
            RedisBackend(redis_url, app="blog-" + uuid.uuid4().hex),
        )
        try:
            await shop.set(STATE_NAMESPACE, "g", "k", 1)
            await shop.enqueue([_new("x")])
            assert await blog.get(STATE_NAMESPACE, "g", "k") is None
            assert await blog.pending() == 0
            assert await blog.claim("t", "s", now=T0, lease_until=T0 + 1, limit=1) == []
        finally:
            await shop.close()
            await blog.close()

    asyncio.run(main())


def test_names_with_separators_never_collide(redis_url: str) -> None:
    async def main() -> None:
        b = RedisBackend(redis_url, app=uuid.uuid4().hex)
        try:
            await b.set("a:b", "c", "k", "one")
            await b.set("a", "b:c", "k", "two")
            assert [await b.get("a:b", "c", "k"), await b.get("a", "b:c", "k")] == ["one", "two"]
        finally:
            await b.close()

    asyncio.run(main())


def test_an_unreachable_server_is_said_plainly() -> None:
    async def main() -> None:
        b = RedisBackend(f"redis://127.0.0.1:{free_port()}/0", app="nowhere")
        try:
            assert await b.check() == "redis: ConnectionError"
        finally:
            await b.close()

    asyncio.run(main())


def test_a_fifo_group_moves_on_without_waiting_for_deferred_acks(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a shared store a waiting consumer sends its acks a moment later, together; a FIFO consumer may
    not, since the ack is what frees its group's next message. With that moment made an hour, a FIFO
    group still goes through, and a standard queue's acks still go out when asked to settle."""
    monkeypatch.setattr(queue_consumer, "ACK_DELAY_SECONDS", 3600.0)

    async def main() -> None:
        (backend, _) = _pair(redis_url)
        seen: list[int] = []

        async def handle(payload: Any, info: MessageInfo) -> None:
            seen.append(payload)

        registry = {
            "ordered": [Subscriber("s", handle, config=QueueConfig(type="fifo"))],
            "plain": [Subscriber("s", handle)],
        }
        try:
            async with QueueEngine(backend, registry) as queue:
                for n in range(5):
                    await queue.enqueue("ordered", n, group_id="g")
                async with asyncio.timeout(5):
                    while len(seen) < 5:
                        await asyncio.sleep(0.01)
                assert seen == [0, 1, 2, 3, 4]
                for n in range(5, 8):
                    await queue.enqueue("plain", n)
                await queue.wait_idle(timeout=5)
                assert sorted(seen[5:]) == [5, 6, 7]
                assert await backend.pending() == 0
        finally:
            await backend.close()

    asyncio.run(main())


def test_a_busy_subscription_acks_in_calls_of_up_to_a_hundred(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Acks wait for the next claim pass (`ACK_DELAY_SECONDS`, made an hour here), but no more than
    `ACK_BATCH` of them: a busy subscription sends them in calls of that many, not one per handful."""
    monkeypatch.setattr(queue_consumer, "ACK_DELAY_SECONDS", 3600.0)
    sizes: list[int] = []

    class Counted(RedisBackend):
        async def claim_next(self, *args: Any, **options: Any) -> Any:
            if options.get("ack"):
                sizes.append(len(options["ack"]))
            return await super().claim_next(*args, **options)

    async def main() -> None:
        backend = Counted(redis_url, app=uuid.uuid4().hex)
        handled = 0

        async def handle(payload: Any, info: MessageInfo) -> None:
            nonlocal handled
            handled += 1

        try:
            async with QueueEngine(backend, {"busy": [Subscriber("s", handle)]}) as queue:
                for n in range(250):
                    await queue.enqueue("busy", n)
                await queue.wait_idle(timeout=10)
            assert handled == 250
            assert await backend.pending() == 0
        finally:
            await backend.close()

    asyncio.run(main())
    assert sum(sizes) == 250
    assert max(sizes) == queue_consumer.ACK_BATCH == 100
    assert sizes.count(100) == 2
    assert len(sizes) < 10  # (a pass or two for other reasons: the first claim, the final settle)
