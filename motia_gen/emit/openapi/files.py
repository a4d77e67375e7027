"""`openapi.json` (or `.yaml`): the app's HTTP surface as an OpenAPI document, in stable bytes."""

from __future__ import annotations

import json
from typing import Any

import yaml

from motia_gen import model
from motia_gen.emit.openapi import OpenApiVersion, render_openapi

__all__ = ["OpenApiVersion", "dump_document", "openapi_files", "render_openapi"]


def openapi_files(
    app: model.App,
    title: str,
    version: str,
    openapi_version: OpenApiVersion = "3.1",
    path: str = "openapi.json",
) -> dict[str, str]:
    """{path: document}: YAML when the path ends in `.yaml` or `.yml`, JSON otherwise."""
    return {path: dump_document(render_openapi(app, title, version, openapi_version), path)}


def dump_document(document: dict[str, Any], path: str) -> str:
    if path.endswith((".yaml", ".yml")):
        return yaml.safe_dump(
            document, sort_keys=True, allow_unicode=True, default_flow_style=False, width=1000
        )
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
