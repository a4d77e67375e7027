"""Annotations → JSON Schema, the way pydantic 2's `GenerateJsonSchema` renders each supported type
(each as a `typeschema.TypeSchema`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from motia_gen.diagnostics import Span
from motia_gen.evaluate.pydantic.generics import Bound, TypeVarKey, parameters, typevar, unbound
from motia_gen.evaluate.pydantic.standard import (
    CONSTRAINED,
    CONSTRAINED_SEQUENCES,
    SCHEMA_NEUTRAL,
    pydantic_name,
    standard_type,
    typing_alias,
)
from motia_gen.evaluate.pydantic.typeschema import (
    NULL,
    Json,
    TypeSchema,
    constrain,
    dict_json,
    flattened_any_of,
    json_updates,
    literal_json,
)
from motia_gen.evaluate.pydantic.values import MAX_DEPTH, FieldOptions, Unsupported, Values, render
from motia_gen.evaluate.symbols import ExternalSymbol, MissingSymbol, ModuleSymbol, ProjectSymbol, Symbols
from motia_gen.parse import ir

# (module, class, where, type arguments) → the `$defs` name of the model or enum
RefMaker = Callable[[ir.ModuleIR, ir.ClassDef, Span, tuple[Bound, ...]], str]


def _typing(*names: str) -> frozenset[str]:
    return frozenset(f"{module}.{name}" for module in ("typing", "typing_extensions") for name in names)


_OPTIONAL = _typing("Optional")
_UNION = _typing("Union")
_LITERAL = _typing("Literal")
ANNOTATED = _typing("Annotated")
_ANY = _typing("Any")
CLASSVAR = _typing("ClassVar")
FINAL = _typing("Final")
_NONE = frozenset({"types.NoneType"})
_LIST = _typing("List") | {"builtins.list"}
_SET = _typing("Set", "FrozenSet") | {"builtins.set", "builtins.frozenset"}
_TUPLE = _typing("Tuple") | {"builtins.tuple"}
_DICT = _typing("Dict") | {"builtins.dict"}
_PRIMITIVES = {
    "builtins.str": ("str", "string"),
    "builtins.int": ("int", "integer"),
    "builtins.float": ("float", "number"),
    "builtins.bool": ("bool", "boolean"),
}


class Translator:
    def __init__(self, symbols: Symbols, values: Values, refs: RefMaker, mode: str = "validation") -> None:
        self.symbols = symbols
        self.values = values
        self.refs = refs
        self.mode = mode  # of `model_json_schema(mode=...)`: "validation" or "serialization"
        # discriminated unions: (mapping to fill, property, member refs, where), see `discriminated`
        self.pending_tags: list[tuple[Json, str, list[str], Span]] = []
        # what the TypeVars stand for in the generic model being built (`generics`)
        self.env: Mapping[TypeVarKey, Bound] = {}

    def translate(self, module: ir.ModuleIR, expr: ir.Expr, depth: int = 0) -> TypeSchema:
        if depth > MAX_DEPTH:
            raise Unsupported(expr.span, "the annotation is nested or aliased too deeply")
        match expr:
            case ir.Const(value=None):
                return NULL
            case ir.Const(value=str() as text):
                return self.translate(module, forward_ref(expr.span, text), depth + 1)
            case ir.BinOp(op="|"):
                return self._union(module, expr, depth)
            case ir.Subscript():
                return self._subscript(module, expr, depth)
            case ir.Name() | ir.Attribute():
                return self._named(module, expr, depth)
            case ir.Call():
                return self._constrained(module, expr, depth)
        raise Unsupported(expr.span, f"the annotation {render(expr)} is not supported")

    # -- names ---------------------------------------------------------------------------------------
    def _named(self, module: ir.ModuleIR, expr: ir.Name | ir.Attribute, depth: int) -> TypeSchema:
        symbol = self.symbols.lookup(module, expr)
        if isinstance(symbol, ExternalSymbol):
            return self._external(symbol.qualname, expr)
        if isinstance(symbol, MissingSymbol):
            raise Unsupported(expr.span, symbol.message)
        if isinstance(symbol, ModuleSymbol):
            raise Unsupported(expr.span, f"'{render(expr)}' is a module, not a type")
        binding = symbol.binding
        if isinstance(binding, ir.ClassDef):
            return TypeSchema("ref", {"$ref": f"#/$defs/{self.refs(symbol.module, binding, expr.span, ())}"})
        if (found := typevar(self.values, module, expr)) is not None:
            return self._typevar(*found, depth)
        if isinstance(binding, ir.Assign) and isinstance(binding.value, ir.Subscript | ir.BinOp):
            return self.translate(symbol.module, binding.value, depth + 1)  # a type alias
        raise Unsupported(expr.span, f"'{render(expr)}' is not a type the translator supports")

    def _typevar(self, key: TypeVarKey, call: ir.Call, depth: int) -> TypeSchema:
        """A TypeVar: its argument, translated where it was written; `Any` where it has none."""
        bound = self.env.get(key)
        if bound is None:
            unbound(call, key[1])
            return TypeSchema("any", {})
        saved, self.env = self.env, bound.env
        try:
            return self.translate(bound.module, bound.expr, depth + 1)
        finally:
            self.env = saved

    def _external(self, qualname: str, expr: ir.Expr) -> TypeSchema:
        if qualname in _PRIMITIVES:
            kind, json_type = _PRIMITIVES[qualname]
            return TypeSchema(kind, {"type": json_type})
        if qualname in _ANY:
            return TypeSchema("any", {})
        if qualname in _NONE:
            return NULL
        if qualname in _LIST:
            return TypeSchema("list", {"type": "array", "items": {}})
        if qualname in _SET:
            return TypeSchema("set", {"type": "array", "uniqueItems": True, "items": {}})
        if qualname in _TUPLE:
            return TypeSchema("tuple", {"type": "array", "items": {}})
        if qualname in _DICT:
            return TypeSchema("dict", {"type": "object", "additionalProperties": True})
        standard = standard_type(qualname, self.mode)
        if standard is not None:
            return TypeSchema(*standard)
        container = typing_alias(qualname)
        if container == "list":
            return TypeSchema("list", {"type": "array", "items": {}})
        if container == "set":
            return TypeSchema("set", {"type": "array", "uniqueItems": True, "items": {}})
        if container == "dict":
            return TypeSchema("dict", {"type": "object", "additionalProperties": True})
        if pydantic_name(qualname) == "Json":
            return self._json({})
        raise Unsupported(expr.span, f"the type '{qualname}' is not supported")

    def _json(self, content: Json) -> TypeSchema:
        """`Json[T]`: a string holding T, read; written, T itself."""
        if self.mode == "serialization":
            return TypeSchema("any", content)
        return TypeSchema(
            "any", {"contentMediaType": "application/json", "contentSchema": content, "type": "string"}
        )

    # -- subscripts ----------------------------------------------------------------------------------
    def _subscript(self, module: ir.ModuleIR, expr: ir.Subscript, depth: int) -> TypeSchema:
        qualname = self.values.qualname(module, expr.value)
        if qualname in _OPTIONAL | _UNION:
            return self._union(module, expr, depth)
        if qualname in _LITERAL:
            return TypeSchema("literal", literal_json(self._literal_values(module, expr)))
        if qualname in ANNOTATED:
            return self._annotated(module, expr, depth)
        if qualname in _TUPLE:
            return self._tuple(module, expr, depth)
        if qualname in _DICT:
            keys, values = (self.translate(module, arg, depth + 1).json() for arg in _args(expr, 2))
            return TypeSchema("dict", dict_json(keys, values))
        container = (
            "list" if qualname in _LIST else "set" if qualname in _SET else typing_alias(qualname or "")
        )
        if container in ("list", "set"):
            (item,) = _args(expr, 1)
            items = self.translate(module, item, depth + 1).json()
            if container == "list":
                return TypeSchema("list", {"type": "array", "items": items})
            return TypeSchema("set", {"type": "array", "uniqueItems": True, "items": items})
        if container == "dict":
            keys, values = (self.translate(module, arg, depth + 1).json() for arg in _args(expr, 2))
            return TypeSchema("dict", dict_json(keys, values))
        if pydantic_name(qualname) == "Json":
            (inner,) = _args(expr, 1)
            return self._json(self.translate(module, inner, depth + 1).json())
        project = self.values.project_class(module, expr.value)
        if project is not None and parameters(self.values, *project) is not None:
            args = tuple(Bound(module, arg, self.env) for arg in expr.index)
            return TypeSchema("ref", {"$ref": f"#/$defs/{self.refs(*project, expr.span, args)}"})
        name = qualname or render(expr.value)
        raise Unsupported(expr.span, f"the annotation {name}[...] is not supported")

    def _constrained(self, module: ir.ModuleIR, expr: ir.Call, depth: int) -> TypeSchema:
        """`constr(min_length=2)`, `conint(gt=0)`, `condecimal(ge=0)`, `conlist(int, min_length=1)`, …"""
        name = pydantic_name(self.values.qualname(module, expr.func))
        if name in CONSTRAINED_SEQUENCES:
            if len(expr.args) != 1:
                raise Unsupported(expr.span, f"{name}() takes the item type as its one positional argument")
            item = self.translate(module, expr.args[0], depth + 1).json()
            kind = "list" if name == "conlist" else "set"
            base: Json = {"type": "array", "items": item} | ({"uniqueItems": True} if kind == "set" else {})
            schema = TypeSchema(kind, base)
        elif name in CONSTRAINED and not expr.args:
            schema = self._external(CONSTRAINED[name], expr)
        else:
            raise Unsupported(expr.span, f"the annotation {render(expr)} is not supported")
        for keyword in expr.keywords:
            if keyword.name is None:
                raise Unsupported(keyword.span, "`**` arguments are not supported here")
            value = self.values.constraint(module, keyword.value)
            if value is not None:
                schema = constrain(schema, keyword.name, value, keyword.span)
        return schema

    def _tuple(self, module: ir.ModuleIR, expr: ir.Subscript, depth: int) -> TypeSchema:
        index = expr.index
        if len(index) == 2 and isinstance(index[1], ir.Name) and index[1].id == "...":
            return TypeSchema(
                "tuple", {"type": "array", "items": self.translate(module, index[0], depth + 1).json()}
            )
        if len(index) == 1 and isinstance(index[0], ir.SeqExpr) and index[0].kind == "tuple":
            if index[0].elements:
                raise Unsupported(index[0].span, "a tuple inside tuple[...] is not supported")
            index = ()
        if any(isinstance(item, ir.Name) and item.id == "..." for item in index):
            raise Unsupported(expr.span, "`...` is only supported as tuple[X, ...]")
        items = [self.translate(module, item, depth + 1).json() for item in index]
        out: Json = {"type": "array", "minItems": len(items), "maxItems": len(items)}
        if items:
            out["prefixItems"] = items
        return TypeSchema("tuple", out)

    def _literal_values(self, module: ir.ModuleIR, expr: ir.Subscript) -> list[Any]:
        seen: list[tuple[Any, ...]] = []
        values: list[Any] = []
        for item in expr.index:
            found, value = self.values.enum_member(module, item)
            owner = self.values.project_class(module, item.value) if isinstance(item, ir.Attribute) else None
            if found and owner is not None:  # a member: typing compares it with its enum's other members
                key: tuple[Any, ...] = ("member", owner[0].path, owner[1].name, value)
            elif found:  # `Color.RED.value`
                key = (type(value), value)
            elif isinstance(item, ir.Const):
                key, value = (type(item.value), item.value), item.value
            else:
                raise Unsupported(item.span, f"the Literal value {render(item)} is not supported")
            if key not in seen:  # typing.Literal drops repeated values (compared with their types)
                seen.append(key)
                values.append(value)
        return values

    def _annotated(self, module: ir.ModuleIR, expr: ir.Subscript, depth: int) -> TypeSchema:
        if len(expr.index) < 2:
            raise Unsupported(expr.span, "Annotated[...] needs a type and at least one annotation")
        schema = self.translate(module, expr.index[0], depth + 1)
        for meta in expr.index[1:]:
            options = self.metadata(module, meta)
            if options is None:
                continue
            allowed = {"title", "description", "examples", "json_schema_extra", "deprecated", "discriminator"}
            allowed.add("exclude")  # of a field only; pydantic ignores it on an inner type
            misplaced = sorted(set(options.attrs) - allowed)
            if misplaced:
                raise Unsupported(
                    options.spans[misplaced[0]], f"Field({misplaced[0]}=...) has no effect here"
                )
            for name, value, span in options.constraints:
                schema = constrain(schema, name, value, span)
            if "discriminator" in options.attrs:
                schema = self.discriminated(
                    schema, options.attrs["discriminator"], options.spans["discriminator"]
                )
            schema = schema.updated(json_updates(options.attrs))
        return schema

    def _string_constraints(self, module: ir.ModuleIR, call: ir.Call) -> FieldOptions:
        if call.args:
            raise Unsupported(call.span, "StringConstraints() takes keyword arguments only")
        constraints: list[tuple[str, Any, Span]] = []
        for keyword in call.keywords:
            if keyword.name not in {"min_length", "max_length", "pattern", *SCHEMA_NEUTRAL}:
                raise Unsupported(
                    keyword.span, f"StringConstraints({keyword.name or '**'}=...) is not supported"
                )
            value = self.values.const(module, keyword.value)
            if value is not None and keyword.name not in SCHEMA_NEUTRAL:
                constraints.append((keyword.name, value, keyword.span))
        return FieldOptions({}, tuple(constraints), {})

    def discriminated(self, schema: TypeSchema, name: str | None, span: Span) -> TypeSchema:
        """A union of models told apart by their `name` field: `oneOf` with pydantic's `discriminator`.
        The mapping from each tag to its model is filled in once every model's schema is built
        (`pending_tags`). A function (`Discriminator(pick)`, `name` None) picks a member at run time:
        then the schema is the `oneOf` alone."""
        if schema.inner is not None:
            return replace(schema, inner=self.discriminated(schema.inner, name, span))
        members = schema.base.get("anyOf") if schema.kind == "union" else None
        if name is None:
            if not members:
                raise Unsupported(span, "Discriminator(...) needs a union")
            return TypeSchema("union", {"oneOf": list(members)})
        if not members or not all(set(member) == {"$ref"} for member in members):
            raise Unsupported(span, "discriminator= needs a union of models")
        mapping: Json = {}
        self.pending_tags.append((mapping, name, [m["$ref"] for m in members], span))
        return TypeSchema(
            "union", {"discriminator": {"mapping": mapping, "propertyName": name}, "oneOf": list(members)}
        )

    def metadata(self, module: ir.ModuleIR, meta: ir.Expr) -> FieldOptions | None:
        """An `Annotated` entry: a `Field(...)` or `StringConstraints(...)` call, or a constant pydantic
        ignores (None)."""
        if isinstance(meta, ir.Call) and self.values.is_field_call(module, meta):
            return self.values.field_options(module, meta)
        if (
            isinstance(meta, ir.Call)
            and pydantic_name(self.values.qualname(module, meta.func)) == "StringConstraints"
        ):
            return self._string_constraints(module, meta)
        name = pydantic_name(self.values.qualname(module, meta.func)) if isinstance(meta, ir.Call) else None
        if isinstance(meta, ir.Call) and name == "Discriminator":
            return self._discriminator(module, meta)
        if isinstance(meta, ir.Call) and name == "Tag":  # names a member for a `Discriminator` function
            return None
        if isinstance(meta, ir.Const):
            return None
        raise Unsupported(meta.span, f"the Annotated metadata {render(meta)} is not supported")

    def _discriminator(self, module: ir.ModuleIR, call: ir.Call) -> FieldOptions:
        """`Discriminator("kind")` is `Field(discriminator="kind")`; `Discriminator(function)` has the
        function pick the member (None)."""
        if len(call.args) != 1 or call.keywords:
            raise Unsupported(call.span, "Discriminator() is supported with one argument only")
        (arg,) = call.args
        if isinstance(arg, ir.Const) and isinstance(arg.value, str):
            name: str | None = arg.value
        elif isinstance(arg, ir.Name | ir.Attribute | ir.Lambda):
            name = None  # a function, never called here
        else:
            raise Unsupported(arg.span, f"Discriminator({render(arg)}) is not supported")
        return FieldOptions({"discriminator": name}, (), {"discriminator": call.span})

    # -- unions --------------------------------------------------------------------------------------
    def _union(self, module: ir.ModuleIR, expr: ir.Expr, depth: int) -> TypeSchema:
        nullable = False
        choices: list[TypeSchema] = []
        for member_module, member in self._members(module, expr, depth):
            if self._is_none(member_module, member):
                nullable = True
                continue
            choice = self.translate(member_module, member, depth + 1)
            if not any(c.kind == choice.kind and c.json() == choice.json() for c in choices):
                choices.append(choice)  # typing.Union drops repeated members
        if not choices:
            return NULL
        schema = choices[0]
        if len(choices) > 1:
            schema = TypeSchema("union", flattened_any_of([choice.json() for choice in choices]))
        return TypeSchema("nullable", {}, schema) if nullable else schema

    def _members(self, module: ir.ModuleIR, expr: ir.Expr, depth: int) -> list[tuple[ir.ModuleIR, ir.Expr]]:
        """The flattened members of a union (`X | Y`, `Union[...]`, `Optional[X]`, aliases of those)."""
        if depth > MAX_DEPTH:
            raise Unsupported(expr.span, "the annotation is nested or aliased too deeply")
        if isinstance(expr, ir.BinOp) and expr.op == "|":
            return self._members(module, expr.left, depth + 1) + self._members(module, expr.right, depth + 1)
        if isinstance(expr, ir.Const) and isinstance(expr.value, str):
            return self._members(module, forward_ref(expr.span, expr.value), depth + 1)
        if isinstance(expr, ir.Subscript):
            qualname = self.values.qualname(module, expr.value)
            if qualname in _UNION:
                return [m for arg in expr.index for m in self._members(module, arg, depth + 1)]
            if qualname in _OPTIONAL:
                (arg,) = _args(expr, 1)
                return [*self._members(module, arg, depth + 1), (module, ir.Const(None, expr.span))]
        if isinstance(expr, ir.Name | ir.Attribute):
            symbol = self.symbols.lookup(module, expr)
            if (
                isinstance(symbol, ProjectSymbol)
                and isinstance(symbol.binding, ir.Assign)
                and isinstance(symbol.binding.value, ir.Subscript | ir.BinOp)
            ):
                return self._members(symbol.module, symbol.binding.value, depth + 1)
        return [(module, expr)]

    def _is_none(self, module: ir.ModuleIR, expr: ir.Expr) -> bool:
        if isinstance(expr, ir.Const):
            return expr.value is None
        return self.values.qualname(module, expr) in _NONE


def _args(expr: ir.Subscript, count: int) -> tuple[ir.Expr, ...]:
    if len(expr.index) != count:
        raise Unsupported(expr.span, f"{render(expr.value)}[...] takes {count} argument(s)")
    return expr.index


def forward_ref(span: Span, text: str) -> ir.Expr:
    """A string annotation parsed as an expression; every part of it points at the string."""
    import libcst as cst  # noqa: PLC0415 - libcst loads only when something is parsed (see project.py)

    from motia_gen.parse.expressions import ExpressionConverter  # noqa: PLC0415

    try:
        node = cst.parse_expression(text.strip())
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        raise Unsupported(span, f"the string annotation {text!r} is not a valid expression") from None
    return ExpressionConverter(lambda _node: span).convert(node)
