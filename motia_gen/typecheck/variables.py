"""Typing for payloads and bodies in the shadow tree: built in a variable before they are sent or
returned, or written as literals in a `return` or an emit.

mypy infers `summary = {"count": 1}` as `dict[str, int]`, which is not the topic's payload TypedDict, so
`emit({"topic": "t", "data": summary})` would be an error on correct code. In the shadow tree such a
variable (assigned once, from a dict literal, and used for one topic or one status) is annotated with the
payload or body type, on the same line: mypy then checks what it holds, as it does for a literal.

A literal `return {"status": 201, ...}` (or `emit({"topic": "t", ...})`) is checked by mypy against the
union of every status's (topic's) TypedDict, and on a mismatch mypy names only the union. In the shadow
the literal goes through an identity function typed with its own status's TypedDict
(`return _motia_0_Response201({...})`), so mypy names the offending key; a status or topic the step does
not declare goes through one that takes `Never`, which `run` turns into a message naming it.
"""

from __future__ import annotations

import libcst as cst


def typed_variables(body: cst.BaseSuite, payloads: dict[str, str], bodies: dict[int, str]) -> dict[str, str]:
    """Local variables assigned once, from a dict literal, and then sent as the `data` of one declared
    topic (`summary = {...}` then `emit({"topic": "t", "data": summary})`) or returned as the body of one
    declared status (`return {"status": 200, "body": summary}`): name → that type. Typed so, mypy checks
    what they hold, as it does for a literal."""
    finder = _FindPayloadVariables()
    body.visit(finder)
    found: dict[str, str] = {}
    for name in finder.from_dict:
        if finder.assigned.get(name) != 1:
            continue
        wanted = {payloads.get(t) for t in finder.sent.get(name, ())}
        wanted |= {bodies.get(status) for status in finder.returned.get(name, ())}
        (only,) = wanted if len(wanted) == 1 else (None,)
        if only is not None:
            found[name] = only
    return found


class OwnBody:
    """Mixed into a visitor or transformer of one function's body: nested functions, lambdas and classes
    have bodies of their own, which it leaves alone."""

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


class _FindPayloadVariables(OwnBody, cst.CSTVisitor):
    def __init__(self) -> None:
        self.assigned: dict[str, int] = {}
        self.from_dict: set[str] = set()
        self.sent: dict[str, set[str]] = {}
        self.returned: dict[str, set[int]] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._count(target.target)
        if (
            len(node.targets) == 1
            and isinstance(node.targets[0].target, cst.Name)
            and isinstance(node.value, cst.Dict)
        ):
            self.from_dict.add(node.targets[0].target.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._count(node.target, times=2)  # annotated by its author: leave it

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._count(node.target, times=2)

    def visit_For(self, node: cst.For) -> None:
        self._count(node.target, times=2)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._count(node.target, times=2)

    def _count(self, target: cst.BaseExpression, times: int = 1) -> None:
        if isinstance(target, cst.Name):
            self.assigned[target.value] = self.assigned.get(target.value, 0) + times
        elif isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                self._count(element.value, 2)

    def visit_Return(self, node: cst.Return) -> None:
        if isinstance(node.value, cst.Dict):
            entries = _entries(node.value)
            self._returned(entries.get("status"), entries.get("body"))

    def _returned(self, status: cst.BaseExpression | None, body: cst.BaseExpression | None) -> None:
        if isinstance(status, cst.Integer) and isinstance(body, cst.Name):
            self.returned.setdefault(body.value, set()).add(int(status.value))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name) and func.value == "ApiResponse":
            keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
            self._returned(keywords.get("status"), keywords.get("body"))
            return
        if not _sent(node) or not node.args or not isinstance(node.args[0].value, cst.Dict):
            return
        entries = _entries(node.args[0].value)
        topic, data = entries.get("topic"), entries.get("data")
        if isinstance(topic, cst.SimpleString) and isinstance(data, cst.Name):
            value = topic.evaluated_value
            if isinstance(value, str):
                self.sent.setdefault(data.value, set()).add(value)


def _sent(node: cst.Call) -> bool:
    """`ctx.emit(...)`, `context.enqueue(...)` or Motia 1.x's `enqueue(...)`."""
    func = node.func
    return (isinstance(func, cst.Attribute) and func.attr.value in ("emit", "enqueue")) or (
        isinstance(func, cst.Name) and func.value == "enqueue"
    )


def _entries(node: cst.Dict) -> dict[str | bytes, cst.BaseExpression]:
    return {
        element.key.evaluated_value: element.value
        for element in node.elements
        if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString)
    }


class AnnotateVariables(cst.CSTTransformer):
    """`summary = {...}` → `summary: <payload type> = {...}`, on the same line."""

    def __init__(self, annotations: dict[str, str]) -> None:
        self._annotations = annotations

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign | cst.AnnAssign:
        target = updated.targets[0].target if len(updated.targets) == 1 else None
        if isinstance(target, cst.Name) and target.value in self._annotations:
            annotation = cst.Annotation(cst.parse_expression(self._annotations[target.value]))
            return cst.AnnAssign(target=target, annotation=annotation, value=updated.value)
        return updated


UNDECLARED = "_motia_undeclared"  # prefix of the `Never` checks: `_motia_undeclared_0_status_404`


class CheckedLiterals(OwnBody, cst.CSTTransformer):
    """In one handler's own body, `return {"status": 201, ...}` → `return <check>({...})` and
    `emit({"topic": "t", ...})` → `emit(<check>({...}))`, on the same lines. `checks` maps a status or a
    topic to its check's name; a topic not in `topics`, or a status not in `statuses` when there are any
    (without a responseSchema any status goes), gets a `Never` check. `returns=False` leaves returns
    alone (the author typed them)."""

    def __init__(
        self,
        index: int,
        checks: dict[object, str],
        topics: frozenset[str],
        statuses: frozenset[int] | None,
    ) -> None:
        self._index = index
        self._checks = checks
        self._topics = topics
        self._statuses = statuses
        self.undeclared: set[str] = set()  # the names of the `Never` checks used

    def leave_Return(self, original: cst.Return, updated: cst.Return) -> cst.Return:
        if self._statuses is None or not isinstance(updated.value, cst.Dict):
            return updated
        status = _entries(updated.value).get("status")
        if not isinstance(status, cst.Integer):
            return updated
        value = int(status.value, 0)
        undeclared = bool(self._statuses) and value not in self._statuses
        if value not in self._checks and not undeclared:
            return updated
        return updated.with_changes(value=self._wrapped(updated.value, value, "status"))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if not _sent(updated) or not updated.args or not isinstance(updated.args[0].value, cst.Dict):
            return updated
        topic = _entries(updated.args[0].value).get("topic")
        value = topic.evaluated_value if isinstance(topic, cst.SimpleString) else None
        if not isinstance(value, str) or (value not in self._checks and value in self._topics):
            return updated
        first = updated.args[0].with_changes(value=self._wrapped(updated.args[0].value, value, "topic"))
        return updated.with_changes(args=(first, *updated.args[1:]))

    def _wrapped(self, literal: cst.Dict, key: int | str, kind: str) -> cst.Call:
        name = self._checks.get(key)
        if name is None:
            name = undeclared_name(self._index, kind, key)
            self.undeclared.add(name)
        return cst.Call(func=cst.Name(name), args=[cst.Arg(literal)])


def undeclared_name(index: int, kind: str, value: int | str) -> str:
    """The check for a status or topic handler `index` does not declare, the value spelled in hex so
    any topic makes a name: `_motia_undeclared_0_topic_6f72646572`."""
    return f"{UNDECLARED}_{index}_{kind}_{str(value).encode().hex()}"


def undeclared_value(name: str) -> tuple[int, str, str] | None:
    """(handler index, "status" or "topic", the value) of an `undeclared_name`."""
    parts = name.removeprefix(UNDECLARED + "_").split("_")
    if not name.startswith(UNDECLARED) or len(parts) != 3 or not parts[0].isdigit():
        return None
    try:
        return int(parts[0]), parts[1], bytes.fromhex(parts[2]).decode()
    except ValueError:
        return None
