"""Route conflicts: the same method and path once parameter names and a trailing slash are ignored
(an error: one route can never be reached), and static segments competing with parameters at the same
position (a warning: the static segment wins at run time, which may not be what was meant)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

from motia_gen import model
from motia_gen.check.base import CheckInput, http_triggers
from motia_gen.diagnostics import Diagnostic, Related, diag
from motia_gen.model.routes import router_key

# Beyond this many static segments only single-segment generalisations are tried (2^n patterns otherwise).
_MAX_SUBSETS = 6

Route = tuple[model.Step, model.HttpTrigger]


def _label(route: Route) -> str:
    step, trigger = route
    return f"{trigger.method} {trigger.path} ({step.name})"


def route_conflicts(check: CheckInput) -> Iterator[Diagnostic]:
    first: dict[tuple[str, tuple[str, ...]], Route] = {}
    for route in http_triggers(check.app):
        _step, trigger = route
        key = (trigger.method.upper(), router_key(trigger.path))
        other = first.setdefault(key, route)
        if other is not route:
            yield diag(
                "MG250",
                trigger.path_span,
                f"route {trigger.method} {trigger.path} conflicts with {_label(other)}",
                related=(Related(other[1].path_span, f"{_label(other)} is defined here"),),
                help="requests can only reach one of them; change the method or the path",
            )


def _generalisations(segments: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    static = [i for i, s in enumerate(segments) if s != ":"]
    sizes = range(1, len(static) + 1) if len(static) <= _MAX_SUBSETS else range(1, 2)
    for size in sizes:
        for chosen in combinations(static, size):
            yield tuple(":" if i in chosen else s for i, s in enumerate(segments))


def route_shadowing(check: CheckInput) -> Iterator[Diagnostic]:
    routes: dict[tuple[str, tuple[str, ...]], Route] = {}
    for route in http_triggers(check.app):
        routes.setdefault((route[1].method.upper(), router_key(route[1].path)), route)
    for (method, segments), route in routes.items():
        for pattern in _generalisations(segments):
            general = routes.get((method, pattern))
            if general is None:
                continue
            _step, trigger = route
            yield diag(
                "MG251",
                trigger.path_span,
                f"route {trigger.method} {trigger.path} overlaps {_label(general)}; at run time the static "
                f"segments win, so {general[1].path} never receives requests for {trigger.path}",
                related=(Related(general[1].path_span, f"{_label(general)} is defined here"),),
            )


APP_RULES = (route_conflicts, route_shadowing)
