"""The Redis backend: one server shared by every instance of an app, for state, stream items, the queue,
dead letters and locks (see `motia.storage.backend` for the contract, the same as SQLite's).

Keys live under `motia:<app>:` so apps can share a server. Records: one hash per (namespace, group), field
= key, value = JSON text, and a set per namespace naming its non-empty groups. An `update` reads, applies
its ops and the caller's `finish` in Python and writes under WATCH, starting over when another writer got
there first, so it is atomic across instances and `finish` (a stream's schema check) still decides before
anything is written. The queue, dead letters and locks are Lua scripts (`redis_scripts`), one per
operation. Component names are written as JSON arrays inside key names, so no namespace, group, topic or
subscriber can make two keys collide.

Commands go on the instance's own pipelined connection (`redis_wire`); redis-py's client is kept for what
needs a connection to itself, `update`'s WATCH and pub/sub. Both redis-py and hiredis are optional
dependencies: `pip install 'motia-gen[redis]'`.
"""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from motia.storage import redis_pubsub, redis_scripts, redis_wire
from motia.storage.backend import (
    Claimed,
    DeadLetter,
    Enqueued,
    JsonData,
    Message,
    NewMessage,
    UpdateOp,
    UpdateResult,
)
from motia.storage.jsonvalue import dumps, loads
from motia.storage.update import apply_ops

if TYPE_CHECKING:
    from motia.streams.bus import RedisStreamBus


class RedisUnavailable(RuntimeError):
    """The server cannot be reached (or the client library is missing), said in a line."""


def _redis() -> Any:
    try:
        import hiredis  # noqa: F401, PLC0415 (optional: only this backend needs them)
        import redis.asyncio  # noqa: PLC0415
    except ImportError as missing:
        raise RedisUnavailable(
            f"the Redis backend needs the {missing.name} package: pip install 'motia-gen[redis]'"
        ) from None
    return redis.asyncio


def _connect(url: str) -> Any:
    """A client for `url` whose commands go again, on a fresh connection, after a connection error: once
    a restarted server is back, the pool's connections to the old one fail once each, and the first
    request to meet one should not be the one to pay. (A command whose reply was lost may so run twice: an
    enqueue is then delivered twice, within at-least-once.)"""
    client = _redis()
    from redis.backoff import ExponentialBackoff  # noqa: PLC0415 (optional, with the client)
    from redis.exceptions import ConnectionError as Dropped  # noqa: PLC0415
    from redis.exceptions import TimeoutError as TimedOut  # noqa: PLC0415

    backoff = ExponentialBackoff(cap=redis_wire.BACKOFF_CAP, base=redis_wire.BACKOFF_BASE)
    retry = client.retry.Retry(backoff, redis_wire.RETRIES)  # as the backend's own connection retries
    return client.from_url(url, decode_responses=True, retry=retry, retry_on_error=[Dropped, TimedOut])


@functools.lru_cache(maxsize=4096)  # the same few names on every queue call
def _name(*parts: str) -> str:
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"))


def _number(value: float) -> str:
    """A float as exact decimal text (Redis parses it back to the same double; Lua would round it)."""
    return repr(float(value))


class RedisBackend:
    """A `motia.storage.backend.Backend` on a Redis server at `url` (`redis://host:6379/0`)."""

    def __init__(self, url: str, *, app: str = "app", client: Any = None) -> None:
        self.url = url
        self.prefix = f"motia:{app}:"
        self._client = client if client is not None else _connect(url)
        self._wire = redis_wire.Wire(redis_wire.address(url))  # every command but WATCH and pub/sub
        self._bus: RedisStreamBus | None = None
        self._token = secrets.token_hex(8)  # names this instance in what it publishes
        self._registered: set[str] = set()  # consumers this instance put in `q:consumers`

    def stream_bus(self) -> RedisStreamBus:
        """Stream changes shared with the app's other instances on this server (`motia.streams.bus`)."""
        if self._bus is None:
            from motia.streams.bus import RedisStreamBus  # noqa: PLC0415 (streams import storage)

            self._bus = RedisStreamBus(self._client, f"{self.prefix}stream-events")
        return self._bus

    def queue_wakeups(
        self, wake: Callable[[str], Awaitable[None]], subscriptions: Sequence[tuple[str, str]]
    ) -> redis_pubsub.Stop:
        """Call `wake(topic)` when another instance (or `motia dlq replay`) enqueues on `topic` for one of
        `subscriptions` (topic, subscriber) whose last claim here found nothing: the scripts publish it on
        this instance's channel. Once listening (again, after a dropped connection), this instance counts
        as waiting on every subscription, and every topic is woken if anything is pending, since news
        published meanwhile was lost. Returns what stops listening."""
        topics = sorted({topic for topic, _ in subscriptions})

        async def subscribed() -> None:
            async with self._client.pipeline(transaction=False) as pipe:
                for topic, subscriber in subscriptions:
                    pipe.sadd(self._idle(topic, subscriber), self._token)
                await pipe.execute()
            if await self.pending() > 0:
                for topic in topics:
                    await wake(topic)

        channel = f"{self.prefix}queue-events:{self._token}"
        return redis_pubsub.listen(self._client, channel, wake, subscribed)

    # -- key-value records
    def _records(self, namespace: str, group: str) -> str:
        return f"{self.prefix}rec:{_name(namespace, group)}"

    def _groups(self, namespace: str) -> str:
        return f"{self.prefix}groups:{_name(namespace)}"

    async def get(self, namespace: str, group: str, key: str) -> JsonData:
        text = await self._wire.call("HGET", self._records(namespace, group), key)
        return None if text is None else loads(text)

    async def set(self, namespace: str, group: str, key: str, value: JsonData) -> None:
        records = self._records(namespace, group)
        await self._wire.transaction(
            [("HSET", records, key, dumps(value)), ("SADD", self._groups(namespace), group)]
        )

    async def delete(self, namespace: str, group: str, key: str) -> JsonData:
        keys = [self._records(namespace, group), self._groups(namespace)]
        old = await self._wire.script(redis_scripts.DELETE_RECORD, keys, [key, group])
        return None if old is None else loads(old)

    async def get_group(self, namespace: str, group: str) -> list[tuple[str, JsonData]]:
        found = _pairs(await self._wire.call("HGETALL", self._records(namespace, group)))
        return [(key, loads(found[key])) for key in sorted(found)]

    async def list_groups(self, namespace: str) -> list[str]:
        return sorted(await self._wire.call("SMEMBERS", self._groups(namespace)))

    async def clear(self, namespace: str, group: str) -> None:
        await self._wire.transaction(
            [("DEL", self._records(namespace, group)), ("SREM", self._groups(namespace), group)]
        )

    async def update(
        self,
        namespace: str,
        group: str,
        key: str,
        ops: Sequence[UpdateOp],
        finish: Callable[[JsonData], JsonData] | None = None,
    ) -> UpdateResult:
        records = self._records(namespace, group)
        watch_error = _redis().WatchError
        async with self._client.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(records)
                    text = await pipe.hget(records, key)
                    old = None if text is None else loads(text)
                    new = apply_ops(old, ops)
                    if finish is not None:
                        new = finish(new)
                    pipe.multi()
                    pipe.hset(records, key, dumps(new))
                    pipe.sadd(self._groups(namespace), group)
                    await pipe.execute()
                    return UpdateResult(old_value=old, new_value=new)
                except watch_error:
                    continue  # another writer changed the group first: read it again

    # -- the queue
    def _consumer(self, topic: str, subscriber: str) -> str:
        return _name(topic, subscriber)

    def _ready(self, topic: str, subscriber: str) -> str:
        return f"{self.prefix}q:ready:{self._consumer(topic, subscriber)}"

    def _idle(self, topic: str, subscriber: str) -> str:
        return f"{self.prefix}q:idle:{self._consumer(topic, subscriber)}"

    def _stored(self, new: NewMessage, payload: str, *, claim: bool = False) -> list[str]:
        """The fields `redis_scripts.store` takes for one message; `claim`: honour its `claim_until`."""
        consumer = self._consumer(new.topic, new.subscriber)
        line = ""
        if new.fifo_group is not None:
            line = f"{self.prefix}q:fifo:{_name(new.topic, new.subscriber, new.fifo_group)}"
        # `pending` finds the consumers in a set; one registration per instance is enough.
        register = "" if consumer in self._registered else consumer
        self._registered.add(consumer)
        return [
            new.topic,
            new.subscriber,
            payload,
            new.trace_id,
            _number(new.visible_at),
            _number(new.enqueued_at),
            "" if new.group_id is None else "=" + new.group_id,
            "" if new.fifo_group is None else "=" + new.fifo_group,
            self._ready(new.topic, new.subscriber),
            f"{self.prefix}q:ids:{consumer}",
            line,
            register,
            self._idle(new.topic, new.subscriber),
            _number(new.claim_until) if claim and new.claim_until is not None else "",
        ]

    async def enqueue(self, messages: Sequence[NewMessage]) -> list[str]:
        return (await self._enqueue(messages, claim=False)).ids

    async def enqueue_claim(self, messages: Sequence[NewMessage]) -> Enqueued:
        return await self._enqueue(messages, claim=True)

    async def _enqueue(self, messages: Sequence[NewMessage], *, claim: bool) -> Enqueued:
        if not messages:
            return Enqueued([], [])
        texts: dict[int, str] = {}
        args = [self.prefix, self._token]
        for new in messages:
            payload = texts.get(id(new.payload))
            if payload is None:
                payload = texts[id(new.payload)] = dumps(new.payload)
            args += self._stored(new, payload, claim=claim)
        rows = await self._wire.script(redis_scripts.ENQUEUE, (), args)
        ids = [str(message_id) for message_id, _ in rows]
        claimed = [
            None if receipt is None else _handed(new, str(message_id), str(receipt), texts[id(new.payload)])
            for new, (message_id, receipt) in zip(messages, rows, strict=True)
        ]
        return Enqueued(ids, claimed)

    async def claim(
        self, topic: str, subscriber: str, *, now: float, lease_until: float, limit: int
    ) -> list[Message]:
        return (
            await self.claim_next(topic, subscriber, now=now, lease_until=lease_until, limit=limit)
        ).messages

    async def claim_next(
        self,
        topic: str,
        subscriber: str,
        *,
        now: float,
        lease_until: float,
        limit: int,
        ack: Sequence[Message] = (),
    ) -> Claimed:
        args: list[str | int] = [self.prefix, _number(now), _number(lease_until), limit, self._token]
        for message in ack:
            args += [message.id, message.receipt]
        keys = [self._ready(topic, subscriber), self._idle(topic, subscriber)]
        rows, after = await self._wire.script(redis_scripts.CLAIM, keys, args)
        messages = [_claimed(topic, subscriber, row) for row in rows]
        return Claimed(messages, None if after is None else float(after))

    async def next_visible(self, topic: str, subscriber: str, *, after: float) -> float | None:
        ready, later = self._ready(topic, subscriber), f"({_number(after)}"
        found = await self._wire.call("ZRANGEBYSCORE", ready, later, "+inf", "WITHSCORES", "LIMIT", 0, 1)
        return float(found[1]) if found else None

    async def ack(self, messages: Sequence[Message]) -> int:
        if not messages:
            return 0
        args: list[str] = [self.prefix]
        for message in messages:
            args += [message.id, message.receipt]
        return int(await self._wire.script(redis_scripts.ACK, (), args))

    async def retry(self, message: Message, *, visible_at: float) -> bool:
        args = [self.prefix, message.id, message.receipt, _number(visible_at), "0"]
        return bool(await self._wire.script(redis_scripts.RETRY, (), args))

    async def release(self, message: Message, *, now: float) -> bool:
        args = [self.prefix, message.id, message.receipt, _number(now), "1"]
        return bool(await self._wire.script(redis_scripts.RETRY, (), args))

    async def dead_letter(self, message: Message, *, reason: str, now: float) -> str | None:
        args = [self.prefix, message.id, message.receipt, reason, _number(now)]
        found = await self._wire.script(redis_scripts.DEAD_LETTER, (), args)
        return None if found is None else str(found)

    async def dead_letters(
        self, *, topic: str | None = None, subscriber: str | None = None
    ) -> list[DeadLetter]:
        members = await self._wire.call("ZRANGE", f"{self.prefix}dlq", 0, -1)
        rows = await self._wire.send([("HGETALL", f"{self.prefix}dlq:{int(member)}") for member in members])
        letters = [
            _dead_letter(str(int(member)), _pairs(row))
            for member, row in zip(members, rows, strict=True)
            if row
        ]
        return [
            d
            for d in letters
            if (topic is None or d.topic == topic) and (subscriber is None or d.subscriber == subscriber)
        ]

    async def replay(self, dead_letter_id: str, *, now: float) -> str | None:
        row = _pairs(await self._wire.call("HGETALL", f"{self.prefix}dlq:{dead_letter_id}"))
        if not row:
            return None
        dead = _dead_letter(dead_letter_id, row)
        new = NewMessage(
            dead.topic, dead.subscriber, None, dead.trace_id, now, now, dead.group_id, dead.fifo_group
        )
        args = [self.prefix, dead_letter_id, self._token, *self._stored(new, row["payload"])]
        found = await self._wire.script(redis_scripts.REPLAY, (), args)
        return None if found is None else str(found)

    async def pending(self, *, topic: str | None = None, subscriber: str | None = None) -> int:
        consumers = await self._wire.call("SMEMBERS", f"{self.prefix}q:consumers")
        chosen = [
            c
            for c in consumers
            if (topic is None or json.loads(c)[0] == topic)
            and (subscriber is None or json.loads(c)[1] == subscriber)
        ]
        if not chosen:
            return 0
        return sum(await self._wire.send([("SCARD", f"{self.prefix}q:ids:{c}") for c in chosen]))

    # -- locks
    async def acquire_lock(self, name: str, owner: str, *, until: float, now: float) -> bool:
        keep_ms = max(1, int((until - now) * 1000) + 1000)  # the key outlives the lock a little
        args: list[redis_wire.Arg] = [owner, _number(until), _number(now), keep_ms]
        return bool(await self._wire.script(redis_scripts.LOCK, [f"{self.prefix}lock:{_name(name)}"], args))

    async def check(self) -> str | None:
        probe = f"{self.prefix}check"
        try:
            await self._wire.call("SET", probe, "1", "PX", 1000)
            await self._wire.call("DEL", probe)
        except Exception as error:  # any failure means the store cannot be written now
            return f"redis: {type(error).__name__}"
        return None

    async def close(self) -> None:
        await self._wire.close()
        await self._client.aclose()


def _handed(new: NewMessage, message_id: str, receipt: str, payload: str) -> Message:
    """The `Message` a claim made by `enqueue_claim` stands for (the payload read back from its JSON, so
    the handler gets its own copy, as from any claim)."""
    return Message(
        message_id,
        new.topic,
        new.subscriber,
        loads(payload),
        new.trace_id,
        1,
        receipt,
        new.enqueued_at,
        new.group_id,
        new.fifo_group,
    )


def _claimed(topic: str, subscriber: str, row: list[Any]) -> Message:
    """A `Message` from a row of `redis_scripts.CLAIM`."""
    message_id, attempts, receipt, payload, trace, enqueued, has_group, group, has_fifo, fifo = row
    return Message(
        str(message_id),
        topic,
        subscriber,
        loads(payload),
        trace,
        int(attempts),
        str(receipt),
        float(enqueued),
        group if has_group == "1" else None,
        fifo if has_fifo == "1" else None,
    )


def _pairs(flat: list[str]) -> dict[str, str]:
    """A hash from HGETALL's reply, a flat list of field, value."""
    return dict(zip(flat[0::2], flat[1::2], strict=True))


def _matches(topic: str, subscriber: str, want_topic: str | None, want_subscriber: str | None) -> bool:
    return (want_topic is None or topic == want_topic) and (
        want_subscriber is None or subscriber == want_subscriber
    )


def _dead_letter(dead_id: str, row: dict[str, str]) -> DeadLetter:
    return DeadLetter(
        id=dead_id,
        topic=row["topic"],
        subscriber=row["subscriber"],
        payload=loads(row["payload"]),
        trace_id=row["trace"],
        reason=row["reason"],
        attempts=int(row["attempts"]),
        failed_at=float(row["failed_at"]),
        enqueued_at=float(row["enq"]),
        group_id=row["gid"] if row["g"] == "1" else None,
        fifo_group=row["fifo"] if row["f"] == "1" else None,
    )
