"""Evaluated values: what `evaluate.py` turns IR expressions into, each with the span it came from.

Config readers (`configs.py`) check these values' types and report problems at the exact span.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from motia_gen.diagnostics import Span
from motia_gen.parse import ir


@dataclass(frozen=True, slots=True)
class VScalar:
    value: ir.Scalar
    span: Span


@dataclass(frozen=True, slots=True)
class VList:
    items: tuple[Value, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class VEntry:
    key: VScalar
    value: Value


@dataclass(frozen=True, slots=True)
class VDict:
    """A mapping with unique keys in insertion order (later duplicates replace earlier ones)."""

    entries: tuple[VEntry, ...]
    span: Span

    def get(self, key: str | int) -> Value | None:
        for entry in self.entries:
            if entry.key.value == key:
                return entry.value
        return None

    def keys(self) -> Iterator[VScalar]:
        return (entry.key for entry in self.entries)


@dataclass(frozen=True, slots=True)
class VSchema:
    """A JSON Schema produced from a pydantic model (`Model.model_json_schema()` or the class itself), or
    from a zod schema in a TypeScript config (`model` None: named after its place, like a dict schema)."""

    schema: dict[str, Any]
    model: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class VFunction:
    """A reference to a module-level function, or a lambda written in the config (`lambda_body` is where
    its body starts): kept symbolic for the dispatch module."""

    module: str | None
    file: str
    function: ir.FunctionDef
    span: Span
    lambda_body: Span | None = None


@dataclass(frozen=True, slots=True)
class VCall:
    """A call of a Motia helper (`http`, `queue`, `StepConfig`, `step`, `Stream`, …), arguments evaluated.

    `helper` is the canonical helper name; `keywords` keep their spans through the values.
    """

    helper: str
    args: tuple[Value, ...]
    keywords: tuple[tuple[str, Value], ...]
    span: Span


@dataclass(frozen=True, slots=True)
class VUnknown:
    """A value that could not be evaluated; the diagnostic saying why has been reported."""

    span: Span


Value = VScalar | VList | VDict | VSchema | VFunction | VCall | VUnknown


def describe(value: Value) -> str:
    """What a value is, in the words of a type error message."""
    match value:
        case VScalar(value=bool()):
            return "a boolean"
        case VScalar(value=int()):
            return "an integer"
        case VScalar(value=float()):
            return "a number"
        case VScalar(value=str()):
            return "a string"
        case VScalar(value=None):
            return "None"
        case VList():
            return "a list"
        case VDict():
            return "a dict"
        case VSchema():
            return "a schema"
        case VFunction():
            return "a function"
        case VCall(helper=helper):
            return f"a {helper}(...) call"
    return "an unknown value"


def to_json(value: Value) -> Any:
    """Plain JSON-like data (schemas, settings); functions and calls become None."""
    match value:
        case VScalar(value=scalar):
            return scalar
        case VList(items=items):
            return [to_json(item) for item in items]
        case VDict(entries=entries):
            return {entry.key.value: to_json(entry.value) for entry in entries}
        case VSchema(schema=schema):
            return schema
    return None
