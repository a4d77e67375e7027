"""A pydantic v2 model class, read statically, → the JSON Schema `Model.model_json_schema()` returns.

The compiler never imports user code, so the schema is rebuilt from the IR: fields in pydantic's order
(base classes first, along the MRO), each field's type through `pydantic_types`, nested models and enums
under `$defs`. Whatever the translator cannot reproduce exactly is reported as MG109 at the expression
responsible, and the model then has no schema: a schema that differs from pydantic's is worse than none.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from motia_gen.diagnostics import Diagnostic, Span, diag
from motia_gen.evaluate.pydantic import generics
from motia_gen.evaluate.pydantic.classes import (
    Key,
    c3,
    check_class,
    docstring,
    enum_json,
    own_config,
    referenced,
)
from motia_gen.evaluate.pydantic.generics import Bound, TypeVarKey
from motia_gen.evaluate.pydantic.standard import pydantic_name
from motia_gen.evaluate.pydantic.types import ANNOTATED, CLASSVAR, FINAL, Translator, forward_ref
from motia_gen.evaluate.pydantic.typeschema import Json, TypeSchema, constrain, json_updates
from motia_gen.evaluate.pydantic.values import (
    MAX_DEPTH,
    REQUIRED,
    FieldOptions,
    Unsupported,
    Values,
    render,
)
from motia_gen.evaluate.symbols import ExternalSymbol, ProjectSymbol, Symbols
from motia_gen.parse import ir

_BASE_MODEL = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel"})
_ROOT_MODEL = frozenset({"pydantic.RootModel", "pydantic.root_model.RootModel"})
_SERIALIZERS = frozenset(
    {"computed_field", "field_serializer", "model_serializer", "PlainSerializer", "WrapSerializer"}
)

_BASE: Key = ("", "BaseModel")


@dataclass(frozen=True, slots=True)
class SchemaResult:
    schema: dict[str, Any] | None
    diagnostics: tuple[Diagnostic, ...]


def is_pydantic_model(symbols: Symbols, module: ir.ModuleIR, cls: ir.ClassDef) -> bool:
    """Whether the class derives, through project classes, from pydantic's BaseModel (or RootModel)."""
    return _derives_from_model(symbols, module, cls, frozenset())


def _derives_from_model(
    symbols: Symbols, module: ir.ModuleIR, cls: ir.ClassDef, seen: frozenset[Key]
) -> bool:
    key = (module.path, cls.name)
    if key in seen:
        return False
    for base in cls.bases:
        # `RootModel[int]` or a generic model is still a model, if an unsupported one.
        target = base.value if isinstance(base, ir.Subscript) else base
        if not isinstance(target, ir.Name | ir.Attribute):
            continue
        symbol = symbols.lookup(module, target)
        if isinstance(symbol, ExternalSymbol) and symbol.qualname in _BASE_MODEL | _ROOT_MODEL:
            return True
        if (
            isinstance(symbol, ProjectSymbol)
            and isinstance(symbol.binding, ir.ClassDef)
            and _derives_from_model(symbols, symbol.module, symbol.binding, seen | {key})
        ):
            return True
    return False


def model_json_schema(
    symbols: Symbols,
    module: ir.ModuleIR,
    cls: ir.ClassDef,
    mode: str = "validation",
    args: tuple[Bound, ...] = (),
) -> SchemaResult:
    """The JSON Schema of a model class, `Model.model_json_schema(mode=mode)` (of `Model[args]` for a
    generic model), or None with MG109 diagnostics when it cannot be exact."""
    builder = _Builder(symbols, mode)
    schema: Json | None = None
    try:
        if not is_pydantic_model(symbols, module, cls):
            raise Unsupported(
                cls.span, f"'{cls.name}' is not a pydantic model (it does not derive from BaseModel)"
            )
        schema = builder.build(module, cls, args)
    except Unsupported as error:
        builder.report(error)
    except RecursionError:
        builder.report(Unsupported(cls.span, f"the model '{cls.name}' is nested too deeply to translate"))
    except Exception as error:  # a translator bug must not stop the compiler: report it on the model
        builder.report(Unsupported(cls.span, f"the translator failed on '{cls.name}': {error!r}"))
    diagnostics = tuple(dict.fromkeys(builder.diagnostics))
    if diagnostics:
        return SchemaResult(None, diagnostics)
    return SchemaResult(schema, ())


def generic_name(symbols: Symbols, cls: ir.ClassDef, args: tuple[ir.ModuleIR, tuple[ir.Expr, ...]]) -> str:
    """The `$defs` name of `cls[args]` (`Page_Item_`), or the class name when it cannot be shown."""
    try:
        return generics.names(Values(symbols), cls, tuple(Bound(args[0], a, {}) for a in args[1]))[0]
    except Unsupported:
        return cls.name


def title_from_name(name: str) -> str:
    """pydantic's `get_title_from_name`."""
    return name.title().replace("_", " ").strip()


class _Builder:
    def __init__(self, symbols: Symbols, mode: str = "validation") -> None:
        self.symbols = symbols
        self.mode = mode
        self.values = Values(symbols)
        self.types = Translator(symbols, self.values, self.ref, mode)
        self.defs: dict[str, Json] = {}
        self.owners: dict[str, Key] = {}
        self.classes: dict[Key, tuple[ir.ModuleIR, ir.ClassDef]] = {}
        self.mros: dict[Key, list[Key]] = {}
        self.configs: dict[Key, dict[str, Any]] = {}
        self.ref_fields: list[tuple[str, Json, Span]] = []
        self.diagnostics: list[Diagnostic] = []

    def report(self, error: Unsupported) -> None:
        self.diagnostics.append(diag("MG109", error.span, error.message))

    # -- the top level -------------------------------------------------------------------------------
    def build(self, module: ir.ModuleIR, cls: ir.ClassDef, args: tuple[Bound, ...] = ()) -> Json:
        name = self.ref(module, cls, args[0].expr.span if args else cls.span, args)
        self._check_ref_siblings()
        self._fill_tags()
        # pydantic inlines the top model unless a definition refers back to it.
        reachable = self._closure(referenced(self.defs[name]) | {name})
        recursive = any(name in referenced(self.defs[other]) for other in reachable)
        schema: Json = {"$ref": f"#/$defs/{name}"} if recursive else dict(self.defs[name])
        used = self._closure(referenced(schema))
        if used:
            schema["$defs"] = {other: self.defs[other] for other in sorted(used)}
        return copy.deepcopy(schema)

    def _fill_tags(self) -> None:
        """The mappings of discriminated unions: each member model's tag values (its `Literal` field)."""
        for mapping, prop, refs, span in self.types.pending_tags:
            for ref in refs:
                tag = self.defs.get(ref.removeprefix("#/$defs/"), {}).get("properties", {}).get(prop, {})
                values = [tag["const"]] if "const" in tag else tag.get("enum")
                if not values:
                    name = ref.removeprefix("#/$defs/")
                    self.report(Unsupported(span, f"'{name}' has no Literal field '{prop}' to tell it apart"))
                    break
                mapping.update((str(value), ref) for value in values)
        self.types.pending_tags.clear()

    def _closure(self, names: set[str]) -> set[str]:
        seen: set[str] = set()
        stack = list(names)
        while stack:
            name = stack.pop()
            if name not in seen and name in self.defs:
                seen.add(name)
                stack.extend(referenced(self.defs[name]))
        return seen

    def _check_ref_siblings(self) -> None:
        """pydantic drops a `$ref` sibling equal to the same key of the referenced schema, but only when
        that schema was generated first, which depends on its internal order: refuse rather than guess."""
        for name, json, span in self.ref_fields:
            target = self.defs.get(name, {})
            for key, value in json.items():
                if key != "$ref" and key in target and target[key] == value:
                    message = f"the field repeats the {key} of '{name}'; pydantic may or may not drop it"
                    self.report(Unsupported(span, message))

    # -- $defs ---------------------------------------------------------------------------------------
    def ref(self, module: ir.ModuleIR, cls: ir.ClassDef, span: Span, args: tuple[Bound, ...] = ()) -> str:
        """The `$defs` name of a model or enum (of a generic model with its type arguments), building
        its schema the first time."""
        name, key, title = cls.name, (module.path, cls.name), None
        env: dict[TypeVarKey, Bound] = {}
        params = generics.parameters(self.values, module, cls) or () if args else ()
        if args and len(params) != len(args):
            raise Unsupported(span, f"'{cls.name}' takes {len(params)} type argument(s), not {len(args)}")
        if args and not generics.own_parameters(self.values, params, args):
            name, title = generics.names(self.values, cls, args)
            env = dict(zip(params, args, strict=True))
        owner = self.owners.setdefault(name, key)
        if owner != key:
            raise Unsupported(
                span, f"two classes named '{name}' ({owner[0]} and {key[0]}) would share a $defs entry"
            )
        if not name.isascii():
            raise Unsupported(span, f"the class name '{name}' is not ASCII; pydantic renames it in $defs")
        if name in self.defs:
            return name
        self.defs[name] = {}  # a model referring to itself finds its own name from here on
        saved, self.types.env = self.types.env, env
        try:
            self.defs[name] = self._definition(module, cls, span, title)
        finally:
            self.types.env = saved
        return name

    def _definition(self, module: ir.ModuleIR, cls: ir.ClassDef, span: Span, title: str | None) -> Json:
        enum = self.values.enum_info(module, cls)
        if enum is not None:
            return enum_json(cls, enum)
        if (root := self._root_type(module, cls)) is not None:
            return self._root_model(module, cls, root)
        if is_pydantic_model(self.symbols, module, cls):
            return self._model(module, cls, title)
        raise Unsupported(span, f"'{cls.name}' is neither a pydantic model nor an Enum")

    def _root_type(self, module: ir.ModuleIR, cls: ir.ClassDef) -> ir.Expr | None:
        """The `T` of `class M(RootModel[T])` (or of `class M(RootModel): root: T`); None otherwise."""
        for base in cls.bases:
            target = base.value if isinstance(base, ir.Subscript) else base
            if self.values.qualname(module, target) not in _ROOT_MODEL:
                continue
            if len(cls.bases) > 1:
                raise Unsupported(base.span, "a RootModel with other base classes is not supported")
            if isinstance(base, ir.Subscript):
                if len(base.index) != 1:
                    raise Unsupported(base.span, "RootModel[...] takes one type")
                return base.index[0]
            root = next((f for f in cls.fields if f.name == "root"), None)
            if root is None:
                raise Unsupported(cls.span, "a RootModel needs RootModel[T] or a `root: T` field")
            return root.annotation
        return None

    def _root_model(self, module: ir.ModuleIR, cls: ir.ClassDef, root: ir.Expr) -> Json:
        """A RootModel's schema: its root type's, titled with the class (and its docstring)."""
        try:
            check_class(cls)
            if any(f.name != "root" for f in cls.fields):
                raise Unsupported(cls.span, "a RootModel has only its `root` field")
            json = self.types.translate(module, root).json()
            config = self.values.config(module, own_config(cls)[0]) if own_config(cls) else {}
            description = docstring(cls)
        except Unsupported as error:
            self.report(error)
            return {}
        json["title"] = config.get("title", cls.name)
        if description is not None:
            json["description"] = description
        return json

    def _model(self, module: ir.ModuleIR, cls: ir.ClassDef, parametrized: str | None = None) -> Json:
        """A model's schema; `parametrized` is the name of a generic model's parametrization
        (`Page[Item]`), a class of its own with no docstring."""
        try:
            mro = self._mro((module.path, cls.name), module, cls, frozenset())
            config = self._config((module.path, cls.name))
            description = docstring(cls) if parametrized is None else None
        except Unsupported as error:
            self.report(error)
            return {}
        properties: Json = {}
        required: list[str] = []
        for field_module, field in self._fields(mro).values():
            try:
                built = self._field(field_module, field)
            except Unsupported as error:
                self.report(error)
                continue
            if built is not None:
                properties[built[0]] = built[1]
                if built[2]:
                    required.append(built[0])
        json: Json = {"type": "object", "properties": properties}
        if required:
            json["required"] = required
        json["title"] = config.get("title", parametrized or cls.name)
        if description is not None:
            json["description"] = description
        if config.get("extra") in ("allow", "forbid"):
            json["additionalProperties"] = config["extra"] == "allow"
        json.update(config.get("json_schema_extra", {}))
        return json

    # -- classes -------------------------------------------------------------------------------------
    def _mro(self, key: Key, module: ir.ModuleIR, cls: ir.ClassDef, seen: frozenset[Key]) -> list[Key]:
        """The C3 linearisation of a model class over project classes; BaseModel stands for pydantic's."""
        if key in self.mros:
            return self.mros[key]
        if key in seen:
            raise Unsupported(cls.span, f"the class '{cls.name}' inherits from itself")
        self.classes[key] = (module, cls)
        check_class(cls)
        if self.mode == "serialization":
            self._check_serializers(module, cls)
        parents = self._direct_bases_of(module, cls)
        sequences = [self._parent_mro(parent, seen | {key}) for parent in parents] + [parents]
        merged = c3(sequences)
        if merged is None:
            raise Unsupported(
                cls.span, f"the bases of '{cls.name}' have no consistent method resolution order"
            )
        self.mros[key] = [key, *merged]
        return self.mros[key]

    def _check_serializers(self, module: ir.ModuleIR, cls: ir.ClassDef) -> None:
        """`@computed_field` and the serializer decorators change what a model is written as."""
        for _method, decorators in cls.method_decorators:
            for decorator in decorators:
                target = decorator.func if isinstance(decorator, ir.Call) else decorator
                name = pydantic_name(self.values.qualname(module, target))
                if name in _SERIALIZERS:
                    message = f"@{name} changes the serialization schema and is not supported"
                    raise Unsupported(decorator.span, message)

    def _parent_mro(self, parent: Key, seen: frozenset[Key]) -> list[Key]:
        if parent == _BASE:
            return [_BASE]
        module, cls = self.classes[parent]
        return self._mro(parent, module, cls, seen)

    def _base(self, module: ir.ModuleIR, base: ir.Expr) -> Key:
        symbol = self.symbols.lookup(module, base) if isinstance(base, ir.Name | ir.Attribute) else None
        if isinstance(symbol, ExternalSymbol) and symbol.qualname in _BASE_MODEL:
            return _BASE
        if (
            isinstance(symbol, ProjectSymbol)
            and isinstance(symbol.binding, ir.ClassDef)
            and is_pydantic_model(self.symbols, symbol.module, symbol.binding)
        ):
            key = (symbol.module.path, symbol.binding.name)
            self.classes[key] = (symbol.module, symbol.binding)
            return key
        if isinstance(base, ir.Subscript) and self.values.project_class(module, base.value) is not None:
            message = f"subclassing the parametrized model {render(base)} is not supported"
            raise Unsupported(base.span, message)
        raise Unsupported(base.span, f"the base class {render(base)} is not supported (only pydantic models)")

    def _config(self, key: Key) -> dict[str, Any]:
        """pydantic's config merge: each direct base's config in order, then `model_config`, then keywords."""
        if key == _BASE:
            return {}
        if key not in self.configs:
            module, cls = self.classes[key]
            config: dict[str, Any] = {}
            for parent in self._direct_bases(key):
                config.update(self._config(parent))
            for expr in own_config(cls):
                config.update(self.values.config(module, expr))
            config.update(self.values.config_items(module, cls.keywords))
            self.configs[key] = config
        return self.configs[key]

    def _direct_bases(self, key: Key) -> list[Key]:
        return self._direct_bases_of(*self.classes[key])

    def _direct_bases_of(self, module: ir.ModuleIR, cls: ir.ClassDef) -> list[Key]:
        """The model bases of a class (`Generic[T]` makes it generic, and is not one)."""
        return [
            self._base(module, base)
            for base in cls.bases
            if not generics.is_generic_base(self.values, module, base)
        ]

    def _fields(self, mro: list[Key]) -> dict[str, tuple[ir.ModuleIR, ir.ClassField]]:
        """Annotations along the reversed MRO; an overriding field keeps its base's position."""
        fields: dict[str, tuple[ir.ModuleIR, ir.ClassField]] = {}
        for key in reversed(mro):
            if key == _BASE:
                continue
            module, cls = self.classes[key]
            for field in cls.fields:
                if field.name != "model_config":
                    fields[field.name] = (module, field)
        return fields

    # -- fields --------------------------------------------------------------------------------------
    def _field(self, module: ir.ModuleIR, field: ir.ClassField) -> tuple[str, Json, bool] | None:
        if field.name.startswith("_") or self._is_classvar(module, field.annotation):
            return None
        base_module, base, metadata = self._split_annotated(module, field.annotation, 0)
        infos = [info for info in (self.types.metadata(m, meta) for m, meta in metadata) if info is not None]
        assigned: FieldOptions | None = None
        attrs: dict[str, Any] = {}
        if isinstance(field.default, ir.Call) and self.values.is_field_call(module, field.default):
            assigned = self.values.field_options(module, field.default)
        for info in [*infos, *([assigned] if assigned else [])]:
            extra = {**attrs.get("json_schema_extra", {}), **info.attrs.get("json_schema_extra", {})}
            attrs.update(info.attrs)
            if extra:
                attrs["json_schema_extra"] = extra
        if self.mode == "serialization" and attrs.get("exclude"):
            return None  # never written
        if field.default is not None and assigned is None:
            attrs["default"] = (
                self.values.const(module, field.default) if not _is_ellipsis(field.default) else REQUIRED
            )
        schema = self.types.translate(base_module, base)
        # pydantic puts the assigned Field's constraints before those of Annotated: the latter win.
        for info in ([assigned] if assigned else []) + infos:
            for constraint in info.constraints:
                schema = constrain(schema, *constraint)
            if "discriminator" in info.attrs:
                schema = self.types.discriminated(
                    schema, info.attrs["discriminator"], info.spans["discriminator"]
                )
        return self._field_json(field, schema, attrs)

    def _field_json(
        self, field: ir.ClassField, schema: TypeSchema, attrs: dict[str, Any]
    ) -> tuple[str, Json, bool]:
        json = schema.json()
        json.update(json_updates(attrs))
        required = attrs.get("default", REQUIRED) is REQUIRED and not attrs.get("default_factory")
        if "default" in attrs and attrs["default"] is not REQUIRED:
            json["default"] = attrs["default"]
        own = "serialization_alias" if self.mode == "serialization" else "validation_alias"
        name = attrs.get(own, attrs.get("alias", field.name))
        if "title" not in json and schema.title_wanted():
            json["title"] = title_from_name(name)
        if "$ref" in json and len(json) > 1:
            self.ref_fields.append((json["$ref"].removeprefix("#/$defs/"), json, field.span))
        return name, json, required

    def _split_annotated(
        self, module: ir.ModuleIR, expr: ir.Expr, depth: int
    ) -> tuple[ir.ModuleIR, ir.Expr, list[tuple[ir.ModuleIR, ir.Expr]]]:
        """A top-level `Annotated[T, ...]` (maybe through an alias or a string): its metadata belongs to the
        field itself. Returns T and the metadata in order (nested Annotated flattened, as typing does)."""
        if depth > MAX_DEPTH:
            raise Unsupported(expr.span, "the annotation is nested or aliased too deeply")
        if isinstance(expr, ir.Const) and isinstance(expr.value, str):
            return self._split_annotated(module, forward_ref(expr.span, expr.value), depth + 1)
        if isinstance(expr, ir.Subscript) and self.values.qualname(module, expr.value) in ANNOTATED:
            if len(expr.index) < 2:
                raise Unsupported(expr.span, "Annotated[...] needs a type and at least one annotation")
            inner_module, inner, metadata = self._split_annotated(module, expr.index[0], depth + 1)
            return inner_module, inner, metadata + [(module, meta) for meta in expr.index[1:]]
        if isinstance(expr, ir.Name | ir.Attribute):
            symbol = self.symbols.lookup(module, expr)
            if (
                isinstance(symbol, ProjectSymbol)
                and isinstance(symbol.binding, ir.Assign)
                and isinstance(symbol.binding.value, ir.Subscript)
            ):
                found = self._split_annotated(symbol.module, symbol.binding.value, depth + 1)
                if found[2]:
                    return found
        return module, expr, []

    def _is_classvar(self, module: ir.ModuleIR, annotation: ir.Expr) -> bool:
        target = annotation.value if isinstance(annotation, ir.Subscript) else annotation
        qualname = self.values.qualname(module, target)
        if qualname in FINAL:
            raise Unsupported(annotation.span, "Final fields are not supported")
        return qualname in CLASSVAR


def _is_ellipsis(expr: ir.Expr) -> bool:
    return isinstance(expr, ir.Name) and expr.id == "..."
