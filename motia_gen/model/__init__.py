"""The app model: what every check and generator works from.

Frozen dataclasses only. Classic configs are normalised into the same trigger model as Motia 1.x: an api
step is one http trigger, an event step one queue trigger per subscribed topic, a cron step one cron
trigger. JSON Schemas are plain dicts; treat them as read-only.

The readers that build it from evaluated configs are this package's modules: `definitions` (the entry:
`DefinitionReader`, steps and streams of one file), `configs` (every config form), `fields` (typed access
to config keys), `facts` (what handler bodies do), `stream_auth` (the authenticate hook) and `routes`
(HTTP paths: the one reading of path parameters).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from motia_gen.diagnostics import Span
from motia_gen.discover import Language
from motia_gen.parse import ir

StepForm = Literal["classic", "dict", "builder"]
StepKind = Literal["api", "event", "cron", "noop", "triggers"]


@dataclass(frozen=True, slots=True)
class FunctionRef:
    """A module-level function named in a config (handler, middleware, condition, canAccess), kept
    symbolic so the dispatch module can import it. `module` is None for files loaded by path."""

    module: str | None
    file: str
    name: str
    is_async: bool
    arity: int  # positional parameters
    required: int  # positional parameters without a default
    varargs: bool  # takes `*args`
    span: Span
    lambda_body: tuple[int, int] | None = None  # a lambda: the line and column its body starts at

    @property
    def is_lambda(self) -> bool:
        return self.lambda_body is not None

    def accepts(self, count: int) -> bool:
        """Whether calling it with `count` positional arguments binds."""
        return self.required <= count and (self.varargs or count <= self.arity)


@dataclass(frozen=True, slots=True)
class Schema:
    json: dict[str, Any]
    span: Span
    model: str | None = None


SCHEMA_ANNOTATIONS = frozenset(
    {"title", "description", "default", "examples", "format", "deprecated", "readOnly", "writeOnly"}
    | {"$comment", "$schema", "contentEncoding", "contentMediaType"}
)
"""JSON Schema keywords that make no value invalid, as the app's schemas are validated (2020-12, no format
checker): a schema of these alone accepts anything."""


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class IncludeGlob:
    """One `includeFiles` pattern, relative to the step file's folder."""

    pattern: str
    span: Span


@dataclass(frozen=True, slots=True)
class Emit:
    topic: str
    label: str | None
    conditional: bool
    span: Span


@dataclass(frozen=True, slots=True)
class QueryParam:
    name: str
    description: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class QueueSettings:
    """Queue settings from a classic `infrastructure.queue` or a 1.x `queue(..., config=...)`.
    None means "not set": defaults are the runtime's business."""

    type: str | None
    max_retries: int | None
    visibility_timeout: int | None
    delay_seconds: int | None
    concurrency: int | None
    backoff_type: str | None
    backoff_delay_ms: int | None
    span: Span
    spans: tuple[tuple[str, Span], ...] = ()  # field name → the span of its value

    def span_of(self, field: str) -> Span:
        return dict(self.spans).get(field, self.span)


@dataclass(frozen=True, slots=True)
class HandlerSettings:
    """Classic `infrastructure.handler`: ram (MB), cpu (vCPU), timeout (s)."""

    ram: float | None
    cpu: float | None
    timeout: float | None
    span: Span
    spans: tuple[tuple[str, Span], ...] = ()  # field name → the span of its value

    def span_of(self, field: str) -> Span:
        return dict(self.spans).get(field, self.span)


@dataclass(frozen=True, slots=True)
class Response:
    """One `responseSchema` entry; `span` is the status key's."""

    status: int | str
    schema: Schema
    span: Span


@dataclass(frozen=True, slots=True)
class HttpTrigger:
    method: str
    path: str
    method_span: Span
    path_span: Span
    body_schema: Schema | None
    response_schema: tuple[Response, ...]
    query_params: tuple[QueryParam, ...]
    middleware: tuple[FunctionRef, ...]
    condition: FunctionRef | None
    span: Span
    kind: Literal["http"] = "http"


@dataclass(frozen=True, slots=True)
class QueueTrigger:
    topic: str
    input: Schema | None
    queue: QueueSettings | None
    condition: FunctionRef | None
    span: Span
    kind: Literal["queue"] = "queue"


@dataclass(frozen=True, slots=True)
class CronTrigger:
    expression: str
    condition: FunctionRef | None
    span: Span
    kind: Literal["cron"] = "cron"


@dataclass(frozen=True, slots=True)
class StateTrigger:
    condition: FunctionRef | None
    span: Span
    kind: Literal["state"] = "state"


@dataclass(frozen=True, slots=True)
class StreamTrigger:
    stream: str
    group_id: str | None
    item_id: str | None
    condition: FunctionRef | None
    span: Span
    kind: Literal["stream"] = "stream"


Trigger = HttpTrigger | QueueTrigger | CronTrigger | StateTrigger | StreamTrigger


@dataclass(frozen=True, slots=True)
class EmitCall:
    """An emit/enqueue call in a handler. `topic` is None when it is not a constant the compiler could
    resolve (the payload stays an IR expression for later checks)."""

    method: str
    topic: str | None
    topic_span: Span
    payload: ir.Expr | None
    data: ir.Expr | None  # the payload's `data`, followed through a local name
    has_topic_key: bool
    uses_type_key: bool
    has_message_group_id: bool
    span: Span


@dataclass(frozen=True, slots=True)
class HandlerFacts:
    emits: tuple[EmitCall, ...]
    streams: tuple[ir.StreamUse, ...]
    path_params: tuple[ir.KeyRead, ...]
    statuses: tuple[ir.StatusReturn, ...]
    opaque_calls: bool  # the handler calls code the analysis cannot see into
    dropped: tuple[ir.DroppedCall, ...] = ()  # context API calls whose coroutine is thrown away


@dataclass(frozen=True, slots=True)
class Handler:
    ref: FunctionRef
    facts: HandlerFacts


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    file: str
    module: str | None
    form: StepForm
    kind: StepKind
    span: Span
    name_span: Span
    triggers: tuple[Trigger, ...]
    emits: tuple[Emit, ...]
    virtual_emits: tuple[Emit, ...]
    virtual_subscribes: tuple[Topic, ...]
    flows: tuple[str, ...]
    description: str | None
    include_files: tuple[IncludeGlob, ...]
    infrastructure: HandlerSettings | None
    handler: Handler | None
    # "python", or "typescript"/"javascript" for a step read from a TS/JS file (`model.foreign`): in the
    # whole-app checks, never run by this runtime
    language: Language = "python"


@dataclass(frozen=True, slots=True)
class Stream:
    name: str
    file: str
    module: str | None
    form: Literal["classic", "StreamConfig", "Stream"]
    span: Span
    name_span: Span
    schema: Schema | None
    base_config: dict[str, Any] | None
    description: str | None
    can_access: FunctionRef | None
    on_join: FunctionRef | None
    on_leave: FunctionRef | None
    # Made by a module-level `Stream(...)` in a step file (Motia 1.x's way to use a stream); without a
    # schema it defines the stream only where no stream file or schema does (see `merge_streams`).
    handle: bool = False
    language: Language = "python"  # as `Step.language`

    @property
    def defines(self) -> bool:
        """Whether this is a definition in its own right, rather than a handle that only names it."""
        return not self.handle or self.schema is not None


def merge_streams(streams: Iterable[Stream]) -> tuple[Stream, ...]:
    """The app's streams: every definition, plus, for a name nothing else defines, its first handle."""
    ordered = sorted(streams, key=lambda s: s.span)
    defined = {s.name for s in ordered if s.defines}
    named: set[str] = set()
    out: list[Stream] = []
    for stream in ordered:
        if not stream.defines:
            if stream.name in defined or stream.name in named:
                continue
            named.add(stream.name)
        out.append(stream)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class App:
    steps: tuple[Step, ...]
    streams: tuple[Stream, ...]
    files: tuple[str, ...]
    # the stream `authenticate` hook run on every WebSocket connect (`Motia.set_authenticate(fn)` in a
    # step or stream file, or `[tool.motia] stream-auth`); None when the app declares none
    authenticate: FunctionRef | None = None
