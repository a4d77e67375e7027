"""Routes as OpenAPI sees them: path templates, path parameters and operation ids."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from motia_gen import model
from motia_gen.model.routes import erased, params, template

_NOT_WORD = re.compile(r"[^A-Za-z0-9_]")


@dataclass(frozen=True, slots=True)
class Route:
    step: model.Step
    trigger: model.HttpTrigger
    operation_id: str
    path: str  # the OpenAPI template: `/users/{id}`
    parameters: tuple[str, ...]  # path parameter names, in path order


def operation_id(step_name: str) -> str:
    """The step name as an identifier, which every client generator can turn into a method name."""
    name = _NOT_WORD.sub("_", step_name)
    return name if name and not name[0].isdigit() else f"op_{name}"


def routes(app: model.App) -> tuple[Route, ...]:
    """Every http trigger in app order, with a unique operation id: the step name, then `_2`, `_3`, …
    for a step's later http triggers or a name that sanitises to one already used.

    OpenAPI forbids two path templates that differ only in parameter names (`/orders/{id}` and
    `/orders/{orderId}`), so routes of one shape share the template of the first: a URL matches both
    alike, and only the label of the parameter differs."""
    taken: set[str] = set()
    templates: dict[str, tuple[str, tuple[str, ...]]] = {}
    found: list[Route] = []
    for step, trigger in _http_triggers(app):
        identifier = _unique(operation_id(step.name), taken)
        shared = (template(trigger.path), params(trigger.path))
        path, parameters = templates.setdefault(erased(trigger.path), shared)
        found.append(Route(step, trigger, identifier, path, parameters))
    return tuple(found)


def _http_triggers(app: model.App) -> Iterator[tuple[model.Step, model.HttpTrigger]]:
    for step in app.steps:
        for trigger in step.triggers:
            if isinstance(trigger, model.HttpTrigger):
                yield step, trigger


def _unique(candidate: str, taken: set[str]) -> str:
    name, number = candidate, 2
    while name in taken:
        name, number = f"{candidate}_{number}", number + 1
    taken.add(name)
    return name
