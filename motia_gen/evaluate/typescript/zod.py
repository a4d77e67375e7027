"""zod schemas in a TS/JS config as JSON Schema, the way zod-to-json-schema writes them (its default
target, JSON Schema 7 shapes): `z.object`, `z.string`, `z.number`, `z.boolean`, `z.array`, `z.enum`,
`z.literal`, `z.union`, `z.record`, `z.any`/`z.unknown`, `z.null`, and the methods `.optional()`,
`.nullable()`, `.min()`/`.max()`/`.length()`, `.int()`, `.positive()` and friends, `.email()`/`.uuid()`/
`.url()`/`.datetime()`/`.date()`, `.regex()`, `.describe()`, `.default()`, `.nonempty()`. Anything else is
None: an unknown schema, which the checks skip rather than report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Schema = dict[str, Any]
# A node's value when it is a plain literal (None for anything else), from the module's evaluator.
Literal = Callable[[Any], Any]
# The schema a name stands for, and whether it is optional (None: not a zod schema), from the evaluator.
Named = Callable[[str, int], "tuple[Schema, bool] | None"]

_PRIMITIVES: dict[str, Schema] = {
    "string": {"type": "string"},
    "number": {"type": "number"},
    "bigint": {"type": "integer", "format": "int64"},
    "boolean": {"type": "boolean"},
    "null": {"type": "null"},
    "any": {},
    "unknown": {},
    "date": {"type": "string", "format": "date-time"},
}
_FORMATS = {
    "email": "email",
    "uuid": "uuid",
    "url": "uri",
    "datetime": "date-time",
    "date": "date",
    "time": "time",
}
_BOUNDS: dict[str, tuple[str | None, str, str | None]] = {  # method → keyword for strings, numbers, arrays
    "min": ("minLength", "minimum", "minItems"),
    "max": ("maxLength", "maximum", "maxItems"),
    "gte": (None, "minimum", None),
    "lte": (None, "maximum", None),
    "gt": (None, "exclusiveMinimum", None),
    "lt": (None, "exclusiveMaximum", None),
}
_SIGNS = {
    "positive": ("exclusiveMinimum", 0),
    "nonnegative": ("minimum", 0),
    "negative": ("exclusiveMaximum", 0),
    "nonpositive": ("maximum", 0),
}


class Zod:
    """Translates the zod expressions of one module; `names` are the local names of zod's `z`."""

    def __init__(
        self, names: frozenset[str], text: Callable[[Any], str], literal: Literal, named: Named
    ) -> None:
        self.names, self.text, self.literal, self.named = names, text, literal, named

    def schema(self, node: Any, depth: int = 0) -> tuple[Schema, bool] | None:
        """The JSON Schema of a zod expression and whether it is optional; None when it is not one. A
        name is followed to the schema it stands for (`named`: a local `const`, or an import)."""
        if depth > 60:
            return None
        if node.type == "identifier":
            return self.named(self.text(node), depth + 1)
        if node.type != "call_expression":
            return None
        callee, arguments = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        if callee is None or callee.type != "member_expression" or arguments is None:
            return None
        target, method = callee.child_by_field_name("object"), callee.child_by_field_name("property")
        if target is None or method is None:
            return None
        name, args = self.text(method), [a for a in arguments.named_children if a.type != "comment"]
        if target.type == "identifier" and self.text(target) in self.names:
            found = self._make(name, args, depth)
            return None if found is None else (found, False)
        inner = self.schema(target, depth + 1)
        if inner is None:
            return None
        return self._method(inner[0], inner[1], name, args)

    # -- z.<kind>(...)
    def _make(self, kind: str, args: list[Any], depth: int) -> Schema | None:
        if kind in _PRIMITIVES:
            return dict(_PRIMITIVES[kind])
        if kind == "object" and args and args[0].type == "object":
            return self._object(args[0], depth)
        if kind == "array" and args:
            items = self.schema(args[0], depth + 1)
            return None if items is None else {"type": "array", "items": items[0]}
        if kind == "record" and args:
            values = self.schema(args[-1], depth + 1)
            return None if values is None else {"type": "object", "additionalProperties": values[0]}
        if kind == "enum" and args:
            members = self.literal(args[0])
            if isinstance(members, list) and members and all(isinstance(m, str) for m in members):
                return {"type": "string", "enum": members}
        if kind == "literal" and args:
            return {"type": "null"} if args[0].type == "null" else _literal(self.literal(args[0]))
        if kind == "union" and args and args[0].type == "array":
            options = [self.schema(option, depth + 1) for option in args[0].named_children]
            schemas = [option[0] for option in options if option is not None]
            if options and len(schemas) == len(options):
                return _union(schemas)
        return None

    def _object(self, node: Any, depth: int) -> Schema | None:
        properties: Schema = {}
        required: list[str] = []
        for pair in node.named_children:
            if pair.type != "pair":
                return None
            key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            if key is None or value is None or key.type not in ("property_identifier", "string"):
                return None
            name = self.text(key).strip("'\"")
            found = self.schema(value, depth + 1)
            if found is None:
                return None
            properties[name] = found[0]
            if not found[1]:
                required.append(name)
        schema: Schema = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        schema["additionalProperties"] = False
        return schema

    # -- <schema>.<method>(...)
    def _method(
        self, schema: Schema, optional: bool, name: str, args: list[Any]
    ) -> tuple[Schema, bool] | None:
        value = self.literal(args[0]) if args else None
        kind = schema.get("type")
        if name in ("optional", "nullish") and not args:
            return (_nullable(schema) if name == "nullish" else schema), True
        if name == "nullable":
            return _nullable(schema), optional
        if name == "describe" and isinstance(value, str):
            return {**schema, "description": value}, optional
        if name == "default" and args:
            return {**schema, "default": value}, True
        if name == "int" and kind == "number":
            return {**schema, "type": "integer"}, optional
        if name in _SIGNS and kind in ("number", "integer"):
            keyword, bound = _SIGNS[name]
            return {**schema, keyword: bound}, optional
        if name in _FORMATS and kind == "string":
            return {**schema, "format": _FORMATS[name]}, optional
        if name == "regex" and args and args[0].type == "regex":
            pattern = args[0].child_by_field_name("pattern")
            return {**schema, "pattern": self.text(pattern) if pattern is not None else ""}, optional
        if name == "nonempty" and kind in ("string", "array"):
            return {**schema, "minLength" if kind == "string" else "minItems": 1}, optional
        if name == "length" and isinstance(value, int):
            keys = ("minLength", "maxLength") if kind == "string" else ("minItems", "maxItems")
            return {**schema, keys[0]: value, keys[1]: value}, optional
        if name in _BOUNDS and isinstance(value, int | float) and not isinstance(value, bool):
            by_kind: dict[str, str | None] = dict(
                zip(("string", "number", "array"), _BOUNDS[name], strict=True)
            )
            limit = by_kind.get("number" if kind == "integer" else str(kind))
            if limit is not None:
                return {**schema, limit: value}, optional
        if name in ("trim", "toLowerCase", "toUpperCase", "strict", "passthrough", "strip"):
            return schema, optional  # transforms and strictness: the JSON shape is the same
        return None


def _union(schemas: list[Schema]) -> Schema:
    """As zod-to-json-schema writes a union: plain primitives as one `type` list, literals of one type as
    an `enum`, anything else as `anyOf`."""
    if all(set(s) == {"type"} and isinstance(s["type"], str) for s in schemas):
        return {"type": list(dict.fromkeys(s["type"] for s in schemas))}
    if all(set(s) == {"type", "const"} for s in schemas) and len({s["type"] for s in schemas}) == 1:
        return {"type": schemas[0]["type"], "enum": [s["const"] for s in schemas]}
    return {"anyOf": schemas}


def _nullable(schema: Schema) -> Schema:
    kind = schema.get("type")
    if isinstance(kind, str) and set(schema) <= {"type", "format", "description"}:
        return {**schema, "type": [kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def _literal(value: Any) -> Schema | None:
    if isinstance(value, bool):
        return {"type": "boolean", "const": value}
    if isinstance(value, str):
        return {"type": "string", "const": value}
    if isinstance(value, int | float):
        return {"type": "number", "const": value}
    return None
