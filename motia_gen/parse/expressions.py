"""libcst expression nodes → IR expressions (`ir.Expr`), with spans, without evaluating anything."""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence

import libcst as cst

from motia_gen.diagnostics import Span
from motia_gen.parse import ir

SpanOf = Callable[[cst.CSTNode], Span]

_BINARY_OPS: dict[type[cst.BaseBinaryOp], str] = {
    cst.BitOr: "|",
    cst.Add: "+",
    cst.Subtract: "-",
    cst.Multiply: "*",
    cst.Divide: "/",
    cst.FloorDivide: "//",
    cst.Modulo: "%",
    cst.Power: "**",
}

# Kinds of expression the evaluator refuses, named the way a user would name them.
_UNSUPPORTED_KINDS: dict[type[cst.CSTNode], str] = {
    cst.ListComp: "list comprehension",
    cst.DictComp: "dict comprehension",
    cst.SetComp: "set comprehension",
    cst.GeneratorExp: "generator expression",
    cst.Await: "await expression",
    cst.IfExp: "conditional expression",
    cst.Comparison: "comparison",
    cst.BooleanOperation: "boolean operation",
    cst.NamedExpr: "assignment expression",
    cst.Yield: "yield expression",
    cst.Imaginary: "complex number",
}


class ExpressionConverter:
    """Converts expressions of one module; `span_of` gives each node's position."""

    def __init__(self, span_of: SpanOf) -> None:
        self.span_of = span_of

    def convert(self, node: cst.BaseExpression) -> ir.Expr:
        span = self.span_of(node)
        match node:
            case cst.Name(value="True"):
                return ir.Const(True, span)
            case cst.Name(value="False"):
                return ir.Const(False, span)
            case cst.Name(value="None"):
                return ir.Const(None, span)
            case cst.Name(value=name):
                return ir.Name(name, span)
            case cst.Integer() | cst.Float():
                number = literal_value(node)
                if isinstance(number, int | float):
                    return ir.Const(number, span)
                return ir.Unsupported("number", span)
            case cst.SimpleString():
                return self._simple_string(node, span)
            case cst.ConcatenatedString():
                return self._concatenated(node, span)
            case cst.FormattedString():
                return self._fstring(node, span)
            case cst.Attribute(value=value, attr=attr):
                return ir.Attribute(self.convert(value), attr.value, span)
            case cst.Call():
                return self._call(node, span)
            case cst.Dict(elements=elements):
                return ir.DictExpr(tuple(self._dict_entry(e) for e in elements), span)
            case cst.List(elements=elements):
                return ir.SeqExpr("list", self._elements(elements), span)
            case cst.Tuple(elements=elements):
                return ir.SeqExpr("tuple", self._elements(elements), span)
            case cst.Set(elements=elements):
                return ir.SeqExpr("set", self._elements(elements), span)
            case cst.Subscript():
                return self._subscript(node, span)
            case cst.BinaryOperation(left=left, operator=op, right=right):
                symbol = _BINARY_OPS.get(type(op))
                if symbol is None:
                    return ir.Unsupported("binary operation", span)
                return ir.BinOp(symbol, self.convert(left), self.convert(right), span)
            case cst.UnaryOperation():
                return self._unary(node, span)
            case cst.Ellipsis():
                return ir.Name("...", span)
            case cst.Lambda(params=params, body=body):
                return ir.Lambda(self.params(params), self.span_of(body), span)
        return ir.Unsupported(_UNSUPPORTED_KINDS.get(type(node), type(node).__name__), span)

    def params(self, params: cst.Parameters) -> tuple[ir.Param, ...]:
        """A function's or a lambda's parameters, in order, by kind."""
        out: list[ir.Param] = []

        def add(param: cst.Param, kind: str) -> None:
            annotation = self.convert(param.annotation.annotation) if param.annotation else None
            out.append(ir.Param(param.name.value, kind, param.default is not None, annotation))  # type: ignore[arg-type]

        for param in (*params.posonly_params, *params.params):
            add(param, "positional")
        if isinstance(params.star_arg, cst.Param):
            add(params.star_arg, "vararg")
        for param in params.kwonly_params:
            add(param, "keyword")
        if params.star_kwarg is not None:
            add(params.star_kwarg, "varkw")
        return tuple(out)

    def _simple_string(self, node: cst.SimpleString, span: Span) -> ir.Expr:
        value = literal_value(node)
        if isinstance(value, bytes):
            return ir.Unsupported("bytes literal", span)
        if not isinstance(value, str):
            return ir.Unsupported("string literal", span)
        return ir.Const(value, span)

    def _concatenated(self, node: cst.ConcatenatedString, span: Span) -> ir.Expr:
        left = self.convert(node.left)
        right = self.convert(node.right)
        parts: list[str | ir.FormattedValue] = []
        for side in (left, right):
            if isinstance(side, ir.Const) and isinstance(side.value, str):
                parts.append(side.value)
            elif isinstance(side, ir.FString):
                parts.extend(side.parts)
            else:
                return side if isinstance(side, ir.Unsupported) else ir.Unsupported("string", span)
        if all(isinstance(p, str) for p in parts):
            return ir.Const("".join(p for p in parts if isinstance(p, str)), span)
        return ir.FString(tuple(parts), span)

    def _fstring(self, node: cst.FormattedString, span: Span) -> ir.Expr:
        parts = self._fstring_parts(node, node.parts)
        if parts is None:
            return ir.Unsupported("f-string", span)
        return ir.FString(parts, span)

    def _fstring_parts(
        self, owner: cst.FormattedString, parts: Sequence[cst.BaseFormattedStringContent]
    ) -> tuple[str | ir.FormattedValue, ...] | None:
        out: list[str | ir.FormattedValue] = []
        quote = owner.end
        prefix = owner.prefix.lower().replace("f", "")
        for part in parts:
            if isinstance(part, cst.FormattedStringText):
                text = _fstring_text(prefix, quote, part.value)
                if text is None:
                    return None
                out.append(text)
            elif isinstance(part, cst.FormattedStringExpression):
                spec = None
                if part.format_spec is not None:
                    spec = self._fstring_parts(owner, part.format_spec)
                    if spec is None:
                        return None
                out.append(ir.FormattedValue(self.convert(part.expression), part.conversion, spec))
        return tuple(out)

    def _call(self, node: cst.Call, span: Span) -> ir.Call:
        args: list[ir.Expr] = []
        keywords: list[ir.Keyword] = []
        for arg in node.args:
            value = self.convert(arg.value)
            if arg.keyword is not None:
                keywords.append(ir.Keyword(arg.keyword.value, value, self.span_of(arg)))
            elif arg.star == "**":
                keywords.append(ir.Keyword(None, value, self.span_of(arg)))
            elif arg.star == "*":
                args.append(ir.Starred(value, self.span_of(arg)))
            else:
                args.append(value)
        return ir.Call(self.convert(node.func), tuple(args), tuple(keywords), span)

    def _dict_entry(self, element: cst.BaseDictElement) -> ir.DictEntry:
        if isinstance(element, cst.DictElement):
            return ir.DictEntry(self.convert(element.key), self.convert(element.value))
        assert isinstance(element, cst.StarredDictElement)
        return ir.DictEntry(None, self.convert(element.value))

    def _elements(self, elements: Sequence[cst.BaseElement]) -> tuple[ir.Expr, ...]:
        out: list[ir.Expr] = []
        for element in elements:
            value = self.convert(element.value)
            if isinstance(element, cst.StarredElement):
                out.append(ir.Starred(value, self.span_of(element)))
            else:
                out.append(value)
        return tuple(out)

    def _subscript(self, node: cst.Subscript, span: Span) -> ir.Expr:
        index: list[ir.Expr] = []
        for element in node.slice:
            if not isinstance(element.slice, cst.Index):
                return ir.Unsupported("slice", span)
            index.append(self.convert(element.slice.value))
        return ir.Subscript(self.convert(node.value), tuple(index), span)

    def _unary(self, node: cst.UnaryOperation, span: Span) -> ir.Expr:
        operand = self.convert(node.expression)
        if (
            isinstance(node.operator, cst.Minus | cst.Plus)
            and isinstance(operand, ir.Const)
            and isinstance(operand.value, int | float)
            and not isinstance(operand.value, bool)
        ):
            sign = -1 if isinstance(node.operator, cst.Minus) else 1
            return ir.Const(sign * operand.value, span)
        return ir.Unsupported("unary operation", span)


def literal_value(node: cst.SimpleString | cst.Integer | cst.Float) -> str | bytes | int | float | None:
    """A literal's value; None when Python itself would refuse it (NUL bytes, over-long integers)."""
    try:
        return node.evaluated_value
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None


def _fstring_text(prefix: str, quote: str, raw: str) -> str | None:
    """Decode the literal text of an f-string part the way Python would (escapes, doubled braces)."""
    text = raw.replace("{{", "{").replace("}}", "}")
    if "\\" not in text:
        return text
    try:
        value = ast.literal_eval(prefix + quote + text + quote)
    except (SyntaxError, ValueError):
        return None
    return value if isinstance(value, str) else None
