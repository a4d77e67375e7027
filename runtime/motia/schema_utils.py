"""`schema_to_json_schema`, as Motia 1.x has it: a schema given either way, as a JSON Schema dict."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel


def schema_to_json_schema(schema: Any) -> dict[str, Any] | None:
    """A JSON Schema dict from a dict or a pydantic model class; None for None or anything else."""
    if isinstance(schema, type) and issubclass(schema, BaseModel):
        return schema.model_json_schema()
    if isinstance(schema, Mapping):
        return dict(schema)
    return None
