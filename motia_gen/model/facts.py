"""Handler-body facts for the model: emit calls with their topics resolved where they are constants.

A topic is resolved when it is a string literal, a local name assigned exactly one constant in the
handler, a loop variable over a literal tuple or list of strings (one emit per element), or a module-level
constant. Anything else stays None (dynamic) for the checks to report. The payload's `data` is followed
through a local name too, so checks see the literal when there is one.
"""

from __future__ import annotations

from motia_gen import model
from motia_gen.evaluate.evaluator import Evaluator
from motia_gen.evaluate.values import Value, VList, VScalar
from motia_gen.parse import ir

_GROUP_KEYS = frozenset({"messageGroupId", "message_group_id"})


def handler_facts(evaluator: Evaluator, module: ir.ModuleIR, function: ir.FunctionDef) -> model.HandlerFacts:
    body = function.body
    locals_by_name: dict[str, list[ir.Expr]] = {}
    for assign in body.locals:
        locals_by_name.setdefault(assign.name, []).append(assign.value)
    loops_by_name: dict[str, list[ir.Expr]] = {}
    for loop in body.loops:
        loops_by_name.setdefault(loop.name, []).append(loop.iterable)
    resolver = _Resolver(evaluator, module, locals_by_name, loops_by_name)
    return model.HandlerFacts(
        emits=tuple(call for site in body.emits for call in resolver.emits(site)),
        streams=body.streams,
        path_params=body.path_params,
        statuses=body.statuses,
        opaque_calls=body.opaque_calls,
        dropped=body.dropped,
    )


class _Resolver:
    def __init__(
        self,
        evaluator: Evaluator,
        module: ir.ModuleIR,
        locals_by_name: dict[str, list[ir.Expr]],
        loops_by_name: dict[str, list[ir.Expr]],
    ) -> None:
        self.evaluator = evaluator
        self.module = module
        self.locals = locals_by_name
        self.loops = loops_by_name

    def local(self, expr: ir.Expr | None) -> ir.Expr | None:
        """Follow a local name assigned exactly once (and never a loop variable)."""
        if isinstance(expr, ir.Name) and len(self.locals.get(expr.id, ())) == 1 and expr.id not in self.loops:
            return self.locals[expr.id][0]
        return expr

    def emits(self, site: ir.EmitSite) -> list[model.EmitCall]:
        payload = self.local(site.arg)
        keys: dict[str, ir.Expr] = {}
        if isinstance(payload, ir.DictExpr):
            for entry in payload.entries:
                if isinstance(entry.key, ir.Const) and isinstance(entry.key.value, str):
                    keys[entry.key.value] = entry.value
        topic_expr = keys.get("topic")
        topics = self.topics(topic_expr) if topic_expr is not None else (None,)
        return [
            model.EmitCall(
                method=site.method,
                topic=topic,
                topic_span=topic_expr.span if topic_expr is not None else site.span,
                payload=payload,
                data=self.local(keys.get("data")),
                has_topic_key="topic" in keys,
                uses_type_key="type" in keys and "topic" not in keys,
                has_message_group_id=bool(_GROUP_KEYS & keys.keys()),
                span=site.span,
            )
            for topic in topics
        ]

    def topics(self, expr: ir.Expr) -> tuple[str | None, ...]:
        if isinstance(expr, ir.Name) and expr.id in self.loops:
            iterables = self.loops[expr.id]
            if len(iterables) == 1 and expr.id not in self.locals:
                found = self._literal_strings(self.local(iterables[0]))
                if found:
                    return found
            return (None,)
        return (self.topic(expr),)

    def _literal_strings(self, expr: ir.Expr | None) -> tuple[str, ...] | None:
        if isinstance(expr, ir.Name | ir.Attribute) and not (
            isinstance(expr, ir.Name) and expr.id in self.locals
        ):
            value = self._quiet(expr)  # a module-level tuple or list of topics
            if isinstance(value, VList) and value.items:
                found = [v.value for v in value.items if isinstance(v, VScalar) and isinstance(v.value, str)]
                return tuple(found) if len(found) == len(value.items) else None
            return None
        if not isinstance(expr, ir.SeqExpr) or not expr.elements:
            return None
        values = [e.value for e in expr.elements if isinstance(e, ir.Const) and isinstance(e.value, str)]
        return tuple(values) if len(values) == len(expr.elements) else None

    def _quiet(self, expr: ir.Expr) -> Value | None:
        """A module-level value, evaluated quietly: a failure just leaves the topic dynamic."""
        quiet = Evaluator(self.evaluator.symbols)
        value = quiet.evaluate(self.module, expr)
        return None if quiet.diagnostics else value

    def topic(self, expr: ir.Expr | None) -> str | None:
        expr = self.local(expr)
        if isinstance(expr, ir.Const):
            return expr.value if isinstance(expr.value, str) else None
        if isinstance(expr, ir.Name | ir.Attribute) and (
            not isinstance(expr, ir.Name) or expr.id not in self.locals
        ):
            value = self._quiet(expr)
            if isinstance(value, VScalar) and isinstance(value.value, str):
                return value.value
        return None
