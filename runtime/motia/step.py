"""`step()`: a step's config and handler as one value.

Two forms, as in Motia 1.x: `step(config, handler)` and the builder `step(config).handle(handler)`. Both
give a `StepDefinition`, which `Motia.add_step` registers and the compiler reads statically.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, overload

from motia import _convert
from motia.config import StepConfig, as_step_config

StepHandler = Callable[..., Any]
"""A step handler: `(input, ctx)` for queue, state and stream triggers, `(request, ctx)` for HTTP,
`(ctx)` for cron. Its exact signature is checked by the compiler, not here."""


@dataclass(frozen=True, slots=True)
class StepDefinition:
    """A step config with its handler. `handler` is None only for a step without triggers (one that just
    documents virtual edges), which nothing can run."""

    config: StepConfig
    handler: StepHandler | None

    def __post_init__(self) -> None:
        _convert.optional_function(self.handler, f"handler of step {self.config.name!r}")
        if self.handler is None and self.config.triggers:
            raise ValueError(
                f"step {self.config.name!r} has triggers but no handler; pass one with step(config, handler) "
                f"or step(config).handle(handler)"
            )


Step = StepDefinition  # Motia 1.x's name: a config with its handler


@dataclass(frozen=True, slots=True)
class StepBuilder:
    """The config half of `step(config).handle(handler)`, so the handler can be defined after the config."""

    config: StepConfig

    def handle(self, handler: StepHandler) -> StepDefinition:
        return StepDefinition(
            self.config, _convert.function(handler, f"handler of step {self.config.name!r}")
        )


@overload
def step(config: StepConfig | Mapping[str, Any], handler: StepHandler) -> StepDefinition: ...
@overload
def step(config: StepConfig | Mapping[str, Any], handler: None = None) -> StepBuilder: ...
def step(
    config: StepConfig | Mapping[str, Any], handler: StepHandler | None = None
) -> StepDefinition | StepBuilder:
    """`step(config, handler)` → `StepDefinition`; `step(config)` → a `StepBuilder` to `.handle(handler)`.
    `config` may be a `StepConfig` or a 1.x dict config."""
    builder = StepBuilder(as_step_config(config))
    return builder if handler is None else builder.handle(handler)
