"""Every schema of the app in one JSON Schema document, named for the types it will become.

datamodel-code-generator turns the whole document into one module in a single call (one call per schema
would cost seconds on a large app). Names come from here, not from the generator's guesses: each schema's
root gets the name its step or topic asks for, nested objects get their owner's name plus their property's,
and pydantic's `$defs` are hoisted under their owner's prefix with every `$ref` rewritten. So names are
unique and do not change when an unrelated step is added. Titles on non-object schemas (pydantic puts one
on every field) are dropped so they do not become aliases of their own.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from motia_gen.emit.types.names import pascal, unique

_DEF_KEYS = ("$defs", "definitions")
_COMBINATORS = ("anyOf", "oneOf", "allOf")


@dataclass
class SchemaBook:
    """Collects named definitions; identical schemas of one scope share one definition."""

    definitions: dict[str, Any] = field(default_factory=dict)
    _by_content: dict[str, str] = field(default_factory=dict)

    def add(self, owner: str, schema: object, *, scope: str = "") -> str:
        """The definition name of `schema`, named `owner` unless an identical one exists already in the
        same `scope`. A step's request and response types are scoped to the step, so mypy's messages about
        one step never name another's types; topic payloads are shared by every step that uses them."""
        canonical = scope + "\0" + json.dumps(schema, sort_keys=True, default=str)
        known = self._by_content.get(canonical)
        if known is not None:
            return known
        name = self._fresh(owner)
        self._by_content[canonical] = name
        self.definitions[name] = {}  # reserve the name before nested definitions take theirs
        self.definitions[name] = self._prepare(name, schema)
        return name

    def add_all_of(self, owner: str, schemas: list[object]) -> str:
        """A definition that is all of `schemas` at once (a payload every subscriber must accept)."""
        if len(schemas) == 1:
            return self.add(owner, schemas[0])
        parts = [self.add(f"{owner}Part{i}", s) for i, s in enumerate(schemas, start=1)]
        name = self._fresh(owner)
        self.definitions[name] = {"title": name, "allOf": [{"$ref": f"#/$defs/{p}"} for p in parts]}
        return name

    def document(self) -> dict[str, Any]:
        return {"title": "MotiaSchemas", "$defs": dict(sorted(self.definitions.items()))}

    def _fresh(self, name: str) -> str:
        return unique([pascal(name)], self.definitions)[0]

    def _prepare(self, name: str, schema: object) -> Any:
        if not isinstance(schema, dict):
            return _finish(name, schema, {})
        schema = copy.deepcopy(schema)
        refs: dict[str, str] = {"#": f"#/$defs/{name}"}
        hoisted: list[tuple[str, Any]] = []
        for key in _DEF_KEYS:
            defs = schema.pop(key, None)
            for def_name, definition in sorted(defs.items()) if isinstance(defs, dict) else ():
                new_name = self._fresh(name + pascal(def_name))
                self.definitions[new_name] = {}  # reserved
                refs[f"#/{key}/{def_name}"] = f"#/$defs/{new_name}"
                hoisted.append((new_name, definition))
        for new_name, definition in hoisted:
            self.definitions[new_name] = _finish(new_name, definition, refs)
        return _finish(name, schema, refs)


def _finish(name: str, schema: Any, refs: dict[str, str]) -> Any:
    if not isinstance(schema, dict):
        # `true` (or no schema) accepts anything; `false` accepts nothing, which only `not {}` says
        return {"title": name} if schema is not False else {"title": name, "not": {}}
    _rewrite_refs(schema, refs)
    _open_objects(schema)
    _title_objects(schema, name)
    schema["title"] = name  # the root always carries its name, object or not
    return schema


def _rewrite_refs(node: Any, refs: dict[str, str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref in refs:
            node["$ref"] = refs[ref]
        for value in node.values():
            _rewrite_refs(value, refs)
    elif isinstance(node, list):
        for item in node:
            _rewrite_refs(item, refs)


def _open_objects(node: Any) -> None:
    """`{"type": "object"}` with no properties accepts any object: say so (`additionalProperties: {}`),
    so it is written `dict[str, Any]` rather than as a TypedDict without keys, which accepts no key."""
    if isinstance(node, dict):
        if (
            node.get("type") == "object"
            and not {"properties", "patternProperties", "allOf", "additionalProperties"} & node.keys()
        ):
            node["additionalProperties"] = {}
        for value in node.values():
            _open_objects(value)
    elif isinstance(node, list):
        for item in node:
            _open_objects(item)


def _is_class(schema: dict[str, Any]) -> bool:
    """Whether the schema becomes a class of its own: an object with properties (a TypedDict) or an `allOf`
    (one merged object). An object with only `additionalProperties` is written in place, `dict[str, T]`."""
    return "properties" in schema or "allOf" in schema


def _title_objects(schema: Any, name: str) -> None:
    """Name every schema that becomes a class after where it sits; drop the titles of everything else, so
    a nested union (`str | None`) or map (`dict[str, int]`) is written in place instead of becoming an
    alias of its own."""
    if not isinstance(schema, dict):
        return
    if _is_class(schema):
        schema["title"] = name
    else:
        schema.pop("title", None)
    for prop, sub in (schema.get("properties") or {}).items():
        _title_objects(sub, name + pascal(prop))
    if isinstance(schema.get("additionalProperties"), dict):
        _title_objects(schema["additionalProperties"], name + "Value")
    items = schema.get("items")
    if isinstance(items, dict):
        _title_objects(items, name + "Item")
    elif isinstance(items, list):
        for i, item in enumerate(items, start=1):
            _title_objects(item, f"{name}Item{i}")
    for key in (*_COMBINATORS, "prefixItems"):
        for i, option in enumerate(schema.get(key) or [], start=1):
            _title_objects(option, f"{name}Option{i}")
