"""The in-memory backend: the same behaviour as the durable ones, for tests and throwaway runs.

Values are copied on the way in and on the way out, so what a handler reads never aliases what was stored
(and fan-out copies of one payload never share an object). Every method runs without awaiting, which makes
each one atomic on the event loop.

Ready messages are found through one heap per subscriber holding (visible_at, seq, id, version) entries.
An entry is live only while the message still has that version; every change (claim, retry, release) bumps
the version and pushes a fresh entry, and stale ones are dropped when they surface. Only the head of a FIFO
group has a live entry, so the rest of the group waits behind it without being looked at.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from motia.storage.backend import (
    DeadLetter,
    InProcessStore,
    JsonData,
    Message,
    NewMessage,
    UpdateOp,
    UpdateResult,
)
from motia.storage.jsonvalue import copy
from motia.storage.update import apply_ops

Consumer = tuple[str, str]
_Entry = tuple[float, int, str, int]


@dataclass(slots=True)
class _Stored:
    """A queued message; mutable here only, handed out as an immutable `Message`."""

    seq: int
    new: NewMessage
    payload: JsonData
    visible_at: float
    heap: list[_Entry]  # its subscriber's ready heap
    attempts: int = 0
    version: int = 0
    receipt: str = ""


class MemoryBackend(InProcessStore):
    """A `motia.storage.backend.Backend` held in process memory; everything is gone when the process ends."""

    def __init__(self) -> None:
        self._records: dict[tuple[str, str], dict[str, JsonData]] = {}
        self._messages: dict[str, _Stored] = {}
        self._ready: dict[Consumer, list[_Entry]] = {}
        self._groups: dict[tuple[str, str, str], deque[str]] = {}
        self._dead: dict[str, DeadLetter] = {}
        self._locks: dict[str, tuple[str, float]] = {}  # name → (owner, until)
        self._seq = itertools.count(1)

    # -- key-value records
    async def get(self, namespace: str, group: str, key: str) -> JsonData:
        return copy(self._records.get((namespace, group), {}).get(key))

    async def set(self, namespace: str, group: str, key: str, value: JsonData) -> None:
        self._records.setdefault((namespace, group), {})[key] = copy(value)

    async def delete(self, namespace: str, group: str, key: str) -> JsonData:
        records = self._records.get((namespace, group), {})
        value = records.pop(key, None)
        if not records:
            self._records.pop((namespace, group), None)
        return value

    async def get_group(self, namespace: str, group: str) -> list[tuple[str, JsonData]]:
        records = self._records.get((namespace, group), {})
        return [(key, copy(records[key])) for key in sorted(records)]

    async def list_groups(self, namespace: str) -> list[str]:
        return sorted(group for (space, group) in self._records if space == namespace)

    async def clear(self, namespace: str, group: str) -> None:
        self._records.pop((namespace, group), None)

    async def update(
        self,
        namespace: str,
        group: str,
        key: str,
        ops: Sequence[UpdateOp],
        finish: Callable[[JsonData], JsonData] | None = None,
    ) -> UpdateResult:
        old = await self.get(namespace, group, key)
        new = apply_ops(old, ops)
        if finish is not None:
            new = finish(new)
        await self.set(namespace, group, key, new)
        return UpdateResult(old_value=old, new_value=new)

    # -- the queue
    async def enqueue(self, messages: Sequence[NewMessage]) -> list[str]:
        ids = []
        shared: tuple[object, JsonData] = (None, None)
        for new in messages:
            # Fan-out copies of one event can share one stored copy: it is never changed, only copied out.
            if shared[0] is not new.payload:
                shared = (new.payload, copy(new.payload))
            seq = next(self._seq)
            message_id = str(seq)
            heap = self._ready.get((new.topic, new.subscriber))
            if heap is None:
                heap = self._ready[new.topic, new.subscriber] = []
            stored = _Stored(seq, new, shared[1], new.visible_at, heap)
            self._messages[message_id] = stored
            if new.fifo_group is None or self._join_group(message_id, new):
                self._schedule(message_id, stored)
            ids.append(message_id)
        return ids

    async def claim(
        self, topic: str, subscriber: str, *, now: float, lease_until: float, limit: int
    ) -> list[Message]:
        heap = self._ready.get((topic, subscriber))
        claimed: list[Message] = []
        while heap and len(claimed) < limit and heap[0][0] <= now:
            _, _, message_id, version = heapq.heappop(heap)
            stored = self._messages.get(message_id)
            if stored is None or stored.version != version:
                continue
            stored.attempts += 1
            stored.visible_at = lease_until
            self._schedule(message_id, stored)
            stored.receipt = str(stored.version)
            claimed.append(_message(message_id, stored))
        return claimed

    async def next_visible(self, topic: str, subscriber: str, *, after: float) -> float | None:
        heap = self._ready.get((topic, subscriber), [])
        while heap and not self._live(heap[0]):
            heapq.heappop(heap)
        if heap and heap[0][0] > after:
            return heap[0][0]
        return min((entry[0] for entry in heap if entry[0] > after and self._live(entry)), default=None)

    async def ack(self, messages: Sequence[Message]) -> int:
        return sum(self._remove(message) is not None for message in messages)

    async def retry(self, message: Message, *, visible_at: float) -> bool:
        stored = self._held(message)
        if stored is None:
            return False
        stored.visible_at = visible_at
        stored.receipt = ""
        self._schedule(message.id, stored)
        return True

    async def release(self, message: Message, *, now: float) -> bool:
        stored = self._held(message)
        if stored is None:
            return False
        stored.attempts -= 1
        stored.visible_at = now
        stored.receipt = ""
        self._schedule(message.id, stored)
        return True

    async def dead_letter(self, message: Message, *, reason: str, now: float) -> str | None:
        stored = self._remove(message)
        if stored is None:
            return None
        new = stored.new
        self._dead[message.id] = DeadLetter(
            id=message.id,
            topic=new.topic,
            subscriber=new.subscriber,
            payload=stored.payload,
            trace_id=new.trace_id,
            reason=reason,
            attempts=stored.attempts,
            failed_at=now,
            enqueued_at=new.enqueued_at,
            group_id=new.group_id,
            fifo_group=new.fifo_group,
        )
        return message.id

    async def dead_letters(
        self, *, topic: str | None = None, subscriber: str | None = None
    ) -> list[DeadLetter]:
        chosen = [d for d in self._dead.values() if _matches(d.topic, d.subscriber, topic, subscriber)]
        chosen.sort(key=lambda d: (d.failed_at, int(d.id)))
        return [_decoded(d) for d in chosen]

    async def replay(self, dead_letter_id: str, *, now: float) -> str | None:
        dead = self._dead.pop(dead_letter_id, None)
        if dead is None:
            return None
        new = NewMessage(
            topic=dead.topic,
            subscriber=dead.subscriber,
            payload=dead.payload,
            trace_id=dead.trace_id,
            visible_at=now,
            enqueued_at=now,
            group_id=dead.group_id,
            fifo_group=dead.fifo_group,
        )
        (message_id,) = await self.enqueue([new])
        return message_id

    async def pending(self, *, topic: str | None = None, subscriber: str | None = None) -> int:
        return sum(
            1 for s in self._messages.values() if _matches(s.new.topic, s.new.subscriber, topic, subscriber)
        )

    # -- locks
    async def acquire_lock(self, name: str, owner: str, *, until: float, now: float) -> bool:
        held = self._locks.get(name)
        if held is not None and held[0] != owner and held[1] > now:
            return False
        for expired in [key for key, (_, end) in self._locks.items() if end <= now]:
            del self._locks[expired]
        self._locks[name] = (owner, until)
        return True

    async def check(self) -> str | None:
        return None  # memory can always be written

    async def close(self) -> None:
        """Nothing to release; the data lives as long as this object."""

    # -- bookkeeping
    def _schedule(self, message_id: str, stored: _Stored) -> None:
        stored.version += 1
        heapq.heappush(stored.heap, (stored.visible_at, stored.seq, message_id, stored.version))

    def _live(self, entry: _Entry) -> bool:
        stored = self._messages.get(entry[2])
        return stored is not None and stored.version == entry[3]

    def _join_group(self, message_id: str, new: NewMessage) -> bool:
        """Add a FIFO message to its group's line; True when it is the head (and so claimable)."""
        line = self._groups.setdefault(_group_key(new), deque())
        line.append(message_id)
        return len(line) == 1

    def _held(self, message: Message) -> _Stored | None:
        stored = self._messages.get(message.id)
        return stored if stored is not None and stored.receipt == message.receipt else None

    def _remove(self, message: Message) -> _Stored | None:
        """Drop a held message; a FIFO group's next message becomes its head and claimable."""
        stored = self._held(message)
        if stored is None:
            return None
        del self._messages[message.id]
        if stored.new.fifo_group is not None:
            self._advance_group(_group_key(stored.new), message.id)
        return stored

    def _advance_group(self, key: tuple[str, str, str], message_id: str) -> None:
        line = self._groups[key]
        line.remove(message_id)
        if not line:
            del self._groups[key]
            return
        head = line[0]
        self._schedule(head, self._messages[head])


def _group_key(new: NewMessage) -> tuple[str, str, str]:
    assert new.fifo_group is not None
    return (new.topic, new.subscriber, new.fifo_group)


def _message(message_id: str, stored: _Stored) -> Message:
    new = stored.new
    payload = copy(stored.payload)
    return Message(
        message_id, new.topic, new.subscriber, payload, new.trace_id, stored.attempts, stored.receipt,
        new.enqueued_at, new.group_id, new.fifo_group,
    )  # fmt: skip


def _decoded(dead: DeadLetter) -> DeadLetter:
    """Callers get their own copy of the payload."""
    return dataclasses.replace(dead, payload=copy(dead.payload))


def _matches(topic: str, subscriber: str, want_topic: str | None, want_subscriber: str | None) -> bool:
    return (want_topic is None or topic == want_topic) and (
        want_subscriber is None or subscriber == want_subscriber
    )
