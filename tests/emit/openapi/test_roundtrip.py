"""Types generated from the document by datamodel-code-generator accept what the steps accept: the
request bodies and responses of the document are the steps' own shapes, in both OpenAPI versions."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pydantic
import pytest
from datamodel_code_generator import DataModelType, InputFileType, generate
from datamodel_code_generator.format import Formatter, PythonVersion

from motia_gen import model
from motia_gen.emit.openapi import OpenApiVersion, render_openapi
from motia_gen.frontend import Overrides, validate_app
from tests.paths import GOLDEN

SHOP = {"street": "s", "city": "c"}
BILLING = {"line1": "x"}
CUSTOMER = {"name": "A", "address": SHOP}
LINE = {"sku": "a", "quantity": 1}
INVOICE_ORDER = {"invoice": "I", "amount_cents": 5}

# Bodies and responses to try per case: (step, "body" or a status, sample); every sample is tried against
# the step's own schema (jsonschema, the oracle) and the generated model, which must agree.
SAMPLES: dict[str, list[tuple[str, str, Any]]] = {
    "openapi_classic": [
        ("CreateUser", "body", {"email": "ann@example.com", "age": 42}),
        ("CreateUser", "body", {"email": "ann@example.com", "age": 42, "role": "admin"}),
        ("CreateUser", "body", {"email": "a@b", "age": 1, "address": {"street": "Main", "city": "X"}}),
        ("CreateUser", "body", {"email": "a@b", "age": 1, "address": None}),
        ("CreateUser", "body", {"email": "ann@example.com", "age": 0}),
        ("CreateUser", "body", {"email": "ann@example.com", "age": 151}),
        ("CreateUser", "body", {"email": "an", "age": 3}),
        ("CreateUser", "body", {"email": "ann@example.com", "age": 3, "role": "owner"}),
        ("CreateUser", "body", {"email": "a@b", "age": 1, "address": {"street": "Main"}}),
        ("CreateUser", "body", {"age": 3}),
        ("CreateUser", "201", {"id": "1", "email": "a@b", "role": "member"}),
        ("CreateUser", "201", {"id": "1", "email": "a@b"}),
        ("CreateUser", "409", {"message": "taken"}),
        ("CreateUser", "409", {}),
        ("list-users", "200", {"users": [{"id": "1", "email": "a@b", "role": "x"}], "total": 1}),
        ("list-users", "200", {"users": [], "total": -1}),
        ("list-users", "200", {"users": [{"id": "1"}], "total": 1}),
    ],
    "openapi_v1": [
        ("Items", "body", {"sku": "ABC-12", "quantity": 3}),
        ("Items", "body", {"sku": "ABC-12", "quantity": 3, "tags": ["a", "b"]}),
        ("Items", "body", {"sku": "abc-12", "quantity": 3}),
        ("Items", "body", {"sku": "ABC-12", "quantity": -1}),
        ("Items", "body", {"quantity": 3}),
        ("Restock", "body", {"sku": "XYZ-1", "quantity": 0}),
        ("Restock", "202", {"accepted": True}),
        ("Restock", "202", {}),
    ],
    "openapi_models": [
        ("PlaceOrder", "body", {"customer": CUSTOMER, "lines": [LINE]}),
        ("PlaceOrder", "body", {"customer": CUSTOMER, "lines": []}),
        ("PlaceOrder", "body", {"customer": {"name": "A", "address": BILLING}, "lines": [LINE]}),
        ("PlaceOrder", "body", {"customer": CUSTOMER, "lines": [{"sku": "a", "quantity": 0}]}),
        ("CreateInvoice", "body", {"lines": [LINE], "billing_address": BILLING, "order": INVOICE_ORDER}),
        ("CreateInvoice", "body", {"lines": [], "billing_address": SHOP, "order": INVOICE_ORDER}),
        ("CreateInvoice", "body", {"lines": [], "billing_address": BILLING, "order": {"invoice": "I"}}),
        ("CreateInvoice", "200", INVOICE_ORDER),
        ("CreateInvoice", "202", BILLING),
        ("CreateInvoice", "202", SHOP),
        ("Categories", "200", {"name": "root", "children": [{"name": "leaf", "children": []}]}),
        ("Categories", "200", {"name": "root", "children": [{"children": []}]}),
        ("Categories", "203", SHOP),
        ("Refund", "body", {"reason": "late", "amounts": [{"cents": 5}]}),
        ("Refund", "body", {"reason": "bored"}),
        ("Refund", "body", {"amounts": [{"cents": 5}]}),
        ("Refund", "body", {"reason": "late", "amounts": [{}]}),
        ("Refund", "200", {"refunded": None}),
        ("Refund", "200", {"refunded": 3}),
    ],
}  # fmt: skip


def _generated(document: dict[str, Any], tmp_path: Path, name: str) -> ModuleType:
    code = generate(
        json.dumps(document),
        input_file_type=InputFileType.OpenAPI,
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_311,
        formatters=[Formatter.BUILTIN],
        disable_timestamp=True,
        field_constraints=True,
        use_annotated=True,
    )
    assert isinstance(code, str)
    file = tmp_path / f"{name}.py"
    file.write_text(code, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, file)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # pydantic resolves the postponed annotations through it
    spec.loader.exec_module(module)
    return module


def _class(module: ModuleType, reference: dict[str, Any]) -> type[pydantic.BaseModel]:
    """The generated class of a `#/components/schemas/X` reference (`Order_2` is generated as `Order2`)."""
    name = reference["$ref"].rsplit("/", 1)[1]
    found = getattr(module, name, None) or getattr(module, name.replace("_", ""))
    assert isinstance(found, type), name
    assert issubclass(found, pydantic.BaseModel), name
    return found


def _trigger(app: model.App, step_name: str, where: str) -> tuple[model.HttpTrigger, model.Schema]:
    """The step's http trigger with that body or response, and the schema the step declares for it."""
    step = next(s for s in app.steps if s.name == step_name)
    for trigger in step.triggers:
        if not isinstance(trigger, model.HttpTrigger):
            continue
        if where == "body" and trigger.body_schema is not None:
            return trigger, trigger.body_schema
        for response in trigger.response_schema:
            if str(response.status) == where:
                return trigger, response.schema
    raise AssertionError(f"{step_name} declares no {where}")


def _operation(document: dict[str, Any], trigger: model.HttpTrigger) -> dict[str, Any]:
    """Found by the path's shape: routes of one shape share the template of the first."""
    shape = re.sub(r":\w+", "{}", trigger.path)
    (path,) = (p for p in document["paths"] if re.sub(r"\{\w+\}", "{}", p) == shape)
    operations: dict[str, dict[str, Any]] = document["paths"][path]
    return operations[trigger.method.lower()]


def _reference(operation: dict[str, Any], where: str) -> dict[str, Any]:
    holder = operation["requestBody"] if where == "body" else operation["responses"][where]
    reference: dict[str, Any] = holder["content"]["application/json"]["schema"]
    return reference


@pytest.mark.parametrize("case", sorted(SAMPLES))
@pytest.mark.parametrize("version", ["3.1", "3.0"])
def test_generated_types_accept_what_the_steps_accept(
    case: str, version: OpenApiVersion, tmp_path: Path
) -> None:
    app = validate_app(GOLDEN / case, Overrides(use_cache=False)).app
    document = render_openapi(app, "t", "1", version)
    module = _generated(document, tmp_path, f"roundtrip_{case}_{version.replace('.', '_')}")
    for step_name, where, sample in SAMPLES[case]:
        trigger, schema = _trigger(app, step_name, where)
        generated = _class(module, _reference(_operation(document, trigger), where))
        expected = jsonschema.Draft202012Validator(schema.json).is_valid(sample)
        try:
            generated.model_validate(sample)
            accepted = True
        except pydantic.ValidationError:
            accepted = False
        assert accepted == expected, (step_name, where, sample)


@pytest.mark.parametrize("case", sorted(SAMPLES))
@pytest.mark.parametrize("version", ["3.1", "3.0"])
def test_generated_fields_and_required_sets_match_the_steps(
    case: str, version: OpenApiVersion, tmp_path: Path
) -> None:
    app = validate_app(GOLDEN / case, Overrides(use_cache=False)).app
    document = render_openapi(app, "t", "1", version)
    module = _generated(document, tmp_path, f"fields_{case}_{version.replace('.', '_')}")
    checked = 0
    for step in app.steps:
        for trigger in step.triggers:
            if not isinstance(trigger, model.HttpTrigger):
                continue
            operation = _operation(document, trigger)
            shapes = [("body", trigger.body_schema)] if trigger.body_schema is not None else []
            shapes += [(str(r.status), r.schema) for r in trigger.response_schema]
            for where, schema in shapes:
                properties = _root(schema.json).get("properties")
                reference = _reference(operation, where)
                if properties is None or "$ref" not in reference:
                    continue  # not an object, or a declared 400 combined with the validation error
                fields = _class(module, reference).model_fields
                assert {f.alias or n for n, f in fields.items()} == set(properties)
                required = {f.alias or n for n, f in fields.items() if f.is_required()}
                assert required == set(_root(schema.json).get("required", []))
                checked += 1
    assert checked >= 4


def _root(schema: dict[str, Any]) -> dict[str, Any]:
    """A recursive model's schema is a `$ref` into its `$defs`."""
    reference = schema.get("$ref")
    if isinstance(reference, str) and reference.startswith("#/$defs/"):
        found: dict[str, Any] = schema["$defs"][reference.removeprefix("#/$defs/")]
        return found
    return schema
