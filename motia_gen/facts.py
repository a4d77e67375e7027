"""Handler-body facts for the model: emit calls with their topics resolved where they are constants.

A topic is resolved when it is a string literal, a local name assigned exactly one constant in the
handler, or a module-level constant. Anything else stays None (dynamic) for the checks to report.
"""

from __future__ import annotations

from motia_gen import model
from motia_gen.evaluate import Evaluator
from motia_gen.parse import ir
from motia_gen.values import VScalar

_GROUP_KEYS = frozenset({"messageGroupId", "message_group_id"})


def handler_facts(evaluator: Evaluator, module: ir.ModuleIR, function: ir.FunctionDef) -> model.HandlerFacts:
    body = function.body
    locals_by_name: dict[str, list[ir.Expr]] = {}
    for assign in body.locals:
        locals_by_name.setdefault(assign.name, []).append(assign.value)
    resolver = _Resolver(evaluator, module, locals_by_name)
    return model.HandlerFacts(
        emits=tuple(resolver.emit(site) for site in body.emits),
        streams=body.streams,
        path_params=body.path_params,
        statuses=body.statuses,
        locals=body.locals,
        loops=body.loops,
    )


class _Resolver:
    def __init__(self, evaluator: Evaluator, module: ir.ModuleIR, locals_by_name: dict[str, list[ir.Expr]]):
        self.evaluator = evaluator
        self.module = module
        self.locals = locals_by_name

    def local(self, expr: ir.Expr | None) -> ir.Expr | None:
        """Follow a local name assigned exactly once."""
        if isinstance(expr, ir.Name) and len(self.locals.get(expr.id, ())) == 1:
            return self.locals[expr.id][0]
        return expr

    def emit(self, site: ir.EmitSite) -> model.EmitCall:
        payload = self.local(site.arg)
        keys: dict[str, ir.Expr] = {}
        if isinstance(payload, ir.DictExpr):
            for entry in payload.entries:
                if isinstance(entry.key, ir.Const) and isinstance(entry.key.value, str):
                    keys[entry.key.value] = entry.value
        topic_expr = keys.get("topic")
        return model.EmitCall(
            method=site.method,
            topic=self.topic(topic_expr),
            topic_span=topic_expr.span if topic_expr is not None else site.span,
            payload=payload,
            has_topic_key="topic" in keys,
            uses_type_key="type" in keys and "topic" not in keys,
            has_message_group_id=bool(_GROUP_KEYS & keys.keys()),
            span=site.span,
        )

    def topic(self, expr: ir.Expr | None) -> str | None:
        expr = self.local(expr)
        if isinstance(expr, ir.Const):
            return expr.value if isinstance(expr.value, str) else None
        if isinstance(expr, ir.Name | ir.Attribute) and (
            not isinstance(expr, ir.Name) or expr.id not in self.locals
        ):
            # A module-level constant: evaluated quietly, a failure just leaves the topic dynamic.
            quiet = Evaluator(self.evaluator.symbols)
            value = quiet.evaluate(self.module, expr)
            if isinstance(value, VScalar) and isinstance(value.value, str) and not quiet.diagnostics:
                return value.value
        return None
