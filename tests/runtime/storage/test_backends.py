"""The backend contract, one suite run against every backend; plus what only the SQLite file promises:
everything survives a restart, and updates stay atomic across connections."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from motia.storage.backend import (
    STATE_NAMESPACE,
    Backend,
    IncrementOp,
    Message,
    NewMessage,
    SetOp,
    stream_namespace,
)
from motia.storage.memory import MemoryBackend
from motia.storage.redis_backend import RedisBackend
from motia.storage.sqlite import DatabaseUnusable, SqliteBackend

T0 = 1_000_000.0
Scenario = Callable[[Backend], Awaitable[None]]


@pytest.fixture(params=["memory", "sqlite", "redis"])
def make_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], Backend]:
    if request.param == "memory":
        return MemoryBackend
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        app = uuid.uuid4().hex  # every test its own keys on the shared server
        return lambda: RedisBackend(url, app=app)
    return lambda: SqliteBackend(tmp_path / "app.sqlite3")


def run(make_backend: Callable[[], Backend], scenario: Scenario) -> None:
    async def main() -> None:
        backend = make_backend()
        try:
            await scenario(backend)
        finally:
            await backend.close()

    asyncio.run(main())


def new(
    payload: object = None,
    *,
    topic: str = "t",
    subscriber: str = "s",
    at: float = T0,
    fifo: str | None = None,
    trace: str = "tr",
) -> NewMessage:
    return NewMessage(
        topic=topic,
        subscriber=subscriber,
        payload=payload,
        trace_id=trace,
        visible_at=at,
        enqueued_at=at,
        group_id=fifo,
        fifo_group=fifo,
    )


async def claim(backend: Backend, *, now: float = T0, lease: float = 30.0, limit: int = 10) -> list[Message]:
    return await backend.claim("t", "s", now=now, lease_until=now + lease, limit=limit)


def payloads(messages: list[Message]) -> list[object]:
    return [m.payload for m in messages]


# -- key-value records


def test_records_round_trip_by_namespace_and_group(make_backend: Callable[[], Backend]) -> None:
    async def scenario(b: Backend) -> None:
        await b.set(STATE_NAMESPACE, "users", "u2", {"name": "Bo"})
        await b.set(STATE_NAMESPACE, "users", "u1", {"name": "Al"})
        await b.set(STATE_NAMESPACE, "orders", "o1", [1, 2])
        await b.set(stream_namespace("todos"), "users", "u1", "an item, not state")
        assert await b.get(STATE_NAMESPACE, "users", "u1") == {"name": "Al"}
        assert await b.get(stream_namespace("todos"), "users", "u1") == "an item, not state"
        assert await b.get(STATE_NAMESPACE, "users", "missing") is None
        assert await b.get_group(STATE_NAMESPACE, "users") == [("u1", {"name": "Al"}), ("u2", {"name": "Bo"})]
        assert await b.list_groups(STATE_NAMESPACE) == ["orders", "users"]
        assert await b.list_groups(stream_namespace("todos")) == ["users"]
        assert await b.delete(STATE_NAMESPACE, "users", "u1") == {"name": "Al"}
        assert await b.delete(STATE_NAMESPACE, "users", "u1") is None
        await b.clear(STATE_NAMESPACE, "users")
        assert await b.get_group(STATE_NAMESPACE, "users") == []
        assert await b.list_groups(STATE_NAMESPACE) == ["orders"]
        assert await b.get(stream_namespace("todos"), "users", "u1") == "an item, not state"

    run(make_backend, scenario)


def test_values_read_back_never_alias_the_store(make_backend: Callable[[], Backend]) -> None:
    async def scenario(b: Backend) -> None:
        value = {"tags": ["a"]}
        await b.set(STATE_NAMESPACE, "g", "k", value)
        value["tags"].append("changed after set")
        read = await b.get(STATE_NAMESPACE, "g", "k")
        read["tags"].append("changed after get")
        assert await b.get(STATE_NAMESPACE, "g", "k") == {"tags": ["a"]}

    run(make_backend, scenario)


def test_update_applies_ops_in_order_and_a_failing_op_changes_nothing(
    make_backend: Callable[[], Backend],
) -> None:
    async def scenario(b: Backend) -> None:
        result = await b.update(STATE_NAMESPACE, "g", "k", [IncrementOp(("n",), 2), SetOp(("s",), "x")])
        assert (result.old_value, result.new_value) == (None, {"n": 2, "s": "x"})
        with pytest.raises(TypeError, match="not a number"):
            await b.update(STATE_NAMESPACE, "g", "k", [IncrementOp(("n",), 1), IncrementOp(("s",), 1)])
        assert await b.get(STATE_NAMESPACE, "g", "k") == {"n": 2, "s": "x"}

    run(make_backend, scenario)


# -- the queue


def test_claim_takes_ready_messages_oldest_first_up_to_the_limit(make_backend: Callable[[], Backend]) -> None:
    async def scenario(b: Backend) -> None:
        ids = await b.enqueue([new(1), new(2), new(3), new(4, subscriber="other")])
        assert len(set(ids)) == 4
        first = await claim(b, limit=2)
        assert payloads(first) == [1, 2]
        assert [m.attempt for m in first] == [1, 1]
        assert payloads(await claim(b)) == [3]
        assert await claim(b) == []
        assert await b.pending() == 4
        assert await b.pending(topic="t", subscriber="s") == 3

    run(make_backend, scenario)


def test_a_message_is_hidden_until_visible_and_comes_back_when_its_lease_ends(
    make_backend: Callable[[], Backend],
) -> None:
    async def scenario(b: Backend) -> None:
        await b.enqueue([new("later", at=T0 + 5)])
        assert await claim(b, now=T0 + 4.99) == []
        assert await b.next_visible("t", "s", after=T0) == T0 + 5
        (message,) = await claim(b, now=T0 + 5, lease=10)
        assert await claim(b, now=T0 + 14.99) == []
        assert await b.next_visible("t", "s", after=T0 + 5) == T0 + 15
        (again,) = await claim(b, now=T0 + 15)
        assert (again.id, again.attempt, again.payload) == (message.id, 2, "later")
        assert await b.ack([message]) == 0, "a stale claim must not settle the redelivered copy"
        assert await b.ack([again]) == 1
        assert await b.pending() == 0
        assert await b.next_visible("t", "s", after=T0) is None

    run(make_backend, scenario)


def test_claim_next_acks_first_then_claims_and_says_when_to_look_again(
    make_backend: Callable[[], Backend],
) -> None:
    """What a consumer's pass asks in one call: settle what it delivered, take what is ready, and learn
    when the next message becomes visible."""

    async def scenario(b: Backend) -> None:
        await b.enqueue([new(1), new(2), new("later", at=T0 + 5)])
        first = await b.claim_next("t", "s", now=T0, lease_until=T0 + 30, limit=1)
        assert payloads(first.messages) == [1]  # a full claim may leave the next time unsaid
        second = await b.claim_next("t", "s", now=T0, lease_until=T0 + 30, limit=5, ack=first.messages)
        assert payloads(second.messages) == [2]
        assert second.next_visible == T0 + 5
        assert await b.pending() == 2, "the first message was acked by the second call"
        stale = await b.claim_next("t", "s", now=T0 + 1, lease_until=T0 + 30, limit=5, ack=first.messages)
        assert stale.messages == []
        assert await b.pending() == 2, "an ack already made counts for nothing"
        assert stale.next_visible == T0 + 5
        await b.ack(second.messages)
        last = await b.claim_next("t", "s", now=T0 + 5, lease_until=T0 + 35, limit=5)
        assert payloads(last.messages) == ["later"]
        assert last.next_visible == T0 + 35, "its own lease is the next thing to happen"

    run(make_backend, scenario)


def test_enqueue_claim_claims_only_what_could_be_claimed_at_once(make_backend: Callable[[], Backend]) -> None:
    """A store may claim a message for the enqueuing caller in the same step, but never one delayed or
    behind its FIFO group's head, and what it claims is held like any claim (a store may claim none)."""

    async def scenario(b: Backend) -> None:
        keep = T0 + 30
        batch = [
            new("now")._replace(claim_until=keep),
            new("later")._replace(visible_at=T0 + 5, claim_until=keep),  # delayed
            new("head", fifo="g")._replace(claim_until=keep),
            new("behind", fifo="g")._replace(claim_until=keep),
            new("plain"),
        ]
        enqueued = await b.enqueue_claim(batch)
        assert len(set(enqueued.ids)) == 5
        held = {m.payload: m for m in enqueued.claimed if m is not None}
        assert set(held) <= {"now", "head"}
        for position, message in enumerate(enqueued.claimed):
            if message is not None:
                assert (message.id, message.attempt, message.trace_id) == (enqueued.ids[position], 1, "tr")
        rest = payloads(await claim(b, limit=10))
        assert rest == [p for p in ["now", "head", "plain"] if p not in held]  # "behind" waits its turn
        assert await b.pending() == 5
        assert await b.ack(list(held.values())) == len(held)
        if "head" in held:  # its group moves on
            assert payloads(await claim(b, limit=10)) == ["behind"]

    run(make_backend, scenario)


def test_ack_settles_a_batch_and_counts_what_was_still_held(make_backend: Callable[[], Backend]) -> None:
    async def scenario(b: Backend) -> None:
        await b.enqueue([new(1), new(2), new(3)])
        (one,) = await claim(b, limit=1)
        (two,) = await claim(b, limit=1, lease=1)
        (three,) = await claim(b, limit=1)
        (two_again,) = await claim(b, now=T0 + 1)  # two's lease ended: `two` is stale now
        assert two_again.payload == 2
        assert await b.ack([one, two, three]) == 2
        assert await b.pending() == 1
        assert await b.ack([two_again]) == 1
        assert await b.pending() == 0

    run(make_backend, scenario)


def test_retry_counts_the_attempt_and_release_does_not(make_backend: Callable[[], Backend]) -> None:
    async def scenario(b: Backend) -> None:
        await b.enqueue([new("m")])
        (first,) = await claim(b)
        assert await b.retry(first, visible_at=T0 + 2)
        assert await claim(b, now=T0 + 1.99) == []
        (second,) = await claim(b, now=T0 + 2)
        assert second.attempt == 2
        assert await b.release(second, now=T0 + 2)
        (third,) = await claim(b, now=T0 + 2)
        assert third.attempt == 2

    run(make_backend, scenario)


def test_fifo_groups_hand_out_only_their_head(make_backend: Callable[[], Backend]) -> None:
    async def scenario(b: Backend) -> None:
        await b.enqueue(
            [new("a1", fifo="a"), new("a2", fifo="a"), new("b1", fifo="b"), new("x"), new("a3", fifo="a")]
        )
        batch = await claim(b)
        assert payloads(batch) == ["a1", "b1", "x"]
        a1 = batch[0]
        assert await claim(b) == [], "a2 waits while a1 is in flight"
        assert await b.retry(a1, visible_at=T0 + 1)
        assert await claim(b, now=T0 + 0.5) == [], "a2 waits while a1 waits for its retry"
        (a1_again,) = await claim(b, now=T0 + 1)
        assert a1_again.payload == "a1"
        assert await b.ack([a1_again]) == 1
        assert payloads(await claim(b, now=T0 + 1)) == ["a2"]

    run(make_backend, scenario)


def test_dead_letters_keep_reason_attempts_and_payload_and_replay(
    make_backend: Callable[[], Backend],
) -> None:
    async def scenario(b: Backend) -> None:
        await b.enqueue([new({"n": 1}, trace="trace-1", fifo="g"), new({"n": 2}, topic="u")])
        (message,) = await claim(b)
        await b.retry(message, visible_at=T0)
        (message,) = await claim(b)
        assert await b.dead_letter(message, reason="ValueError: bad", now=T0 + 3)
        assert await b.pending(topic="t") == 0
        (dead,) = await b.dead_letters()
        assert (dead.topic, dead.subscriber, dead.payload, dead.reason) == (
            "t",
            "s",
            {"n": 1},
            "ValueError: bad",
        )
        assert (dead.attempts, dead.failed_at, dead.trace_id, dead.group_id) == (2, T0 + 3, "trace-1", "g")
        assert await b.dead_letters(topic="u") == []
        new_id = await b.replay(dead.id, now=T0 + 4)
        assert new_id is not None
        assert await b.dead_letters() == []
        assert await b.replay(dead.id, now=T0 + 4) is None
        (again,) = await claim(b, now=T0 + 4)
        assert (again.id, again.attempt, again.payload, again.trace_id) == (new_id, 1, {"n": 1}, "trace-1")

    run(make_backend, scenario)


def test_fan_out_copies_do_not_share_a_payload(make_backend: Callable[[], Backend]) -> None:
    async def scenario(b: Backend) -> None:
        payload = {"items": [1]}
        await b.enqueue([new(payload, subscriber="s"), new(payload, subscriber="s2")])
        payload["items"].append("changed after enqueue")
        (mine,) = await claim(b)
        mine.payload["items"].append("changed by s")
        (theirs,) = await b.claim("t", "s2", now=T0, lease_until=T0 + 30, limit=1)
        assert theirs.payload == {"items": [1]}

    run(make_backend, scenario)


# -- locks


def test_a_lock_is_held_by_one_owner_until_it_expires(make_backend: Callable[[], Backend]) -> None:
    async def scenario(b: Backend) -> None:
        assert await b.acquire_lock("cron:tick", "a", until=T0 + 10, now=T0)
        assert not await b.acquire_lock("cron:tick", "b", until=T0 + 10, now=T0 + 5)
        assert await b.acquire_lock("other", "b", until=T0 + 10, now=T0 + 5)
        assert await b.acquire_lock("cron:tick", "a", until=T0 + 20, now=T0 + 5)  # ours: extended
        assert not await b.acquire_lock("cron:tick", "b", until=T0 + 30, now=T0 + 15)
        assert await b.acquire_lock("cron:tick", "b", until=T0 + 30, now=T0 + 20)  # expired at its end
        assert not await b.acquire_lock("cron:tick", "a", until=T0 + 30, now=T0 + 25)

    run(make_backend, scenario)


def test_sqlite_locks_are_shared_by_connections_to_one_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"

    async def main() -> None:
        first, second = SqliteBackend(path), SqliteBackend(path)
        try:
            won = [
                await first.acquire_lock("cron:job:0:60", "first", until=T0 + 60, now=T0),
                await second.acquire_lock("cron:job:0:60", "second", until=T0 + 60, now=T0),
            ]
            assert won == [True, False]
        finally:
            await first.close()
            await second.close()

    asyncio.run(main())


# -- SQLite only


def test_sqlite_keeps_everything_across_a_restart(tmp_path: Path) -> None:
    path = tmp_path / ".motia" / "motia.sqlite3"

    async def before_crash() -> None:
        b = SqliteBackend(path)
        await b.set(STATE_NAMESPACE, "users", "u1", {"name": "Al"})
        await b.set(stream_namespace("todos"), "list", "i1", {"done": False})
        await b.enqueue([new("queued"), new("in flight"), new("dead")])
        claimed = await claim(b, limit=3)
        await b.release(claimed[0], now=T0)
        await b.dead_letter(claimed[2], reason="boom", now=T0)
        await b.close()  # the in-flight message is neither acked nor released

    async def after_restart() -> None:
        b = SqliteBackend(path)
        try:
            assert await b.get(STATE_NAMESPACE, "users", "u1") == {"name": "Al"}
            assert await b.get_group(stream_namespace("todos"), "list") == [("i1", {"done": False})]
            assert [(d.payload, d.reason) for d in await b.dead_letters()] == [("dead", "boom")]
            assert payloads(await claim(b, now=T0 + 1)) == ["queued"]
            (redelivered,) = await claim(b, now=T0 + 30)
            assert (redelivered.payload, redelivered.attempt) == ("in flight", 2)
        finally:
            await b.close()

    asyncio.run(before_crash())
    asyncio.run(after_restart())


def test_sqlite_updates_are_atomic_across_connections(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    rounds = 150

    def increment_many() -> None:
        async def main() -> None:
            b = SqliteBackend(path)
            try:
                for _ in range(rounds):
                    await b.update(STATE_NAMESPACE, "counters", "hits", [IncrementOp(("n",), 1)])
            finally:
                await b.close()

        asyncio.run(main())

    assert asyncio.run(_create(path))
    threads = [threading.Thread(target=increment_many) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    async def read() -> object:
        b = SqliteBackend(path)
        try:
            return await b.get(STATE_NAMESPACE, "counters", "hits")
        finally:
            await b.close()

    assert asyncio.run(read()) == {"n": 3 * rounds}


async def _create(path: Path) -> bool:
    """Create the schema once, so the threads do not race to create it."""
    b = SqliteBackend(path)
    await b.close()
    return path.exists()


def test_sqlite_refuses_a_file_in_another_format(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(
        DatabaseUnusable,
        match=r"future.sqlite3 is not a usable motia database \(it holds motia data in format 99",
    ):
        SqliteBackend(path)
