"""`flows.mmd`: the app's steps and topics as a mermaid flowchart, one subgraph per flow.

Steps are nodes (shaped by what starts them: a stadium for HTTP, a hexagon for cron, a rectangle for queue
and other triggers, an asymmetric flag for noop steps); an edge goes from each step that emits (or
virtually emits) a topic to each step that subscribes (or virtually subscribes) to it, labelled with the
topic, dashed when the emit is conditional and grey when it is virtual (a virtual emit or subscription:
drawn, never delivered); edges cross subgraphs where flows meet. A mermaid node sits in
one subgraph, so a step in several flows is drawn in the first (alphabetically) and lists all of them;
steps in no flow are drawn outside any subgraph. Everything is sorted, so the same app gives the same
bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from motia_gen import model

_UNGROUPED = ""


@dataclass(frozen=True, slots=True)
class _Edge:
    source: model.Step
    target: model.Step
    label: str
    dashed: bool
    virtual: bool


def diagram_files(app: model.App, path: str = "flows.mmd") -> dict[str, str]:
    return {path: render_diagram(app)}


def render_diagram(app: model.App) -> str:
    steps = sorted(app.steps, key=lambda s: (s.name, s.file))
    ids = dict(zip((id(s) for s in steps), _node_ids(steps), strict=True))
    groups: dict[str, list[model.Step]] = {}
    for step in steps:
        groups.setdefault(min(step.flows, default=_UNGROUPED), []).append(step)
    lines = ["flowchart LR"]
    for index, flow in enumerate(sorted(groups)):
        indent = "  " if flow == _UNGROUPED else "    "
        if flow != _UNGROUPED:
            lines.append(f"  subgraph f{index}[{_text(flow)}]")
        lines.extend(f"{indent}{ids[id(s)]}{_shape(s)}" for s in groups[flow])
        if flow != _UNGROUPED:
            lines.append("  end")
    edges = _edges(steps)
    lines.extend(
        f"  {ids[id(e.source)]} {'-.->' if e.dashed else '-->'}|{_text(e.label)}| {ids[id(e.target)]}"
        for e in edges
    )
    virtual = [str(index) for index, edge in enumerate(edges) if edge.virtual]
    if virtual:  # mermaid numbers links in the order they are written
        lines.append(f"  linkStyle {','.join(virtual)} stroke:#9ca3af,color:#6b7280")
    return "\n".join(lines) + "\n"


def _edges(steps: list[model.Step]) -> list[_Edge]:
    subscribers: dict[str, list[tuple[model.Step, bool]]] = {}
    for step in steps:
        real = {t.topic for t in step.triggers if isinstance(t, model.QueueTrigger)}
        topics = dict.fromkeys(real, False) | {
            t.name: True for t in step.virtual_subscribes if t.name not in real
        }
        for topic in sorted(topics):
            subscribers.setdefault(topic, []).append((step, topics[topic]))
    edges: list[_Edge] = []
    seen: set[tuple[int, int, str, bool]] = set()
    for step in steps:  # sorted, and subscribers in the same order: the edges come out sorted
        emits = [(e, False) for e in step.emits] + [(e, True) for e in step.virtual_emits]
        for emit, virtual_emit in sorted(emits, key=lambda pair: (pair[0].topic, pair[0].label or "")):
            for target, virtual_subscription in subscribers.get(emit.topic, []):
                label = emit.topic if emit.label is None else f"{emit.label} ({emit.topic})"
                key = (id(step), id(target), label, emit.conditional)
                if key not in seen:
                    seen.add(key)
                    virtual = virtual_emit or virtual_subscription
                    edges.append(_Edge(step, target, label, emit.conditional, virtual))
    return edges


def _node_ids(steps: list[model.Step]) -> list[str]:
    """Node ids from step names (unique even when two steps share a name, which the checks report)."""
    ids: list[str] = []
    for step in steps:
        base = _node_id(step.name)
        candidate, number = base, 2
        while candidate in ids:
            candidate, number = f"{base}_{number}", number + 1
        ids.append(candidate)
    return ids


def _shape(step: model.Step) -> str:
    detail = [_trigger(t) for t in step.triggers]
    if len(set(step.flows)) > 1:
        detail.append("flows: " + ", ".join(sorted(set(step.flows))))
    text = _text("\n".join([step.name, *(d for d in detail if d)]))
    if step.kind == "noop" or not step.triggers:  # a 1.x step with no triggers is a noop too
        return f">{text}]"
    kinds = {t.kind for t in step.triggers}
    if "http" in kinds:
        return f"([{text}])"
    if kinds == {"cron"}:
        return "{{" + text + "}}"
    return f"[{text}]"


def _trigger(trigger: model.Trigger) -> str:
    if isinstance(trigger, model.HttpTrigger):
        return f"{trigger.method} {trigger.path}"
    if isinstance(trigger, model.CronTrigger):
        return f"cron {trigger.expression}"
    if isinstance(trigger, model.StreamTrigger):
        return f"stream {trigger.stream}"
    if isinstance(trigger, model.StateTrigger):
        return "state"
    return ""  # a queue trigger is drawn as the edge that reaches it


def _node_id(name: str) -> str:
    """A mermaid node id: letters, digits and underscores, with a hex escape for anything else so that
    distinct names stay distinct."""
    return "s_" + re.sub(r"[^A-Za-z0-9]", lambda m: f"_{ord(m.group(0)):x}_", name)


def _text(text: str) -> str:
    """A quoted mermaid label: quotes and markup as entity codes, line breaks as `<br/>`."""
    escaped = (
        text.replace("#", "#35;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
        .replace("\n", "<br/>")
    )
    return f'"{escaped}"'
