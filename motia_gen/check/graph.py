"""The topic graph: who emits and who subscribes to each topic, and the rules over it (dangling emits and
subscriptions with did-you-mean, emit cycles, subscribers whose `input` schemas conflict).

Edges come from declared `emits`/`enqueues` and queue triggers. Virtual emits and subscriptions are drawn
by Motia's workbench but never counted as real edges; a virtual subscription only marks a topic as fed
from elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from motia_gen import model
from motia_gen.check.base import CheckInput, accepted_input, label, queue_triggers
from motia_gen.diagnostics import Diagnostic, Related, diag
from motia_gen.diagnostics.suggest import TopicIndex, distance, fold


@dataclass(frozen=True)
class TopicGraph:
    emitters: dict[str, list[tuple[model.Step, model.Emit]]]
    subscribers: dict[str, list[tuple[model.Step, model.QueueTrigger]]]
    fed_from_outside: frozenset[str]

    @classmethod
    def of(cls, check: CheckInput) -> TopicGraph:
        emitters: dict[str, list[tuple[model.Step, model.Emit]]] = {}
        for step in check.app.steps:
            for emit in step.emits:
                emitters.setdefault(emit.topic, []).append((step, emit))
        subscribers: dict[str, list[tuple[model.Step, model.QueueTrigger]]] = {}
        for step, trigger in queue_triggers(check.app):
            subscribers.setdefault(trigger.topic, []).append((step, trigger))
        virtual = {t.name for s in check.app.steps for t in s.virtual_subscribes}
        return cls(emitters, subscribers, frozenset(virtual | set(check.settings.external_topics)))

    @cached_property
    def subscribed(self) -> TopicIndex:
        return TopicIndex(self.subscribers)

    @cached_property
    def emitted(self) -> TopicIndex:
        return TopicIndex(self.emitters)


@lru_cache(maxsize=2)  # every rule of this family asks for the graph of the same input
def _graph(check: CheckInput) -> TopicGraph:
    return TopicGraph.of(check)


def emits_without_subscriber(check: CheckInput) -> Iterator[Diagnostic]:
    """MG204, or MG232 when a subscribed topic nearly matches (a typo drops every such event). When that
    topic has emitters already, only a spelling slip is MG232 (`_misspelt`); another near miss is a hint
    on MG204."""
    graph = _graph(check)
    for topic, emits in graph.emitters.items():
        if topic in graph.subscribers:
            continue
        close = graph.subscribed.closest(topic)
        if close is not None and _reported_at_subscription(graph, close, topic):
            continue  # both sides dangle: one MG232, at the subscription, names this emit too
        for step, emit in emits:
            message = f"topic '{topic}' is emitted by {label(step)} but no step subscribes to it"
            if close is None:
                yield diag("MG204", emit.span, message)
                continue
            if close in graph.emitters and not _misspelt(topic, close):
                yield diag("MG204", emit.span, message, help=f"did you mean '{close}'?")
                continue
            other, trigger = graph.subscribers[close][0]
            yield diag(
                "MG232",
                emit.span,
                f"{message}; {label(other)} subscribes to '{close}'",
                related=(Related(trigger.span, f"'{close}' is subscribed here"),),
                help=f"did you mean '{close}'?",
            )


def _misspelt(topic: str, flowing: str) -> bool:
    """Whether `topic` is a spelling slip of `flowing`, a topic in use on both sides (two edits at most,
    separators and case aside). A whole word swapped (`email.replied`, `email.received`) is a near miss
    worth a hint, not an error: apps use such pairs on purpose."""
    return distance(fold(topic), fold(flowing), 2) <= 2


def _reported_at_subscription(graph: TopicGraph, subscribed: str, emitted: str) -> bool:
    """Whether the subscription side reports this pair: its topic dangles too and its nearest emitted
    topic is this one."""
    return (
        subscribed not in graph.emitters
        and subscribed not in graph.fed_from_outside
        and graph.emitted.closest(subscribed) == emitted
    )


def subscriptions_without_emitter(check: CheckInput) -> Iterator[Diagnostic]:
    """MG205, or MG232 when an emitted topic nearly matches (when that topic has subscribers already:
    only for a spelling slip, as above)."""
    graph = _graph(check)
    for topic, subscriptions in graph.subscribers.items():
        if topic in graph.emitters or topic in graph.fed_from_outside:
            continue
        close = graph.emitted.closest(topic)
        for step, trigger in subscriptions:
            message = f"{label(step)} subscribes to topic '{topic}' but no step emits it"
            outside = "if it is fed from outside the app, list it in [tool.motia] external-topics"
            if close is None:
                yield diag("MG205", trigger.span, message, help=outside)
                continue
            if close in graph.subscribers and not _misspelt(topic, close):
                yield diag("MG205", trigger.span, message, help=f"did you mean '{close}'? ({outside})")
                continue
            other, emit = graph.emitters[close][0]
            yield diag(
                "MG232",
                trigger.span,
                f"{message}; {label(other)} emits '{close}'",
                related=(Related(emit.span, f"'{close}' is emitted here"),),
                help=f"did you mean '{close}'? (a topic fed from outside the app belongs in "
                f"[tool.motia] external-topics)",
            )


# -- cycles -------------------------------------------------------------------------------------------------
def emit_cycles(check: CheckInput) -> Iterator[Diagnostic]:
    graph = _graph(check)
    edges = _edges(check.app, graph)
    for component in _strongly_connected(check.app.steps, edges):
        first = min(component, key=lambda s: s.span)
        if len(component) == 1 and not any(target is first for target, _ in edges.get(id(first), ())):
            continue
        path = _cycle_from(first, edges, {id(s) for s in component})
        shown = " → ".join(f"{step.name} → ({emit.topic})" for step, emit in path) + f" → {first.name}"
        yield diag(
            "MG206",
            path[0][1].span,
            f"steps emit in a cycle: {shown}",
            help="make sure a condition or the payload ends the cycle, or it runs forever",
        )


Edges = dict[int, list[tuple[model.Step, model.Emit]]]  # step id → (subscriber, emit that reaches it)


def _edges(app: model.App, graph: TopicGraph) -> Edges:
    edges: Edges = {}
    for step in app.steps:
        for emit in step.emits:
            for target, _trigger in graph.subscribers.get(emit.topic, ()):
                edges.setdefault(id(step), []).append((target, emit))
    return edges


def _strongly_connected(steps: tuple[model.Step, ...], edges: Edges) -> list[list[model.Step]]:
    """Tarjan's algorithm, iterative (apps can be deep enough to exhaust Python's recursion limit)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[model.Step] = []
    found: list[list[model.Step]] = []
    for root in steps:
        if id(root) in index:
            continue
        work: list[tuple[model.Step, int]] = [(root, 0)]
        while work:
            node, position = work.pop()
            key = id(node)
            if position == 0:
                index[key] = low[key] = len(index)
                stack.append(node)
                on_stack.add(key)
            targets = edges.get(key, [])
            if position < len(targets):
                work.append((node, position + 1))
                target = targets[position][0]
                if id(target) not in index:
                    work.append((target, 0))
                elif id(target) in on_stack:
                    low[key] = min(low[key], index[id(target)])
                continue
            if low[key] == index[key]:
                component: list[model.Step] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(id(member))
                    component.append(member)
                    if member is node:
                        break
                found.append(component)
            if work:
                parent = work[-1][0]
                low[id(parent)] = min(low[id(parent)], low[key])
    return found


def _cycle_from(first: model.Step, edges: Edges, members: set[int]) -> list[tuple[model.Step, model.Emit]]:
    """A shortest cycle through `first` inside its component (breadth-first)."""
    previous: dict[int, tuple[model.Step, model.Emit]] = {}
    queue = [first]
    while queue:
        node = queue.pop(0)
        for target, emit in edges.get(id(node), ()):
            if id(target) not in members:
                continue
            if target is first:
                path = [(node, emit)]
                while id(path[0][0]) != id(first):
                    path.insert(0, previous[id(path[0][0])])
                return path
            if id(target) not in previous:
                previous[id(target)] = (node, emit)
                queue.append(target)
    return []


# -- input schemas ------------------------------------------------------------------------------------------
def _types(schema: Any) -> set[str] | None:
    """The JSON types a schema allows, when it says so directly (None: unknown, assume anything)."""
    if not isinstance(schema, dict):
        return None
    declared = schema.get("type")
    if isinstance(declared, str):
        types = {declared}
    elif isinstance(declared, list):
        types = {t for t in declared if isinstance(t, str)}
    elif isinstance(schema.get("anyOf"), list):
        parts = [_types(part) for part in schema["anyOf"]]
        if any(p is None for p in parts):
            return None
        types = set().union(*(p for p in parts if p is not None))
    else:
        return None
    return types | {"integer"} if "number" in types else types


def schema_conflict(a: dict[str, Any], b: dict[str, Any]) -> str | None:
    """Why no payload can satisfy both schemas, as far as their direct structure shows."""
    types_a, types_b = _types(a), _types(b)
    if types_a is not None and types_b is not None and not types_a & types_b:
        return f"one expects {'/'.join(sorted(types_a))}, the other {'/'.join(sorted(types_b))}"
    props_a, props_b = a.get("properties") or {}, b.get("properties") or {}
    for name in sorted(set(props_a) & set(props_b)):
        ta, tb = _types(props_a[name]), _types(props_b[name])
        if ta is not None and tb is not None and not ta & tb:
            return (
                f"property '{name}' is {'/'.join(sorted(ta))} in one and {'/'.join(sorted(tb))} in the other"
            )
    for required, other, other_props in ((a, b, props_b), (b, a, props_a)):
        if other.get("additionalProperties") is False:
            for name in required.get("required") or ():
                if name not in other_props:
                    return f"property '{name}' is required by one and not allowed by the other"
    return None


def input_conflicts(check: CheckInput) -> Iterator[Diagnostic]:
    graph = _graph(check)
    for topic, subscriptions in graph.subscribers.items():
        with_schema = [(s, t) for s, t in subscriptions if t.input is not None]
        for index, (step, trigger) in enumerate(with_schema):
            assert trigger.input is not None
            for other_step, other in with_schema[:index]:
                assert other.input is not None
                problem = schema_conflict(
                    accepted_input(other_step, other.input.json), accepted_input(step, trigger.input.json)
                )
                if problem is not None:
                    yield diag(
                        "MG207",
                        trigger.input.span,
                        f"the input schema of {step.name} for topic '{topic}' conflicts with "
                        f"{other_step.name}'s: {problem}",
                        related=(Related(other.input.span, f"{other_step.name}'s input schema"),),
                    )
                    break


APP_RULES = (emits_without_subscriber, subscriptions_without_emitter, emit_cycles, input_conflicts)
