"""The parse stage's output: a small, picklable picture of a module.

libcst trees are expensive to keep and to cache, so the parser converts what later stages need into these
frozen dataclasses (expressions with spans, module-level bindings, handler-body facts) and drops the tree.
Nothing here is evaluated: `evaluate.py` gives expressions their values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from motia_gen.diagnostics import Diagnostic, Span

Scalar = str | int | float | bool | None


# ---- expressions -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Const:
    value: Scalar
    span: Span


@dataclass(frozen=True, slots=True)
class Name:
    id: str
    span: Span


@dataclass(frozen=True, slots=True)
class Attribute:
    value: Expr
    attr: str
    span: Span


@dataclass(frozen=True, slots=True)
class Keyword:
    """A call keyword argument; `name` is None for `**value`."""

    name: str | None
    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Call:
    func: Expr
    args: tuple[Expr, ...]
    keywords: tuple[Keyword, ...]
    span: Span

    def keyword(self, name: str) -> Expr | None:
        """The value passed as `name=...`, or None."""
        return next((k.value for k in self.keywords if k.name == name), None)


@dataclass(frozen=True, slots=True)
class Starred:
    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class DictEntry:
    """`key: value`, or `**value` when key is None."""

    key: Expr | None
    value: Expr


@dataclass(frozen=True, slots=True)
class DictExpr:
    entries: tuple[DictEntry, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class SeqExpr:
    kind: Literal["list", "tuple", "set"]
    elements: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class FormattedValue:
    value: Expr
    conversion: str | None
    format_spec: tuple[str | FormattedValue, ...] | None


@dataclass(frozen=True, slots=True)
class FString:
    parts: tuple[str | FormattedValue, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Subscript:
    value: Expr
    index: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class BinOp:
    op: str
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Unsupported:
    """An expression outside what the evaluator reads; `kind` names it for the diagnostic."""

    kind: str
    span: Span


@dataclass(frozen=True, slots=True)
class Lambda:
    """`lambda params: body` in a config (a condition, say). Kept as a function that the dispatch module
    finds again by where its body starts, since it has no name to import."""

    params: tuple[Param, ...]
    body: Span
    span: Span


Expr = (
    Const
    | Name
    | Attribute
    | Call
    | Starred
    | DictExpr
    | SeqExpr
    | FString
    | Subscript
    | BinOp
    | Lambda
    | Unsupported
)


# ---- handler bodies ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EmitSite:
    """`context.emit(...)`, `ctx.enqueue(...)` or a bare `emit(...)`/`enqueue(...)` call in a function."""

    method: str
    arg: Expr | None
    span: Span


@dataclass(frozen=True, slots=True)
class StreamUse:
    """A stream named in code: `context.streams.<name>` or `Stream("<name>")`."""

    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class DroppedCall:
    """A statement that is only a call of the classic context API (`context.emit(...)`,
    `ctx.state.set(...)`, `ctx.streams.todos.set(...)`): its coroutine is neither awaited nor kept."""

    call: str  # as written, arguments elided: `context.state.set`
    span: Span


@dataclass(frozen=True, slots=True)
class KeyRead:
    key: str
    span: Span


@dataclass(frozen=True, slots=True)
class StatusReturn:
    status: int
    span: Span


@dataclass(frozen=True, slots=True)
class LocalAssign:
    """A simple `name = expr` inside a function, kept so later checks can resolve local constants."""

    name: str
    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class LoopBinding:
    """`for name in <iterable>:` inside a function."""

    name: str
    iterable: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class BodyFacts:
    emits: tuple[EmitSite, ...] = ()
    streams: tuple[StreamUse, ...] = ()
    path_params: tuple[KeyRead, ...] = ()
    statuses: tuple[StatusReturn, ...] = ()
    locals: tuple[LocalAssign, ...] = ()
    loops: tuple[LoopBinding, ...] = ()
    opaque_calls: bool = False  # calls something other than builtins and methods of its parameters
    dropped: tuple[DroppedCall, ...] = ()


# ---- module-level bindings ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: Literal["positional", "vararg", "keyword", "varkw"]
    has_default: bool
    annotation: Expr | None


@dataclass(frozen=True, slots=True)
class FunctionDef:
    name: str
    is_async: bool
    params: tuple[Param, ...]
    decorators: tuple[Expr, ...]
    body: BodyFacts
    span: Span


@dataclass(frozen=True, slots=True)
class ClassField:
    """An annotated assignment in a class body: `name: annotation [= default]`."""

    name: str
    annotation: Expr
    default: Expr | None
    span: Span


@dataclass(frozen=True, slots=True)
class ClassAssign:
    """A plain `name = value` in a class body (enum members, `model_config`)."""

    name: str
    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class ClassDef:
    name: str
    bases: tuple[Expr, ...]
    keywords: tuple[Keyword, ...]
    decorators: tuple[Expr, ...]
    docstring: str | None
    fields: tuple[ClassField, ...]
    assigns: tuple[ClassAssign, ...]
    methods: tuple[str, ...]
    span: Span
    # (method name, its decorators) for each decorated method: `@computed_field` and the serializers
    # change a model's serialization schema
    method_decorators: tuple[tuple[str, tuple[Expr, ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class Assign:
    name: str
    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class ImportedName:
    """`import a.b` (local "a", module "a", name None), `import a.b as c` (local "c", module "a.b"),
    `from m import x as y` (local "y", module m, name "x"). Relative modules are already absolute."""

    local: str
    module: str
    name: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class ItemAssign:
    """`target[key] = value` at module level (Motia's templates patch `config` this way)."""

    target: str
    key: Expr
    value: Expr
    span: Span


Binding = Assign | ImportedName | FunctionDef | ClassDef


@dataclass(frozen=True, slots=True)
class ModuleIR:
    path: str
    module: str | None
    bindings: Mapping[str, Binding]
    assign_counts: Mapping[str, int]
    item_assigns: tuple[ItemAssign, ...]
    calls: tuple[Call, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    imported: tuple[ImportedName, ...] = ()  # every module-level import, modules fully dotted

    @property
    def ok(self) -> bool:
        return not self.diagnostics
