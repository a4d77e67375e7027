"""The OpenAPI document of an app's HTTP surface: one operation per http trigger of every step."""

from __future__ import annotations

import copy
from typing import Any, Literal

from motia_gen import model
from motia_gen.emit.openapi.components import Components
from motia_gen.emit.openapi.downgrade import downgrade_document
from motia_gen.emit.openapi.operations import VALIDATION_ERROR, VALIDATION_ERROR_NAME, operation
from motia_gen.emit.openapi.paths import routes

OpenApiVersion = Literal["3.1", "3.0"]
VERSION_3_1 = "3.1.0"


def render_openapi(
    app: model.App, title: str, version: str, openapi_version: OpenApiVersion = "3.1"
) -> dict[str, Any]:
    """The document as plain JSON data, sharing nothing with the app model; serialise it with sorted keys
    for stable bytes."""
    found = routes(app)
    components = Components()
    if any(route.trigger.body_schema is not None for route in found):
        # First, so the runtime's error shape always has its plain name.
        components.add(VALIDATION_ERROR, VALIDATION_ERROR_NAME)
    paths: dict[str, dict[str, Any]] = {}
    for route in found:
        paths.setdefault(route.path, {})[route.trigger.method.lower()] = operation(route, components)
    document: dict[str, Any] = {
        "openapi": VERSION_3_1,
        "info": {"title": title, "version": version},
        "paths": paths,
    }
    flows = sorted({flow for route in found for flow in route.step.flows})
    if flows:
        document["tags"] = [{"name": flow} for flow in flows]
    schemas = components.schemas()
    if schemas:
        document["components"] = {"schemas": schemas}
    document = copy.deepcopy(document)  # schemas' data values (enums, defaults) are the model's objects
    return downgrade_document(document) if openapi_version == "3.0" else document
