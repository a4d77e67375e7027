"""The static evaluator: a small, closed interpreter for config expressions. It never runs user code.

Supported: literals; f-strings of constants; names bound at module level or imported from project modules
(followed across files, cycles reported); `**`/`*` unpacking of constants; `+` on strings and lists and
`|` on dicts; indexing a constant dict or list; `Model.model_json_schema()` and pydantic model classes;
`dict(...)`; Motia helper calls; references to module-level functions and lambdas. Anything else is an MG105
diagnostic at the exact expression, and evaluation goes on with a `VUnknown` in its place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from motia_gen.diagnostics import Diagnostic, Span, diag
from motia_gen.evaluate.pydantic.generics import Bound
from motia_gen.evaluate.pydantic.schema import generic_name, is_pydantic_model, model_json_schema
from motia_gen.evaluate.symbols import ExternalSymbol, MissingSymbol, ModuleSymbol, ProjectSymbol, Symbols
from motia_gen.evaluate.values import (
    Value,
    VCall,
    VDict,
    VEntry,
    VFunction,
    VList,
    VScalar,
    VSchema,
    VUnknown,
    describe,
)
from motia_gen.parse import ir

if TYPE_CHECKING:
    from motia_gen.parse.project import Dependencies

# Motia helpers by their last name, whichever `motia` module they are imported from.
HELPERS = frozenset(
    {
        "http", "api", "queue", "cron", "state", "stream",
        "step", "StepConfig", "StreamConfig", "Stream", "QueueConfig", "QueryParam", "Enqueue", "Motia",
    }
)  # fmt: skip

SUPPORTED = (
    "supported: literals, f-strings of constants, module-level names, imports from project modules, "
    "dict/list unpacking, Model.model_json_schema(), pydantic model classes, Motia helper calls, "
    "module-level functions and lambdas"
)


def helper_name(qualname: str) -> str | None:
    parts = qualname.split(".")
    if parts[0] == "motia" and parts[-1] in HELPERS:
        return "http" if parts[-1] == "api" else parts[-1]
    return None


@dataclass(frozen=True, slots=True)
class _Translation:
    is_model: bool
    schema: dict[str, Any] | None
    diagnostics: tuple[Diagnostic, ...]
    dependencies: Dependencies


# The type arguments of a generic model (`Page[Item]`): the module they are written in, and the arguments.
_Args = tuple[ir.ModuleIR, tuple[ir.Expr, ...]] | None

MAX_ITEMS = 10_000
"""The most items a list, or keys a dict, in a config may have (real configs hold a handful)."""
MAX_TEXT = 100_000
"""The longest string a config may build (`s = t + t` doubles at every line; `f"{x:>999999999}"` pads)."""


class Evaluator:
    def __init__(self, symbols: Symbols) -> None:
        self.symbols = symbols
        self.diagnostics: list[Diagnostic] = []
        self._stack: list[tuple[str, str]] = []
        # (path, class, mode, type arguments as written and where)
        self._schemas: dict[tuple[str, str, str, object], _Translation] = {}
        self._values: dict[tuple[str, str, Span], Value] = {}

    def forget(self) -> None:
        """Drop the values remembered so far. The front end calls it before each definition file, so every
        file's evaluation reads (and records as its dependencies) every module it uses."""
        self._values.clear()

    def report(self, code: str, span: Span, message: str, help: str | None = None) -> VUnknown:
        self.diagnostics.append(diag(code, span, message, help=help))
        return VUnknown(span)

    def evaluate(self, module: ir.ModuleIR, expr: ir.Expr) -> Value:
        handler = _DISPATCH.get(type(expr))
        if handler is None:
            kind = expr.kind if isinstance(expr, ir.Unsupported) else type(expr).__name__
            return self.report("MG105", expr.span, f"cannot evaluate a {kind} statically", SUPPORTED)
        return handler(self, module, expr)

    def binding(self, module: ir.ModuleIR, name: str, span: Span) -> Value:
        """The value of a module-level name, as a config reads it."""
        return self._name(module, ir.Name(name, span))

    # -- expressions --------------------------------------------------------------------------------------
    def _lambda(self, module: ir.ModuleIR, expr: ir.Expr) -> Value:
        assert isinstance(expr, ir.Lambda)
        function = ir.FunctionDef("<lambda>", False, expr.params, (), ir.BodyFacts(), expr.span)
        return VFunction(module.module, module.path, function, expr.span, expr.body)

    def _const(self, module: ir.ModuleIR, expr: ir.Expr) -> Value:
        assert isinstance(expr, ir.Const)
        return VScalar(expr.value, expr.span)

    def _fstring(self, module: ir.ModuleIR, expr: ir.Expr) -> Value:
        assert isinstance(expr, ir.FString)
        text = self._format_parts(module, expr.parts, expr.span)
        return VUnknown(expr.span) if text is None else VScalar(text, expr.span)

    def _format_parts(
        self, module: ir.ModuleIR, parts: tuple[str | ir.FormattedValue, ...], span: Span
    ) -> str | None:
        out: list[str] = []
        for part in parts:
            if isinstance(part, str):
                out.append(part)
                continue
            value = self.evaluate(module, part.value)
            if not isinstance(value, VScalar):
                if not isinstance(value, VUnknown):
                    self.report("MG105", part.value.span, f"an f-string cannot format {describe(value)}")
                return None
            spec = "" if part.format_spec is None else self._format_parts(module, part.format_spec, span)
            if spec is None:
                return None
            converted = _convert(value.value, part.conversion)
            if any(int(width) > MAX_TEXT for width in re.findall(r"\d+", spec)):
                self.report("MG105", part.value.span, f"the f-string pads past {MAX_TEXT:,} characters")
                return None
            try:
                out.append(format(converted, spec))
            except (ValueError, TypeError) as error:
                self.report("MG105", part.value.span, f"invalid format in f-string: {error}")
                return None
        return "".join(out)

    def _dict(self, module: ir.ModuleIR, expr: ir.Expr) -> Value:
        assert isinstance(expr, ir.DictExpr)
        entries: dict[ir.Scalar, VEntry] = {}
        for item in expr.entries:
            value = self.evaluate(module, item.value)
            if item.key is None:
                if isinstance(value, VDict):
                    entries.update((e.key.value, e) for e in value.entries)
                    if len(entries) > MAX_ITEMS:
                        return self.report("MG105", expr.span, f"the dict has more than {MAX_ITEMS:,} keys")
                elif not isinstance(value, VUnknown):
                    self.report("MG105", item.value.span, f"cannot unpack {describe(value)} into a dict")
                continue
            key = self.evaluate(module, item.key)
            if not isinstance(key, VScalar):
                if not isinstance(key, VUnknown):
                    self.report("MG105", item.key.span, f"a dict key must be a constant, not {describe(key)}")
                continue
            entries[key.value] = VEntry(key, value)
        return VDict(tuple(entries.values()), expr.span)

    def _seq(self, module: ir.ModuleIR, expr: ir.Expr) -> Value:
        assert isinstance(expr, ir.SeqExpr)
        items: list[Value] = []
        for element in expr.elements:
            if isinstance(element, ir.Starred):
                value = self.evaluate(module, element.value)
                if isinstance(value, VList):
                    items.extend(value.items)
                elif not isinstance(value, VUnknown):
                    self.report("MG105", element.span, f"cannot unpack {describe(value)} into a list")
            else:
                items.append(self.evaluate(module, element))
            if len(items) > MAX_ITEMS:
                return self.report("MG105", expr.span, f"the list has more than {MAX_ITEMS:,} items")
        return VList(tuple(items), expr.span)

    def _name(self, module: ir.ModuleIR, expr: ir.Expr) -> Value:
        assert isinstance(expr, ir.Name | ir.Attribute)
        symbol = self.symbols.lookup(module, expr, follow_aliases=False)
        if isinstance(symbol, MissingSymbol):
            return self.report(symbol.code, expr.span, symbol.message, symbol.help)
        if isinstance(symbol, ExternalSymbol):
            return self._external(symbol.qualname, expr.span)
        if isinstance(symbol, ModuleSymbol):
            return self.report("MG105", expr.span, "a module is not a config value")
        binding = symbol.binding
        if isinstance(binding, ir.FunctionDef):
            return VFunction(symbol.module.module, symbol.module.path, binding, expr.span)
        if isinstance(binding, ir.ClassDef):
            return self._model(symbol.module, binding, expr.span)
        return self._assigned(symbol.module, binding)

    def _assigned(self, module: ir.ModuleIR, binding: ir.Assign) -> Value:
        """A module-level assignment's value, evaluated once however often it is used (`b = [*a, *a]`,
        `c = [*b, *b]`, … would otherwise cost twice as much at every level)."""
        key = (module.path, binding.name)
        remembered = self._values.get((*key, binding.span))
        if remembered is not None:
            return remembered
        if key in self._stack:
            return self.report("MG108", binding.span, f"'{binding.name}' is defined in terms of itself")
        self._stack.append(key)
        try:
            value = self._patched(module, binding, self.evaluate(module, binding.value))
        finally:
            self._stack.pop()
        self._values[(*key, binding.span)] = value
        return value

    def _patched(self, module: ir.ModuleIR, binding: ir.Assign, value: Value) -> Value:
        """Apply module-level `name["key"] = value` statements that follow the binding."""
        patches = [p for p in module.item_assigns if p.target == binding.name and p.span > binding.span]
        if not patches or not isinstance(value, VDict):
            return value
        entries = {entry.key.value: entry for entry in value.entries}
        for patch in patches:
            key = self.evaluate(module, patch.key)
            if isinstance(key, VScalar):
                entries[key.value] = VEntry(key, self.evaluate(module, patch.value))
        return VDict(tuple(entries.values()), value.span)

    def _external(self, qualname: str, span: Span) -> Value:
        if helper_name(qualname) is not None:
            return self.report("MG105", span, f"'{qualname}' must be called to be used in a config")
        return self.report(
            "MG107",
            span,
            f"'{qualname}' is not defined in a module of this project, so its value cannot be read",
            "config values must be literals or come from the app's own modules",
        )

    def _model(
        self, module: ir.ModuleIR, cls: ir.ClassDef, span: Span, mode: str = "validation", args: _Args = None
    ) -> Value:
        translated = self._translated(module, cls, mode, args)
        if not translated.is_model:
            return self.report("MG105", span, f"class '{cls.name}' is not a pydantic model", SUPPORTED)
        if translated.schema is None:
            return VUnknown(span)
        name = cls.name if args is None else generic_name(self.symbols, cls, args)
        return VSchema(translated.schema, name, span)

    def _translated(self, module: ir.ModuleIR, cls: ir.ClassDef, mode: str, args: _Args) -> _Translation:
        """A model's schema in `mode` (with type arguments, for a generic model), translated once per run.
        A reuse replays the translation's diagnostics and dependencies, so every config that uses the
        model reports and depends on it as if it were first."""
        key = (module.path, cls.name, mode, None if args is None else (args[0].path, args[1]))
        found = self._schemas.get(key)
        if found is not None:
            self.diagnostics.extend(found.diagnostics)
            self.symbols.source.include(found.dependencies)
            return found
        with self.symbols.source.tracking() as dependencies:
            if is_pydantic_model(self.symbols, module, cls):
                bounds = () if args is None else tuple(Bound(args[0], a, {}) for a in args[1])
                result = model_json_schema(self.symbols, module, cls, mode, bounds)
                found = _Translation(True, result.schema, tuple(result.diagnostics), dependencies)
            else:
                found = _Translation(False, None, (), dependencies)
        self._schemas[key] = found
        self.diagnostics.extend(found.diagnostics)
        return found

    def _call(self, module: ir.ModuleIR, expr: ir.Expr) -> Value:
        assert isinstance(expr, ir.Call)
        func = expr.func
        if isinstance(func, ir.Attribute) and func.attr == "model_json_schema":
            return self._model_json_schema(module, expr, func.value)
        if isinstance(func, ir.Attribute) and func.attr == "handle" and isinstance(func.value, ir.Call):
            return self._handle(module, expr, func.value)
        if not isinstance(func, ir.Name | ir.Attribute):
            return self.report("MG105", expr.span, "cannot evaluate this call statically", SUPPORTED)
        symbol = self.symbols.lookup(module, func)
        if isinstance(symbol, MissingSymbol):
            return self.report(symbol.code, func.span, symbol.message, symbol.help)
        if isinstance(symbol, ExternalSymbol):
            helper = helper_name(symbol.qualname)
            if helper is not None:
                return self._helper(module, helper, expr)
            if symbol.qualname == "builtins.dict" and not expr.args:
                return self._dict_call(module, expr)
        name = symbol.qualname if isinstance(symbol, ExternalSymbol) else _dotted(func)
        return self.report(
            "MG105",
            expr.span,
            f"calling '{name}' would run code; the compiler evaluates configs without running anything",
            SUPPORTED,
        )

    def _model_json_schema(self, module: ir.ModuleIR, expr: ir.Call, target: ir.Expr) -> Value:
        mode = _schema_mode(expr)
        if mode is None:
            return self.report(
                "MG105",
                expr.span,
                "model_json_schema() is read with its default arguments, or mode='serialization'",
            )
        if mode == "serialization":  # the class itself, translated for that mode
            found = self.symbols.project_class(module, target)
            if found is not None:
                return self._model(*found, expr.span, mode)
        if (
            isinstance(target, ir.Subscript)
            and (found := self.symbols.project_class(module, target.value)) is not None
        ):
            return self._model(*found, expr.span, mode, (module, target.index))
        value = self.evaluate(module, target)
        if isinstance(value, VSchema):
            return VSchema(value.schema, value.model, expr.span)
        if isinstance(value, VUnknown):
            return value
        return self.report("MG105", target.span, f"model_json_schema() of {describe(value)}")

    def _handle(self, module: ir.ModuleIR, expr: ir.Call, inner: ir.Call) -> Value:
        builder = self.evaluate(module, inner)
        if not isinstance(builder, VCall) or builder.helper != "step":
            if isinstance(builder, VUnknown):
                return builder
            return self.report("MG105", expr.span, ".handle(...) is read on step(config) only")
        args = tuple(self.evaluate(module, a) for a in expr.args)
        keywords = tuple((k.name or "", self.evaluate(module, k.value)) for k in expr.keywords)
        handler = args[:1] or tuple(v for name, v in keywords if name == "handler")
        return VCall("step", (*builder.args, *handler), builder.keywords, expr.span)

    def _helper(self, module: ir.ModuleIR, helper: str, expr: ir.Call) -> Value:
        args: list[Value] = []
        for arg in expr.args:
            if isinstance(arg, ir.Starred):
                self.report("MG105", arg.span, f"*-arguments to {helper}() cannot be read statically")
                continue
            args.append(self.evaluate(module, arg))
        keywords: list[tuple[str, Value]] = []
        for keyword in expr.keywords:
            value = self.evaluate(module, keyword.value)
            if keyword.name is not None:
                keywords.append((keyword.name, value))
            elif isinstance(value, VDict):
                keywords.extend((str(e.key.value), e.value) for e in value.entries)
            elif not isinstance(value, VUnknown):
                self.report("MG105", keyword.span, f"cannot unpack {describe(value)} as keyword arguments")
        return VCall(helper, tuple(args), tuple(keywords), expr.span)

    def _dict_call(self, module: ir.ModuleIR, expr: ir.Call) -> Value:
        entries = [
            ir.DictEntry(None if k.name is None else ir.Const(k.name, k.span), k.value) for k in expr.keywords
        ]
        return self._dict(module, ir.DictExpr(tuple(entries), expr.span))

    def _subscript(self, module: ir.ModuleIR, expr: ir.Expr) -> Value:
        assert isinstance(expr, ir.Subscript)
        generic = self.symbols.project_class(module, expr.value)
        if generic is not None:  # a generic model parametrized: `Page[Item]`
            return self._model(*generic, expr.span, "validation", (module, expr.index))
        container = self.evaluate(module, expr.value)
        if len(expr.index) != 1:
            return self.report("MG105", expr.span, "only single-key indexing is supported")
        key = self.evaluate(module, expr.index[0])
        if isinstance(container, VUnknown) or isinstance(key, VUnknown):
            return VUnknown(expr.span)
        if isinstance(container, VDict) and isinstance(key, VScalar):
            found = container.get(key.value) if isinstance(key.value, str | int) else None
            if found is not None:
                return found
            return self.report("MG105", expr.index[0].span, f"key {key.value!r} is not in the dict")
        if isinstance(container, VList) and isinstance(key, VScalar) and type(key.value) is int:
            if -len(container.items) <= key.value < len(container.items):
                return container.items[key.value]
            return self.report("MG105", expr.index[0].span, f"index {key.value} is out of range")
        return self.report("MG105", expr.span, f"cannot index {describe(container)} with {describe(key)}")

    def _binop(self, module: ir.ModuleIR, expr: ir.Expr) -> Value:
        assert isinstance(expr, ir.BinOp)
        left = self.evaluate(module, expr.left)
        right = self.evaluate(module, expr.right)
        if isinstance(left, VUnknown) or isinstance(right, VUnknown):
            return VUnknown(expr.span)
        if expr.op == "+" and isinstance(left, VScalar) and isinstance(right, VScalar):
            joined = _joined_strings(left.value, right.value)
            if joined is not None and len(joined) > MAX_TEXT:
                return self.report("MG105", expr.span, f"the string is longer than {MAX_TEXT:,} characters")
            if joined is not None:
                return VScalar(joined, expr.span)
        if expr.op == "+" and isinstance(left, VList) and isinstance(right, VList):
            if len(left.items) + len(right.items) > MAX_ITEMS:
                return self.report("MG105", expr.span, f"the list has more than {MAX_ITEMS:,} items")
            return VList(left.items + right.items, expr.span)
        if expr.op == "|" and isinstance(left, VDict) and isinstance(right, VDict):
            merged = {e.key.value: e for e in left.entries}
            merged.update((e.key.value, e) for e in right.entries)
            return VDict(tuple(merged.values()), expr.span)
        return self.report(
            "MG105", expr.span, f"cannot evaluate {describe(left)} {expr.op} {describe(right)} statically"
        )


def _joined_strings(left: ir.Scalar, right: ir.Scalar) -> str | None:
    return left + right if isinstance(left, str) and isinstance(right, str) else None


def _convert(value: ir.Scalar, conversion: str | None) -> object:
    """f-string `!r`, `!a`, `!s` conversions."""
    if conversion == "r":
        return repr(value)
    if conversion == "a":
        return ascii(value)
    if conversion == "s":
        return str(value)
    return value


def _schema_mode(call: ir.Call) -> str | None:
    """The `mode` of a `model_json_schema(...)` call with supported arguments (`by_alias=True`,
    `mode="validation"|"serialization"`, as literals); None for any other."""
    mode = "validation"
    if call.args:
        return None
    for keyword in call.keywords:
        value = keyword.value.value if isinstance(keyword.value, ir.Const) else None
        if keyword.name == "mode" and value in ("validation", "serialization"):
            mode = str(value)
        elif keyword.name != "by_alias" or value is not True:
            return None
    return mode


def _dotted(expr: ir.Expr) -> str:
    if isinstance(expr, ir.Name):
        return expr.id
    if isinstance(expr, ir.Attribute):
        return f"{_dotted(expr.value)}.{expr.attr}"
    return "<expression>"


_Handler = Callable[[Evaluator, ir.ModuleIR, ir.Expr], Value]
_DISPATCH: dict[type, _Handler] = {
    ir.Const: Evaluator._const,
    ir.FString: Evaluator._fstring,
    ir.DictExpr: Evaluator._dict,
    ir.SeqExpr: Evaluator._seq,
    ir.Name: Evaluator._name,
    ir.Attribute: Evaluator._name,
    ir.Call: Evaluator._call,
    ir.Subscript: Evaluator._subscript,
    ir.BinOp: Evaluator._binop,
    ir.Lambda: Evaluator._lambda,
}

__all__ = ["Evaluator", "ProjectSymbol", "helper_name"]
