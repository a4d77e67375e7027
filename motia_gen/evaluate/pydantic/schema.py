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
from motia_gen.evaluate.pydantic.types import (
    ANNOTATED,
    CLASSVAR,
    FINAL,
    Json,
    Translator,
    TypeSchema,
    constrain,
    forward_ref,
    json_updates,
)
from motia_gen.evaluate.pydantic.values import (
    MAX_DEPTH,
    REQUIRED,
    EnumInfo,
    FieldOptions,
    Unsupported,
    Values,
    render,
)
from motia_gen.evaluate.symbols import ExternalSymbol, ProjectSymbol, Symbols
from motia_gen.parse import ir

_BASE_MODEL = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel"})
_ROOT_MODEL = frozenset({"pydantic.RootModel", "pydantic.root_model.RootModel"})
# Methods through which a model can rewrite its own schema.
_SCHEMA_HOOKS = frozenset(
    {"__get_pydantic_json_schema__", "__get_pydantic_core_schema__", "model_json_schema"}
)

Key = tuple[str, str]  # (module path, class name)
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


def model_json_schema(symbols: Symbols, module: ir.ModuleIR, cls: ir.ClassDef) -> SchemaResult:
    """The JSON Schema of a model class, or None with MG109 diagnostics when it cannot be exact."""
    builder = _Builder(symbols)
    schema: Json | None = None
    try:
        if not is_pydantic_model(symbols, module, cls):
            raise Unsupported(
                cls.span, f"'{cls.name}' is not a pydantic model (it does not derive from BaseModel)"
            )
        schema = builder.build(module, cls)
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


def title_from_name(name: str) -> str:
    """pydantic's `get_title_from_name`."""
    return name.title().replace("_", " ").strip()


class _Builder:
    def __init__(self, symbols: Symbols) -> None:
        self.symbols = symbols
        self.values = Values(symbols)
        self.types = Translator(symbols, self.values, self.ref)
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
    def build(self, module: ir.ModuleIR, cls: ir.ClassDef) -> Json:
        name = self.ref(module, cls, cls.span)
        self._check_ref_siblings()
        self._fill_tags()
        # pydantic inlines the top model unless a definition refers back to it.
        reachable = self._closure(_refs(self.defs[name]) | {name})
        recursive = any(name in _refs(self.defs[other]) for other in reachable)
        schema: Json = {"$ref": f"#/$defs/{name}"} if recursive else dict(self.defs[name])
        used = self._closure(_refs(schema))
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
                stack.extend(_refs(self.defs[name]))
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
    def ref(self, module: ir.ModuleIR, cls: ir.ClassDef, span: Span) -> str:
        """The `$defs` name of a model or enum, building its schema the first time."""
        name, key = cls.name, (module.path, cls.name)
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
        enum = self.values.enum_info(module, cls)
        if enum is not None:
            self.defs[name] = _enum_json(cls, enum)
        elif (root := self._root_type(module, cls)) is not None:
            self.defs[name] = self._root_model(module, cls, root)
        elif is_pydantic_model(self.symbols, module, cls):
            self.defs[name] = self._model(module, cls)
        else:
            raise Unsupported(span, f"'{cls.name}' is neither a pydantic model nor an Enum")
        return name

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
            _check_class(cls)
            if any(f.name != "root" for f in cls.fields):
                raise Unsupported(cls.span, "a RootModel has only its `root` field")
            json = self.types.translate(module, root).json()
            config = self.values.config(module, _own_config(cls)[0]) if _own_config(cls) else {}
            description = _description(cls)
        except Unsupported as error:
            self.report(error)
            return {}
        json["title"] = config.get("title", cls.name)
        if description is not None:
            json["description"] = description
        return json

    def _model(self, module: ir.ModuleIR, cls: ir.ClassDef) -> Json:
        try:
            mro = self._mro((module.path, cls.name), module, cls, frozenset())
            config = self._config((module.path, cls.name))
            description = _description(cls)
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
        json["title"] = config.get("title", cls.name)
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
        _check_class(cls)
        parents = [self._base(module, base) for base in cls.bases]
        sequences = [self._parent_mro(parent, seen | {key}) for parent in parents] + [parents]
        merged = _c3(sequences)
        if merged is None:
            raise Unsupported(
                cls.span, f"the bases of '{cls.name}' have no consistent method resolution order"
            )
        self.mros[key] = [key, *merged]
        return self.mros[key]

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
            for expr in _own_config(cls):
                config.update(self.values.config(module, expr))
            config.update(self.values.config_items(module, cls.keywords))
            self.configs[key] = config
        return self.configs[key]

    def _direct_bases(self, key: Key) -> list[Key]:
        module, cls = self.classes[key]
        return [self._base(module, base) for base in cls.bases]

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
        name = attrs.get("validation_alias", attrs.get("alias", field.name))
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


def _check_class(cls: ir.ClassDef) -> None:
    if cls.decorators:
        raise Unsupported(cls.decorators[0].span, "class decorators on a model are not supported")
    for method in cls.methods:
        if method in _SCHEMA_HOOKS:
            raise Unsupported(cls.span, f"the method '{method}' can change the schema and is not supported")
    for assign in cls.assigns:
        if assign.name != "model_config" and not assign.name.startswith("_"):
            message = f"the non-annotated attribute '{assign.name}' is not supported (pydantic rejects it)"
            raise Unsupported(assign.span, message)


def _own_config(cls: ir.ClassDef) -> list[ir.Expr]:
    exprs: list[ir.Expr] = [a.value for a in cls.assigns if a.name == "model_config"]
    exprs += [f.default for f in cls.fields if f.name == "model_config" and f.default is not None]
    return exprs


def _c3(sequences: list[list[Key]]) -> list[Key] | None:
    result: list[Key] = []
    pending = [list(sequence) for sequence in sequences if sequence]
    while pending:
        head = next((s[0] for s in pending if not any(s[0] in other[1:] for other in pending)), None)
        if head is None:
            return None
        result.append(head)
        pending = [[k for k in s if k != head] for s in pending]
        pending = [s for s in pending if s]
    return result


def _enum_json(cls: ir.ClassDef, enum: EnumInfo) -> Json:
    """pydantic's `enum_schema`."""
    json: Json = {"title": cls.name}
    description = _description(cls)
    if description is not None and description != "An enumeration.":
        json["description"] = description
    values = [value for _, value in enum.members]
    json["enum"] = values
    types = {type(value) for value in values}
    kinds = {str: "string", int: "integer", float: "number", bool: "boolean"}
    if len(types) == 1 and (kind := kinds.get(types.pop())) is not None:
        json["type"] = kind
    return json


def _description(cls: ir.ClassDef) -> str | None:
    """The cleaned docstring. An empty one is refused: pydantic skips an empty docstring but describes a
    whitespace-only one as "", and the IR holds both as ""."""
    if cls.docstring == "":
        raise Unsupported(cls.span, f"the empty docstring of '{cls.name}' is not supported")
    return cls.docstring


def _refs(value: Any) -> set[str]:
    """The `$defs` names a schema refers to (`examples` skipped, as pydantic does)."""
    found: set[str] = set()
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            for key, item in current.items():
                if key == "examples" and isinstance(item, list):
                    continue
                if key == "$ref" and isinstance(item, str) and item.startswith("#/$defs/"):
                    found.add(item.removeprefix("#/$defs/"))
                elif isinstance(item, dict | list):
                    stack.append(item)
        elif isinstance(current, list):
            stack.extend(current)
    return found
