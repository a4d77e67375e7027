"""Motia 1.x's trigger and step guards: which kind a trigger is, which kinds a step has.

`step` is a `StepDefinition` (`step(config, handler)`) or anything with a `config` holding `triggers`,
as Motia's `Step` does; a trigger is one of the `motia.triggers` classes.
"""

from __future__ import annotations

from typing import Any, TypeVar

from motia.triggers import CronTrigger, HttpTrigger, QueueTrigger, StateTrigger, StreamTrigger

T = TypeVar("T")


def is_api_trigger(trigger: object) -> bool:
    return isinstance(trigger, HttpTrigger)


def is_queue_trigger(trigger: object) -> bool:
    return isinstance(trigger, QueueTrigger)


def is_cron_trigger(trigger: object) -> bool:
    return isinstance(trigger, CronTrigger)


def is_state_trigger(trigger: object) -> bool:
    return isinstance(trigger, StateTrigger)


def is_stream_trigger(trigger: object) -> bool:
    return isinstance(trigger, StreamTrigger)


def _triggers(step: Any, kind: type[T]) -> list[T]:
    return [trigger for trigger in step.config.triggers if isinstance(trigger, kind)]


def get_api_triggers(step: Any) -> list[HttpTrigger]:
    return _triggers(step, HttpTrigger)


def get_queue_triggers(step: Any) -> list[QueueTrigger]:
    return _triggers(step, QueueTrigger)


def get_cron_triggers(step: Any) -> list[CronTrigger]:
    return _triggers(step, CronTrigger)


def get_state_triggers(step: Any) -> list[StateTrigger]:
    return _triggers(step, StateTrigger)


def get_stream_triggers(step: Any) -> list[StreamTrigger]:
    return _triggers(step, StreamTrigger)


def is_api_step(step: Any) -> bool:
    return bool(get_api_triggers(step))


def is_queue_step(step: Any) -> bool:
    return bool(get_queue_triggers(step))


def is_cron_step(step: Any) -> bool:
    return bool(get_cron_triggers(step))


def is_state_step(step: Any) -> bool:
    return bool(get_state_triggers(step))


def is_stream_step(step: Any) -> bool:
    return bool(get_stream_triggers(step))
