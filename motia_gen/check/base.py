"""What every rule receives, and the small helpers several families share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from motia_gen import model
from motia_gen.diagnostics import Diagnostic
from motia_gen.settings import Settings


@dataclass(frozen=True, slots=True, eq=False)  # compared and hashed by identity: one run, one input
class CheckInput:
    app: model.App
    settings: Settings
    root: Path


Rule = Callable[[CheckInput], Iterable[Diagnostic]]


def http_triggers(app: model.App) -> Iterator[tuple[model.Step, model.HttpTrigger]]:
    for step in app.steps:
        for trigger in step.triggers:
            if isinstance(trigger, model.HttpTrigger):
                yield step, trigger


def queue_triggers(app: model.App) -> Iterator[tuple[model.Step, model.QueueTrigger]]:
    for step in app.steps:
        for trigger in step.triggers:
            if isinstance(trigger, model.QueueTrigger):
                yield step, trigger


def accepted_input(step: model.Step, schema: dict[str, Any]) -> dict[str, Any]:
    """What a subscriber's `input` schema accepts. zod's `z.object` strips keys it does not know rather than
    refusing them, and its JSON Schema (`additionalProperties: false`) cannot tell it from `.strict()`:
    for a TS/JS step an extra key is no error."""
    if step.language == "python" or schema.get("additionalProperties") is not False:
        return schema
    return {key: value for key, value in schema.items() if key != "additionalProperties"}


def label(step: model.Step) -> str:
    """How messages name a step (a nameless one was reported already)."""
    return step.name if step.name.strip() else "an unnamed step"
