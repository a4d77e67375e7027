"""Facts read from a handler's body: emits, streams, path-param keys, literal statuses, local constants.

The visitor stays inside one function: nested functions and classes are other scopes and are skipped.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping

import libcst as cst

from motia_gen.parse import ir
from motia_gen.parse.expressions import ExpressionConverter, literal_value

_EMIT_METHODS = frozenset({"emit", "enqueue"})
_PATH_PARAM_ATTRS = frozenset({"path_params", "pathParams"})


def _string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = literal_value(node)
        return value if isinstance(value, str) else None
    return None


def _first_arg_string(node: cst.Call) -> str | None:
    return _string(node.args[0].value) if node.args else None


_BUILTINS = frozenset(dir(builtins))


_STORE_METHODS = frozenset(
    {"get", "set", "delete", "get_group", "getGroup", "list", "list_groups", "clear", "update", "send"}
)


def _context_call(func: cst.BaseExpression, contexts: frozenset[str]) -> str | None:
    """`ctx.emit`, `ctx.enqueue`, `ctx.state.<m>`, `ctx.streams.<name>.<m>` or `ctx.streams["name"].<m>`,
    spelled as written; None for anything else."""
    if not isinstance(func, cst.Attribute):
        return None
    method, owner = func.attr.value, func.value
    if isinstance(owner, cst.Name) and owner.value in contexts:
        return f"{owner.value}.{method}" if method in _EMIT_METHODS else None
    if method not in _STORE_METHODS:
        return None
    if isinstance(owner, cst.Attribute) and owner.attr.value == "state":
        root = owner.value
        return (
            f"{root.value}.state.{method}" if isinstance(root, cst.Name) and root.value in contexts else None
        )
    streams = owner.value if isinstance(owner, cst.Attribute | cst.Subscript) else None
    if isinstance(streams, cst.Attribute) and streams.attr.value == "streams":
        root = streams.value
        if isinstance(root, cst.Name) and root.value in contexts:
            name = owner.attr.value if isinstance(owner, cst.Attribute) else "[...]"
            return f"{root.value}.streams.{name}.{method}".replace(".[", "[")
    return None


class BodyVisitor(cst.CSTVisitor):
    def __init__(
        self,
        converter: ExpressionConverter,
        params: tuple[str, ...],
        imports: Mapping[str, str],
    ) -> None:
        self.converter = converter
        self.params = frozenset(params)
        self.imports = imports  # local name -> qualified name, for bare `enqueue(...)`/`Stream(...)`
        self.request = params[0] if params else None
        self.path_param_aliases: set[str] = set()
        self.emits: list[ir.EmitSite] = []
        self.streams: list[ir.StreamUse] = []
        self.path_params: list[ir.KeyRead] = []
        self.statuses: list[ir.StatusReturn] = []
        self.locals: list[ir.LocalAssign] = []
        self.loops: list[ir.LoopBinding] = []
        self.opaque_calls = False
        self.contexts = frozenset(params[1:])  # `(input, context)`: the context API is async
        self.dropped: list[ir.DroppedCall] = []
        self.depth = 0

    def facts(self) -> ir.BodyFacts:
        return ir.BodyFacts(
            tuple(self.emits),
            tuple(self.streams),
            tuple(self.path_params),
            tuple(self.statuses),
            tuple(self.locals),
            tuple(self.loops),
            self.opaque_calls,
            tuple(self.dropped),
        )

    # -- scopes: only the handler's own body ---------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.depth += 1
        return self.depth == 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.depth -= 1

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    # -- facts -------------------------------------------------------------------------------------------
    def visit_Expr(self, node: cst.Expr) -> None:
        """A statement that is a bare call: for the context API, a coroutine dropped on the floor."""
        if isinstance(node.value, cst.Call):
            call = _context_call(node.value.func, self.contexts)
            if call is not None:
                self.dropped.append(ir.DroppedCall(call, self.converter.span_of(node.value)))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in _EMIT_METHODS:
            if isinstance(func.value, cst.Name) and func.value.value in self.params:
                self._emit(func.attr.value, node)
        elif isinstance(func, cst.Name):
            qualified = self.imports.get(func.value, "")
            if qualified in ("motia.enqueue", "motia.enqueue.enqueue"):
                self._emit("enqueue", node)
            elif qualified in ("motia.Stream", "motia.streams.Stream"):
                name = _first_arg_string(node)
                if name is not None:
                    self.streams.append(ir.StreamUse(name, self.converter.span_of(node)))
            elif func.value not in _BUILTINS:
                self.opaque_calls = True
        elif not self._rooted_at_param(func):
            self.opaque_calls = True
        self._path_param_call(node)

    def _rooted_at_param(self, node: cst.BaseExpression) -> bool:
        """`context.logger.info`, `req.get`: a call on what the runtime passed in cannot emit unseen
        (anything else, such as a project helper, might)."""
        while isinstance(node, cst.Attribute):
            node = node.value
        return isinstance(node, cst.Name) and node.value in self.params

    def _emit(self, method: str, node: cst.Call) -> None:
        arg = self.converter.convert(node.args[0].value) if node.args else None
        self.emits.append(ir.EmitSite(method, arg, self.converter.span_of(node)))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        inner = node.value
        if (
            isinstance(inner, cst.Attribute)
            and inner.attr.value == "streams"
            and isinstance(inner.value, cst.Name)
            and inner.value.value in self.params
        ):
            self.streams.append(ir.StreamUse(node.attr.value, self.converter.span_of(node)))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return
        key = _string(node.slice[0].slice.value)
        if key is not None and self._is_path_params(node.value):
            self.path_params.append(ir.KeyRead(key, self.converter.span_of(node.slice[0].slice.value)))

    def visit_Return(self, node: cst.Return) -> None:
        value = node.value
        status: cst.BaseExpression | None = None
        if isinstance(value, cst.Dict):
            for element in value.elements:
                if isinstance(element, cst.DictElement) and _string(element.key) == "status":
                    status = element.value
        elif isinstance(value, cst.Call):
            for arg in value.args:
                if arg.keyword is not None and arg.keyword.value in ("status", "status_code"):
                    status = arg.value
        if isinstance(status, cst.Integer):
            number = literal_value(status)
            if isinstance(number, int):
                self.statuses.append(ir.StatusReturn(number, self.converter.span_of(status)))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                name = target.target.value
                if self._is_path_params(node.value):
                    self.path_param_aliases.add(name)
                value = self.converter.convert(node.value)
                self.locals.append(ir.LocalAssign(name, value, self.converter.span_of(target.target)))

    def visit_For(self, node: cst.For) -> None:
        if isinstance(node.target, cst.Name):
            self.loops.append(
                ir.LoopBinding(
                    node.target.value, self.converter.convert(node.iter), self.converter.span_of(node.target)
                )
            )

    # -- path params ---------------------------------------------------------------------------------
    def _is_request(self, node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Name) and node.value == self.request

    def _is_path_params(self, node: cst.BaseExpression) -> bool:
        """`req["pathParams"]`, `req.get("pathParams", …)`, `req.path_params`, or a local bound to one."""
        if isinstance(node, cst.Name):
            return node.value in self.path_param_aliases
        if isinstance(node, cst.Attribute):
            return node.attr.value in _PATH_PARAM_ATTRS and self._is_request(node.value)
        if isinstance(node, cst.Subscript) and len(node.slice) == 1:
            index = node.slice[0].slice
            return (
                isinstance(index, cst.Index)
                and _string(index.value) == "pathParams"
                and self._is_request(node.value)
            )
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "get"
        ):
            return _first_arg_string(node) in ("pathParams", "path_params") and self._is_request(
                node.func.value
            )
        return False

    def _path_param_call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "get" and self._is_path_params(func.value):
            key = _first_arg_string(node)
            if key is not None:
                self.path_params.append(ir.KeyRead(key, self.converter.span_of(node.args[0].value)))
