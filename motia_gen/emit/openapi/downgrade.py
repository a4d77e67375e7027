"""OpenAPI 3.0 output: the 3.1 document with every schema rewritten into the Schema Object of 3.0,
an extended subset of JSON Schema draft 4 (no `null` type, `nullable` instead, boolean exclusive bounds,
a single `example`, no `const`, no tuples, nothing beside a `$ref`)."""

from __future__ import annotations

from typing import Any

from motia_gen.emit.openapi.walk import Json, map_children

VERSION = "3.0.3"

# The keywords a 3.0 Schema Object knows; anything else is dropped, as 3.0 validators reject it.
_KEYWORDS = frozenset(
    {
        "title",
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "maxProperties",
        "minProperties",
        "required",
        "enum",
        "type",
        "allOf",
        "oneOf",
        "anyOf",
        "not",
        "items",
        "properties",
        "additionalProperties",
        "description",
        "format",
        "default",
        "nullable",
        "discriminator",
        "readOnly",
        "writeOnly",
        "xml",
        "externalDocs",
        "example",
        "deprecated",
        "$ref",
    }
)
_NULL = {"type": "null"}
_NOTHING: dict[str, Any] = {"not": {}}  # `false`, converted: no items beyond the tuple


def downgrade_document(document: dict[str, Any]) -> dict[str, Any]:
    """The 3.0 form of a document `render_openapi` built for 3.1."""
    out = {**document, "openapi": VERSION}
    out["paths"] = {path: _path_item(item) for path, item in document["paths"].items()}
    if "components" in document:
        schemas = document["components"]["schemas"]
        out["components"] = {"schemas": {name: to_3_0(s) for name, s in schemas.items()}}
    return out


def to_3_0(schema: Json) -> Json:
    if isinstance(schema, bool):
        return {} if schema else dict(_NOTHING)
    if not isinstance(schema, dict):
        return schema
    out = _without_null_branch(schema)
    out = map_children(out, to_3_0)
    if isinstance(schema.get("additionalProperties"), bool):  # valid 3.0 as it is
        out["additionalProperties"] = schema["additionalProperties"]
    _const_and_examples(out)
    _bounds(out)
    _type_list(out)
    _tuples(out)
    if out.get("required") == []:
        del out["required"]
    if isinstance(out.get("enum"), list) and None in out["enum"]:
        out["nullable"] = True
    kept = {k: v for k, v in out.items() if k in _KEYWORDS or k.startswith("x-")}
    if "$ref" in kept and len(kept) > 1:  # 3.0 ignores a `$ref`'s siblings; `allOf` keeps them
        kept = {"allOf": [{"$ref": kept.pop("$ref")}], **kept}
    return kept


def _path_item(item: dict[str, Any]) -> dict[str, Any]:
    return {method: _operation(operation) for method, operation in item.items()}


def _operation(operation: dict[str, Any]) -> dict[str, Any]:
    out = dict(operation)
    if "parameters" in out:
        out["parameters"] = [{**p, "schema": to_3_0(p["schema"])} for p in out["parameters"]]
    if "requestBody" in out:
        out["requestBody"] = {**out["requestBody"], "content": _content(out["requestBody"]["content"])}
    out["responses"] = {
        status: {**r, "content": _content(r["content"])} if "content" in r else r
        for status, r in out["responses"].items()
    }
    return out


def _content(content: dict[str, Any]) -> dict[str, Any]:
    return {media: {**m, "schema": to_3_0(m["schema"])} for media, m in content.items()}


def _without_null_branch(schema: dict[str, Any]) -> dict[str, Any]:
    """`anyOf: [X, {type: null}]` → X with `nullable: true` (pydantic's `X | None`)."""
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        if not isinstance(branches, list) or _NULL not in branches:
            continue
        rest = [b for b in branches if b != _NULL]
        out = {k: v for k, v in schema.items() if k != key}
        out["nullable"] = True
        if len(rest) > 1:
            out[key] = rest
        elif rest and isinstance(rest[0], dict):
            only = rest[0]
            if "$ref" in only or any(k in out for k in only):  # keep both sets of keywords apart
                out["allOf"] = [*out.get("allOf", []), only]
            else:
                out.update(only)
        return out
    return schema


def _const_and_examples(out: dict[str, Any]) -> None:
    if "const" in out:
        value = out.pop("const")
        out.setdefault("enum", [value])
    examples = out.pop("examples", None)
    if isinstance(examples, list) and examples:
        out.setdefault("example", examples[0])


def _bounds(out: dict[str, Any]) -> None:
    """2020-12's numeric `exclusiveMinimum: 0` is 3.0's `minimum: 0, exclusiveMinimum: true`."""
    for bound, exclusive, stricter in (
        ("minimum", "exclusiveMinimum", max),
        ("maximum", "exclusiveMaximum", min),
    ):
        value = out.get(exclusive)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        current = out.get(bound)
        if isinstance(current, int | float) and stricter(current, value) == current and current != value:
            del out[exclusive]  # the inclusive bound is already the tighter one
        else:
            out[bound], out[exclusive] = value, True


def _type_list(out: dict[str, Any]) -> None:
    types = out.get("type")
    if types == "null":
        del out["type"]
        out["nullable"] = True
        out.setdefault("enum", [None])
        return
    if not isinstance(types, list):
        return
    if "null" in types:
        out["nullable"] = True
    rest = [t for t in types if t != "null"]
    del out["type"]
    if len(rest) == 1:
        out["type"] = rest[0]
    elif rest:
        either = [{"type": t} for t in rest]
        if "anyOf" in out:  # a second `anyOf` must hold as well as the first
            out["allOf"] = [*out.get("allOf", []), {"anyOf": either}]
        else:
            out["anyOf"] = either


def _tuples(out: dict[str, Any]) -> None:
    """3.0 has no tuples: `prefixItems` (and `items` beyond them) become one `items` of their union."""
    prefix = out.pop("prefixItems", None)
    if not isinstance(prefix, list):
        return
    rest = out.get("items")
    members = [*prefix, *([rest] if isinstance(rest, dict) and rest != _NOTHING else [])]
    unique = [m for i, m in enumerate(members) if m not in members[:i]]
    out["items"] = unique[0] if len(unique) == 1 else {"anyOf": unique}
