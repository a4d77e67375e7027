"""Every JSON Schema in the app must be valid against its meta-schema (Draft 2020-12 unless `$schema`
names another draft), or validation at run time would fail or accept anything."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from motia_gen import model
from motia_gen.check.base import CheckInput
from motia_gen.diagnostics import Diagnostic, diag

if TYPE_CHECKING:
    from jsonschema.protocols import Validator


def _schemas(app: model.App) -> Iterator[tuple[str, model.Schema]]:
    for step in app.steps:
        for trigger in step.triggers:
            if isinstance(trigger, model.HttpTrigger):
                if trigger.body_schema is not None:
                    yield "bodySchema", trigger.body_schema
                for response in trigger.response_schema:
                    yield f"responseSchema[{response.status}]", response.schema
            elif isinstance(trigger, model.QueueTrigger) and trigger.input is not None:
                yield "input", trigger.input
    for stream in app.streams:
        if stream.schema is not None:
            yield f"schema of stream '{stream.name}'", stream.schema


def schema_problem(schema: object) -> str | None:
    if isinstance(schema, bool):
        return None
    if not isinstance(schema, dict):
        return "a schema must be an object or a boolean"
    # Apps share schemas (one model used by many steps), and meta-validation is costly: once per text.
    return _problem(json.dumps(schema, sort_keys=True))


@lru_cache(maxsize=4096)
def _problem(text: str) -> str | None:
    schema = json.loads(text)
    from jsonschema import validators  # noqa: PLC0415 (slow to import; only when a schema is checked)
    from jsonschema.exceptions import best_match  # noqa: PLC0415

    cls = validators.validator_for(schema, default=validators.Draft202012Validator)
    error = best_match(_meta_validator(cls).iter_errors(schema))
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path)
    return f"{error.message}" + (f" (at {where})" if where else "")


@cache
def _meta_validator(cls: type[Validator]) -> Validator:
    from jsonschema import validators  # noqa: PLC0415

    """What `check_schema` builds on every call, built once per draft."""
    return validators.validator_for(cls.META_SCHEMA)(cls.META_SCHEMA)


def json_schemas(check: CheckInput) -> Iterator[Diagnostic]:
    for label, schema in _schemas(check.app):
        problem = schema_problem(schema.json)
        if problem is not None:
            yield diag("MG222", schema.span, f"{label} is not a valid JSON Schema: {problem}")


FILE_RULES = (json_schemas,)
