"""Older-draft spellings rewritten as JSON Schema 2020-12, the dialect of OpenAPI 3.1 (a bodySchema
may be written for draft 7 or 4; pydantic's own output is already 2020-12)."""

from __future__ import annotations

from motia_gen.emit.openapi.walk import Json, map_children

# Identify a schema resource or its dialect: meaningless (and misleading for `$ref` resolution) once
# the schema is moved into the document's components.
_RESOURCE_KEYS = ("$schema", "$id", "id")


def to_2020_12(schema: Json) -> Json:
    if not isinstance(schema, dict):
        return schema
    out = map_children(schema, to_2020_12)
    for key in _RESOURCE_KEYS:
        if isinstance(out.get(key), str):  # a string, so a keyword: a property named `id` is a schema
            del out[key]
    if isinstance(out.get("items"), list):  # the draft 7 tuple form
        out["prefixItems"] = out.pop("items")
        if "additionalItems" in out:
            out["items"] = out.pop("additionalItems")
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        flag = out.get(exclusive)
        if isinstance(flag, bool):  # the draft 4 form: a flag on the bound
            del out[exclusive]
            if flag and bound in out:
                out[exclusive] = out.pop(bound)
    return out
