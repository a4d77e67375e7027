"""`components/schemas`: every schema the document references, with pydantic's `$defs` hoisted.

Each registered schema is a small graph: its root and the local definitions (`$defs`, or draft 7
`definitions`) reachable from it. A definition's identity is its name together with the content of
everything it reaches, labelled in traversal order rather than by local name. Equal identities share one
component; a name already taken by a different definition gets the next free `Name_2`, `Name_3`, … in
registration order, so two different models called `Order` never overwrite each other.
"""

from __future__ import annotations

import json
import re
from typing import Any

from motia_gen.emit.openapi.dialect import to_2020_12
from motia_gen.emit.openapi.walk import Json, map_refs, refs

PREFIX = "#/components/schemas/"
_ROOT = "#"  # the local name of the registered schema itself (not a valid `$defs` reference)
_DEFS = ("$defs", "definitions")
_INVALID = re.compile(r"[^A-Za-z0-9._-]")  # what OpenAPI allows in a component name


def component_name(name: str) -> str:
    return _INVALID.sub("_", name) or "Schema"


class Components:
    """Collects component schemas while a document is built; `add` returns the `$ref` to use."""

    def __init__(self) -> None:
        self._schemas: dict[str, Json] = {}
        self._by_identity: dict[str, str] = {}

    def add(self, schema: Json, name: str) -> dict[str, str]:
        graph = _graph(schema)
        start = _alias(graph)
        order = _reachable(graph, start)
        base = {local: component_name(name if local == _ROOT else local) for local in order}
        names: dict[str, str] = {}
        fresh: list[str] = []
        for local in order:
            identity = _identity(graph, base, local)
            if identity not in self._by_identity:
                self._by_identity[identity] = self._free(base[local])
                fresh.append(local)
            names[local] = self._by_identity[identity]
        for local in fresh:
            self._schemas[names[local]] = map_refs(graph[local], lambda ref: _rewrite(ref, names))
        return {"$ref": PREFIX + names[start]}

    def schemas(self) -> dict[str, Json]:
        return dict(sorted(self._schemas.items()))

    def _free(self, base: str) -> str:
        taken = set(self._by_identity.values())
        name, number = base, 2
        while name in taken:
            name, number = f"{base}_{number}", number + 1
        return name


def _graph(schema: Json) -> dict[str, Json]:
    """Local name → definition, the root under `_ROOT`; in 2020-12 spelling."""
    schema = to_2020_12(schema)
    if not isinstance(schema, dict):
        return {_ROOT: schema}
    definitions: dict[str, Json] = {}
    for key in _DEFS:
        if isinstance(schema.get(key), dict):
            definitions.update(schema[key])
    root = {k: v for k, v in schema.items() if k not in _DEFS}
    return {**definitions, _ROOT: root}


def _target(ref: str, graph: dict[str, Json]) -> tuple[str, str] | None:
    """`#/$defs/Item/properties/a` → ("Item", "/properties/a"); None for a reference elsewhere."""
    if not ref.startswith("#"):
        return None
    pointer = ref[1:]
    for key in _DEFS:
        prefix = f"/{key}/"
        if pointer.startswith(prefix):
            name, slash, rest = pointer[len(prefix) :].partition("/")
            local = name.replace("~1", "/").replace("~0", "~")
            return (local, slash + rest) if local in graph else None
    return _ROOT, pointer


def _alias(graph: dict[str, Json]) -> str:
    """A root that is nothing but a reference to a local definition (pydantic's recursive models) is
    that definition."""
    root = graph[_ROOT]
    if isinstance(root, dict) and set(root) == {"$ref"}:
        found = _target(root["$ref"], graph)
        if found is not None and found[1] == "" and found[0] != _ROOT:
            return found[0]
    return _ROOT


def _reachable(graph: dict[str, Json], start: str) -> list[str]:
    """Local names reachable from `start`, depth first in a fixed order, `start` first."""
    order: list[str] = []

    def visit(local: str) -> None:
        order.append(local)
        for ref in refs(graph[local]):
            found = _target(ref, graph)
            if found is not None and found[0] not in order:
                visit(found[0])

    visit(start)
    return order


def _identity(graph: dict[str, Json], base: dict[str, str], local: str) -> str:
    order = _reachable(graph, local)
    index = {name: position for position, name in enumerate(order)}

    def label(ref: str) -> str:
        found = _target(ref, graph)
        return ref if found is None else f"@{index[found[0]]}{found[1]}"

    parts: list[Any] = [[base[name], map_refs(graph[name], label)] for name in order]
    return json.dumps(parts, sort_keys=True, ensure_ascii=False)


def _rewrite(ref: str, names: dict[str, str]) -> str:
    found = _target(ref, dict.fromkeys(names))
    if found is None or found[0] not in names:
        return ref
    return PREFIX + names[found[0]] + found[1]
