"""`$ref`s a build would fetch, read or loop on are refused at validate time (MG222); references inside
the schema, recursion through a real schema included, are fine."""

from __future__ import annotations

import pytest

from motia_gen.check.schemas import reference_problem, schema_problem


@pytest.mark.parametrize(
    ("schema", "problem"),
    [
        (
            {"$ref": "https://example.com/s.json"},
            "$ref 'https://example.com/s.json' points outside the schema",
        ),
        (
            {"properties": {"a": {"$ref": "../../etc/passwd"}}},
            "$ref '../../etc/passwd' points outside the schema",
        ),
        ({"items": {"$ref": "file:///etc/passwd"}}, "$ref 'file:///etc/passwd' points outside the schema"),
        ({"$ref": "#/$defs/Missing"}, "$ref '#/$defs/Missing' points at nothing in the schema"),
        ({"$ref": "#"}, "$ref '#' is part of a loop of references"),
        (
            {"$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/A"}}, "$ref": "#/$defs/A"},
            "$ref '#/$defs/A' is part of a loop of references",
        ),
    ],
)
def test_refused_references(schema: dict[str, object], problem: str) -> None:
    found = reference_problem(schema)
    assert found is not None
    assert found.startswith(problem)
    assert schema_problem(schema) == found


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"child": {"$ref": "#"}}},
        {
            "$defs": {
                "Tree": {"type": "object", "properties": {"kids": {"items": {"$ref": "#/$defs/Tree"}}}}
            },
            "$ref": "#/$defs/Tree",
        },
        {"$defs": {"a/b": {"type": "string"}}, "$ref": "#/$defs/a~1b"},
    ],
)
def test_references_inside_the_schema_are_fine(schema: dict[str, object]) -> None:
    assert reference_problem(schema) is None
    assert schema_problem(schema) is None
