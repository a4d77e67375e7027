"""`flows.mmd`: the app's steps and topics as a mermaid flowchart, one subgraph per flow.

Steps are nodes (shaped by what starts them: a stadium for HTTP, a hexagon for cron, a rectangle for queue
and other triggers, an asymmetric flag for noop steps); an edge goes from each step that emits (or
virtually emits) a topic to each step that subscribes (or virtually subscribes) to it, labelled with the
topic, dashed when the emit is conditional; edges cross subgraphs where flows meet. A mermaid node sits in
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
    lines.extend(
        f"  {ids[id(e.source)]} {'-.->' if e.dashed else '-->'}|{_text(e.label)}| {ids[id(e.target)]}"
        for e in _edges(steps)
    )
    return "\n".join(lines) + "\n"


def _edges(steps: list[model.Step]) -> list[_Edge]:
    subscribers: dict[str, list[model.Step]] = {}
    for step in steps:
        topics = {t.topic for t in step.triggers if isinstance(t, model.QueueTrigger)}
        topics |= {t.name for t in step.virtual_subscribes}
        for topic in sorted(topics):
            subscribers.setdefault(topic, []).append(step)
    edges: list[_Edge] = []
    seen: set[tuple[int, int, str, bool]] = set()
    for step in steps:  # sorted, and subscribers in the same order: the edges come out sorted
        for emit in sorted((*step.emits, *step.virtual_emits), key=lambda e: (e.topic, e.label or "")):
            for target in subscribers.get(emit.topic, []):
                label = emit.topic if emit.label is None else f"{emit.label} ({emit.topic})"
                key = (id(step), id(target), label, emit.conditional)
                if key not in seen:
                    seen.add(key)
                    edges.append(_Edge(step, target, label, emit.conditional))
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
