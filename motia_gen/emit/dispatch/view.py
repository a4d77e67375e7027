"""The dispatch module's view model: every statement's pieces as Python source text, computed here so the
template only lays them out.

Names in the generated module: `ROOT` (the app root), one module alias per imported file, `_models` (the
compiled models), one validator constant per schema (`BODY_…`, `INPUT_…`, `ITEM_…`), one `StepSpec`
constant per step (`STEP_…`) and `APP`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from motia_gen import model
from motia_gen.emit.dispatch.validators import ModelBook, Models, accepts_anything
from motia_gen.emit.jinja import python_literal
from motia_gen.emit.types.names import pascal, snake, unique
from motia_gen.model import routes
from motia_gen.parse.project import module_name

_WIDTH = 100
_RESERVED = (
    "APP",
    "ROOT",
    "Path",
    "QueueConfig",
    "_models",
    "annotations",
    "app_root",
    "load_path",
    "compiled_validator",
    "re",
    "schema_validator",
)
_SPECS = (
    "AppSpec",
    "CronSpec",
    "RouteSpec",
    "StateTriggerSpec",
    "StepSpec",
    "StreamSpec",
    "StreamTriggerSpec",
    "SubscriptionSpec",
)


@dataclass(frozen=True, slots=True)
class Call:
    """`func(key=value, …)`; values are Python source, already indented for their place."""

    func: str
    args: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Constant:
    name: str
    value: str  # Python source


@dataclass(frozen=True, slots=True)
class Table:
    name: str  # AppSpec field
    rows: tuple[Call | str, ...]
    calls: bool  # rows are calls (else names)


@dataclass(frozen=True, slots=True)
class DispatchView:
    root: str  # the app root, relative to the dispatch module's folder
    source_roots: str  # tuple literal
    stdlib_imports: tuple[str, ...]
    motia_imports: tuple[str, ...]
    module_imports: tuple[str, ...]  # `import a.b as alias`, sorted
    module_loads: tuple[Constant, ...]  # alias = load_path(...)
    models: Constant | None
    blank_after_imports: bool  # one blank line between the imports and the loads (isort's spacing)
    validators: tuple[Constant, ...]
    steps: tuple[tuple[str, Call], ...]
    tables: tuple[Table, ...]
    authenticate: str | None  # the stream authenticate hook, `alias.function`
    settings: str
    step_count: int
    route_count: int


@dataclass
class _Modules:
    """Every project file the dispatch module needs, with the alias it is known by."""

    names: dict[str, str | None]  # file → importable module name (None: loaded by path)
    source_roots: tuple[str, ...]
    aliases: dict[str, str] = field(default_factory=dict)
    chosen: dict[str, str] = field(default_factory=dict)  # file → module name chosen for load_path
    used: set[str] = field(default_factory=set)  # files whose functions the tables refer to

    def assign(self, files: list[str]) -> None:
        stems = [snake(f.rsplit("/", 1)[-1].removesuffix(".py")) for f in files]
        taken = {*_RESERVED, *(n.split(".")[0] for n in self.names.values() if n)}
        for file, alias in zip(files, unique(stems, taken), strict=True):
            self.aliases[file] = alias
        used = {n for n in self.names.values() if n}
        for file in files:
            if self.names.get(file) is None:
                chosen = unique([self._chosen_name(file)], used)[0]
                used.add(chosen)
                self.chosen[file] = chosen

    def _chosen_name(self, file: str) -> str:
        """A module name for a file whose name is not one: its package (when the folders are packages)
        plus the file's stem made an identifier, so relative imports inside it still resolve."""
        relative = under_source_root(file, self.source_roots)
        folder, _, stem = relative.rpartition("/")
        leaf = re.sub(r"\W", "_", stem.removesuffix(".py"))
        leaf = f"_{leaf}" if leaf[:1].isdigit() else leaf
        package = module_name(folder + ".py") if folder else ""
        if folder and package is None:
            return "motia_files." + re.sub(r"\W", "_", relative.removesuffix(".py"))
        return f"{package}.{leaf}" if package else leaf


@dataclass
class Planner:
    """Collects the schemas first (so one generator call covers them all), then renders the view once the
    models are known."""

    app: model.App
    book: ModelBook = field(default_factory=ModelBook)
    # (owner, trigger index, kind) → (constant's base name, schema, model name or None)
    schemas: dict[tuple[str, int, str], tuple[str, object, str | None]] = field(default_factory=dict)

    def collect(self) -> ModelBook:
        """Name every validated schema: `(owner, index, kind)` → (validator constant, schema, model)."""
        for step in self.app.steps:
            owner = pascal(step.name)
            bodies = [t for t in step.triggers if isinstance(t, model.HttpTrigger)]
            inputs = [t for t in step.triggers if isinstance(t, model.QueueTrigger)]
            for index, trigger in enumerate(step.triggers):
                if isinstance(trigger, model.HttpTrigger) and trigger.body_schema is not None:
                    suffix = str(bodies.index(trigger) + 1) if len(bodies) > 1 else ""
                    self._add(
                        step.name, index, "body", f"{owner}Body{suffix}", trigger.body_schema.json, suffix
                    )
                elif isinstance(trigger, model.QueueTrigger) and trigger.input is not None:
                    number = inputs.index(trigger) + 1
                    suffix = str(number) if number > 1 else ""
                    self._add(step.name, index, "input", f"{owner}Input{suffix}", trigger.input.json, suffix)
        for stream in self.app.streams:
            if stream.schema is not None:
                self._add(stream.name, -1, "item", f"{pascal(stream.name)}Item", stream.schema.json, "")
        return self.book

    def _add(self, owner: str, index: int, kind: str, name: str, schema: object, suffix: str) -> None:
        if accepts_anything(schema):
            return
        base = f"{snake(owner).upper()}{suffix}"
        self.schemas[(owner, index, kind)] = (base, schema, self.book.add(name, schema))

    def view(
        self, runtime: dict[str, object], root: str, source_roots: tuple[str, ...], models: Models
    ) -> DispatchView:
        modules = _modules(self.app, source_roots)
        validators, by_key = self._validators(models)
        steps = [s for s in self.app.steps if s.handler is not None]
        step_names = dict(
            zip((s.name for s in steps), unique(f"STEP_{snake(s.name).upper()}" for s in steps), strict=True)
        )
        step_calls = tuple((step_names[s.name], _step_call(s, modules)) for s in steps)
        tables = _tables(self.app, steps, step_names, modules, by_key)
        hook = self.app.authenticate
        authenticate = _function(hook, modules) if hook is not None else None
        used = _used_specs(tables)
        loader = ["app_root", *(["load_path"] if modules.chosen or models.compiled else [])]
        motia_imports = [from_import("motia.loader", loader), from_import("motia.spec", used)]
        if any("QueueConfig(" in str(row) for t in tables for row in t.rows):
            motia_imports.append(from_import("motia.types", ["QueueConfig"]))
        checks = sorted({c.value.split("(", 1)[0] for c in validators})
        if checks:
            motia_imports.append(from_import("motia.validation", checks))
        stdlib = []
        if any("re.compile(" in str(row) for t in tables for row in t.rows):
            stdlib.append("import re")
        if models.compiled:
            stdlib.append("from pathlib import Path")
        digest = hashlib.sha256(models.code.encode()).hexdigest()[:12]
        models_constant = (
            Constant(
                "_models",
                f'load_path(Path(__file__).parent, "_models.py", "motia_models_{digest}", lazy=True)',
            )
            if models.compiled
            else None
        )
        return DispatchView(
            root=python_literal(root),
            source_roots=_tuple(python_literal(s) for s in source_roots),
            stdlib_imports=tuple(stdlib),
            motia_imports=tuple(motia_imports),
            module_imports=_module_imports(modules),
            module_loads=tuple(
                Constant(
                    modules.aliases[f],
                    f"load_path(ROOT, {python_literal(f)}, {python_literal(modules.chosen[f])})",
                )
                for f in sorted(modules.chosen)
            ),
            models=models_constant,
            blank_after_imports=bool(
                _module_imports(modules) and (modules.chosen or models_constant is not None)
            ),
            validators=validators,
            steps=step_calls,
            tables=tables,
            authenticate=authenticate,
            settings=literal(runtime, 4),
            step_count=len(steps),
            route_count=sum(1 for t in tables if t.name == "routes" for _ in t.rows),
        )

    def _validators(self, models: Models) -> tuple[tuple[Constant, ...], dict[tuple[str, int, str], str]]:
        what = {"body": "request body", "input": "input", "item": "stream item"}
        prefix = {"body": "BODY", "input": "INPUT", "item": "ITEM"}
        constants: dict[str, Constant] = {}
        by_key: dict[tuple[str, int, str], str] = {}
        by_content: dict[str, str] = {}
        for key, (name, schema, model_name) in self.schemas.items():
            kind = key[2]
            compiled = model_name is not None and model_name in models.compiled
            schema_text = literal(schema if isinstance(schema, dict) else {"not": {}}, 4)
            args = ["_models", python_literal(model_name)] if compiled else []
            args += [schema_text, python_literal(what[kind])]
            func = "compiled_validator" if compiled else "schema_validator"
            value = f"{func}(\n" + "".join(f"    {a},\n" for a in args) + ")"
            known = by_content.get(value)
            if known is None:
                constant = unique([f"{prefix[kind]}_{name}"], constants)[0]
                constants[constant] = Constant(constant, value)
                by_content[value] = constant
                known = constant
            by_key[key] = known
        return tuple(constants.values()), by_key


def under_source_root(file: str, source_roots: tuple[str, ...]) -> str:
    """The file's path below the most specific source root holding it: with roots `.` and `src`,
    `src/tickets/a_step.py` is module `tickets.a_step`, the name the app's own imports use."""
    best = ""
    for source in source_roots:
        prefix = "" if source in (".", "") else source.strip("/") + "/"
        if file.startswith(prefix) and len(prefix) >= len(best):
            best = prefix
    return file[len(best) :]


def _modules(app: model.App, source_roots: tuple[str, ...]) -> _Modules:
    files = {s.file for s in app.steps if s.handler is not None}
    files |= {s.file for s in app.streams}
    files |= {ref.file for ref in _refs(app)}
    names = {file: module_name(under_source_root(file, source_roots)) for file in files}
    modules = _Modules(names, source_roots)
    modules.assign(sorted(names))
    return modules


def _module_imports(modules: _Modules) -> tuple[str, ...]:
    """`import a.b as alias` for modules whose functions are used; a module imported only for what it
    defines (a stream) is imported without a name."""
    lines: list[tuple[str, str]] = []
    for file, alias in modules.aliases.items():
        name = modules.names[file]
        if name is None:
            continue
        if file in modules.used:
            lines.append((name, f"import {name} as {alias}  # noqa: E402"))
        else:
            lines.append((name, f"import {name}  # noqa: E402, F401"))
    return tuple(line for _, line in sorted(lines, key=lambda item: (item[0].lower(), item[0])))


def _refs(app: model.App) -> list[model.FunctionRef]:
    refs: list[model.FunctionRef] = []
    for step in app.steps:
        if step.handler is None:
            continue
        refs.append(step.handler.ref)
        for trigger in step.triggers:
            if isinstance(trigger, model.HttpTrigger):
                refs.extend(trigger.middleware)
            if trigger.condition is not None:
                refs.append(trigger.condition)
    for stream in app.streams:
        refs.extend(r for r in (stream.can_access, stream.on_join, stream.on_leave) if r is not None)
    if app.authenticate is not None:
        refs.append(app.authenticate)
    return refs


def _function(ref: model.FunctionRef, modules: _Modules) -> str:
    modules.used.add(ref.file)
    return f"{modules.aliases[ref.file]}.{ref.name}"


def _step_call(step: model.Step, modules: _Modules) -> Call:
    assert step.handler is not None
    ref = step.handler.ref
    args = [
        ("name", python_literal(step.name)),
        ("file", python_literal(step.file)),
        ("form", python_literal("classic" if step.form == "classic" else "v1")),
        ("handler", _function(ref, modules)),
        ("arity", "None" if ref.varargs else str(ref.arity)),
    ]
    topics = sorted({e.topic for e in step.emits})
    if topics:
        args.append(("enqueues", f"frozenset({{{', '.join(python_literal(t) for t in topics)}}})"))
    if step.flows:
        args.append(("flows", _tuple(python_literal(f) for f in step.flows)))
    return Call("StepSpec", tuple(args))


def _tables(
    app: model.App,
    steps: list[model.Step],
    step_names: dict[str, str],
    modules: _Modules,
    validators: dict[tuple[str, int, str], str],
) -> tuple[Table, ...]:
    rows: dict[str, list[Call]] = {
        k: [] for k in ("routes", "subscriptions", "crons", "state_triggers", "stream_triggers")
    }
    for step in steps:
        for index, trigger in enumerate(step.triggers):
            head = (("step", step_names[step.name]), ("index", str(index)))
            condition = (
                (("condition", _function(trigger.condition, modules)),)
                if trigger.condition is not None
                else ()
            )
            if isinstance(trigger, model.HttpTrigger):
                rows["routes"].append(
                    Call(
                        "RouteSpec",
                        (
                            *head,
                            *_route(trigger, modules, validators.get((step.name, index, "body"))),
                            *condition,
                        ),
                    )
                )
            elif isinstance(trigger, model.QueueTrigger):
                args = [("topic", python_literal(trigger.topic))]
                queue = _queue_config(trigger.queue)
                if queue is not None:
                    args.append(("queue", queue))
                check = validators.get((step.name, index, "input"))
                if check is not None:
                    args.append(("input", check))
                args.extend(condition)
                if step.infrastructure is not None and step.infrastructure.timeout is not None:
                    args.append(("timeout", repr(float(step.infrastructure.timeout))))
                rows["subscriptions"].append(Call("SubscriptionSpec", (*head, *args)))
            elif isinstance(trigger, model.CronTrigger):
                args = [("expression", python_literal(trigger.expression)), *condition]
                rows["crons"].append(Call("CronSpec", (*head, *args)))
            elif isinstance(trigger, model.StateTrigger):
                rows["state_triggers"].append(Call("StateTriggerSpec", (*head, *condition)))
            else:
                args = [("stream", python_literal(trigger.stream))]
                if trigger.group_id is not None:
                    args.append(("group_id", python_literal(trigger.group_id)))
                if trigger.item_id is not None:
                    args.append(("item_id", python_literal(trigger.item_id)))
                rows["stream_triggers"].append(Call("StreamTriggerSpec", (*head, *args, *condition)))
    streams = [_stream(s, modules, validators.get((s.name, -1, "item"))) for s in app.streams]
    return (
        Table("steps", tuple(step_names[s.name] for s in steps), calls=False),
        *(Table(name, tuple(calls), calls=True) for name, calls in rows.items()),
        Table("streams", tuple(streams), calls=True),
    )


def _route(trigger: model.HttpTrigger, modules: _Modules, body: str | None) -> list[tuple[str, str]]:
    args = [("method", python_literal(trigger.method)), ("path", python_literal(trigger.path))]
    pattern = routes.regex(trigger.path)
    if pattern is not None:
        args.append(("pattern", f"re.compile({_raw(pattern)})"))
        args.append(("params", _tuple(python_literal(p) for p in routes.params(trigger.path))))
    if body is not None:
        args.append(("body", body))
    if trigger.middleware:
        args.append(("middleware", _tuple(_function(m, modules) for m in trigger.middleware)))
    return args


def _raw(text: str) -> str:
    if '"' in text or text.endswith("\\") or "\n" in text:
        return python_literal(text)
    return f'r"{text}"'


def _queue_config(settings: model.QueueSettings | None) -> str | None:
    if settings is None:
        return None
    fields = (
        ("type", settings.type),
        ("max_retries", settings.max_retries),
        ("visibility_timeout", settings.visibility_timeout),
        ("delay_seconds", settings.delay_seconds),
        ("concurrency", settings.concurrency),
        ("backoff_type", settings.backoff_type),
        ("backoff_delay_ms", settings.backoff_delay_ms),
    )
    given = [f"{key}={python_literal(value)}" for key, value in fields if value is not None]
    return f"QueueConfig({', '.join(given)})"


def _stream(stream: model.Stream, modules: _Modules, items: str | None) -> Call:
    args = [("name", python_literal(stream.name)), ("file", python_literal(stream.file))]
    if items is not None:
        args.append(("schema", items))
    for key, ref in (
        ("can_access", stream.can_access),
        ("on_join", stream.on_join),
        ("on_leave", stream.on_leave),
    ):
        if ref is not None:
            args.append((key, _function(ref, modules)))
    return Call("StreamSpec", tuple(args))


def _used_specs(tables: tuple[Table, ...]) -> list[str]:
    used = {"AppSpec"}
    for table in tables:
        for row in table.rows:
            if isinstance(row, Call):
                used.add(row.func)
    if any(t.name == "steps" and t.rows for t in tables):
        used.add("StepSpec")
    return [s for s in _SPECS if s in used]


def from_import(module: str, names: list[str]) -> str:
    """`from module import a, b` as isort writes it at its default width of 88: wrapped one name per
    line when longer."""
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= 88:
        return line
    return f"from {module} import (\n" + "".join(f"    {name},\n" for name in names) + ")"


def _tuple(items: Iterable[str]) -> str:
    parts = list(items)
    if len(parts) == 1:
        return f"({parts[0]},)"
    return f"({', '.join(parts)})"


def literal(value: object, indent: int, lead: int = 0) -> str:
    """A JSON value as Python source: one line when it fits (after `indent` spaces and `lead` more
    characters), else one item per line with trailing commas, as ruff formats it."""
    flat = _flat(value)
    if indent + lead + len(flat) <= _WIDTH or not isinstance(value, dict | list) or not value:
        return flat
    pad = " " * (indent + 4)
    if isinstance(value, dict):
        lines = []
        for k, v in value.items():
            key = python_literal(str(k))
            lines.append(f"{pad}{key}: {literal(v, indent + 4, len(key) + 3)},")
        return "{\n" + "\n".join(lines) + "\n" + " " * indent + "}"
    lines = [f"{pad}{literal(v, indent + 4, 1)}," for v in value]
    return "[\n" + "\n".join(lines) + "\n" + " " * indent + "]"


def _flat(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{python_literal(str(k))}: {_flat(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flat(v) for v in value) + "]"
    return python_literal(value)
