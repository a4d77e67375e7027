"""One message through its subscriber: the input check, the handler, then ack, retry or dead letter.

`deliver` runs on a consumer's worker (`motia.delivery.consumer`); a handled message is acked in a batch by
the consumer's claim loop, a failed one is retried after its backoff or, out of attempts, moved to the
dead letters, and one whose process died in its handler every time is dead-lettered without running it
again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, NamedTuple

from motia.logging import extra
from motia.storage.backend import Message

if TYPE_CHECKING:
    from motia.delivery.consumer import Consumer

log = logging.getLogger("motia.queue")


class MessageInfo(NamedTuple):
    """What a handler learns about the message it runs: ids, trace id and which attempt this is. (A named
    tuple, like the backend's messages: one is built per delivery.)"""

    id: str
    topic: str
    subscriber: str
    trace_id: str
    group_id: str | None
    attempt: int
    max_attempts: int


async def deliver(consumer: Consumer, message: Message, worker: asyncio.Task[Any]) -> None:
    """Run one message through the validator and the handler, then ack, retry or dead-letter it."""
    spec = consumer.spec
    info = MessageInfo(
        message.id,
        message.topic,
        message.subscriber,
        message.trace_id,
        message.group_id,
        message.attempt,
        consumer.max_attempts,
    )
    if message.attempt > consumer.max_attempts:
        # Every allowed attempt was claimed and none settled: the process died in the handler (a crash, an
        # OOM kill, os._exit). Running it again would only take the process down again.
        died = (
            f"the handler did not finish (process died); {message.attempt - 1} attempt(s) made, "
            f"{consumer.max_attempts} allowed"
        )
        await _dead(consumer, message, died)
        return
    value = message.payload
    if spec.validator is not None:
        try:
            value = spec.validator(value)
        except Exception as error:
            # Retrying cannot make a payload valid: straight to the dead letters. (A schema validator's
            # error, with its list of issues, already says it is about the input.)
            problem = str(error) if hasattr(error, "issues") else f"invalid input: {error}"
            await _dead(consumer, message, problem)
            return
    consumer.handler_started(worker)
    try:
        await spec.handler(value, info)
        reason = None
    except asyncio.CancelledError:
        if worker not in consumer.timed_out:
            await _interrupted(consumer, message)
            raise
        reason = f"handler timed out after {consumer.timeout:g} s"
    except Exception as error:
        reason = f"{type(error).__name__}: {error}"
    finally:
        consumer.handler_finished(worker)
    if reason is None:
        consumer.delivered.append(message)  # acked in a batch by the claim loop
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s → %s: handled (attempt %d) [trace %s]",
                message.topic,
                message.subscriber,
                message.attempt,
                message.trace_id,
                extra=extra(trace_id=message.trace_id),
            )
    else:
        await _failed(consumer, message, reason)


async def _interrupted(consumer: Consumer, message: Message) -> None:
    """Cancelled by `stop`: hand the message back now, or (release=False, as in a crash) let its lease run
    out. Cancelled from elsewhere: the lease brings it back."""
    if consumer.stopping and consumer.release_on_stop:
        await consumer.backend.release(message, now=consumer.clock.now())


async def _failed(consumer: Consumer, message: Message, reason: str) -> None:
    spec = consumer.spec
    if message.attempt >= consumer.max_attempts:
        await _dead(consumer, message, reason)
        return
    delay = spec.backoff(message.attempt)
    log.warning(
        "%s → %s: attempt %d of %d failed (%s); retrying in %g s [trace %s]",
        message.topic,
        message.subscriber,
        message.attempt,
        consumer.max_attempts,
        reason,
        delay,
        message.trace_id,
        extra=extra(trace_id=message.trace_id, topic=message.topic),
    )
    await consumer.backend.retry(message, visible_at=consumer.clock.now() + delay)


async def _dead(consumer: Consumer, message: Message, reason: str) -> None:
    letter = await consumer.backend.dead_letter(message, reason=reason, now=consumer.clock.now())
    if letter is None:
        return  # no longer ours (its lease ran out and another consumer holds it)
    log.error(
        "%s → %s: moved to the dead letters as %s after %d attempt(s): %s [trace %s]",
        message.topic,
        message.subscriber,
        letter,  # the id `motia dlq list` shows and `motia dlq replay` takes
        message.attempt,
        reason,
        message.trace_id,
        extra=extra(trace_id=message.trace_id, topic=message.topic),
    )
