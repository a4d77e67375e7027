"""JSON Schema traversal by keyword: which values are subschemas, so data (`const`, `default`,
`examples`, property names) is never mistaken for schema."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Json = Any

# Keywords whose value is one subschema, a list of them, or a name → subschema map.
_ONE = frozenset(
    {
        "items",
        "additionalProperties",
        "not",
        "contains",
        "propertyNames",
        "if",
        "then",
        "else",
        "unevaluatedItems",
        "unevaluatedProperties",
        "additionalItems",
        "contentSchema",
    }
)
_MANY = frozenset({"allOf", "anyOf", "oneOf", "prefixItems", "items"})
_MAP = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})


def map_children(schema: dict[str, Json], fn: Callable[[Json], Json]) -> dict[str, Json]:
    """A copy of `schema` whose direct subschemas are replaced by `fn(subschema)`."""
    out = dict(schema)
    for key, value in schema.items():
        if key in _ONE and isinstance(value, dict | bool):
            out[key] = fn(value)
        elif key in _MANY and isinstance(value, list):
            out[key] = [fn(item) for item in value]
        elif key in _MAP and isinstance(value, dict):
            out[key] = {name: fn(item) for name, item in value.items()}
    return out


def children(schema: Json) -> Iterator[Json]:
    """Direct subschemas, in sorted keyword order (so every walk visits them in the same order)."""
    if not isinstance(schema, dict):
        return
    for key in sorted(schema):
        value = schema[key]
        if key in _ONE and isinstance(value, dict | bool):
            yield value
        elif key in _MANY and isinstance(value, list):
            yield from value
        elif key in _MAP and isinstance(value, dict):
            yield from (value[name] for name in sorted(value))


def map_refs(schema: Json, fn: Callable[[str], str]) -> Json:
    """A copy with every `$ref` (and every discriminator mapping target, which is a reference too)
    replaced by `fn(ref)`."""
    if not isinstance(schema, dict):
        return schema
    out = map_children(schema, lambda child: map_refs(child, fn))
    if isinstance(out.get("$ref"), str):
        out["$ref"] = fn(out["$ref"])
    discriminator = out.get("discriminator")
    if isinstance(discriminator, dict) and isinstance(discriminator.get("mapping"), dict):
        mapping = {k: fn(v) if isinstance(v, str) else v for k, v in discriminator["mapping"].items()}
        out["discriminator"] = {**discriminator, "mapping": mapping}
    return out


def refs(schema: Json) -> Iterator[str]:
    """Every reference in the schema, in a fixed order."""
    if not isinstance(schema, dict):
        return
    if isinstance(schema.get("$ref"), str):
        yield schema["$ref"]
    discriminator = schema.get("discriminator")
    if isinstance(discriminator, dict) and isinstance(discriminator.get("mapping"), dict):
        mapping = discriminator["mapping"]
        yield from (mapping[k] for k in sorted(mapping) if isinstance(mapping[k], str))
    for child in children(schema):
        yield from refs(child)
