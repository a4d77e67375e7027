"""The storage seam of the runtime: what a backend stores and the operations the runtime asks of it.

A backend keeps three things, and every implementation must behave the same (one shared test suite runs
against each):

* **Key-value records** in namespaces: `"state"` for `ctx.state`, `"stream:<name>"` for a stream's items.
  Each namespace maps group → key → JSON value. Values arrive already checked to be JSON (see
  `motia.state_manager`); a backend encodes them however it likes, but what it returns must never alias
  what it was given, so a handler that mutates a value it read cannot change what is stored.
* **Queued messages**, one per (topic, subscriber): the queue engine fans an event out at enqueue time, so
  each subscriber owns its copy, its attempts and its failures. A message is *ready* when its `visible_at`
  has passed. Claiming a message makes it invisible until a lease expires (`visible_at` moves to the end
  of the lease), so a process that dies mid-handler loses nothing: the message comes back on its own.
  A FIFO message belongs to a group, and only the oldest message of a group may be claimed; while it is in
  flight (or waiting for a retry) the rest of its group waits, and other groups go on.
* **Dead letters**: messages that ran out of attempts or failed input validation, with the reason, how many
  attempts were made and the payload; they can be listed and replayed.
* **Locks**: named leases with an owner and an expiry, so that several instances sharing one backend agree
  on who does a piece of work (the cron scheduler takes one per job and tick, so a tick runs once in all).

Times are wall-clock seconds (`time.time()` scale) passed in by the caller, never read by the backend: a
lease must mean the same thing after a restart, and tests drive time by hand.

Every claim carries a `receipt`, new for each claim: `ack`, `retry`, `release` and `dead_letter` only act
when the stored message is still held under that receipt, so a handler that overran its lease cannot
settle the copy that was delivered again meanwhile (nor a later message that happens to reuse the id).

The operations are coroutines so that a networked backend (Redis: hashes for records, Streams with consumer
groups for the queue) can implement them without blocking the event loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

JsonData = Any
"""A stored JSON value: dict with str keys, list, str, int, float, bool or None (nested). Kept as `Any` so
that handlers can index what they read without casts; `motia.JsonValue` is the checked type that
generated step types use for payloads no schema describes."""

STATE_NAMESPACE = "state"


def stream_namespace(stream: str) -> str:
    """The namespace holding a stream's items, apart from state and from other streams."""
    return f"stream:{stream}"


# -- atomic update operations ---------------------------------------------------------------------------
# A path is a tuple of object keys from the root of the stored value; () is the value itself.


@dataclass(frozen=True, slots=True)
class SetOp:
    """Put `value` at `path` (creating missing parent objects); at the root it replaces the value."""

    path: tuple[str, ...]
    value: JsonData


@dataclass(frozen=True, slots=True)
class MergeOp:
    """Shallow-merge the object `value` into the object at `path` (a missing one counts as `{}`)."""

    path: tuple[str, ...]
    value: dict[str, JsonData]


@dataclass(frozen=True, slots=True)
class IncrementOp:
    """Add `by` to the number at `path` (a missing one counts as 0). A decrement is a negative `by`."""

    path: tuple[str, ...]
    by: int | float


@dataclass(frozen=True, slots=True)
class RemoveOp:
    """Delete the key at `path` if it is there."""

    path: tuple[str, ...]


UpdateOp = SetOp | MergeOp | IncrementOp | RemoveOp


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """A record before and after an atomic update (None when it did not exist)."""

    old_value: JsonData
    new_value: JsonData


# -- queue records --------------------------------------------------------------------------------------
# Messages are named tuples rather than frozen dataclasses: several are built for every event, and a named
# tuple is built about five times faster. They are just as immutable.


class NewMessage(NamedTuple):
    """A message to store for one subscriber of a topic.

    `group_id` is the sender's `messageGroupId`, kept for the handler to see. `fifo_group` is set only when
    the subscriber is FIFO: it is the key that serialises delivery (the group id, or `""` when none was
    given, so a FIFO subscription without group ids is one ordered line). `claim_until`: the enqueuing
    instance has room to run it at once, so `Backend.enqueue_claim` may claim it for that instance in the
    same step, leased until then (`enqueue` ignores it).
    """

    topic: str
    subscriber: str
    payload: JsonData
    trace_id: str
    visible_at: float
    enqueued_at: float
    group_id: str | None = None
    fifo_group: str | None = None
    claim_until: float | None = None


class Message(NamedTuple):
    """A claimed message. `attempt` is 1 on the first delivery and counts every claim since; `receipt`
    identifies this claim."""

    id: str
    topic: str
    subscriber: str
    payload: JsonData
    trace_id: str
    attempt: int
    receipt: str
    enqueued_at: float
    group_id: str | None = None
    fifo_group: str | None = None


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A message that will not be delivered again unless replayed."""

    id: str
    topic: str
    subscriber: str
    payload: JsonData
    trace_id: str
    reason: str
    attempts: int
    failed_at: float
    enqueued_at: float
    group_id: str | None = None
    fifo_group: str | None = None


class Enqueued(NamedTuple):
    """What `Backend.enqueue_claim` returns: the ids in order, and per message the claim made for the
    caller (None when it was only stored)."""

    ids: list[str]
    claimed: list[Message | None]


class Claimed(NamedTuple):
    """What `Backend.claim_next` returns."""

    messages: list[Message]
    next_visible: float | None


class Backend(Protocol):
    """Storage for state, stream items, queued messages and dead letters. See the module docstring for
    the contract; `motia.storage.memory` and `motia.storage.sqlite` implement it."""

    # -- key-value records: namespace → group → key → JSON value
    async def get(self, namespace: str, group: str, key: str) -> JsonData:
        """The value, or None when there is none."""
        ...

    async def set(self, namespace: str, group: str, key: str, value: JsonData) -> None: ...

    async def delete(self, namespace: str, group: str, key: str) -> JsonData:
        """Remove the record; returns the value it had (None when there was none)."""
        ...

    async def get_group(self, namespace: str, group: str) -> list[tuple[str, JsonData]]:
        """The group's (key, value) pairs, sorted by key."""
        ...

    async def list_groups(self, namespace: str) -> list[str]:
        """Names of the groups holding at least one record, sorted."""
        ...

    async def clear(self, namespace: str, group: str) -> None: ...

    async def update(
        self,
        namespace: str,
        group: str,
        key: str,
        ops: Sequence[UpdateOp],
        finish: Callable[[JsonData], JsonData] | None = None,
    ) -> UpdateResult:
        """Apply `ops` in order as one atomic step (see `motia.storage.update.apply_ops`); when an op does
        not fit the stored value it raises `TypeError` and nothing changes. `finish`, when given, gets the
        new value before it is written and returns what is written (a stream's schema check and id stamp);
        an exception from it also leaves the stored value as it was."""
        ...

    # -- the queue
    async def enqueue(self, messages: Sequence[NewMessage]) -> list[str]:
        """Store the messages atomically (all or none); returns their ids in order."""
        ...

    async def enqueue_claim(self, messages: Sequence[NewMessage]) -> Enqueued:
        """`enqueue`, and each message with a `claim_until` that is claimable at once (not delayed, not
        behind its FIFO group's head) claimed for the caller in the same step: attempt 1, leased until
        then. Saves a store shared over a network the claim's round trip; a store may claim none.
        Messages claimed here are not announced to other instances."""
        ...

    async def claim(
        self, topic: str, subscriber: str, *, now: float, lease_until: float, limit: int
    ) -> list[Message]:
        """Up to `limit` ready messages of the subscriber, oldest first, each made invisible until
        `lease_until` and its attempt counted. FIFO messages are claimable only at the head of their group."""
        ...

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
        """`ack(ack)`, `claim`, then `next_visible(after=now)`: what a consumer does on every pass, in one
        round trip where the store is across a network. The ack is not undone if the claim fails. The
        next time may be left None when the claim took `limit` messages (the caller looks again anyway)."""
        ...

    async def next_visible(self, topic: str, subscriber: str, *, after: float) -> float | None:
        """The earliest `visible_at` later than `after` among the subscriber's messages (a retry, a delay or
        a lease that ends), or None. May be early (a FIFO message still behind its group's head); the caller
        only uses it to decide when to look again."""
        ...

    async def ack(self, messages: Sequence[Message]) -> int:
        """Delete delivered messages in one step (the engine settles a batch at a time, which saves a
        commit per message on a durable backend); returns how many were still held under their receipt."""
        ...

    async def retry(self, message: Message, *, visible_at: float) -> bool:
        """Make the message claimable again at `visible_at` (the attempt stays counted)."""
        ...

    async def release(self, message: Message, *, now: float) -> bool:
        """Hand an unfinished message back at once without counting the attempt (graceful shutdown)."""
        ...

    async def dead_letter(self, message: Message, *, reason: str, now: float) -> str | None:
        """Move the message to the dead letters with `reason` and `message.attempt` attempts; the dead
        letter's id (what `dead_letters` lists and `replay` takes), or None when the message was not held."""
        ...

    async def dead_letters(
        self, *, topic: str | None = None, subscriber: str | None = None
    ) -> list[DeadLetter]:
        """Dead letters, oldest failure first, optionally only one topic's or one subscriber's."""
        ...

    async def replay(self, dead_letter_id: str, *, now: float) -> str | None:
        """Queue a dead letter again as a new message (attempts start over, ready at `now`) and drop it from
        the dead letters; returns the new message id, or None when there is no such dead letter."""
        ...

    async def pending(self, *, topic: str | None = None, subscriber: str | None = None) -> int:
        """How many messages are stored (ready, delayed, waiting for a retry or in flight)."""
        ...

    # -- locks
    async def acquire_lock(self, name: str, owner: str, *, until: float, now: float) -> bool:
        """Take the lock `name` for `owner` until `until`, atomically: True when it was free, had expired (its
        `until` at or before `now`) or was already `owner`'s (its expiry then moves to `until`); False while
        another owner holds it. Locks are never released early, they expire; expired locks may be dropped."""
        ...

    async def check(self) -> str | None:
        """None when the store can be written now; otherwise why not, in a few words that name no path
        (the health endpoint shows them). It writes nothing that stays."""
        ...

    async def close(self) -> None:
        """Release resources. Nothing stored is lost."""
        ...


class InProcessStore:
    """The combined calls of `Backend` (`claim_next`, `enqueue_claim`) made of the plain ones, for a store
    in the same process, where a round trip costs nothing and no other instance is there to claim for."""

    async def enqueue_claim(self: Backend, messages: Sequence[NewMessage]) -> Enqueued:
        return Enqueued(await self.enqueue(messages), [None] * len(messages))

    async def claim_next(
        self: Backend,
        topic: str,
        subscriber: str,
        *,
        now: float,
        lease_until: float,
        limit: int,
        ack: Sequence[Message] = (),
    ) -> Claimed:
        if ack:
            await self.ack(ack)
        messages = await self.claim(topic, subscriber, now=now, lease_until=lease_until, limit=limit)
        if len(messages) == limit:  # more may be ready: the caller looks again at once
            return Claimed(messages, None)
        return Claimed(messages, await self.next_visible(topic, subscriber, after=now))
