"""What the schema of a model takes from its class besides its fields: the checks that it can be read
statically, its own `model_config`, its docstring, its method resolution order, and an enum's schema;
and the `$defs` a schema refers to."""

from __future__ import annotations

from typing import Any

from motia_gen.evaluate.pydantic.typeschema import Json
from motia_gen.evaluate.pydantic.values import EnumInfo, Unsupported
from motia_gen.parse import ir

Key = tuple[str, str]  # (module path, class name)
# Methods through which a model can rewrite its own schema.
_SCHEMA_HOOKS = frozenset(
    {"__get_pydantic_json_schema__", "__get_pydantic_core_schema__", "model_json_schema"}
)


def check_class(cls: ir.ClassDef) -> None:
    if cls.decorators:
        raise Unsupported(cls.decorators[0].span, "class decorators on a model are not supported")
    for method in cls.methods:
        if method in _SCHEMA_HOOKS:
            raise Unsupported(cls.span, f"the method '{method}' can change the schema and is not supported")
    for assign in cls.assigns:
        if assign.name != "model_config" and not assign.name.startswith("_"):
            message = f"the non-annotated attribute '{assign.name}' is not supported (pydantic rejects it)"
            raise Unsupported(assign.span, message)


def own_config(cls: ir.ClassDef) -> list[ir.Expr]:
    exprs: list[ir.Expr] = [a.value for a in cls.assigns if a.name == "model_config"]
    exprs += [f.default for f in cls.fields if f.name == "model_config" and f.default is not None]
    return exprs


def c3(sequences: list[list[Key]]) -> list[Key] | None:
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


def enum_json(cls: ir.ClassDef, enum: EnumInfo) -> Json:
    """pydantic's `enum_schema`."""
    json: Json = {"title": cls.name}
    description = docstring(cls)
    if description is not None and description != "An enumeration.":
        json["description"] = description
    values = [value for _, value in enum.members]
    json["enum"] = values
    types = {type(value) for value in values}
    kinds = {str: "string", int: "integer", float: "number", bool: "boolean"}
    if len(types) == 1 and (kind := kinds.get(types.pop())) is not None:
        json["type"] = kind
    return json


def docstring(cls: ir.ClassDef) -> str | None:
    """The cleaned docstring. An empty one is refused: pydantic skips an empty docstring but describes a
    whitespace-only one as "", and the IR holds both as ""."""
    if cls.docstring == "":
        raise Unsupported(cls.span, f"the empty docstring of '{cls.name}' is not supported")
    return cls.docstring


def referenced(value: Any) -> set[str]:
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
