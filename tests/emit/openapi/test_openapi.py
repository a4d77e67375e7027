"""The OpenAPI document: operations, parameters, responses, texts and tags, validity of every generated
document in both versions, and stable bytes."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from motia_gen.diagnostics import has_errors
from motia_gen.emit.openapi import OpenApiVersion, render_openapi
from motia_gen.emit.openapi.files import openapi_files
from motia_gen.frontend import Overrides, validate_app
from tests.golden_runner import cases
from tests.paths import REPO

ROOT = REPO
DOCUMENTED = [c for c in cases() if (c / "expected" / "openapi.json").is_file()]
APPS = [*DOCUMENTED, ROOT / "examples" / "messaging"]


def spec_errors(document: dict[str, Any]) -> list[str]:
    """Every validation error; a dangling `$ref` makes the validator raise instead of report."""
    validator = OpenAPIV30SpecValidator if document["openapi"].startswith("3.0") else OpenAPIV31SpecValidator
    try:
        return [str(error.message) for error in validator(document).iter_errors()]
    except Exception as error:  # referencing.exceptions.PointerToNowhere and kin
        return [repr(error)]


def build(tmp_path: Path, files: dict[str, str], version: OpenApiVersion = "3.1") -> dict[str, Any]:
    """The document of a small app written to `tmp_path`; the app must check clean."""
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    result = validate_app(tmp_path, Overrides(use_cache=False))
    assert not has_errors(result.diagnostics, strict=False), result.diagnostics
    document = render_openapi(result.app, "test", "1", version)
    assert spec_errors(document) == []
    return document


def api(name: str, path: str, method: str = "GET", extra: str = "") -> str:
    return f"""
        config = {{"type": "api", "name": "{name}", "path": "{path}", "method": "{method}", "emits": [],
                   {extra}}}


        async def handler(req, context):
            return {{"status": 200, "body": {{}}}}
        """


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
@pytest.mark.parametrize("version", ["3.1", "3.0"])
def test_generated_documents_are_valid_openapi(app: Path, version: OpenApiVersion) -> None:
    result = validate_app(app, Overrides(use_cache=False))
    document = render_openapi(result.app, "t", "1", version)
    assert document["openapi"] == ("3.1.0" if version == "3.1" else "3.0.3")
    assert spec_errors(document) == []


@pytest.mark.parametrize("case", DOCUMENTED, ids=lambda p: p.name)
def test_committed_golden_documents_are_valid_openapi(case: Path) -> None:
    for name in ("openapi.json", "openapi-3.0.json"):
        assert spec_errors(json.loads((case / "expected" / name).read_text(encoding="utf-8"))) == []


def test_validator_catches_what_the_document_must_avoid() -> None:
    """The validity tests would notice the defects of a naive export."""
    naive = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/users/{id}": {"get": {"responses": {}}}},
    }
    assert spec_errors(naive)
    dangling = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"application/json": {"schema": {"$ref": "#/$defs/Missing"}}},
                        }
                    }
                }
            }
        },
    }
    assert spec_errors(dangling)


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_generating_twice_gives_identical_bytes(app: Path) -> None:
    def once() -> dict[str, str]:
        result = validate_app(app, Overrides(use_cache=False))
        return {
            **openapi_files(result.app, "t", "1", "3.1", "openapi.json"),
            **openapi_files(result.app, "t", "1", "3.0", "openapi.yaml"),
        }

    first, second = once(), once()
    assert first == second
    for text in first.values():
        assert str(app) not in text
        assert str(ROOT) not in text
        assert "\r" not in text


def test_path_parameters_are_templated_and_required(tmp_path: Path) -> None:
    document = build(tmp_path, {"steps/a_step.py": api("GetMember", "/orgs/:orgId/members/:id")})
    operation = document["paths"]["/orgs/{orgId}/members/{id}"]["get"]
    assert operation["parameters"] == [
        {"name": "orgId", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
    ]
    assert not any(":" in path for path in document["paths"])


def test_equivalent_templates_share_one_path_key(tmp_path: Path) -> None:
    document = build(
        tmp_path,
        {
            "steps/a_step.py": api("GetOrder", "/orders/:id"),
            "steps/b_step.py": api("DeleteOrder", "/orders/:orderId", "DELETE"),
        },
    )
    assert list(document["paths"]) == ["/orders/{id}"]
    assert set(document["paths"]["/orders/{id}"]) == {"get", "delete"}
    assert document["paths"]["/orders/{id}"]["delete"]["parameters"][0]["name"] == "id"


def test_query_params_are_optional_with_their_descriptions(tmp_path: Path) -> None:
    extra = '"queryParams": [{"name": "limit", "description": "At most"}, {"name": "q"}],'
    document = build(tmp_path, {"steps/a_step.py": api("Search", "/search", extra=extra)})
    assert document["paths"]["/search"]["get"]["parameters"] == [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": "At most",
        },
        {"name": "q", "in": "query", "required": False, "schema": {"type": "string"}},
    ]


BODY = '"bodySchema": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},'


def test_body_schema_is_a_required_json_body_with_the_validation_error(tmp_path: Path) -> None:
    document = build(tmp_path, {"steps/a_step.py": api("Create", "/things", "POST", BODY)})
    operation = document["paths"]["/things"]["post"]
    assert operation["requestBody"] == {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreateBody"}}},
    }
    assert document["components"]["schemas"]["CreateBody"]["required"] == ["n"]
    error = operation["responses"]["400"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/ValidationError"}
    shape = document["components"]["schemas"]["ValidationError"]
    assert shape["required"] == ["errors"]
    assert shape["properties"]["errors"]["type"] == "array"
    assert shape["properties"]["errors"]["items"]["required"] == ["path", "message"]


def test_no_body_means_no_validation_error(tmp_path: Path) -> None:
    document = build(tmp_path, {"steps/a_step.py": api("Read", "/things")})
    assert "400" not in document["paths"]["/things"]["get"]["responses"]
    assert "components" not in document


def test_a_declared_400_is_combined_with_the_validation_error(tmp_path: Path) -> None:
    extra = BODY + '"responseSchema": {200: {"type": "object"}, 400: {"type": "object", "title": "Mine"}},'
    document = build(tmp_path, {"steps/a_step.py": api("Create", "/things", "POST", extra)})
    response = document["paths"]["/things"]["post"]["responses"]["400"]
    assert response["description"] == "Bad Request"
    assert response["content"]["application/json"]["schema"] == {
        "anyOf": [
            {"$ref": "#/components/schemas/CreateResponse400"},
            {"$ref": "#/components/schemas/ValidationError"},
        ]
    }


def test_responses_are_keyed_by_status_with_reason_phrases(tmp_path: Path) -> None:
    extra = '"responseSchema": {201: {"type": "object"}, "404": {"type": "string"}, 418: {}},'
    document = build(tmp_path, {"steps/a_step.py": api("Make", "/tea", "POST", extra)})
    responses = document["paths"]["/tea"]["post"]["responses"]
    assert {status: r["description"] for status, r in responses.items()} == {
        "201": "Created",
        "404": "Not Found",
        "418": "I'm a Teapot",
    }
    assert "default" not in responses


def test_no_response_schema_gets_a_default_response(tmp_path: Path) -> None:
    document = build(tmp_path, {"steps/a_step.py": api("Ping", "/ping")})
    responses = document["paths"]["/ping"]["get"]["responses"]
    assert list(responses) == ["default"]
    assert responses["default"]["description"]


def test_operation_ids_are_unique_sanitised_step_names(tmp_path: Path) -> None:
    multi = """
        from motia import http

        config = {"name": "Items", "triggers": [http("GET", "/items"), http("POST", "/items")]}


        async def handler(req, ctx):
            return {"status": 200, "body": {}}
        """
    document = build(
        tmp_path,
        {
            "steps/a_step.py": api("send-mail", "/a"),
            "steps/b_step.py": api("send_mail", "/b"),
            "steps/c_step.py": api("2fa", "/c"),
            "steps/d_step.py": multi,
        },
    )
    ids = {path: [op["operationId"] for op in item.values()] for path, item in document["paths"].items()}
    assert ids == {
        "/a": ["send_mail"],
        "/b": ["send_mail_2"],
        "/c": ["op_2fa"],
        "/items": ["Items", "Items_2"],
    }


def test_texts_and_tags_come_from_the_description_and_flows(tmp_path: Path) -> None:
    extra = '"description": "Short\\n\\nLonger text.", "flows": ["orders", "billing", "orders"],'
    document = build(
        tmp_path,
        {
            "steps/a_step.py": api("Pay", "/pay", "POST", extra),
            "steps/b_step.py": api("Plain", "/plain"),
        },
    )
    pay = document["paths"]["/pay"]["post"]
    assert pay["summary"] == "Short"
    assert pay["description"] == "Short\n\nLonger text."
    assert pay["tags"] == ["orders", "billing"]
    plain = document["paths"]["/plain"]["get"]
    assert plain["summary"] == "Plain"
    assert "tags" not in plain
    assert "description" not in plain
    assert document["tags"] == [{"name": "billing"}, {"name": "orders"}]


def test_middleware_does_not_leak_into_the_document(tmp_path: Path) -> None:
    step = """
        from motia import http


        async def secret_guard(req, ctx, next_fn):
            return await next_fn()


        config = {"name": "Guarded", "triggers": [http("GET", "/g", middleware=[secret_guard])]}


        async def handler(req, ctx):
            return {"status": 200, "body": {}}
        """
    for version in ("3.1", "3.0"):
        text = json.dumps(build(tmp_path, {"steps/a_step.py": step}, version))
        assert "secret_guard" not in text
        assert "middleware" not in text


def test_an_app_without_http_triggers_has_empty_paths(tmp_path: Path) -> None:
    step = """
        config = {"type": "cron", "name": "Tick", "cron": "* * * * *", "emits": []}


        async def handler(context):
            pass
        """
    document = build(tmp_path, {"steps/a_step.py": step})
    assert document["paths"] == {}
    assert "tags" not in document


def test_yaml_output_for_yaml_paths(tmp_path: Path) -> None:
    result = validate_app(ROOT / "examples" / "messaging", Overrides(use_cache=False))
    files = openapi_files(result.app, "t", "1", "3.1", "api/openapi.yml")
    (text,) = files.values()
    assert list(files) == ["api/openapi.yml"]
    assert text.startswith("components:\n")
    assert "&id" not in text
