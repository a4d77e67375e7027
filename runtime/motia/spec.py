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
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, Literal

from motia.triggers import QueueConfig

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
class ForeignSubscriptionSpec:
    """A queue trigger of a step this runtime does not run: a TypeScript or JavaScript step of a mixed app.
    Events on `topic` are stored for it as for any subscriber and wait there, never delivered here nor
    dropped (`Runtime.start` says so once)."""

    step: str
    language: str
    topic: str
    queue: QueueConfig = field(default_factory=QueueConfig)


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


@dataclass(frozen=True, slots=True, kw_only=True)
class RuntimeSettings:
    """How the app runs: the project's `[tool.motia]` runtime keys, checked by the compiler (MG111, MG113)
    and written into the dispatch module as one `RuntimeSettings(...)` call; checked again here, for
    specs built by hand.

    `cors_origins`: the origins CORS allows; empty or holding "*" allows any (Motia's default), False turns
    CORS off. `emit_endpoint`: serve `POST /emit`; None leaves it to the server (`motia start --emit`),
    which keeps it off by default.
    """

    timezone: str = "UTC"  # an IANA zone name: when cron schedules fire
    body_limit: int = 1_048_576  # bytes: larger request bodies get 413
    http_timeout: float = 30.0  # seconds an HTTP handler (with its middleware) may take: later is 504
    cors_origins: tuple[str, ...] | Literal[False] = ()
    emit_endpoint: bool | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.timezone, str) or not self.timezone:
            raise ValueError(f"timezone must be an IANA zone name, not {self.timezone!r}")
        limit, timeout, origins = self.body_limit, self.http_timeout, self.cors_origins
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ValueError(f"body_limit must be a whole number of bytes, not {limit!r}")
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise ValueError(f"http_timeout must be a positive number of seconds, not {timeout!r}")
        listed = isinstance(origins, tuple) and all(isinstance(o, str) for o in origins)
        if origins is not False and not listed:
            raise ValueError(f"cors_origins must be a tuple of origins or False, not {origins!r}")
        if self.emit_endpoint not in (None, True, False):
            raise ValueError(f"emit_endpoint must be True, False or None, not {self.emit_endpoint!r}")


@dataclass(frozen=True, slots=True)
class AppSpec:
    """The whole app, with the project's runtime settings (`RuntimeSettings`)."""

    steps: tuple[StepSpec, ...] = ()
    routes: tuple[RouteSpec, ...] = ()
    subscriptions: tuple[SubscriptionSpec, ...] = ()
    crons: tuple[CronSpec, ...] = ()
    state_triggers: tuple[StateTriggerSpec, ...] = ()
    stream_triggers: tuple[StreamTriggerSpec, ...] = ()
    streams: tuple[StreamSpec, ...] = ()
    authenticate: Function | None = None
    settings: RuntimeSettings = field(default_factory=RuntimeSettings)
    foreign_subscriptions: tuple[ForeignSubscriptionSpec, ...] = ()


MIDDLEWARE_ARGUMENTS = 3  # (req, ctx, next); sync or async
CONDITION_ARGUMENTS = 2  # (input, ctx)


def handler_arguments(form: StepForm, kinds: Collection[str]) -> tuple[int, ...]:
    """How many positional arguments `call_args` may pass the handler of a step of `form` whose triggers
    are of `kinds`; a handler must accept one of them. The compiler's checks read this too, so what they
    accept is what the runtime calls."""
    if form == "classic":
        return (1,) if kinds and all(kind == "cron" for kind in kinds) else (2,)
    return (2, 1)  # 1.x: (input, ctx), or what Motia passes a one-parameter handler


def call_args(step: StepSpec, kind: str, value: Any, ctx: Any) -> tuple[Any, ...]:
    """The positional arguments for `step.handler` for a trigger of `kind` (see the module docstring)."""
    if step.form == "classic":
        return (ctx,) if kind == "cron" else (value, ctx)
    if step.arity == 1:
        return (ctx,) if kind == "cron" else (value,)
    return (None if kind == "cron" else value, ctx)
