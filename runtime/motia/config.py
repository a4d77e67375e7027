"""`StepConfig`: a step's name, its triggers and the topics it enqueues to.

Lists are stored as tuples so a config cannot change after the step file is imported. Dict triggers and
enqueue entries (`{"topic": ...}`) are converted on construction, so the runtime only ever sees
`Trigger` and `Enqueue`/topic values whichever form a step file used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from motia import _convert
from motia.triggers import Trigger, as_trigger


@dataclass(frozen=True, slots=True)
class Enqueue:
    """A topic a step may enqueue to; `conditional` marks an edge that is not always taken (drawn dashed)."""

    topic: str
    label: str | None = None
    conditional: bool = False

    def __post_init__(self) -> None:
        _convert.text(self.topic, "enqueue topic")
        _convert.optional_text(self.label, "enqueue label")
        _convert.boolean(self.conditional, "enqueue conditional")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> Enqueue:
        fields = (("topic", "topic"), ("label", "label"), ("conditional", "conditional"))
        arguments = _convert.keyword_arguments("enqueue", mapping, fields, hints={"type": "topic"})
        _convert.require("enqueue", arguments, "topic")
        return cls(**arguments)


STEP_CONFIG_FIELDS = (
    ("name", "name"),
    ("triggers", "triggers"),
    ("enqueues", "enqueues"),
    ("virtual_enqueues", "virtualEnqueues"),
    ("virtual_subscribes", "virtualSubscribes"),
    ("description", "description"),
    ("flows", "flows"),
    ("include_files", "includeFiles"),
)
# Classic (0.x) keys and what replaced them, for the error message.
RENAMED_KEYS = {
    "emits": "enqueues",
    "virtualEmits": "virtualEnqueues",
    "subscribes": "triggers",
    "type": "triggers",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class StepConfig:
    """A Motia 1.x step config. Keyword-only, like Motia's model and the compiler's reading of
    `StepConfig(...)`; a dict config with the same keys (snake_case or camelCase) converts via
    `from_mapping`."""

    name: str
    triggers: Sequence[Trigger]
    enqueues: Sequence[str | Enqueue] = ()
    virtual_enqueues: Sequence[str | Enqueue] | None = None
    virtual_subscribes: Sequence[str] | None = None
    description: str | None = None
    flows: Sequence[str] | None = None
    include_files: Sequence[str] | None = None

    def __post_init__(self) -> None:
        _convert.text(self.name, "step name")
        what = f"step {self.name!r}"
        self._set("triggers", tuple(as_trigger(t) for t in _convert.items(self.triggers, f"{what} triggers")))
        self._set("enqueues", _enqueues(self.enqueues, f"{what} enqueues"))
        if self.virtual_enqueues is not None:
            self._set("virtual_enqueues", _enqueues(self.virtual_enqueues, f"{what} virtual_enqueues"))
        self._set(
            "virtual_subscribes",
            _convert.optional_strings(self.virtual_subscribes, f"{what} virtual_subscribes"),
        )
        _convert.optional_text(self.description, f"{what} description")
        self._set("flows", _convert.optional_strings(self.flows, f"{what} flows"))
        self._set("include_files", _convert.optional_strings(self.include_files, f"{what} include_files"))

    def _set(self, name: str, value: object) -> None:
        """Store a normalised field (lists → tuples) on the frozen instance, once, during construction."""
        object.__setattr__(self, name, value)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> StepConfig:
        """A dict config in the Motia 1.x shape (`{"name": ..., "triggers": [...]}`). Classic 0.x configs
        (`type`, `emits`, `subscribes`) are rejected with the 1.x key to use."""
        arguments = _convert.keyword_arguments("step config", mapping, STEP_CONFIG_FIELDS, hints=RENAMED_KEYS)
        _convert.require("step config", arguments, "name", "triggers")
        return cls(**arguments)


def as_step_config(value: object) -> StepConfig:
    """A `StepConfig` as it is, or a dict config converted."""
    if isinstance(value, StepConfig):
        return value
    if isinstance(value, Mapping):
        return StepConfig.from_mapping(value)
    raise TypeError(f"a step config must be StepConfig(...) or a dict, not {type(value).__name__}")


def _enqueues(value: object, what: str) -> tuple[str | Enqueue, ...]:
    return tuple(_enqueue(item, what) for item in _convert.items(value, what))


def _enqueue(item: object, what: str) -> str | Enqueue:
    if isinstance(item, Enqueue):
        return item
    if isinstance(item, str):
        return _convert.text(item, f"each topic in {what}")
    if isinstance(item, Mapping):
        return Enqueue.from_mapping(item)
    raise TypeError(
        f"each item of {what} must be a topic string, Enqueue(...) or a dict, not {type(item).__name__}"
    )
