"""`workbench.json`: what the Workbench page draws and shows of the app, as the compiler sees it.

Steps with their file and line, triggers, emits and schemas; the edges of the topic graph (a step that
emits or virtually emits a topic to each step that subscribes or virtually subscribes to it), marked
`virtual` and `conditional`; topics with their emitters and subscribers; streams; and the build's
diagnostics with their code frames, each attached to the step of its file. The runtime serves it as is
(`GET /__motia/api/app`, see docs/workbench.md) and never needs the compiler for it.

Sorted throughout and free of times and absolute paths: the same app gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from motia_gen import model
from motia_gen.diagnostics import Diagnostic
from motia_gen.diagnostics.render import LineSource, diagnostic_items

VERSION = 1


def workbench_files(
    app: model.App, diagnostics: Sequence[Diagnostic], lines: LineSource, path: str = "workbench.json"
) -> dict[str, str]:
    document = workbench_document(app, diagnostics, lines)
    return {path: json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"}


def workbench_document(
    app: model.App, diagnostics: Sequence[Diagnostic], lines: LineSource
) -> dict[str, Any]:
    steps, ids = _ordered(app)
    return {
        "version": VERSION,
        "flows": sorted({flow for step in steps for flow in step.flows}),
        "steps": [_step(step, ids[id(step)]) for step in steps],
        "edges": _edges(steps, ids),
        "topics": _topics(steps, ids),
        "streams": [_stream(s) for s in sorted(app.streams, key=lambda s: (s.name, s.span))],
        "diagnostics": diagnostic_list(app, diagnostics, lines),
    }


def _step_ids(steps: Sequence[model.Step]) -> dict[int, str]:
    """Step names, made unique with a suffix where two steps share one (which the checks report)."""
    ids: dict[int, str] = {}
    taken: set[str] = set()
    for step in steps:
        candidate, number = step.name, 2
        while candidate in taken:
            candidate, number = f"{step.name}#{number}", number + 1
        taken.add(candidate)
        ids[id(step)] = candidate
    return ids


def _step(step: model.Step, step_id: str) -> dict[str, Any]:
    return {
        "id": step_id,
        "name": step.name,
        "file": step.file,
        "line": step.span.line,
        "column": step.span.column,
        "kind": _kind(step),
        "form": step.form,
        "language": step.language,  # not "python": checked with the app, run by Motia, not this runtime
        "description": step.description,
        "flows": sorted(set(step.flows)),
        "triggers": [_trigger(t) for t in step.triggers],
        "emits": [_emit(e) for e in step.emits],
        "virtualEmits": [_emit(e) for e in step.virtual_emits],
        "virtualSubscribes": [t.name for t in step.virtual_subscribes],
    }


def _kind(step: model.Step) -> str:
    """What starts the step, for drawing: api, event, cron, stream, state, or noop (nothing: only virtual
    edges reach it). A 1.x step with several triggers is drawn by the first that applies in that order."""
    kinds = {t.kind for t in step.triggers}
    for kind, name in (("http", "api"), ("queue", "event"), ("cron", "cron"), ("stream", "stream")):
        if kind in kinds:
            return name
    return "state" if kinds else "noop"


def _schema(schema: model.Schema | None) -> dict[str, Any] | None:
    return None if schema is None else schema.json


def _trigger(trigger: model.Trigger) -> dict[str, Any]:
    if isinstance(trigger, model.HttpTrigger):
        return {
            "kind": "http",
            "method": trigger.method,
            "path": trigger.path,
            "bodySchema": _schema(trigger.body_schema),
            "responses": {str(r.status): r.schema.json for r in trigger.response_schema},
            "queryParams": [{"name": q.name, "description": q.description} for q in trigger.query_params],
        }
    if isinstance(trigger, model.QueueTrigger):
        return {"kind": "queue", "topic": trigger.topic, "input": _schema(trigger.input)}
    if isinstance(trigger, model.CronTrigger):
        return {"kind": "cron", "expression": trigger.expression}
    if isinstance(trigger, model.StreamTrigger):
        return {"kind": "stream", "stream": trigger.stream}
    return {"kind": "state"}


def _emit(emit: model.Emit) -> dict[str, Any]:
    return {"topic": emit.topic, "label": emit.label, "conditional": emit.conditional}


def _subscriptions(step: model.Step) -> list[tuple[str, bool]]:
    """The topics `step` takes, each with whether only virtually."""
    real = {t.topic for t in step.triggers if isinstance(t, model.QueueTrigger)}
    virtual = {t.name for t in step.virtual_subscribes} - real
    return sorted([(topic, False) for topic in real] + [(topic, True) for topic in virtual])


def _edges(steps: Sequence[model.Step], ids: dict[int, str]) -> list[dict[str, Any]]:
    subscribers: dict[str, list[tuple[model.Step, bool]]] = {}
    for step in steps:
        for topic, virtual in _subscriptions(step):
            subscribers.setdefault(topic, []).append((step, virtual))
    edges: dict[tuple[str, str, str, str, bool, bool], dict[str, Any]] = {}
    for step in steps:
        emits = [(e, False) for e in step.emits] + [(e, True) for e in step.virtual_emits]
        for emit, virtual_emit in emits:
            for target, virtual_subscription in subscribers.get(emit.topic, []):
                virtual = virtual_emit or virtual_subscription
                source_id, target_id = ids[id(step)], ids[id(target)]
                key = (source_id, target_id, emit.topic, emit.label or "", emit.conditional, virtual)
                edges[key] = {
                    "source": source_id,
                    "target": target_id,
                    "topic": emit.topic,
                    "label": emit.label,
                    "conditional": emit.conditional,
                    "virtual": virtual,
                }
    return [edges[key] for key in sorted(edges)]


def _topics(steps: Sequence[model.Step], ids: dict[int, str]) -> list[dict[str, Any]]:
    emitters: dict[str, set[str]] = {}
    subscribers: dict[str, set[str]] = {}
    for step in steps:
        for emit in (*step.emits, *step.virtual_emits):
            emitters.setdefault(emit.topic, set()).add(ids[id(step)])
        for topic, _virtual in _subscriptions(step):
            subscribers.setdefault(topic, set()).add(ids[id(step)])
    return [
        {
            "name": name,
            "emitters": sorted(emitters.get(name, ())),
            "subscribers": sorted(subscribers.get(name, ())),
        }
        for name in sorted(emitters.keys() | subscribers.keys())
    ]


def _stream(stream: model.Stream) -> dict[str, Any]:
    return {
        "name": stream.name,
        "file": stream.file,
        "line": stream.span.line,
        "schema": _schema(stream.schema),
    }


def diagnostic_list(
    app: model.App, diagnostics: Sequence[Diagnostic], lines: LineSource
) -> list[dict[str, Any]]:
    """The diagnostics as the Workbench shows them, in order, each with its code frame and step (`motia
    dev` writes the ones of each check with this too)."""
    steps, ids = _ordered(app)
    by_file: dict[str, list[model.Step]] = {}
    for step in sorted(steps, key=lambda s: s.span):
        by_file.setdefault(step.file, []).append(step)
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    items = diagnostic_items(ordered, lines)
    return [
        {**item, "step": _step_of(d.span.line, by_file.get(d.span.file, []), ids)}
        for d, item in zip(ordered, items, strict=True)
    ]


def _step_of(line: int, here: Sequence[model.Step], ids: dict[int, str]) -> str | None:
    """The step a line of a file belongs to: of the steps the file defines (`here`, in order), the last
    one starting at or before `line` (or the first, for a line above them all)."""
    if not here:
        return None
    before = [s for s in here if s.span.line <= line]
    return ids[id(before[-1] if before else here[0])]


def _ordered(app: model.App) -> tuple[list[model.Step], dict[int, str]]:
    """The app's steps in the document's order, with their ids."""
    steps = sorted(app.steps, key=lambda s: (s.name, s.file, s.span))
    return steps, _step_ids(steps)
