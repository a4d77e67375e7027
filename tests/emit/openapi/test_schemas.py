"""Component schemas (hoisting, naming, sharing, reference rewriting) and the 3.0 conversion."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motia_gen.emit.openapi.components import Components, component_name
from motia_gen.emit.openapi.downgrade import downgrade_document, to_3_0
from tests.emit.openapi.test_openapi import spec_errors

ITEM = {"type": "object", "properties": {"sku": {"type": "string"}}, "required": ["sku"], "title": "Item"}
OTHER_ITEM = {"type": "object", "properties": {"code": {"type": "integer"}}, "title": "Item"}


def model(title: str, defs: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "title": title, "properties": properties, "$defs": defs}


def test_defs_are_hoisted_and_refs_rewritten() -> None:
    components = Components()
    order = model("Order", {"Item": ITEM}, items={"type": "array", "items": {"$ref": "#/$defs/Item"}})
    assert components.add(order, "Order") == {"$ref": "#/components/schemas/Order"}
    schemas = components.schemas()
    assert set(schemas) == {"Order", "Item"}
    assert "$defs" not in schemas["Order"]
    assert schemas["Order"]["properties"]["items"]["items"] == {"$ref": "#/components/schemas/Item"}
    assert schemas["Item"] == ITEM


def test_identical_definitions_are_shared() -> None:
    components = Components()
    components.add(model("Order", {"Item": ITEM}, item={"$ref": "#/$defs/Item"}), "Order")
    components.add(model("Cart", {"Item": ITEM}, first={"$ref": "#/$defs/Item"}), "Cart")
    assert components.add(dict(ITEM), "Item") == {"$ref": "#/components/schemas/Item"}
    assert components.add(model("Order", {"Item": ITEM}, item={"$ref": "#/$defs/Item"}), "Order") == {
        "$ref": "#/components/schemas/Order"
    }
    assert sorted(components.schemas()) == ["Cart", "Item", "Order"]


def test_different_definitions_with_one_name_never_overwrite() -> None:
    components = Components()
    components.add(model("Order", {"Item": ITEM}, item={"$ref": "#/$defs/Item"}), "Order")
    second = components.add(model("Order", {"Item": OTHER_ITEM}, item={"$ref": "#/$defs/Item"}), "Order")
    schemas = components.schemas()
    assert second == {"$ref": "#/components/schemas/Order_2"}
    assert schemas["Item"] == ITEM
    assert schemas["Item_2"] == OTHER_ITEM
    assert schemas["Order_2"]["properties"]["item"] == {"$ref": "#/components/schemas/Item_2"}
    assert schemas["Order"]["properties"]["item"] == {"$ref": "#/components/schemas/Item"}


def test_a_model_that_only_references_a_different_item_is_different() -> None:
    """Same text (`$ref: #/$defs/Item`), different referenced content: two components."""
    components = Components()
    a = components.add(model("Box", {"Item": ITEM}, x={"$ref": "#/$defs/Item"}), "Box")
    b = components.add(model("Box", {"Item": OTHER_ITEM}, x={"$ref": "#/$defs/Item"}), "Box")
    assert a != b


def test_naming_is_deterministic() -> None:
    def names() -> list[str]:
        components = Components()
        for schema in (ITEM, OTHER_ITEM, ITEM, {"type": "string"}):
            components.add(dict(schema), "Item")
        return list(components.schemas())

    assert names() == names() == ["Item", "Item_2", "Item_3"]


def test_recursive_model_root_is_its_definition() -> None:
    node = {
        "$ref": "#/$defs/Node",
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}},
                "title": "Node",
            }
        },
    }
    components = Components()
    assert components.add(node, "Node") == {"$ref": "#/components/schemas/Node"}
    schemas = components.schemas()
    assert list(schemas) == ["Node"]
    assert schemas["Node"]["properties"]["children"]["items"] == {"$ref": "#/components/schemas/Node"}


def test_root_pointers_and_draft7_definitions_are_rewritten() -> None:
    tree = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://example.com/tree",
        "type": "object",
        "properties": {
            "left": {"$ref": "#"},
            "label": {"$ref": "#/definitions/Label"},
            "copy": {"$ref": "#/properties/label"},
        },
        "definitions": {"Label": {"type": "string"}},
    }
    components = Components()
    components.add(tree, "Tree Body")
    schemas = components.schemas()
    assert set(schemas) == {"Tree_Body", "Label"}
    props = schemas["Tree_Body"]["properties"]
    assert props["left"] == {"$ref": "#/components/schemas/Tree_Body"}
    assert props["label"] == {"$ref": "#/components/schemas/Label"}
    assert props["copy"] == {"$ref": "#/components/schemas/Tree_Body/properties/label"}
    assert "$schema" not in schemas["Tree_Body"]
    assert "$id" not in schemas["Tree_Body"]


def test_discriminator_mappings_are_references_too() -> None:
    pet = {
        "oneOf": [{"$ref": "#/$defs/Cat"}, {"$ref": "#/$defs/Dog"}],
        "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/$defs/Cat", "dog": "#/$defs/Dog"}},
        "$defs": {
            "Cat": {"type": "object", "properties": {"kind": {"const": "cat"}}},
            "Dog": {"type": "object", "properties": {"kind": {"const": "dog"}}},
        },
    }
    components = Components()
    components.add(pet, "Pet")
    mapping = components.schemas()["Pet"]["discriminator"]["mapping"]
    assert mapping == {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"}


def test_keywords_are_not_confused_with_property_names() -> None:
    schema = {
        "type": "object",
        "properties": {"$id": {"type": "string"}, "id": {"type": "integer"}, "default": {"const": 1}},
        "default": {"$ref": "data, not a reference"},
    }
    components = Components()
    components.add(schema, "Odd")
    stored = components.schemas()["Odd"]
    assert set(stored["properties"]) == {"$id", "id", "default"}
    assert stored["default"] == {"$ref": "data, not a reference"}


def test_component_names_are_valid_openapi_keys() -> None:
    assert component_name("Page[User]") == "Page_User_"
    assert component_name("a b/c") == "a_b_c"
    assert component_name("") == "Schema"


# -- 3.0 --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        (
            {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
            {"type": "string", "nullable": True, "default": None},
        ),
        ({"anyOf": [{"$ref": "#/c/X"}, {"type": "null"}]}, {"allOf": [{"$ref": "#/c/X"}], "nullable": True}),
        (
            {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]},
            {"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": True},
        ),
        ({"const": "a", "type": "string"}, {"enum": ["a"], "type": "string"}),
        ({"type": "integer", "examples": [3, 4]}, {"type": "integer", "example": 3}),
        (
            {"type": "integer", "exclusiveMinimum": 0},
            {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
        ),
        ({"exclusiveMaximum": 10, "maximum": 5}, {"maximum": 5}),
        ({"exclusiveMaximum": 5, "maximum": 10}, {"maximum": 5, "exclusiveMaximum": True}),
        ({"type": ["string", "null"]}, {"type": "string", "nullable": True}),
        ({"type": ["string", "integer"]}, {"anyOf": [{"type": "string"}, {"type": "integer"}]}),
        ({"type": "null"}, {"nullable": True, "enum": [None]}),
        ({"$ref": "#/c/X", "description": "d"}, {"allOf": [{"$ref": "#/c/X"}], "description": "d"}),
        (
            {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}], "minItems": 2},
            {"type": "array", "items": {"anyOf": [{"type": "integer"}, {"type": "string"}]}, "minItems": 2},
        ),
        (
            {"type": "array", "items": False, "prefixItems": [{"type": "integer"}]},
            {"type": "array", "items": {"type": "integer"}},
        ),
        (
            {"type": "object", "additionalProperties": False, "required": []},
            {"type": "object", "additionalProperties": False},
        ),
        ({"not": True}, {"not": {}}),
        ({"$comment": "x", "$defs": {}, "dependentRequired": {}, "if": {}, "x-keep": 1}, {"x-keep": 1}),
        ({"enum": ["a", None]}, {"enum": ["a", None], "nullable": True}),
    ],
)
def test_schema_keywords_become_3_0(schema: dict[str, Any], expected: dict[str, Any]) -> None:
    assert to_3_0(schema) == expected


def test_conversion_reaches_nested_schemas() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "array", "items": {"const": 1, "examples": [1]}}},
    }
    assert to_3_0(schema)["properties"]["a"]["items"] == {"enum": [1], "example": 1}


# OpenAPI 3.0's Schema Object, as its own JSON Schema (keywords and value forms), for what a schema alone
# can break; whole documents are validated with openapi-spec-validator elsewhere.
_SCHEMA_3_0_KEYS = {
    "title", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength",
    "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxProperties", "minProperties",
    "required", "enum", "type", "allOf", "oneOf", "anyOf", "not", "items", "properties",
    "additionalProperties", "description", "format", "default", "nullable", "discriminator", "readOnly",
    "writeOnly", "xml", "externalDocs", "example", "deprecated", "$ref",
}  # fmt: skip


def _assert_3_0(schema: Any) -> None:
    assert isinstance(schema, dict)
    assert set(schema) <= _SCHEMA_3_0_KEYS, set(schema) - _SCHEMA_3_0_KEYS
    if "$ref" in schema:
        assert set(schema) == {"$ref"}
    assert isinstance(schema.get("type", "string"), str)
    for key in ("exclusiveMinimum", "exclusiveMaximum"):
        assert isinstance(schema.get(key, True), bool)
    for key in ("items", "not"):
        if key in schema:
            _assert_3_0(schema[key])
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key, []):
            _assert_3_0(sub)
    for sub in schema.get("properties", {}).values():
        _assert_3_0(sub)
    if isinstance(schema.get("additionalProperties"), dict):
        _assert_3_0(schema["additionalProperties"])


def test_conversion_keeps_what_the_schema_accepts() -> None:
    """For constructs 3.0 can express exactly, the converted schema, read as JSON Schema with
    `nullable` spelled out, accepts and rejects the same values."""
    schema = {
        "type": "object",
        "properties": {
            "n": {"anyOf": [{"type": "integer", "exclusiveMinimum": 0}, {"type": "null"}]},
            "s": {"type": ["string", "null"], "const": "x"},
            "t": {"type": ["string", "integer"]},
        },
        "required": ["n"],
    }
    converted = to_3_0(schema)
    _assert_3_0(converted)
    for value in (
        {"n": 1},
        {"n": None},
        {"n": 0},
        {"n": 1, "s": "x"},
        {"n": 1, "s": "y"},
        {"n": 1, "t": 2.5},
        {},
    ):
        original = jsonschema.Draft202012Validator(schema).is_valid(value)
        assert original == jsonschema.Draft4Validator(_as_draft4(converted)).is_valid(value), value


def _as_draft4(schema: Any) -> Any:
    """3.0's `nullable: true` read as JSON Schema draft 4."""
    if isinstance(schema, list):
        return [_as_draft4(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _as_draft4(v) for k, v in schema.items() if k != "nullable"}
    if schema.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


# -- any schema makes a valid document ----------------------------------------------------------------------


def _schemas(with_refs: bool) -> st.SearchStrategy[Any]:
    leaves = [
        {"type": "string"},
        {"type": "null"},
        {"type": ["integer", "null"]},
        {"type": ["string", "integer"]},
        {"const": 1},
        {"type": "integer", "examples": [1, 2]},
        {"exclusiveMinimum": 0, "minimum": -1},
        {"exclusiveMaximum": 5},
        {"enum": ["a", None]},
        {"$comment": "c", "$schema": "https://json-schema.org/draft/2020-12/schema"},
        True,
        False,
        *([{"$ref": "#/$defs/A"}, {"$ref": "#"}] if with_refs else []),
    ]

    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        names = st.sampled_from(["a", "b", "$id", "default"])
        return st.one_of(
            st.builds(lambda a: {"anyOf": a}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda a: {"oneOf": [a, {"type": "null"}]}, inner),
            st.builds(
                lambda p: {"type": "object", "properties": p, "required": sorted(p)[:1]},
                st.dictionaries(names, inner, max_size=3),
            ),
            st.builds(lambda i: {"type": "array", "items": i}, inner),
            st.builds(
                lambda i: {"type": "array", "prefixItems": i, "items": False},
                st.lists(inner, min_size=1, max_size=2),
            ),
            st.builds(lambda i: {"allOf": [i], "title": "t"}, inner),
            st.builds(lambda i: {"additionalProperties": i}, inner),
            st.builds(lambda i: {"not": i}, inner),
        )

    return st.recursive(st.sampled_from(leaves), extend, max_leaves=8)


@settings(max_examples=60, deadline=None)
@given(_schemas(with_refs=True), _schemas(with_refs=False))
def test_any_schema_gives_a_valid_document_in_both_versions(inner: Any, definition: Any) -> None:
    body = {"type": "object", "properties": {"r": inner}, "$defs": {"A": definition}}
    components = Components()
    reference = components.add(body, "Body")
    operation = {
        "requestBody": {"content": {"application/json": {"schema": reference}}},
        "responses": {"default": {"description": "d"}},
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"post": operation}},
        "components": {"schemas": components.schemas()},
    }
    assert spec_errors(document) == []
    assert spec_errors(downgrade_document(document)) == []
