"""Static values for the pydantic translator: constants, enum members, `Field(...)` and config options.

Everything is read from the IR and nothing is evaluated: a value the reader does not understand raises
`Unsupported`, which the translator turns into one MG109 diagnostic at the offending expression.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from motia_gen.diagnostics import Span
from motia_gen.evaluate.pydantic.standard import FIELD_NEUTRAL, default_call, default_json
from motia_gen.evaluate.symbols import MissingSymbol, ProjectSymbol, Symbols
from motia_gen.parse import ir

MAX_DEPTH = 40

FIELD = frozenset({"pydantic.Field", "pydantic.fields.Field"})
CONFIG_DICT = frozenset({"pydantic.ConfigDict", "pydantic.config.ConfigDict"})
_ENUM_BASES: dict[str, type | None] = {"enum.Enum": None, "enum.IntEnum": int, "enum.StrEnum": str}
_MIXINS: dict[str, type] = {"builtins.str": str, "builtins.int": int}
_EMPTY_CALLS: dict[str, Any] = {
    "builtins.list": [],
    "builtins.tuple": [],
    "builtins.set": [],
    "builtins.frozenset": [],
    "builtins.dict": {},
}

# Field(...) keywords: what the JSON Schema reads, constraints, and options without effect on the schema.
_STR_ATTRS = frozenset(
    {"alias", "validation_alias", "serialization_alias", "title", "description", "discriminator"}
)
_ATTRS = _STR_ATTRS | {"default", "examples", "json_schema_extra", "deprecated", "exclude"}
_LENGTHS = frozenset({"min_length", "max_length"})
_NUMERIC = frozenset({"ge", "gt", "le", "lt", "multiple_of"})
CONSTRAINTS = _LENGTHS | _NUMERIC | {"pattern"}
_NO_EFFECT = frozenset({"frozen", "repr", "kw_only", "init"}) | FIELD_NEUTRAL

# Model config keys the translator reads, and keys that do not change the validation JSON Schema.
_CONFIG_NO_EFFECT = frozenset(
    {
        "frozen",
        "populate_by_name",
        "validate_by_name",
        "validate_assignment",
        "str_strip_whitespace",
        "use_enum_values",
        "from_attributes",
        "validate_default",
        "arbitrary_types_allowed",
        "revalidate_instances",
        "strict",
    }
)
_EXTRA = frozenset({"allow", "forbid", "ignore"})


class Unsupported(Exception):
    """Something the translator does not read; becomes one MG109 diagnostic at `span`."""

    def __init__(self, span: Span, message: str) -> None:
        super().__init__(message)
        self.span = span
        self.message = message


class _Required:
    """The marker for `...` and `Field(...)`: no default, the field is required."""


REQUIRED = _Required()


def render(expr: ir.Expr) -> str:
    """A short source-like rendering of an expression for messages."""
    match expr:
        case ir.Name(id=name):
            return name
        case ir.Attribute(value=value, attr=attr):
            return f"{render(value)}.{attr}"
        case ir.Subscript(value=value):
            return f"{render(value)}[...]"
        case ir.Call(func=func):
            return f"{render(func)}(...)"
        case ir.Const(value=value):
            return repr(value)
        case ir.BinOp(op=op, left=left, right=right):
            return f"{render(left)} {op} {render(right)}"
        case ir.Unsupported(kind=kind):
            return f"a {kind}"
    return f"a {type(expr).__name__.lower()} expression"


@dataclass(frozen=True, slots=True)
class FieldOptions:
    """One `Field(...)` call: schema attributes by name, constraints in call order, and their spans."""

    attrs: Mapping[str, Any]
    constraints: tuple[tuple[str, Any, Span], ...]
    spans: Mapping[str, Span]


@dataclass(frozen=True, slots=True)
class EnumInfo:
    """An Enum's members in definition order; an alias member carries its canonical member's value."""

    members: tuple[tuple[str, Any], ...]

    def value(self, name: str) -> tuple[bool, Any]:
        for member, value in self.members:
            if member == name:
                return True, value
        return False, None


class Values:
    def __init__(self, symbols: Symbols) -> None:
        self.symbols = symbols
        self._enums: dict[tuple[str, str], EnumInfo | Unsupported | None] = {}

    def qualname(self, module: ir.ModuleIR, expr: ir.Expr) -> str | None:
        if not isinstance(expr, ir.Name | ir.Attribute):
            return None
        return self.symbols.qualname(module, expr)

    def project_class(self, module: ir.ModuleIR, expr: ir.Expr) -> tuple[ir.ModuleIR, ir.ClassDef] | None:
        return self.symbols.project_class(module, expr)

    # -- constants -------------------------------------------------------------------------------------
    def const(self, module: ir.ModuleIR, expr: ir.Expr, depth: int = 0) -> Any:
        """A JSON-ready value: tuples become lists, sets sorted lists, enum members their values."""
        if depth > MAX_DEPTH:
            raise Unsupported(expr.span, "the value is nested or aliased too deeply")
        match expr:
            case ir.Const(value=value):
                return value
            case ir.Name(id="..."):
                raise Unsupported(expr.span, "`...` is not supported here")
            case ir.SeqExpr(kind="set", elements=elements):
                return self._set(module, expr, elements, depth)
            case ir.SeqExpr(elements=elements):
                return [self.const(module, element, depth + 1) for element in elements]
            case ir.DictExpr(entries=entries):
                return self._dict(module, expr, entries, depth)
            case ir.Name() | ir.Attribute():
                return self._named(module, expr, depth)
            case ir.Call(func=func, args=args, keywords=keywords):
                qualname = self.qualname(module, func) or ""
                if qualname in _EMPTY_CALLS and not args and not keywords:
                    return type(_EMPTY_CALLS[qualname])()
                if default_call(qualname) is not None:
                    return self._constructed(module, expr, depth)
        raise Unsupported(expr.span, f"{render(expr)} is not a constant the translator can read")

    def _no_function(self, module: ir.ModuleIR, expr: ir.Expr) -> None:
        """A `json_schema_extra` that is a function edits the schema by running code: refuse it precisely."""
        symbol = self.symbols.lookup(module, expr) if isinstance(expr, ir.Name | ir.Attribute) else None
        if isinstance(expr, ir.Lambda) or (
            isinstance(symbol, ProjectSymbol) and isinstance(symbol.binding, ir.FunctionDef)
        ):
            raise Unsupported(
                expr.span,
                "json_schema_extra is a function, which edits the schema by running code; "
                "the compiler never runs app code: give a dict",
            )

    def constraint(self, module: ir.ModuleIR, expr: ir.Expr) -> Any:
        """A numeric bound: a number, or `Decimal("0.5")` (as the float pydantic writes)."""
        if isinstance(expr, ir.Call) and self.qualname(module, expr.func) == "decimal.Decimal":
            value = self._constructed(module, expr, 0)
            try:
                return float(value)
            except ValueError:
                raise Unsupported(expr.span, f"{render(expr)} is not a number") from None
        return self.const(module, expr)

    def _constructed(self, module: ir.ModuleIR, call: ir.Call, depth: int) -> Any:
        """`Decimal("1.5")`, `date(2024, 1, 2)`, `UUID("...")`: built from literal arguments, written as
        pydantic writes the value."""
        make = default_call(self.qualname(module, call.func))
        assert make is not None
        if any(isinstance(arg, ir.Starred) for arg in call.args) or any(
            k.name is None for k in call.keywords
        ):
            raise Unsupported(call.span, "`*`/`**` arguments are not supported here")
        args = [self.const(module, arg, depth + 1) for arg in call.args]
        kwargs = {k.name: self.const(module, k.value, depth + 1) for k in call.keywords if k.name}
        if not all(isinstance(v, str | int | float) for v in [*args, *kwargs.values()]):
            raise Unsupported(call.span, f"{render(call)} takes only literal strings and numbers here")
        try:
            return default_json(make(*args, **kwargs))
        except (TypeError, ValueError, ArithmeticError, OverflowError) as error:
            raise Unsupported(call.span, f"{render(call)} is not a valid value: {error}") from None

    def _set(self, module: ir.ModuleIR, expr: ir.Expr, elements: tuple[ir.Expr, ...], depth: int) -> Any:
        items = [self.const(module, element, depth + 1) for element in elements]
        if len(items) > 1 and any(self.enum_member(module, element)[0] for element in elements):
            raise Unsupported(expr.span, "a set default of several enum members has no stable order")
        unique = list(dict.fromkeys(items))
        if not all(isinstance(item, str | int | float) and not isinstance(item, bool) for item in unique):
            raise Unsupported(expr.span, "a set default must hold only strings or numbers")
        try:
            return sorted(unique)
        except TypeError:
            raise Unsupported(
                expr.span, "a set default mixing strings and numbers has no stable order"
            ) from None

    def _dict(self, module: ir.ModuleIR, expr: ir.Expr, entries: tuple[ir.DictEntry, ...], depth: int) -> Any:
        out: dict[str, Any] = {}
        for entry in entries:
            if (
                entry.key is None
                or not isinstance(entry.key, ir.Const)
                or not isinstance(entry.key.value, str)
            ):
                raise Unsupported(expr.span, "only dicts with string keys and no `**` are supported")
            out[entry.key.value] = self.const(module, entry.value, depth + 1)
        return out

    def _named(self, module: ir.ModuleIR, expr: ir.Name | ir.Attribute, depth: int) -> Any:
        found, value = self.enum_member(module, expr)
        if found:
            return value
        symbol = self.symbols.lookup(module, expr)
        if isinstance(symbol, ProjectSymbol) and isinstance(symbol.binding, ir.Assign):
            return self.const(symbol.module, symbol.binding.value, depth + 1)
        if isinstance(symbol, MissingSymbol):
            raise Unsupported(expr.span, symbol.message)
        raise Unsupported(expr.span, f"'{render(expr)}' is not a constant the translator can read")

    def enum_member(self, module: ir.ModuleIR, expr: ir.Expr) -> tuple[bool, Any]:
        """`Color.RED` (or `Color.RED.value`) → (True, its value); (False, None) when not an enum member."""
        if not isinstance(expr, ir.Attribute):
            return False, None
        if expr.attr == "value" and isinstance(expr.value, ir.Attribute):
            found, value = self.enum_member(module, expr.value)
            if found:
                return found, value
        owner = self.project_class(module, expr.value)
        info = self.enum_info(*owner) if owner is not None else None
        if owner is None or info is None:
            return False, None
        found, value = info.value(expr.attr)
        if not found:
            raise Unsupported(expr.span, f"enum '{owner[1].name}' has no member '{expr.attr}'")
        return True, value

    # -- enums -----------------------------------------------------------------------------------------
    def enum_info(self, module: ir.ModuleIR, cls: ir.ClassDef) -> EnumInfo | None:
        """Members of an Enum class defined in the project; None when the class is not an Enum."""
        key = (module.path, cls.name)
        if key not in self._enums:
            self._enums[key] = None  # guards against circular bases while reading
            try:
                is_enum, mixin = self._enum_bases(module, cls, 0)
                self._enums[key] = EnumInfo(self._members(module, cls, mixin)) if is_enum else None
            except Unsupported as error:
                self._enums[key] = error  # every later use reports the same problem
        found = self._enums[key]
        if isinstance(found, Unsupported):
            raise found
        return found

    def _enum_bases(self, module: ir.ModuleIR, cls: ir.ClassDef, depth: int) -> tuple[bool, type | None]:
        if depth > MAX_DEPTH:
            raise Unsupported(cls.span, "the class hierarchy is too deep")
        is_enum, mixin = False, None
        for base in cls.bases:
            qualname = self.qualname(module, base)
            if qualname in _ENUM_BASES:
                is_enum, mixin = True, mixin or _ENUM_BASES[qualname]
            elif qualname in _MIXINS:
                mixin = mixin or _MIXINS[qualname]
            elif (parent := self.project_class(module, base)) is not None:
                parent_enum, parent_mixin = self._enum_bases(*parent, depth + 1)
                if parent_enum and _member_assigns(parent[1]):
                    message = f"enum '{parent[1].name}' has members and cannot be extended"
                    raise Unsupported(base.span, message)
                is_enum, mixin = is_enum or parent_enum, mixin or parent_mixin
        return is_enum, mixin

    def _members(
        self, module: ir.ModuleIR, cls: ir.ClassDef, mixin: type | None
    ) -> tuple[tuple[str, Any], ...]:
        if cls.fields:
            raise Unsupported(cls.fields[0].span, "annotated attributes in an Enum are not supported")
        members: list[tuple[str, Any]] = []
        seen: list[Any] = []
        for assign in _member_assigns(cls):
            value = self.const(module, assign.value)
            if not isinstance(value, str | int | float | None):
                raise Unsupported(
                    assign.value.span, "enum member values must be strings, numbers, bools or None"
                )
            if mixin is not None and (not isinstance(value, mixin) or isinstance(value, bool)):
                raise Unsupported(
                    assign.value.span, f"a value of a {mixin.__name__} enum must be a {mixin.__name__}"
                )
            aliased = [earlier for earlier in seen if earlier == value]  # `B = 1` after `A = 1` is an alias
            if not aliased:
                seen.append(value)
            members.append((assign.name, aliased[0] if aliased else value))
        if not members:
            raise Unsupported(cls.span, f"enum '{cls.name}' has no members")
        return tuple(members)

    # -- Field(...) and model config ---------------------------------------------------------------------
    def is_field_call(self, module: ir.ModuleIR, expr: ir.Expr) -> bool:
        return isinstance(expr, ir.Call) and self.qualname(module, expr.func) in FIELD

    def field_options(self, module: ir.ModuleIR, call: ir.Call) -> FieldOptions:
        attrs: dict[str, Any] = {}
        spans: dict[str, Span] = {}
        constraints: list[tuple[str, Any, Span]] = []
        if len(call.args) > 1 or any(isinstance(arg, ir.Starred) for arg in call.args):
            raise Unsupported(call.span, "Field() takes at most one positional argument (the default)")
        if call.args:
            attrs["default"], spans["default"] = self._default(module, call.args[0]), call.args[0].span
        for keyword in call.keywords:
            name = keyword.name
            if name is None or name not in _ATTRS | CONSTRAINTS | _NO_EFFECT | {"default_factory"}:
                option = "`**` arguments" if name is None else f"Field({name}=...)"
                raise Unsupported(keyword.span, f"{option} is not supported")
            if name == "default_factory":  # called at validation time: no default in the schema
                attrs[name], spans[name] = True, keyword.span
                continue
            if name == "json_schema_extra" and not isinstance(keyword.value, ir.DictExpr | ir.Const):
                self._no_function(module, keyword.value)
            value = (
                self._default(module, keyword.value)
                if name == "default"
                else self.constraint(module, keyword.value)
                if name in _NUMERIC
                else self.const(module, keyword.value)
            )
            _check_option(name, value, keyword.span)
            if name in CONSTRAINTS:
                constraints.append((name, value, keyword.span))
            elif name in _ATTRS:
                attrs[name], spans[name] = value, keyword.span
        return FieldOptions(attrs, tuple(constraints), spans)

    def _default(self, module: ir.ModuleIR, expr: ir.Expr) -> Any:
        if isinstance(expr, ir.Name) and expr.id == "...":
            return REQUIRED
        return self.const(module, expr)

    def config(self, module: ir.ModuleIR, expr: ir.Expr) -> dict[str, Any]:
        """`ConfigDict(...)` or a dict literal assigned to `model_config`."""
        if isinstance(expr, ir.Call) and self.qualname(module, expr.func) in CONFIG_DICT and not expr.args:
            return self.config_items(module, expr.keywords)
        if isinstance(expr, ir.DictExpr):
            keywords: list[ir.Keyword] = []
            for entry in expr.entries:
                if not isinstance(entry.key, ir.Const) or not isinstance(entry.key.value, str):
                    raise Unsupported(expr.span, "model_config keys must be string literals")
                keywords.append(ir.Keyword(entry.key.value, entry.value, entry.key.span))
            return self.config_items(module, tuple(keywords))
        raise Unsupported(expr.span, "model_config must be a ConfigDict(...) call or a dict literal")

    def config_items(self, module: ir.ModuleIR, keywords: tuple[ir.Keyword, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for keyword in keywords:
            name = keyword.name
            if name is None or name not in _CONFIG_NO_EFFECT | {"title", "extra", "json_schema_extra"}:
                raise Unsupported(keyword.span, f"model config option '{name or '**'}' is not supported")
            if name == "json_schema_extra":
                self._no_function(module, keyword.value)
            value = self.const(module, keyword.value)
            valid = {
                "title": isinstance(value, str),
                "extra": isinstance(value, str) and value in _EXTRA,
                "json_schema_extra": isinstance(value, dict),
            }.get(name, True)
            if not valid:
                raise Unsupported(keyword.span, f"model config option {name}={value!r} is not supported")
            out[name] = value
        return out


def _member_assigns(cls: ir.ClassDef) -> list[ir.ClassAssign]:
    """Enum members: class-body assignments other than dunders; other underscore names are refused."""
    members: list[ir.ClassAssign] = []
    for assign in cls.assigns:
        if assign.name.startswith("__") and assign.name.endswith("__"):
            continue
        if assign.name.startswith("_"):
            raise Unsupported(assign.span, f"enum attribute '{assign.name}' is not supported")
        members.append(assign)
    return members


def _check_option(name: str, value: Any, span: Span) -> None:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    valid = {
        "examples": isinstance(value, list),
        "json_schema_extra": isinstance(value, dict),
        "pattern": isinstance(value, str),
        "deprecated": isinstance(value, bool | str),
        "exclude": isinstance(value, bool),
    }.get(name, True)
    if name in _STR_ATTRS:
        valid = isinstance(value, str)
    elif name in _LENGTHS:
        valid = number and isinstance(value, int) and value >= 0
    elif name in _NUMERIC:
        valid = number
    if not valid:
        raise Unsupported(span, f"Field({name}={value!r}) is not supported")
