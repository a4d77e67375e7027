"""`motia generate step`: one step file with a typed handler stub, in either form Motia's Python
documentation writes (classic dict configs, or 1.x `triggers=[...]`), for any trigger kind.

The stub does what its config promises, so the file validates clean as written: an API step answers 200
and emits (enqueues) every topic it declares, an event step logs what it received, a cron step logs its
run, a noop step only draws its virtual edges (in 1.x, with a handler that no trigger calls). Handlers
are typed with `motia`'s own generic types; `motia generate-types` gives each step its precise types."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

KINDS = ("api", "event", "cron", "noop")
FORMS = ("classic", "1x")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_TOPIC = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")


class StepPlanError(ValueError):
    """A step that cannot be written as asked, said in a line."""


@dataclass(frozen=True)
class StepPlan:
    name: str
    kind: str
    form: str = "classic"
    path: str = "/"
    method: str = "GET"
    emits: tuple[str, ...] = ()
    subscribes: tuple[str, ...] = ()
    cron: str = "0 * * * *"
    description: str = ""
    flows: tuple[str, ...] = ()

    def check(self) -> None:
        if not _NAME.match(self.name):
            raise StepPlanError(f"the step name {self.name!r} must be a letter then letters, digits or '_'")
        if self.kind not in KINDS:
            raise StepPlanError(f"unknown trigger {self.kind!r}: choose {', '.join(KINDS)}")
        if self.form not in FORMS:
            raise StepPlanError(f"unknown form {self.form!r}: choose classic or 1x")
        if self.method.upper() not in METHODS:
            raise StepPlanError(f"unknown method {self.method!r}: choose {', '.join(METHODS)}")
        if self.kind == "api" and not self.path.startswith("/"):
            raise StepPlanError(f"the path {self.path!r} must start with '/'")
        for topic in (*self.emits, *self.subscribes):
            if not _TOPIC.match(topic):
                raise StepPlanError(f"{topic!r} is not a topic name (letters, digits, '.', '-', '_', ':')")
        if self.kind == "event" and not self.subscribes:
            raise StepPlanError("an event step needs at least one topic to subscribe to (--subscribes)")


def file_name(name: str) -> str:
    """`CreateUser` → `create_user_step.py` (Motia's Python naming)."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()
    return f"{snake}_step.py"


def target(steps_dir: Path, folder: str, name: str) -> Path:
    """Where the step goes: `folder` (slash-separated, under the app's steps folder) and its file name."""
    parts = [part for part in folder.replace("\\", "/").split("/") if part]
    if any(part in (".", "..") for part in parts):
        raise StepPlanError(f"--dir {folder!r} must stay inside the steps folder")
    return steps_dir.joinpath(*parts, file_name(name))


def render(plan: StepPlan) -> str:
    """The step file's text."""
    plan.check()
    head = f'"""{plan.description or _summary(plan)}"""\n\n'
    if plan.form == "classic":
        return head + _classic(plan)
    return head + _modern(plan)


def _summary(plan: StepPlan) -> str:
    if plan.kind == "api":
        return f"{plan.method.upper()} {plan.path}"
    if plan.kind == "event":
        return f"On {', '.join(plan.subscribes)}"
    if plan.kind == "cron":
        return f"Runs on the schedule {plan.cron}"
    return "A node of the flow, drawn with its virtual edges"


def _list(items: tuple[str, ...]) -> str:
    return json.dumps(list(items))


# Per form and kind: the handler's parameters, its return type, the verb of its log line (None: a
# docstring for body) and its answer.
_STUBS: dict[tuple[str, str], tuple[str, str, str | None, str]] = {
    ("classic", "api"): (
        "req: Any, context: FlowContext[Any]",
        "dict[str, Any]",
        "called",
        '{"status": 200, "body": {"ok": True}}',
    ),
    ("classic", "event"): ("input: Any, context: FlowContext[Any]", "None", "received", ""),
    ("classic", "cron"): ("context: FlowContext[Any]", "None", "ran", ""),
    ("1x", "api"): (
        "request: ApiRequest[Any], ctx: FlowContext[Any]",
        "ApiResponse[Any]",
        "called",
        'ApiResponse(status=200, body={"ok": True})',
    ),
    ("1x", "event"): ("input: Any, ctx: FlowContext[Any]", "None", "received", ""),
    ("1x", "cron"): ("input: None, ctx: FlowContext[Any]", "None", "ran", ""),
    ("1x", "noop"): ("input: Any, ctx: FlowContext[Any]", "None", None, ""),
}


def _handler(plan: StepPlan) -> str:
    """The handler stub: logs, emits (enqueues) every declared topic, answers; a 1.x noop's is empty."""
    parameters, returns, verb, answer = _STUBS[(plan.form, plan.kind)]
    text = f"async def handler({parameters}) -> {returns}:\n"
    if verb is None:  # a 1.x step has a handler even when no trigger calls it
        return text + '    """Never called: a step without triggers only draws its virtual edges."""\n'
    context, call = ("context", "context.emit") if plan.form == "classic" else ("ctx", "ctx.enqueue")
    fields = ', {"input": input}' if plan.kind == "event" else ""
    text += f'    {context}.logger.info("{plan.name} {verb}"{fields})\n'
    text += "".join(f'    await {call}({{"topic": {json.dumps(t)}, "data": {{}}}})\n' for t in plan.emits)
    return text + (f"    return {answer}\n" if answer else "")


def _classic(plan: StepPlan) -> str:
    fields = [f'"type": "{plan.kind}"', f'"name": {json.dumps(plan.name)}']
    fields.append(f'"description": {json.dumps(plan.description)}')
    if plan.kind == "api":
        fields += [f'"path": {json.dumps(plan.path)}', f'"method": "{plan.method.upper()}"']
    if plan.kind == "event":
        fields.append(f'"subscribes": {_list(plan.subscribes)}')
    if plan.kind == "cron":
        fields.append(f'"cron": {json.dumps(plan.cron)}')
    if plan.kind == "noop":
        fields += [f'"virtualEmits": {_list(plan.emits)}', f'"virtualSubscribes": {_list(plan.subscribes)}']
    else:
        fields.append(f'"emits": {_list(plan.emits)}')
    fields.append(f'"flows": {_list(plan.flows)}')
    if plan.kind == "noop":  # a classic noop step has no handler
        return _config(fields)
    imports = "from typing import Any\n\nfrom motia import FlowContext\n\n"
    return imports + _config(fields) + "\n\n" + _handler(plan)


def _modern(plan: StepPlan) -> str:
    helpers = ["FlowContext"]
    if plan.kind == "api":
        helpers += ["ApiRequest", "ApiResponse", "http"]
        triggers = f'[http("{plan.method.upper()}", {json.dumps(plan.path)})]'
    elif plan.kind == "event":
        helpers.append("queue")
        triggers = "[" + ", ".join(f"queue({json.dumps(t)})" for t in plan.subscribes) + "]"
    elif plan.kind == "cron":
        helpers.append("cron")
        triggers = f"[cron({json.dumps(plan.cron)})]"
    else:
        triggers = "[]"
    fields = [f'"name": {json.dumps(plan.name)}', f'"description": {json.dumps(plan.description)}']
    fields += [f'"flows": {_list(plan.flows)}', f'"triggers": {triggers}']
    if plan.kind == "noop":
        fields.append(f'"virtualEnqueues": {_list(plan.emits)}')
        fields.append(f'"virtualSubscribes": {_list(plan.subscribes)}')
    else:
        fields.append(f'"enqueues": {_list(plan.emits)}')
    imports = f"from typing import Any\n\nfrom motia import {', '.join(sorted(helpers))}\n\n"
    return imports + _config(fields) + "\n\n" + _handler(plan)


def _config(fields: list[str]) -> str:
    return "config = {\n" + "".join(f"    {field},\n" for field in fields) + "}\n"
