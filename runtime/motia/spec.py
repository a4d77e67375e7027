"""The app spec: everything the runtime serves, as literal tables.

The compiler's generated dispatch module (`dist/dispatch.py`) imports every step and stream module
explicitly and builds one `AppSpec` named `APP` from literals: routes with precompiled path matchers,
topic subscriptions with their queue settings, cron jobs, stream and state triggers, streams, middleware
and condition references and precompiled validators. The runtime takes an `AppSpec` and serves it; it never
scans directories, evaluates configs or imports the compiler.

Tests and `Motia` registrations in code build an `AppSpec` by hand with the same classes.

How a handler is called (`call_args`) follows the step's form, as Motia's runners do:

* classic steps: `handler(req, context)` (api), `handler(input, context)` (event), `handler(context)`
  (cron);
* 1.x steps: `handler(input, ctx)` for every trigger, with `input` None for cron; a handler that takes one
  positional parameter gets only `ctx` for cron and only `input` otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from motia.types import QueueConfig

StepForm = Literal["classic", "v1"]
Function = Callable[..., Any]
Validator = Callable[[Any], Any]
"""Checks a JSON value and returns what the handler receives (the same value); raises
`motia.validation.InvalidData` with the list of problems when the value does not match."""


@dataclass(frozen=True, slots=True)
class StepSpec:
    """A step: its name (unique in the app), source file, form and handler.

    `arity` is the number of positional parameters the handler takes (None when it takes `*args` or is
    unknown); `enqueues` the topics it may emit, so an undeclared emit raises at run time as well.
    """

    name: str
    file: str
    form: StepForm
    handler: Function
    arity: int | None = 2
    enqueues: frozenset[str] = frozenset()
    flows: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RouteSpec:
    """An http trigger. `path` keeps Motia's `:param` form; `pattern` is None for a path with no parameters
    (matched by a dict lookup), otherwise a compiled regex whose named groups are `params`."""

    step: StepSpec
    index: int  # the trigger's position in the step's triggers (ctx.trigger.index)
    method: str
    path: str
    pattern: re.Pattern[str] | None = None
    params: tuple[str, ...] = ()
    body: Validator | None = None
    middleware: tuple[Function, ...] = ()
    condition: Function | None = None


@dataclass(frozen=True, slots=True)
class SubscriptionSpec:
    """A queue trigger: `step` subscribes to `topic`. `timeout` is the handler timeout in seconds (None:
    the visibility timeout)."""

    step: StepSpec
    index: int
    topic: str
    queue: QueueConfig = field(default_factory=QueueConfig)
    input: Validator | None = None
    condition: Function | None = None
    timeout: float | None = None


@dataclass(frozen=True, slots=True)
class CronSpec:
    """A cron trigger, in one of the dialects the compiler accepts (5 fields minute-first, 6 fields
    seconds-first, or an `@macro`)."""

    step: StepSpec
    index: int
    expression: str
    condition: Function | None = None


@dataclass(frozen=True, slots=True)
class StateTriggerSpec:
    step: StepSpec
    index: int
    condition: Function | None = None


@dataclass(frozen=True, slots=True)
class StreamTriggerSpec:
    step: StepSpec
    index: int
    stream: str
    group_id: str | None = None
    item_id: str | None = None
    condition: Function | None = None


@dataclass(frozen=True, slots=True)
class StreamSpec:
    """A stream: its items are validated by `schema` on `set`; the access hooks come from its config
    (`canAccess` in classic configs, `on_join`/`on_leave` in 1.x)."""

    name: str
    file: str
    schema: Validator | None = None
    can_access: Function | None = None
    on_join: Function | None = None
    on_leave: Function | None = None


@dataclass(frozen=True, slots=True)
class AppSpec:
    """The whole app. `settings` holds the project's runtime settings from `[tool.motia]` (timezone,
    body limit, CORS, ...), as plain JSON values."""

    steps: tuple[StepSpec, ...] = ()
    routes: tuple[RouteSpec, ...] = ()
    subscriptions: tuple[SubscriptionSpec, ...] = ()
    crons: tuple[CronSpec, ...] = ()
    state_triggers: tuple[StateTriggerSpec, ...] = ()
    stream_triggers: tuple[StreamTriggerSpec, ...] = ()
    streams: tuple[StreamSpec, ...] = ()
    authenticate: Function | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)


def call_args(step: StepSpec, kind: str, value: Any, ctx: Any) -> tuple[Any, ...]:
    """The positional arguments for `step.handler` for a trigger of `kind` (see the module docstring)."""
    if step.form == "classic":
        return (ctx,) if kind == "cron" else (value, ctx)
    if step.arity == 1:
        return (ctx,) if kind == "cron" else (value,)
    return (None if kind == "cron" else value, ctx)
