"""`flows.mmd`: the app's steps and topics as a mermaid flowchart, one subgraph per flow.

Steps are nodes (shaped by what starts them: a stadium for HTTP, a hexagon for cron, a rectangle for queue
and other triggers, an asymmetric flag for noop steps); an edge goes from each step that emits (or
virtually emits) a topic to each step that subscribes (or virtually subscribes) to it, labelled with the
topic, dashed when the emit is conditional. A step in several flows appears in each; steps in no flow are
drawn outside any subgraph. Everything is sorted, so the same app gives the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from motia_gen import model

_UNGROUPED = ""


@dataclass(frozen=True, slots=True)
class _Edge:
    source: str
    target: str
    label: str
    dashed: bool


def diagram_files(app: model.App, path: str = "flows.mmd") -> dict[str, str]:
    return {path: render_diagram(app)}


def render_diagram(app: model.App) -> str:
    steps = sorted(app.steps, key=lambda s: (s.name, s.file))
    groups: dict[str, list[model.Step]] = {}
    for step in steps:
        for flow in sorted(set(step.flows)) or [_UNGROUPED]:
            groups.setdefault(flow, []).append(step)
    lines = ["flowchart LR"]
    for index, flow in enumerate(sorted(groups)):
        members = groups[flow]
        prefix = "" if flow == _UNGROUPED else f"f{index}_"
        indent = "  " if flow == _UNGROUPED else "    "
        if flow != _UNGROUPED:
            lines.append(f"  subgraph f{index}[{_text(flow)}]")
        ids = {s.name: prefix + _node_id(s.name) for s in members}
        lines.extend(f"{indent}{ids[s.name]}{_shape(s)}" for s in members)
        lines.extend(
            f"{indent}{ids[e.source]} {'-.->' if e.dashed else '-->'}|{_text(e.label)}| {ids[e.target]}"
            for e in _edges(members)
        )
        if flow != _UNGROUPED:
            lines.append("  end")
    return "\n".join(lines) + "\n"


def _edges(steps: list[model.Step]) -> list[_Edge]:
    subscribers: dict[str, list[str]] = {}
    for step in steps:
        topics = {t.topic for t in step.triggers if isinstance(t, model.QueueTrigger)}
        topics |= {t.name for t in step.virtual_subscribes}
        for topic in topics:
            subscribers.setdefault(topic, []).append(step.name)
    edges: set[_Edge] = set()
    for step in steps:
        for emit in (*step.emits, *step.virtual_emits):
            for target in subscribers.get(emit.topic, []):
                label = emit.topic if emit.label is None else f"{emit.label} ({emit.topic})"
                edges.add(_Edge(step.name, target, label, emit.conditional))
    return sorted(edges, key=lambda e: (e.source, e.target, e.label, e.dashed))


def _shape(step: model.Step) -> str:
    detail = [_trigger(t) for t in step.triggers]
    text = _text("\n".join([step.name, *(d for d in detail if d)]))
    if step.kind == "noop":
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
