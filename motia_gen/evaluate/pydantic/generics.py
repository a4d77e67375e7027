"""Generic models: `class Page(BaseModel, Generic[T])` used as `Page[Item]`.

pydantic builds a class per parametrization, named `Page[Item]` (`model_parametrized_name`, from
`display_as_type` of each argument) and put in `$defs` under that name made a JSON pointer
(`Page_Item_`, from the core ref `Page[Item]`, arguments joined by "," with their inner ", " kept). Its
fields are the generic's with each TypeVar replaced by its argument; it has no docstring of its own.
Unparametrized, a plain TypeVar is `Any`.

A type argument is translated where it was written, with the TypeVars that stood there: a `Bound`.
Only arguments whose display pydantic spells the same on every Python version are supported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from motia_gen.evaluate.pydantic.values import MAX_DEPTH, Unsupported, Values, render
from motia_gen.evaluate.symbols import ProjectSymbol
from motia_gen.parse import ir

TypeVarKey = tuple[str, str]  # (module path, name of the TypeVar)
_TYPEVAR = frozenset({"typing.TypeVar", "typing_extensions.TypeVar"})
_GENERIC = frozenset({"typing.Generic", "typing_extensions.Generic"})
_UNIONS = frozenset({f"{m}.{n}" for m in ("typing", "typing_extensions") for n in ("Union", "Optional")})
# Arguments displayed by name: the builtins, a few standard classes and `Any`.
_NAMED = frozenset(
    {f"builtins.{n}" for n in ("str", "int", "float", "bool", "bytes", "list", "dict", "set", "frozenset")}
    | {"typing.Any", "typing_extensions.Any", "datetime.datetime", "datetime.date", "datetime.time"}
    | {"datetime.timedelta", "uuid.UUID", "decimal.Decimal"}
)
_CONTAINERS = frozenset(
    {f"builtins.{n}" for n in ("list", "dict", "set", "frozenset", "tuple")}
    | {f"typing.{n}" for n in ("List", "Dict", "Set", "FrozenSet", "Tuple")}
)


@dataclass(frozen=True, slots=True)
class Bound:
    """A type argument as written in `module`, where the TypeVars of `env` stood for theirs."""

    module: ir.ModuleIR
    expr: ir.Expr
    env: Mapping[TypeVarKey, Bound]


def typevar(values: Values, module: ir.ModuleIR, expr: ir.Expr) -> tuple[TypeVarKey, ir.Call] | None:
    """The TypeVar `expr` names (`T = TypeVar("T")` in a project module), or None."""
    if not isinstance(expr, ir.Name | ir.Attribute):
        return None
    symbol = values.symbols.lookup(module, expr)
    if not isinstance(symbol, ProjectSymbol) or not isinstance(symbol.binding, ir.Assign):
        return None
    call = symbol.binding.value
    if isinstance(call, ir.Call) and values.qualname(symbol.module, call.func) in _TYPEVAR:
        return (symbol.module.path, symbol.binding.name), call
    return None


def unbound(call: ir.Call, name: str) -> None:
    """A TypeVar with no argument is `Any` to pydantic; one with a bound, constraints or a default is not
    supported (pydantic would use those)."""
    if len(call.args) > 1 or any(k.name in ("bound", "default") for k in call.keywords):
        raise Unsupported(call.span, f"the TypeVar '{name}' has a bound, constraints or a default")


def parameters(values: Values, module: ir.ModuleIR, cls: ir.ClassDef) -> tuple[TypeVarKey, ...] | None:
    """The TypeVars of `class C(BaseModel, Generic[T, U])`, in order; None for a class that is not
    generic."""
    for base in cls.bases:
        if isinstance(base, ir.Subscript) and values.qualname(module, base.value) in _GENERIC:
            found = [typevar(values, module, arg) for arg in base.index]
            if any(f is None for f in found):
                raise Unsupported(base.span, "Generic[...] takes TypeVars")
            return tuple(f[0] for f in found if f is not None)
    return None


def is_generic_base(values: Values, module: ir.ModuleIR, base: ir.Expr) -> bool:
    return isinstance(base, ir.Subscript) and values.qualname(module, base.value) in _GENERIC


def own_parameters(values: Values, params: tuple[TypeVarKey, ...], args: tuple[Bound, ...]) -> bool:
    """Whether `args` are the generic's own TypeVars, unbound (`Page[T]` inside another generic over the
    same `T`): pydantic gives back the generic class itself."""
    for param, arg in zip(params, args, strict=True):
        found = typevar(values, arg.module, arg.expr)
        if found is None or found[0] != param or param in arg.env:
            return False
    return True


def names(values: Values, cls: ir.ClassDef, args: tuple[Bound, ...]) -> tuple[str, str]:
    """(the `$defs` name, the title) of `cls[args]`."""
    shown = [display(values, arg, 0) for arg in args]
    title = f"{cls.name}[{', '.join(shown)}]"
    ref = f"{cls.name}[{','.join(shown)}]"
    return re.sub(r"[^a-zA-Z0-9.\-_]", "_", ref).replace(".", "__"), title


def display(values: Values, bound: Bound, depth: int) -> str:
    """pydantic's `display_as_type` of a type argument."""
    if depth > MAX_DEPTH:
        raise Unsupported(bound.expr.span, "the type argument is nested too deeply")
    module, expr = bound.module, bound.expr
    if isinstance(expr, ir.Const) and expr.value is None:
        return "NoneType"
    found = typevar(values, module, expr)
    if found is not None:
        key, _call = found
        inner = bound.env.get(key)
        return key[1] if inner is None else display(values, inner, depth + 1)
    members = _union_members(values, module, expr)
    if members is not None:
        shown = list(dict.fromkeys(display(values, Bound(module, m, bound.env), depth + 1) for m in members))
        return shown[0] if len(shown) == 1 else f"Union[{', '.join(shown)}]"
    if isinstance(expr, ir.Subscript):
        return _subscript(values, bound, expr, depth)
    qualname = values.qualname(module, expr)
    if qualname in _NAMED:
        return qualname.rsplit(".", 1)[-1]
    project = values.project_class(module, expr)
    if project is not None:
        return project[1].name
    raise Unsupported(expr.span, f"{render(expr)} is not supported as a generic model's type argument")


def _subscript(values: Values, bound: Bound, expr: ir.Subscript, depth: int) -> str:
    qualname = values.qualname(bound.module, expr.value)
    project = values.project_class(bound.module, expr.value)
    if qualname in _CONTAINERS:
        name = qualname.rsplit(".", 1)[-1]
    elif project is not None:
        name = project[1].name
    else:
        raise Unsupported(expr.span, f"{render(expr)} is not supported as a generic model's type argument")
    args = [display(values, Bound(bound.module, a, bound.env), depth + 1) for a in expr.index]
    return f"{name}[{', '.join(args)}]"


def _union_members(values: Values, module: ir.ModuleIR, expr: ir.Expr) -> list[ir.Expr] | None:
    """The flattened members of `X | Y`, `Union[...]` or `Optional[X]`; None for anything else."""
    if isinstance(expr, ir.BinOp) and expr.op == "|":
        left = _union_members(values, module, expr.left) or [expr.left]
        right = _union_members(values, module, expr.right) or [expr.right]
        return left + right
    if isinstance(expr, ir.Subscript):
        qualname = values.qualname(module, expr.value)
        if qualname in _UNIONS:
            members = [m for a in expr.index for m in (_union_members(values, module, a) or [a])]
            if qualname.endswith("Optional"):
                members.append(ir.Const(None, expr.span))
            return members
    return None
