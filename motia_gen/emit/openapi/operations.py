"""One operation object per http trigger: parameters, request body, responses, texts and tags.
Middleware, conditions and the handler are how a route runs, not what it accepts, so they stay out."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from motia_gen import model
from motia_gen.emit.openapi.components import Components
from motia_gen.emit.openapi.paths import Route

JSON_MEDIA = "application/json"

# What the runtime answers, without running the handler, when a body is not JSON or fails its bodySchema.
VALIDATION_ERROR: dict[str, Any] = {
    "title": "ValidationError",
    "description": "The request body is not JSON or does not match the bodySchema: one entry per problem.",
    "type": "object",
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "path": {"type": "string", "description": "Where in the body the problem is."},
                    "message": {"type": "string", "description": "What is wrong there."},
                },
                "required": ["path", "message"],
            },
        }
    },
    "required": ["errors"],
}
VALIDATION_ERROR_NAME = "ValidationError"
_VALIDATION_DESCRIPTION = "Bad Request: the body is not JSON or does not match the bodySchema"
_DEFAULT_DESCRIPTION = "The handler's response (no responseSchema is declared)"


def operation(route: Route, components: Components) -> dict[str, Any]:
    step, trigger = route.step, route.trigger
    found: dict[str, Any] = {"operationId": route.operation_id, **_texts(step)}
    if step.flows:
        found["tags"] = list(dict.fromkeys(step.flows))
    parameters = _parameters(route)
    if parameters:
        found["parameters"] = parameters
    if trigger.body_schema is not None:
        reference = components.add(
            trigger.body_schema.json, _name(trigger.body_schema, f"{route.operation_id}Body")
        )
        found["requestBody"] = {"required": True, "content": _json(reference)}
    found["responses"] = _responses(route, components)
    return found


def reason(status: str) -> str:
    """The standard reason phrase of a status code."""
    try:
        return HTTPStatus(int(status)).phrase
    except ValueError:
        return f"Status {status}"


def _texts(step: model.Step) -> dict[str, str]:
    """The first line of the description is the summary; the whole, when longer, the description."""
    text = (step.description or "").strip()
    if not text:
        return {"summary": step.name}
    summary = text.splitlines()[0].strip()
    return {"summary": summary} if summary == text else {"summary": summary, "description": text}


def _parameters(route: Route) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in route.parameters
    ]
    for query in route.trigger.query_params:
        parameter: dict[str, Any] = {
            "name": query.name,
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
        }
        if query.description:
            parameter["description"] = query.description
        found.append(parameter)
    return found


def _responses(route: Route, components: Components) -> dict[str, Any]:
    trigger = route.trigger
    found: dict[str, Any] = {}
    for response in trigger.response_schema:
        status = str(response.status)
        if status not in found:  # `200` and `"200"` are one status; the first declaration wins
            name = _name(response.schema, f"{route.operation_id}Response{status}")
            found[status] = {
                "description": reason(status),
                "content": _json(components.add(response.schema.json, name)),
            }
    if trigger.body_schema is not None:
        invalid = components.add(VALIDATION_ERROR, VALIDATION_ERROR_NAME)
        declared = found.get("400")
        if declared is None:
            found["400"] = {"description": _VALIDATION_DESCRIPTION, "content": _json(invalid)}
        else:  # the handler's own 400 and the runtime's validation error are both possible
            either = {"anyOf": [declared["content"][JSON_MEDIA]["schema"], invalid]}
            found["400"] = {"description": declared["description"], "content": _json(either)}
    if not trigger.response_schema:
        found["default"] = {"description": _DEFAULT_DESCRIPTION}
    return found


def _name(schema: model.Schema, fallback: str) -> str:
    """A pydantic model's schema is named after the model, any other after its place in the operation."""
    return schema.model or fallback


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {JSON_MEDIA: {"schema": schema}}
