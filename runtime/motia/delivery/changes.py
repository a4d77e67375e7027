"""State and stream triggers: steps that run when state or a stream's items change.

A change does not call the steps directly: it is enqueued, as JSON, on an internal topic (`__motia.state`,
or `__motia.stream:<name>`) to which each triggered step subscribes, so the queue's guarantees apply: a
handler that fails is retried with backoff and ends in the dead letters with its reason, a change whose
process dies before its handler finished is delivered again, and `motia dlq replay` works for them.
The subscriptions are FIFO, one message group per item, so the changes of one item reach a step in the
order they were made while different items run in parallel.

The change carries the trace id of the handler call that made it, so a flow from an API request through a
state write to its trigger shares one trace. A stream trigger's `group_id` / `item_id` narrow it to one
group or one item (matched before the condition runs); then its `condition(input, ctx)`, like every
trigger's, decides whether the handler runs. Nothing is enqueued for a state write when no step has a state
trigger, nor for a stream no stream trigger names.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from motia.context import current_trace_id
from motia.delivery.engine import MessageInfo, Subscriber, new_trace_id
from motia.delivery.inputs import StateTriggerInput, StreamChange, StreamTriggerInput
from motia.request import TriggerInfo
from motia.spec import StateTriggerSpec, StreamTriggerSpec
from motia.storage.backend import JsonData
from motia.streams.store import StreamEvent
from motia.triggers import QueueConfig

if TYPE_CHECKING:
    from motia.runtime import Runtime


STATE_TOPIC = "__motia.state"
STREAM_TOPIC_PREFIX = "__motia.stream:"
RESERVED_PREFIX = "__motia."

# FIFO per item (the message group), retried like any queue trigger.
CHANGE_QUEUE = QueueConfig(type="fifo")

Handle = Callable[[Any, MessageInfo], Awaitable[None]]


def stream_topic(stream: str) -> str:
    return STREAM_TOPIC_PREFIX + stream


class ChangeTriggers:
    """The subscribers for an app's state and stream triggers, and the publishers that feed them."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        spec = runtime.spec
        self.streams = frozenset(trigger.stream for trigger in spec.stream_triggers)
        self.has_state = bool(spec.state_triggers)

    def registry(self) -> dict[str, list[Subscriber]]:
        """Topic → subscribers for every state and stream trigger of the app."""
        spec = self._runtime.spec
        registry: dict[str, list[Subscriber]] = {}
        for trigger in spec.state_triggers:
            self._add(registry, STATE_TOPIC, trigger, "state", self._state_handler(trigger))
        for on_stream in spec.stream_triggers:
            handle = self._stream_handler(on_stream)
            label = f"stream({on_stream.stream})"
            self._add(registry, stream_topic(on_stream.stream), on_stream, label, handle)
        return registry

    def _add(
        self,
        registry: dict[str, list[Subscriber]],
        topic: str,
        trigger: StateTriggerSpec | StreamTriggerSpec,
        label: str,
        handle: Handle,
    ) -> None:
        subscribers = registry.setdefault(topic, [])
        name = f"{trigger.step.name}::{label}"
        if any(subscriber.name == name for subscriber in subscribers):
            name = f"{name}::{trigger.index}"  # one step with two triggers on the same changes
        subscribers.append(Subscriber(name, handle, CHANGE_QUEUE))

    # -- publishing
    async def state_changed(self, group: str, key: str, old: JsonData, new: JsonData) -> None:
        change = StateTriggerInput(group, key, old, new)
        await self._enqueue(STATE_TOPIC, change.to_json(), f"{group}/{key}")

    async def stream_changed(self, event: StreamEvent) -> None:
        """A `Streams` listener: enqueue item changes of the streams that triggers name."""
        if event.type == "event" or event.stream not in self.streams or event.item_id is None:
            return
        change = StreamTriggerInput(
            int(time.time() * 1000),
            event.stream,
            event.group_id,
            event.item_id,
            StreamChange(event.type, event.data),
        )
        await self._enqueue(stream_topic(event.stream), change.to_json(), f"{event.group_id}/{event.item_id}")

    async def _enqueue(self, topic: str, payload: dict[str, JsonData], item: str) -> None:
        trace = current_trace_id() or new_trace_id()
        await self._runtime.queue.enqueue(topic, payload, group_id=item, trace_id=trace)

    # -- handling
    def _state_handler(self, trigger: StateTriggerSpec) -> Handle:
        runner = self._runtime.runner(trigger.step)
        info = TriggerInfo("state", trigger.index)
        condition = trigger.condition

        async def handle(value: Any, message: MessageInfo) -> None:
            await runner.deliver(info, StateTriggerInput.from_json(value), message, condition)

        return handle

    def _stream_handler(self, trigger: StreamTriggerSpec) -> Handle:
        runner = self._runtime.runner(trigger.step)
        info = TriggerInfo("stream", trigger.index)
        condition, group_id, item_id = trigger.condition, trigger.group_id, trigger.item_id

        async def handle(value: Any, message: MessageInfo) -> None:
            change = StreamTriggerInput.from_json(value)
            if (group_id is not None and change.group_id != group_id) or (
                item_id is not None and change.id != item_id
            ):
                return
            await runner.deliver(info, change, message, condition)

        return handle
