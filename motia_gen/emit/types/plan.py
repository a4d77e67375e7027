"""What the types package says about each topic, stream and step, as names and type expressions.

Type expressions are `Code` in the namespace of a generated module, each with the imports it needs:
`_models.`, `topics.` and `streams.` come from the generated package itself (`OWN`, named when the package
is rendered), everything else from `typing`, `collections.abc` or `motia`.
"""

from __future__ import annotations

from dataclasses import dataclass

from motia_gen import model
from motia_gen.check.graph import schema_conflict
from motia_gen.emit.pysource import Code, Import, imported, join, literal, needs_of, subscript
from motia_gen.emit.types.names import is_attribute, pascal, snake, unique
from motia_gen.emit.types.schemas import SchemaBook
from motia_gen.model import routes

OWN = "."  # the generated package, in an `Import`: `from <package> import _models`

NOTHING = Code("")
ANY = imported("typing", "Any")
NONE = Code("None")
STR = Code("str")
INT = Code("int")
QUERY_VALUE = Code("str | list[str]")
ANY_REQUEST_BODY = ANY  # no bodySchema: the runtime accepts any JSON

# The names each kind of declaration's template writes itself.
_TEMPLATE_NEEDS = {
    "alias": frozenset({Import("typing", "TypeAlias")}),
    "typeddict": frozenset({Import("typing_extensions", "TypedDict")}),
    "streams": frozenset({Import("typing", "Protocol")}),
    "handler": frozenset({Import("typing", "Protocol"), Import("collections.abc", "Awaitable")}),
}


def _motia(name: str) -> Code:
    return imported("motia", name)


def _own(module: str, name: str) -> Code:
    """`module.name` from one of the package's own modules (`_models`, `topics`, `streams`)."""
    return Code(f"{module}.{name}", frozenset({Import(OWN, module)}))


def _local(name: str) -> Code:
    """A name declared earlier in the same module."""
    return Code(name)


def _literal(*values: object) -> Code:
    return subscript(imported("typing", "Literal"), *(Code(literal(v)) for v in values))


def _mapping(key: Code, value: Code) -> Code:
    return subscript(imported("collections.abc", "Mapping"), key, value)


@dataclass(frozen=True, slots=True)
class TopicType:
    topic: str
    alias: str  # name in topics.py
    payload: Code  # type expression in topics.py
    fifo: bool


@dataclass(frozen=True, slots=True)
class StreamType:
    name: str
    alias: str  # name in streams.py
    item: Code
    attribute: bool  # whether `context.streams.<name>` can be written


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    type: Code
    required: bool


@dataclass(frozen=True, slots=True)
class Declaration:
    """One top-level statement of a step module, rendered by the template by kind."""

    kind: str  # "alias" | "typeddict" | "streams" | "handler"
    name: str
    type: Code = NOTHING
    fields: tuple[Field, ...] = ()
    params: tuple[tuple[str, Code], ...] = ()

    @property
    def needs(self) -> frozenset[Import]:
        """What the declaration's text needs imported, its template's own words included."""
        optional = any(not f.required for f in self.fields) and self.kind == "typeddict"
        return needs_of(
            [
                self.type,
                *(f.type for f in self.fields),
                *(t for _, t in self.params),
                Code("", _TEMPLATE_NEEDS[self.kind]),
                imported("typing", "NotRequired") if optional else None,
            ]
        )


@dataclass(frozen=True, slots=True)
class StepTypes:
    step: str
    file: str
    module: str
    kind: str
    declarations: tuple[Declaration, ...]


@dataclass(frozen=True, slots=True)
class TypesPlan:
    book: SchemaBook
    topics: tuple[TopicType, ...]
    streams: tuple[StreamType, ...]
    steps: tuple[StepTypes, ...]


def plan_types(app: model.App) -> TypesPlan:
    book = SchemaBook()
    topics = _topics(app, book)
    streams = _streams(app, book)
    by_topic = {t.topic: t for t in topics}
    modules = unique(snake(s.name) for s in app.steps)
    steps = tuple(
        _step(step, module, book, by_topic, streams) for step, module in zip(app.steps, modules, strict=True)
    )
    return TypesPlan(book, topics, streams, steps)


# -- topics and streams -------------------------------------------------------------------------------------
def _topics(app: model.App, book: SchemaBook) -> tuple[TopicType, ...]:
    inputs: dict[str, list[object]] = {}
    fifo: set[str] = set()
    names: set[str] = set()
    for step in app.steps:
        names.update(e.topic for e in step.emits)
        for trigger in step.triggers:
            if isinstance(trigger, model.QueueTrigger):
                names.add(trigger.topic)
                if trigger.input is not None:
                    inputs.setdefault(trigger.topic, []).append(trigger.input.json)
                if trigger.queue is not None and trigger.queue.type == "fifo":
                    fifo.add(trigger.topic)
    ordered = sorted(names)
    aliases = unique(pascal(t) for t in ordered)
    return tuple(
        TopicType(topic, alias, _payload(book, alias, inputs.get(topic, [])), topic in fifo)
        for topic, alias in zip(ordered, aliases, strict=True)
    )


def _payload(book: SchemaBook, alias: str, schemas: list[object]) -> Code:
    """What every subscriber accepts: all of their schemas, or the first when they conflict (a conflict
    is reported by the checks), or any JSON value when none describes it."""
    distinct: list[object] = []
    for schema in schemas:
        if schema not in distinct:
            distinct.append(schema)
    if not distinct:
        return _motia("JsonValue")
    if _conflicting(distinct):
        distinct = distinct[:1]
    return _own("_models", book.add_all_of(alias, distinct))


def _conflicting(schemas: list[object]) -> bool:
    dicts = [s for s in schemas if isinstance(s, dict)]
    if len(dicts) != len(schemas):
        return True
    return any(schema_conflict(a, b) for i, a in enumerate(dicts) for b in dicts[i + 1 :])


def _streams(app: model.App, book: SchemaBook) -> tuple[StreamType, ...]:
    ordered = sorted({s.name: s for s in reversed(app.streams)}.values(), key=lambda s: s.name)
    aliases = unique(pascal(s.name) for s in ordered)
    return tuple(
        StreamType(
            s.name,
            alias,
            _own("_models", book.add(alias + "Item", s.schema.json)) if s.schema is not None else ANY,
            is_attribute(s.name),
        )
        for s, alias in zip(ordered, aliases, strict=True)
    )


# -- steps --------------------------------------------------------------------------------------------------
def _step(
    step: model.Step,
    module: str,
    book: SchemaBook,
    topics: dict[str, TopicType],
    streams: tuple[StreamType, ...],
) -> StepTypes:
    owner = pascal(step.name)
    out: list[Declaration] = []
    https = [t for t in step.triggers if isinstance(t, model.HttpTrigger)]
    inputs: list[Code] = []
    responses: list[Code] = []
    for index, trigger in enumerate(https):
        suffix = str(index + 1) if len(https) > 1 else ""
        request, response = _http(trigger, owner, suffix, book, out)
        inputs.append(request)
        responses.append(response)
    if len(https) > 1:
        out.append(Declaration("alias", "Request", join(" | ", inputs)))
        out.append(Declaration("alias", "Response", join(" | ", responses)))
    inputs.extend(_other_inputs(step, owner, book, streams))
    out.extend(_emits(step, topics))
    out.append(Declaration("streams", "Streams", fields=_stream_fields(streams)))
    context = subscript(_motia("FlowContext"), _local("Emit"), _local("Streams"))
    out.append(Declaration("alias", "Context", context))
    if step.kind in ("triggers", "event"):
        out.append(Declaration("alias", "Input", _union(inputs)))
    handler = _handler(step, bool(https))
    if handler is not None:
        out.append(handler)
    return StepTypes(step.name, step.file, module, step.kind, tuple(out))


def _union(types: list[Code]) -> Code:
    """What a handler may receive. A trigger whose input is not described adds `Any` to the union without
    swallowing it: mypy still checks every use of the input against the described members, so a handler
    must tell them apart (an HTTP request, a queue payload, `None` from cron) before using one."""
    unique_types = list(dict.fromkeys(t for t in types if t not in (ANY, NONE)))
    unique_types.extend(t for t in (ANY, NONE) if t in types)  # `None` last, as ruff wants (RUF036)
    return join(" | ", unique_types) if unique_types else NONE


def _http(
    trigger: model.HttpTrigger, owner: str, suffix: str, book: SchemaBook, out: list[Declaration]
) -> tuple[Code, Code]:
    params = tuple(Field(p, STR, True) for p in routes.params(trigger.path))
    out.append(Declaration("typeddict", f"PathParams{suffix}", fields=params))
    if trigger.query_params:
        query = tuple(
            Field(q.name, QUERY_VALUE, False) for q in {q.name: q for q in trigger.query_params}.values()
        )
        out.append(Declaration("typeddict", f"QueryParams{suffix}", fields=query))
    else:
        out.append(Declaration("alias", f"QueryParams{suffix}", _mapping(STR, QUERY_VALUE)))
    body = (
        _own("_models", book.add(f"{owner}Body{suffix}", trigger.body_schema.json, scope=owner))
        if trigger.body_schema is not None
        else ANY_REQUEST_BODY
    )
    out.append(Declaration("alias", f"Body{suffix}", body))
    request = f"Request{suffix}"
    parts = (_local(f"Body{suffix}"), _local(f"PathParams{suffix}"), _local(f"QueryParams{suffix}"))
    out.append(Declaration("alias", request, subscript(_motia("ApiRequest"), *parts)))
    response = f"Response{suffix}"
    out.append(Declaration("alias", response, _response(trigger, owner, suffix, book, out)))
    return _local(request), _local(response)


def _response(
    trigger: model.HttpTrigger, owner: str, suffix: str, book: SchemaBook, out: list[Declaration]
) -> Code:
    """One TypedDict per declared status (the dict form), and `ApiResponse` over all of them. The dict
    forms are separate classes, not one generic class, so mypy can pick the right one for a literal."""
    if not trigger.response_schema:
        fields = (Field("status", INT, True), Field("body", ANY, False), _HEADERS)
        out.append(Declaration("typeddict", f"ResponseDict{suffix}", fields=fields))
        return join(" | ", [_local(f"ResponseDict{suffix}"), subscript(_motia("ApiResponse"), ANY, INT)])
    parts: list[Code] = []
    bodies: list[Code] = []
    for response in trigger.response_schema:
        status = _literal(response.status) if isinstance(response.status, int) else INT
        body = _own(
            "_models",
            book.add(f"{owner}Response{response.status}{suffix}", response.schema.json, scope=owner),
        )
        label = str(response.status) if isinstance(response.status, int) else pascal(str(response.status))
        name = f"Response{label}{suffix}"
        fields = (Field("status", status, True), Field("body", body, True), _HEADERS)
        out.append(Declaration("typeddict", name, fields=fields))
        parts.append(_local(name))
        bodies.append(body)
    statuses = [r.status for r in trigger.response_schema if isinstance(r.status, int)]
    all_int = len(statuses) == len(trigger.response_schema)
    status_type = _literal(*statuses) if all_int else INT
    parts.append(subscript(_motia("ApiResponse"), join(" | ", dict.fromkeys(bodies)), status_type))
    return join(" | ", parts)


_HEADERS = Field("headers", _mapping(STR, STR), False)


def _other_inputs(
    step: model.Step, owner: str, book: SchemaBook, streams: tuple[StreamType, ...]
) -> list[Code]:
    """What the handler receives from its queue, cron, state and stream triggers (a stream trigger's
    input typed by the stream's items when the app defines the stream)."""
    aliases = {s.name: s.alias for s in streams}
    found: list[Code] = []
    queue_index = 0
    for trigger in step.triggers:
        if isinstance(trigger, model.QueueTrigger):
            if trigger.input is None:
                found.append(ANY)
            else:
                queue_index += 1
                name = f"{owner}Input" if queue_index == 1 else f"{owner}Input{queue_index}"
                found.append(_own("_models", book.add(name, trigger.input.json)))
        elif isinstance(trigger, model.CronTrigger):
            found.append(NONE)
        elif isinstance(trigger, model.StateTrigger):
            found.append(_motia("StateTriggerInput"))
        elif isinstance(trigger, model.StreamTrigger):
            alias = aliases.get(trigger.stream)
            change = _motia("StreamTriggerInput")
            found.append(subscript(change, _own("streams", alias)) if alias else change)
    return found


def _emits(step: model.Step, topics: dict[str, TopicType]) -> list[Declaration]:
    out: list[Declaration] = []
    names: list[Code] = []
    declared = list(dict.fromkeys(e.topic for e in step.emits))
    for topic, name in zip(declared, unique(f"Emit{topics[t].alias}" for t in declared), strict=True):
        info = topics[topic]
        fields = (
            Field("topic", _literal(topic), True),
            Field("data", _own("topics", info.alias), True),
            Field("messageGroupId", STR, info.fifo),
        )
        out.append(Declaration("typeddict", name, fields=fields))
        names.append(_local(name))
    out.append(Declaration("alias", "Emit", join(" | ", names) if names else imported("typing", "Never")))
    return out


def _stream_fields(streams: tuple[StreamType, ...]) -> tuple[Field, ...]:
    store = _motia("StreamStore")
    return tuple(
        Field(s.name, subscript(store, _own("streams", s.alias)), True) for s in streams if s.attribute
    )


def _handler(step: model.Step, has_http: bool) -> Declaration | None:
    if step.kind == "noop":
        return None
    context, request, response = _local("Context"), _local("Request"), _local("Response")
    params: tuple[tuple[str, Code], ...]
    if step.kind == "api":
        params = (("req", request), ("context", context))
        returns = response
    elif step.kind == "event":
        params = (("input", _local("Input")), ("context", context))
        returns = NONE
    elif step.kind == "cron":
        params = (("context", context),)
        returns = NONE
    else:
        cron_only = bool(step.triggers) and all(isinstance(t, model.CronTrigger) for t in step.triggers)
        one_argument = step.handler is not None and not step.handler.ref.accepts(2)
        if not one_argument:
            params = (("input", _local("Input")), ("ctx", context))
        else:  # what the runtime passes a one-parameter 1.x handler (`motia.spec.call_args`)
            params = (("ctx", context),) if cron_only else (("input", _local("Input")),)
        returns = join(" | ", [response, NONE]) if has_http else NONE
    return Declaration("handler", "Handler", returns, params=params)
