"""What handlers really do, from the body facts of the front end: emits against the declared topics and
the subscribers' schemas, streams, path parameters and returned statuses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from motia_gen import model
from motia_gen.check.base import CheckInput, accepted_input, queue_triggers
from motia_gen.diagnostics import Diagnostic, diag
from motia_gen.diagnostics.suggest import TopicIndex, suggestion
from motia_gen.model import routes
from motia_gen.parse import ir


def _handled(check: CheckInput) -> Iterator[tuple[model.Step, model.HandlerFacts]]:
    for step in check.app.steps:
        if step.handler is not None and step.kind != "noop":
            yield step, step.handler.facts


def undeclared_emits(check: CheckInput) -> Iterator[Diagnostic]:
    for step, facts in _handled(check):
        declared = {e.topic for e in step.emits}
        index: TopicIndex | None = None
        for call in facts.emits:
            if call.topic is None or call.topic in declared:
                continue
            index = index or TopicIndex(declared)
            close = index.closest(call.topic)
            help = f"did you mean '{close}'?" if close else f"add '{call.topic}' to the step's emits"
            yield diag(
                "MG200",
                call.topic_span,
                f"{step.name} {call.method}s topic '{call.topic}', which its config does not declare",
                help=help,
            )


def emit_shapes(check: CheckInput) -> Iterator[Diagnostic]:
    for _step, facts in _handled(check):
        for call in facts.emits:
            if isinstance(call.payload, ir.DictExpr) and not call.has_topic_key:
                if call.uses_type_key:
                    yield diag(
                        "MG201",
                        call.span,
                        f"{call.method} payload uses 'type' where 'topic' belongs",
                        help="rename the key to 'topic'",
                    )
                elif not any(e.key is None for e in call.payload.entries):
                    yield diag("MG201", call.span, f"{call.method} payload has no 'topic' key")
            elif call.topic is None:
                yield diag(
                    "MG202",
                    call.topic_span,
                    "the emitted topic is computed at run time, so it was not checked",
                    help="use a string literal or a module-level constant to have it checked",
                )


def _fifo_topics(check: CheckInput) -> set[str]:
    return {
        trigger.topic
        for _step, trigger in queue_triggers(check.app)
        if trigger.queue is not None and trigger.queue.type == "fifo"
    }


def fifo_groups(check: CheckInput) -> Iterator[Diagnostic]:
    fifo = _fifo_topics(check)
    for _step, facts in _handled(check):
        for call in facts.emits:
            if (
                call.topic in fifo
                and isinstance(call.payload, ir.DictExpr)
                and not call.has_message_group_id
                and not any(e.key is None for e in call.payload.entries)
            ):
                yield diag(
                    "MG203",
                    call.span,
                    f"topic '{call.topic}' is consumed through a FIFO queue but is emitted without "
                    "messageGroupId",
                    help="add 'messageGroupId' to the payload: FIFO queues order messages per group",
                )


# -- payloads -----------------------------------------------------------------------------------------------
def literal(expr: ir.Expr | None) -> tuple[bool, Any]:
    """(True, value) when the expression is a literal JSON value."""
    if isinstance(expr, ir.Const):
        return True, expr.value
    if isinstance(expr, ir.SeqExpr) and expr.kind in ("list", "tuple"):
        items = [literal(e) for e in expr.elements]
        return all(ok for ok, _ in items), [v for _, v in items]
    if isinstance(expr, ir.DictExpr):
        out: dict[str, Any] = {}
        for entry in expr.entries:
            if not isinstance(entry.key, ir.Const) or not isinstance(entry.key.value, str):
                return False, None
            ok, value = literal(entry.value)
            if not ok:
                return False, None
            out[entry.key.value] = value
        return True, out
    return False, None


def _subscriber_schemas(check: CheckInput) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    schemas: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for step, trigger in queue_triggers(check.app):
        if trigger.input is None:
            continue
        schemas.setdefault(trigger.topic, []).append((step.name, accepted_input(step, trigger.input.json)))
    return schemas


def _payload_problems(data: ir.DictExpr, schema: dict[str, Any]) -> Iterator[tuple[ir.Expr, str]]:
    keys = {
        e.key.value: e for e in data.entries if isinstance(e.key, ir.Const) and isinstance(e.key.value, str)
    }
    if any(e.key is None for e in data.entries):
        return  # `**spread`: the keys are not all known
    properties = schema.get("properties") or {}
    for name in schema.get("required") or ():
        if name not in keys:
            yield data, f"the payload has no '{name}', which is required"
    for name, entry in keys.items():
        if name not in properties:
            if schema.get("additionalProperties") is False:
                yield entry.key or data, f"'{name}' is not a property of the input schema"
            continue
        ok, value = literal(entry.value)
        if not ok:
            continue
        if _plainly_valid(properties[name], value, schema.get("$defs")):
            continue
        property_schema = {**properties[name], "$defs": schema.get("$defs", {})}
        from jsonschema import Draft202012Validator  # noqa: PLC0415 (slow to import; rarely needed)

        error = next(iter(Draft202012Validator(property_schema).iter_errors(value)), None)
        if error is not None:
            yield entry.value, f"'{name}': {error.message}"


_PLAIN_KEYWORDS = frozenset(
    {"type", "anyOf", "$ref", "properties", "required", "additionalProperties", "items"}
    | {"minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
    | {"minItems", "maxItems"}
)
_PLAIN_TYPES: dict[str, Any] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}
_BOUNDS: dict[str, Any] = {
    "minLength": lambda v, n: not isinstance(v, str) or len(v) >= n,
    "maxLength": lambda v, n: not isinstance(v, str) or len(v) <= n,
    "minItems": lambda v, n: not isinstance(v, list) or len(v) >= n,
    "maxItems": lambda v, n: not isinstance(v, list) or len(v) <= n,
    "minimum": lambda v, n: not _is_number(v) or v >= n,
    "maximum": lambda v, n: not _is_number(v) or v <= n,
    "exclusiveMinimum": lambda v, n: not _is_number(v) or v > n,
    "exclusiveMaximum": lambda v, n: not _is_number(v) or v < n,
}


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _plainly_valid(schema: object, value: object, defs: object = None) -> bool:
    """Whether `value` (a literal: str, number, bool, None, list, dict) certainly satisfies `schema`,
    decided for the keywords pydantic models are mostly made of (types, `anyOf`, local `$ref`s, object
    properties, lengths, bounds): most literal payloads meet such a schema, and deciding it here spares
    loading jsonschema. Anything else, or any doubt, is False: "ask jsonschema", which also words the
    error. The work is bounded (`_Plain.BUDGET` steps): `anyOf`s of `$ref`s can branch without end."""
    return _Plain(defs).valid(schema, value, 0)


class _Plain:
    BUDGET, DEPTH = 2_000, 32

    def __init__(self, defs: object) -> None:
        self.defs, self.left = defs, self.BUDGET

    def valid(self, schema: object, value: object, depth: int) -> bool:
        self.left -= 1
        if self.left < 0 or depth > self.DEPTH or not isinstance(schema, dict):
            return False
        if not set(schema) - model.SCHEMA_ANNOTATIONS <= _PLAIN_KEYWORDS:
            return False
        ref = schema.get("$ref")
        if ref is not None:
            target = _local_def(ref, self.defs)
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            return target is not None and all(self.valid(s, value, depth + 1) for s in (target, rest))
        kind = schema.get("type")
        if kind is not None:
            test = _PLAIN_TYPES.get(kind) if isinstance(kind, str) else None  # (a list: jsonschema's)
            if test is None or not test(value):
                return False
        branches = schema.get("anyOf")
        if branches is not None and not (
            isinstance(branches, list) and any(self.valid(b, value, depth + 1) for b in branches)
        ):
            return False
        for keyword, holds in _BOUNDS.items():
            bound = schema.get(keyword)
            if bound is not None and not (_is_number(bound) and holds(value, bound)):
                return False
        if isinstance(value, dict) and not self.valid_object(schema, value, depth):
            return False
        items = schema.get("items")
        return not (
            items is not None
            and isinstance(value, list)
            and not all(self.valid(items, item, depth + 1) for item in value)
        )

    def valid_object(self, schema: dict[str, Any], value: dict[Any, Any], depth: int) -> bool:
        properties = schema.get("properties", {})
        required = schema.get("required", [])
        extra = schema.get("additionalProperties", True)
        if not isinstance(properties, dict) or not isinstance(required, list):
            return False
        if not all(isinstance(name, str) and name in value for name in required):
            return False
        for name, item in value.items():
            if name in properties:
                if not self.valid(properties[name], item, depth + 1):
                    return False
            elif extra is False or (extra is not True and not self.valid(extra, item, depth + 1)):
                return False
        return True


def _local_def(ref: object, defs: object) -> object:
    """The schema `#/$defs/Name` names, or None for any other reference."""
    if not isinstance(ref, str) or not ref.startswith("#/$defs/") or not isinstance(defs, dict):
        return None
    name = ref.removeprefix("#/$defs/")
    return defs.get(name) if "/" not in name and "~" not in name else None


def payloads(check: CheckInput) -> Iterator[Diagnostic]:
    schemas = _subscriber_schemas(check)
    for _step, facts in _handled(check):
        for call in facts.emits:
            if call.topic is None or not isinstance(call.data, ir.DictExpr):
                continue
            reported: set[str] = set()
            for subscriber, schema in schemas.get(call.topic, ()):
                for where, problem in _payload_problems(call.data, schema):
                    if problem not in reported:
                        reported.add(problem)
                        yield diag(
                            "MG208",
                            where.span,
                            f"payload for '{call.topic}' does not match {subscriber}'s input: {problem}",
                        )


def _dynamic(call: model.EmitCall) -> bool:
    """An emit whose topic might be any declared one."""
    return call.topic is None and (call.has_topic_key or not isinstance(call.payload, ir.DictExpr))


def unused_emits(check: CheckInput) -> Iterator[Diagnostic]:
    for step, facts in _handled(check):
        if facts.opaque_calls or any(_dynamic(call) for call in facts.emits):
            continue
        used = {call.topic for call in facts.emits}
        for emit in step.emits:
            if emit.topic not in used:
                yield diag(
                    "MG209",
                    emit.span,
                    f"{step.name} declares '{emit.topic}' but its handler never emits it",
                )


# -- streams, path parameters, statuses ---------------------------------------------------------------------
def unknown_streams(check: CheckInput) -> Iterator[Diagnostic]:
    names = sorted({s.name for s in check.app.streams})
    for step in check.app.steps:
        for trigger in step.triggers:
            if isinstance(trigger, model.StreamTrigger) and trigger.stream not in names:
                yield diag(
                    "MG252",
                    trigger.span,
                    f"{step.name} has a trigger on stream '{trigger.stream}', which no stream file defines",
                    help=suggestion(trigger.stream, names),
                )
    for _step, facts in _handled(check):
        for use in facts.streams:
            if use.name in names:
                continue
            yield diag(
                "MG252",
                use.span,
                f"stream '{use.name}' is not defined by any stream file",
                help=suggestion(use.name, names),
            )


def unknown_path_params(check: CheckInput) -> Iterator[Diagnostic]:
    for step, facts in _handled(check):
        paths = [t.path for t in step.triggers if isinstance(t, model.HttpTrigger)]
        if not paths:
            continue
        defined = {name for path in paths for name in routes.params(path)}
        for read in facts.path_params:
            if read.key not in defined:
                yield diag(
                    "MG253",
                    read.span,
                    f"path parameter '{read.key}' is not in the path {' or '.join(paths)}",
                    help=suggestion(read.key, sorted(defined)),
                )


def undeclared_statuses(check: CheckInput) -> Iterator[Diagnostic]:
    for step, facts in _handled(check):
        declared: set[int] = set()
        for trigger in step.triggers:
            if isinstance(trigger, model.HttpTrigger):
                declared |= {int(r.status) for r in trigger.response_schema if str(r.status).isdigit()}
        if not declared:
            continue
        for status in facts.statuses:
            if status.status not in declared:
                listed = ", ".join(str(s) for s in sorted(declared))
                yield diag(
                    "MG254",
                    status.span,
                    f"{step.name} returns status {status.status}, which its responseSchema does not declare",
                    help=f"declared: {listed}",
                )


def dropped_calls(check: CheckInput) -> Iterator[Diagnostic]:
    """MG233: `context.emit(...)` and the other context calls are coroutines; as a bare statement
    (not awaited, returned, gathered or assigned) nothing would run in Motia."""
    for step, facts in _handled(check):
        assert step.handler is not None
        for dropped in facts.dropped:
            if step.handler.ref.is_async:
                help = f"write `await {dropped.call}(...)`"
            else:
                help = (
                    "make the handler `async def` and await it, or use motia's module-level API, which "
                    "sync code calls plainly (`enqueue(...)`, `Stream(...)`, `stateManager`)"
                )
            yield diag(
                "MG233",
                dropped.span,
                f"{step.name} calls {dropped.call}(...) without awaiting it: the call is a coroutine",
                help=help,
            )


FILE_RULES = (
    undeclared_emits,
    emit_shapes,
    unused_emits,
    unknown_path_params,
    undeclared_statuses,
    dropped_calls,
)
APP_RULES = (fifo_groups, payloads, unknown_streams)
