"""What a type turns into, and how a field's constraints and options change it, as pydantic 2's
`GenerateJsonSchema` does.

`TypeSchema` keeps what the field level still needs besides the JSON: the kind (constraints apply per
kind, and pydantic gives no title to a field whose type is a model or an enum) and, for `X | None`, the
inner type (pydantic applies a field's constraints to the inner type of a nullable one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from motia_gen.diagnostics import Span
from motia_gen.evaluate.pydantic.standard import SCHEMA_NEUTRAL, decimal_bound
from motia_gen.evaluate.pydantic.values import Unsupported

Json = dict[str, Any]

_LITERAL_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}

_KIND_NAMES = {
    "str": "a str",
    "int": "an int",
    "float": "a float",
    "bool": "a bool",
    "null": "None",
    "any": "Any",
    "list": "a list",
    "set": "a set",
    "tuple": "a tuple",
    "dict": "a dict",
    "literal": "a Literal",
    "ref": "a model or an enum",
    "union": "a union",
    "decimal": "a Decimal",
    "decimal-string": "a Decimal",
    "bytes": "bytes",
}
# Field constraints → JSON Schema keys, per kind (pydantic's `ValidationsMapping`).
_ITEMS = {"min_length": "minItems", "max_length": "maxItems"}
_BOUNDS = {
    "ge": "minimum",
    "gt": "exclusiveMinimum",
    "le": "maximum",
    "lt": "exclusiveMaximum",
    "multiple_of": "multipleOf",
}
_CONSTRAINT_KEYS: dict[str, dict[str, str]] = {
    "str": {"min_length": "minLength", "max_length": "maxLength", "pattern": "pattern"},
    "list": _ITEMS,
    "set": _ITEMS,
    "tuple": _ITEMS,
    "dict": {"min_length": "minProperties", "max_length": "maxProperties"},
    "int": _BOUNDS,
    "float": _BOUNDS,
    "bytes": {"min_length": "minLength", "max_length": "maxLength"},
}


@dataclass(frozen=True, slots=True)
class TypeSchema:
    kind: str
    base: Mapping[str, Any]
    inner: TypeSchema | None = None  # the non-null type of kind "nullable"
    updates: Mapping[str, Any] = field(default_factory=dict)  # title/description/... from Field(...)

    def json(self) -> Json:
        out = dict(self.base) if self.inner is None else nullable_json(self.inner.json())
        out.update(self.updates)
        return out

    def updated(self, updates: Mapping[str, Any]) -> TypeSchema:
        return replace(self, updates={**self.updates, **updates})

    def title_wanted(self) -> bool:
        """pydantic's `field_title_should_be_set`: no title for models and enums, even when nullable."""
        if self.inner is not None:
            return self.inner.title_wanted()
        return self.kind != "ref"


NULL = TypeSchema("null", {"type": "null"})


def nullable_json(inner: Json) -> Json:
    null = {"type": "null"}
    return null if inner == null else flattened_any_of([inner, null])


def flattened_any_of(schemas: list[Json]) -> Json:
    members: list[Json] = []
    for schema in schemas:
        members.extend(schema["anyOf"] if len(schema) == 1 and "anyOf" in schema else [schema])
    unique = list({_hashable(member): member for member in members}.values())
    return unique[0] if len(unique) == 1 else {"anyOf": unique}


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((key, _hashable(item)) for key, item in value.items()))
    if isinstance(value, list):
        return tuple(_hashable(item) for item in value)
    return value


def constrain(schema: TypeSchema, name: str, value: Any, span: Span) -> TypeSchema:
    """Apply one Field constraint the way pydantic's known-metadata rules do, for the supported kinds."""
    if schema.inner is not None:
        return replace(schema, inner=constrain(schema.inner, name, value, span))
    if name in SCHEMA_NEUTRAL:
        return schema
    if schema.kind == "decimal-string" and name in _BOUNDS:  # serialized as a string: no bounds
        return schema
    if schema.kind == "decimal" and name in _BOUNDS:  # the number branch of `number | string`
        number, text = schema.base["anyOf"]
        return replace(schema, base={"anyOf": [{**number, _BOUNDS[name]: decimal_bound(value)}, text]})
    key = _CONSTRAINT_KEYS.get(schema.kind, {}).get(name)
    if key is None:
        raise Unsupported(span, f"the constraint '{name}' is not supported on {_KIND_NAMES[schema.kind]}")
    if schema.kind == "int" and isinstance(value, float) and not value.is_integer():
        raise Unsupported(span, f"the constraint {name}={value!r} on an int is rejected by pydantic")
    return replace(schema, base={**schema.base, key: value})


def json_updates(options: Mapping[str, Any]) -> Json:
    """The keys a Field's attributes add to the schema, with `json_schema_extra` merged last."""
    updates = {key: options[key] for key in ("title", "description", "examples") if key in options}
    if options.get("deprecated"):
        updates["deprecated"] = True
    updates.update(options.get("json_schema_extra", {}))
    return updates


def literal_json(values: list[Any]) -> Json:
    out: Json = {"const": values[0]} if len(values) == 1 else {"enum": values}
    types = {type(value) for value in values}
    if len(types) == 1 and (kind := _LITERAL_TYPES.get(types.pop())) is not None:
        out["type"] = kind
    return out


def dict_json(keys: Json, values: Json) -> Json:
    """pydantic's `_common_dict_schema`."""
    out: Json = {"type": "object"}
    pattern = None
    if "$ref" not in keys:
        pattern = keys.pop("pattern", None)
        keys.pop("title", None)
    values.pop("title", None)
    if values or pattern is not None:
        if pattern is None:
            out["additionalProperties"] = values
        else:
            out["patternProperties"] = {pattern: values}
    else:
        out["additionalProperties"] = True
    if (keys.get("type") == "string" and len(keys) > 1) or "$ref" in keys:
        keys.pop("type", None)
        out["propertyNames"] = keys
    return out
