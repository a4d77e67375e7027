"""What the types package says about each topic, stream and step, as names and type expressions.

Type expressions are strings in the namespace of a generated step module: `_models.` is the models module,
`topics.` and `streams.` the sibling modules, everything else comes from `typing` or `motia`.
"""

from __future__ import annotations

from dataclasses import dataclass

from motia_gen import model
from motia_gen.check.graph import schema_conflict
from motia_gen.emit.pysource import literal
from motia_gen.emit.types.names import is_attribute, pascal, snake, unique
from motia_gen.emit.types.schemas import SchemaBook
from motia_gen.model import routes

ANY_REQUEST_BODY = "Any"  # no bodySchema: the runtime accepts any JSON


@dataclass(frozen=True, slots=True)
class TopicType:
    topic: str
    alias: str  # name in topics.py
    payload: str  # type expression in topics.py
    fifo: bool


@dataclass(frozen=True, slots=True)
class StreamType:
    name: str
    alias: str  # name in streams.py
    item: str
    attribute: bool  # whether `context.streams.<name>` can be written


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    type: str
    required: bool


@dataclass(frozen=True, slots=True)
class Declaration:
    """One top-level statement of a step module, rendered by the template by kind."""

    kind: str  # "alias" | "typeddict" | "emit" | "streams" | "handler"
    name: str
    type: str = ""
    fields: tuple[Field, ...] = ()
    params: tuple[tuple[str, str], ...] = ()


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


def _payload(book: SchemaBook, alias: str, schemas: list[object]) -> str:
    """What every subscriber accepts: all of their schemas, or the first when they conflict (a conflict
    is reported by the checks), or any JSON value when none describes it."""
    distinct: list[object] = []
    for schema in schemas:
        if schema not in distinct:
            distinct.append(schema)
    if not distinct:
        return "JsonValue"
    if _conflicting(distinct):
        distinct = distinct[:1]
    return f"_models.{book.add_all_of(alias, distinct)}"


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
            f"_models.{book.add(alias + 'Item', s.schema.json)}" if s.schema is not None else "Any",
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
    inputs: list[str] = []
    responses: list[str] = []
    for index, trigger in enumerate(https):
        suffix = str(index + 1) if len(https) > 1 else ""
        request, response = _http(trigger, owner, suffix, book, out)
        inputs.append(request)
        responses.append(response)
    if len(https) > 1:
        out.append(Declaration("alias", "Request", " | ".join(inputs)))
        out.append(Declaration("alias", "Response", " | ".join(responses)))
    inputs.extend(_other_inputs(step, owner, book, streams))
    out.extend(_emits(step, topics))
    out.append(Declaration("streams", "Streams", fields=_stream_fields(streams)))
    out.append(Declaration("alias", "Context", "FlowContext[Emit, Streams]"))
    if step.kind in ("triggers", "event"):
        out.append(Declaration("alias", "Input", _union(inputs)))
    handler = _handler(step, bool(https))
    if handler is not None:
        out.append(handler)
    return StepTypes(step.name, step.file, module, step.kind, tuple(out))


def _union(types: list[str]) -> str:
    """What a handler may receive. A trigger whose input is not described adds `Any` to the union without
    swallowing it: mypy still checks every use of the input against the described members, so a handler
    must tell them apart (an HTTP request, a queue payload, `None` from cron) before using one."""
    unique_types = list(dict.fromkeys(t for t in types if t != "Any"))
    if "Any" in types:
        unique_types.append("Any")
    return " | ".join(unique_types) if unique_types else "None"


def _http(
    trigger: model.HttpTrigger, owner: str, suffix: str, book: SchemaBook, out: list[Declaration]
) -> tuple[str, str]:
    params = tuple(Field(p, "str", True) for p in routes.params(trigger.path))
    out.append(Declaration("typeddict", f"PathParams{suffix}", fields=params))
    if trigger.query_params:
        query = tuple(
            Field(q.name, "str | list[str]", False)
            for q in {q.name: q for q in trigger.query_params}.values()
        )
        out.append(Declaration("typeddict", f"QueryParams{suffix}", fields=query))
    else:
        out.append(Declaration("alias", f"QueryParams{suffix}", "Mapping[str, str | list[str]]"))
    body = (
        f"_models.{book.add(f'{owner}Body{suffix}', trigger.body_schema.json)}"
        if trigger.body_schema is not None
        else ANY_REQUEST_BODY
    )
    out.append(Declaration("alias", f"Body{suffix}", body))
    request = f"Request{suffix}"
    out.append(
        Declaration("alias", request, f"ApiRequest[Body{suffix}, PathParams{suffix}, QueryParams{suffix}]")
    )
    response = f"Response{suffix}"
    out.append(Declaration("alias", response, _response(trigger, owner, suffix, book, out)))
    return request, response


def _response(
    trigger: model.HttpTrigger, owner: str, suffix: str, book: SchemaBook, out: list[Declaration]
) -> str:
    """One TypedDict per declared status (the dict form), and `ApiResponse` over all of them. The dict
    forms are separate classes, not one generic class, so mypy can pick the right one for a literal."""
    if not trigger.response_schema:
        fields = (Field("status", "int", True), Field("body", "Any", False), _HEADERS)
        out.append(Declaration("typeddict", f"ResponseDict{suffix}", fields=fields))
        return f"ResponseDict{suffix} | ApiResponse[Any, int]"
    parts: list[str] = []
    bodies: list[str] = []
    for response in trigger.response_schema:
        status = f"Literal[{response.status}]" if isinstance(response.status, int) else "int"
        body = f"_models.{book.add(f'{owner}Response{response.status}{suffix}', response.schema.json)}"
        label = str(response.status) if isinstance(response.status, int) else pascal(str(response.status))
        name = f"Response{label}{suffix}"
        fields = (Field("status", status, True), Field("body", body, True), _HEADERS)
        out.append(Declaration("typeddict", name, fields=fields))
        parts.append(name)
        bodies.append(body)
    statuses = [str(r.status) for r in trigger.response_schema if isinstance(r.status, int)]
    all_int = len(statuses) == len(trigger.response_schema)
    status_type = f"Literal[{', '.join(statuses)}]" if all_int else "int"
    parts.append(f"ApiResponse[{' | '.join(dict.fromkeys(bodies))}, {status_type}]")
    return " | ".join(parts)


_HEADERS = Field("headers", "Mapping[str, str]", False)


def _other_inputs(
    step: model.Step, owner: str, book: SchemaBook, streams: tuple[StreamType, ...]
) -> list[str]:
    """What the handler receives from its queue, cron, state and stream triggers (a stream trigger's
    input typed by the stream's items when the app defines the stream)."""
    aliases = {s.name: s.alias for s in streams}
    found: list[str] = []
    queue_index = 0
    for trigger in step.triggers:
        if isinstance(trigger, model.QueueTrigger):
            if trigger.input is None:
                found.append("Any")
            else:
                queue_index += 1
                name = f"{owner}Input" if queue_index == 1 else f"{owner}Input{queue_index}"
                found.append(f"_models.{book.add(name, trigger.input.json)}")
        elif isinstance(trigger, model.CronTrigger):
            found.append("None")
        elif isinstance(trigger, model.StateTrigger):
            found.append("StateTriggerInput")
        elif isinstance(trigger, model.StreamTrigger):
            alias = aliases.get(trigger.stream)
            found.append(f"StreamTriggerInput[streams.{alias}]" if alias else "StreamTriggerInput")
    return found


def _emits(step: model.Step, topics: dict[str, TopicType]) -> list[Declaration]:
    out: list[Declaration] = []
    names: list[str] = []
    declared = list(dict.fromkeys(e.topic for e in step.emits))
    for topic, name in zip(declared, unique(f"Emit{topics[t].alias}" for t in declared), strict=True):
        info = topics[topic]
        fields = (
            Field("topic", f"Literal[{literal(topic)}]", True),
            Field("data", f"topics.{info.alias}", True),
            Field("messageGroupId", "str", info.fifo),
        )
        out.append(Declaration("typeddict", name, fields=fields))
        names.append(name)
    out.append(Declaration("alias", "Emit", " | ".join(names) if names else "Never"))
    return out


def _stream_fields(streams: tuple[StreamType, ...]) -> tuple[Field, ...]:
    return tuple(Field(s.name, f"StreamStore[streams.{s.alias}]", True) for s in streams if s.attribute)


def _handler(step: model.Step, has_http: bool) -> Declaration | None:
    if step.kind == "noop":
        return None
    params: tuple[tuple[str, str], ...]
    if step.kind == "api":
        params = (("req", "Request"), ("context", "Context"))
        returns = "Response"
    elif step.kind == "event":
        params = (("input", "Input"), ("context", "Context"))
        returns = "None"
    elif step.kind == "cron":
        params = (("context", "Context"),)
        returns = "None"
    else:
        cron_only = bool(step.triggers) and all(isinstance(t, model.CronTrigger) for t in step.triggers)
        one_argument = step.handler is not None and cron_only and not step.handler.ref.accepts(2)
        params = (("ctx", "Context"),) if one_argument else (("input", "Input"), ("ctx", "Context"))
        returns = "Response | None" if has_http else "None"
    return Declaration("handler", "Handler", returns, params=params)
