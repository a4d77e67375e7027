"""The payload check decides plain cases itself (`handlers._plainly_valid`) and asks jsonschema about the
rest; it must never call valid what jsonschema rejects. And a warm `motia validate` whose schemas and
payloads are unchanged loads no jsonschema at all (the meta-validation results are in the cache)."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from motia_gen.check.handlers import _plainly_valid

ADDRESS = {
    "type": "object",
    "properties": {"city": {"type": "string", "minLength": 1, "maxLength": 5}, "zip": {"type": "integer"}},
    "required": ["city"],
    "additionalProperties": False,
}
DEFS = {"Address": ADDRESS, "Loop": {"$ref": "#/$defs/Loop"}}
SCHEMAS: list[Any] = [
    {"type": "string"},
    {"type": "integer", "title": "Quantity"},
    {"type": "number", "minimum": 0, "exclusiveMaximum": 10},
    {"type": "boolean"},
    {"type": "null"},
    {"type": ["string", "null"]},
    {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}], "default": None},
    {"$ref": "#/$defs/Address"},
    {"$ref": "#/$defs/Address", "description": "where it goes"},
    {"$ref": "#/$defs/Missing"},
    {"$ref": "#/$defs/Loop"},
    {"$ref": "https://example.org/schema"},
    {"type": "array", "items": {"$ref": "#/$defs/Address"}, "minItems": 1},
    {"type": "object", "additionalProperties": {"type": "integer"}},
    {"type": "object", "properties": {"a": {"type": "integer"}}},
    {"enum": ["a", "b"]},
    {"const": 1},
    {"type": "string", "pattern": "^a"},
    {"minLength": 2},
    {"exclusiveMinimum": True},
    True,
    False,
    {},
]
VALUES: list[Any] = [
    "",
    "Lima",
    "Porto Alegre",
    0,
    3,
    1.0,
    2.5,
    -1,
    10,
    True,
    False,
    None,
    [],
    [{"city": "Oslo"}],
    [{"city": ""}],
    {"city": "Oslo"},
    {"city": "Oslo", "zip": 1},
    {"city": "Oslo", "zip": True},
    {"city": "Oslo", "extra": 1},
    {"zip": 1},
    {"a": 1, "b": 2},
    {"a": "x"},
    "a",
]


@pytest.mark.parametrize("schema", SCHEMAS, ids=[str(i) for i in range(len(SCHEMAS))])
def test_what_the_fast_path_calls_valid_jsonschema_calls_valid(schema: Any) -> None:
    for value in VALUES:
        whole = {**schema, "$defs": DEFS} if isinstance(schema, dict) else schema
        if _plainly_valid(schema, value, DEFS):
            assert Draft202012Validator(whole).is_valid(value), (schema, value)


def test_plain_schemas_are_decided_without_jsonschema() -> None:
    decided = [
        ({"type": "integer", "title": "Quantity"}, 3),
        ({"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}, None),
        ({"$ref": "#/$defs/Address"}, {"city": "Oslo", "zip": 1}),
        ({"type": "array", "items": {"$ref": "#/$defs/Address"}}, [{"city": "Oslo"}]),
    ]
    assert all(_plainly_valid(schema, value, DEFS) for schema, value in decided)
    undecided = itertools.product([{"type": "integer"}], [1.0, True, "3"])  # 1.0 is jsonschema's to judge
    assert not any(_plainly_valid(schema, value, DEFS) for schema, value in undecided)


def test_branching_references_end_within_a_bounded_amount_of_work() -> None:
    """`anyOf`s of references to themselves branch ten ways at every level: without a bound, deciding
    that the value does not fit would take 10**16 steps. Beyond the bound the answer is "ask jsonschema"."""
    defs = {"Tree": {"anyOf": [{"$ref": "#/$defs/Tree"}] * 10 + [{"type": "string", "maxLength": 0}]}}
    assert not _plainly_valid({"$ref": "#/$defs/Tree"}, "leaf", defs)
    assert not _plainly_valid({"required": [["not", "a", "name"]]}, {"a": 1}, DEFS)


MODELS = """from pydantic import BaseModel


class Address(BaseModel):
    city: str
    zip: int | None = None


class Order(BaseModel):
    id: str
    quantity: int
    address: Address
"""
PLACE = """from steps.models import Order

config = {"type": "api", "name": "Place", "path": "/orders", "method": "POST", "emits": ["order.placed"],
          "bodySchema": Order.model_json_schema()}


async def handler(req, context):
    await context.emit({"topic": "order.placed",
                        "data": {"id": "o-1", "quantity": 2, "address": {"city": "Oslo"}}})
    return {"status": 200, "body": {}}
"""
SHIP = """from steps.models import Order

config = {"type": "event", "name": "Ship", "subscribes": ["order.placed"], "emits": [],
          "input": Order.model_json_schema()}


async def handler(input, context):
    context.logger.info("shipping")
"""
PROBE = """import sys
from pathlib import Path
from motia_gen.frontend import validate_app
result = validate_app(Path(sys.argv[1]))
print(len(result.diagnostics), "jsonschema" in sys.modules)
"""


def _validate(app: Path) -> str:
    done = subprocess.run([sys.executable, "-c", PROBE, str(app)], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_a_warm_validate_of_unchanged_schemas_loads_no_jsonschema(tmp_path: Path) -> None:
    steps = tmp_path / "steps"
    steps.mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\n', encoding="utf-8")
    for name, text in {"__init__": "", "models": MODELS, "place_step": PLACE, "ship_step": SHIP}.items():
        (steps / f"{name}.py").write_text(text, encoding="utf-8")
    assert _validate(tmp_path) == "0 True"  # cold: every schema meta-validated by jsonschema
    place = steps / "place_step.py"
    place.write_text(PLACE.replace('"body": {}', '"body": {"ok": True}'), encoding="utf-8")  # an edit
    assert _validate(tmp_path) == "0 False"
    place.write_text(PLACE.replace('"quantity": 2', '"quantity": "two"'), encoding="utf-8")
    assert _validate(tmp_path) == "1 True"  # a wrong payload is still found, by jsonschema
