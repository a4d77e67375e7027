"""The dispatch module's view model: every statement's pieces as Python source (`Code`, which carries the
imports it needs), computed here so the template only lays them out.

Names in the generated module: `ROOT` (the app root), one module alias per imported file, `_models` (the
compiled models), one validator constant per schema (`BODY_…`, `INPUT_…`, `ITEM_…`), one `StepSpec`
constant per step (`STEP_…`) and `APP`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from motia.spec import RuntimeSettings

from motia_gen import model
from motia_gen.emit.dispatch.validators import ModelBook, Models, accepts_anything
from motia_gen.emit.pysource import (
    Code,
    Import,
    import_block,
    imported,
    json_value,
    literal,
    needs_of,
    raw_string,
    tuple_of,
)
from motia_gen.emit.types.names import pascal, snake, unique
from motia_gen.model import routes
from motia_gen.parse.project import module_name

_WIDTH = 100
_RESERVED = (
    "APP",
    "ROOT",
    "Path",
    "QueueConfig",
    "RuntimeSettings",
    "_models",
    "annotations",
    "app_root",
    "load_path",
    "compiled_validator",
    "re",
    "schema_validator",
)
_LOADER = "motia.loader"
_SPEC = "motia.spec"
_VALIDATION = "motia.validation"


@dataclass(frozen=True, slots=True)
class Call:
    """`func(key=value, …)`, laid out one argument per line; values are already indented for their place."""

    func: Code
    args: tuple[tuple[str, Code], ...]

    @property
    def needs(self) -> frozenset[Import]:
        return needs_of([self.func, *(value for _, value in self.args)])


@dataclass(frozen=True, slots=True)
class Constant:
    name: str
    value: Code


@dataclass(frozen=True, slots=True)
class Table:
    name: str  # AppSpec field
    rows: tuple[Call | Code, ...]
    calls: bool  # rows are calls (else names)


@dataclass(frozen=True, slots=True)
class DispatchView:
    root: str  # the app root, relative to the dispatch module's folder
    source_roots: str  # tuple literal
    imports: tuple[str, ...]  # the standard library's and the runtime's, "" between the two sections
    module_imports: tuple[str, ...]  # `import a.b as alias`, sorted
    module_loads: tuple[Constant, ...]  # alias = load_path(...)
    models: Constant | None
    blank_after_imports: bool  # one blank line between the imports and the loads (isort's spacing)
    validators: tuple[Constant, ...]
    steps: tuple[tuple[str, Call], ...]
    tables: tuple[Table, ...]
    authenticate: Code | None  # the stream authenticate hook, `alias.function`
    settings: Call
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
            if step.language != "python":
                continue  # served by another runtime: nothing here validates its input
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
        self, runtime: RuntimeSettings, root: str, source_roots: tuple[str, ...], models: Models
    ) -> DispatchView:
        modules = _modules(self.app, source_roots)
        validators, by_key = self._validators(models)
        steps = [s for s in self.app.steps if s.handler is not None]
        step_names = dict(
            zip((s.name for s in steps), unique(f"STEP_{snake(s.name).upper()}" for s in steps), strict=True)
        )
        step_calls = tuple((step_names[s.name], _step_call(s, modules)) for s in steps)
        tables = (*_tables(self.app, steps, step_names, modules, by_key), *_foreign(self.app))
        hook = self.app.authenticate
        authenticate = _function(hook, modules) if hook is not None else None
        digest = hashlib.sha256(models.code.encode()).hexdigest()[:12]
        models_constant = (
            Constant(
                "_models",
                Code(
                    f'load_path(Path(__file__).parent, "_models.py", "motia_models_{digest}", lazy=True)',
                    frozenset({Import("pathlib", "Path"), Import(_LOADER, "load_path")}),
                ),
            )
            if models.compiled
            else None
        )
        module_loads = tuple(
            Constant(
                modules.aliases[f],
                Code(
                    f"load_path(ROOT, {literal(f)}, {literal(modules.chosen[f])})",
                    frozenset({Import(_LOADER, "load_path")}),
                ),
            )
            for f in sorted(modules.chosen)
        )
        settings = _settings(runtime)
        constants = [*module_loads, *validators, *([models_constant] if models_constant else [])]
        needs = needs_of(
            [
                imported(_LOADER, "app_root"),
                imported(_SPEC, "AppSpec"),
                *(c.value for c in constants),
                *(call for _, call in step_calls),
                *(row for table in tables for row in table.rows),
                settings,
            ]
        )
        return DispatchView(
            root=literal(root),
            source_roots=tuple_of(literal(s) for s in source_roots),
            imports=tuple(import_block(needs)),
            module_imports=_module_imports(modules),
            module_loads=module_loads,
            models=models_constant,
            blank_after_imports=bool(
                _module_imports(modules) and (modules.chosen or models_constant is not None)
            ),
            validators=validators,
            steps=step_calls,
            tables=tables,
            authenticate=authenticate,
            settings=settings,
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
            schema_text = json_value(schema if isinstance(schema, dict) else {"not": {}}, 4, _WIDTH)
            args = ["_models", literal(model_name)] if compiled else []
            args += [schema_text, literal(what[kind])]
            func = "compiled_validator" if compiled else "schema_validator"
            value = f"{func}(\n" + "".join(f"    {a},\n" for a in args) + ")"
            known = by_content.get(value)
            if known is None:
                constant = unique([f"{prefix[kind]}_{name}"], constants)[0]
                constants[constant] = Constant(constant, Code(value, frozenset({Import(_VALIDATION, func)})))
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
    files |= {s.file for s in app.streams if s.language == "python"}  # a TS stream file is not imported
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


def _function(ref: model.FunctionRef, modules: _Modules) -> Code:
    modules.used.add(ref.file)
    alias = modules.aliases[ref.file]
    if ref.lambda_body is None:
        return Code(f"{alias}.{ref.name}")
    line, column = ref.lambda_body
    finder = imported(_LOADER, "lambda_at")
    return Code(f"{finder}({alias}, {line}, {column})", finder.needs)


def _step_call(step: model.Step, modules: _Modules) -> Call:
    assert step.handler is not None
    ref = step.handler.ref
    args = [
        ("name", Code(literal(step.name))),
        ("file", Code(literal(step.file))),
        ("form", Code(literal("classic" if step.form == "classic" else "v1"))),
        ("handler", _function(ref, modules)),
        ("arity", Code("None" if ref.varargs else str(ref.arity))),
    ]
    topics = sorted({e.topic for e in step.emits})
    if topics:
        args.append(("enqueues", Code(f"frozenset({{{', '.join(literal(t) for t in topics)}}})")))
    if step.flows:
        args.append(("flows", Code(tuple_of(literal(f) for f in step.flows))))
    return Call(imported(_SPEC, "StepSpec"), tuple(args))


def _tables(
    app: model.App,
    steps: list[model.Step],
    step_names: dict[str, str],
    modules: _Modules,
    validators: dict[tuple[str, int, str], str],
) -> tuple[Table, ...]:
    def validator(key: tuple[str, int, str]) -> Code | None:
        name = validators.get(key)
        return None if name is None else Code(name)

    rows: dict[str, list[Call]] = {
        k: [] for k in ("routes", "subscriptions", "crons", "state_triggers", "stream_triggers")
    }
    for step in steps:
        for index, trigger in enumerate(step.triggers):
            head = (("step", Code(step_names[step.name])), ("index", Code(str(index))))
            condition = (
                (("condition", _function(trigger.condition, modules)),)
                if trigger.condition is not None
                else ()
            )
            if isinstance(trigger, model.HttpTrigger):
                route = _route(trigger, modules, validator((step.name, index, "body")))
                rows["routes"].append(Call(imported(_SPEC, "RouteSpec"), (*head, *route, *condition)))
            elif isinstance(trigger, model.QueueTrigger):
                args = [("topic", Code(literal(trigger.topic)))]
                queue = _queue_config(trigger.queue)
                if queue is not None:
                    args.append(("queue", queue))
                check = validator((step.name, index, "input"))
                if check is not None:
                    args.append(("input", check))
                args.extend(condition)
                if step.infrastructure is not None and step.infrastructure.timeout is not None:
                    args.append(("timeout", Code(repr(float(step.infrastructure.timeout)))))
                rows["subscriptions"].append(Call(imported(_SPEC, "SubscriptionSpec"), (*head, *args)))
            elif isinstance(trigger, model.CronTrigger):
                args = [("expression", Code(literal(trigger.expression))), *condition]
                rows["crons"].append(Call(imported(_SPEC, "CronSpec"), (*head, *args)))
            elif isinstance(trigger, model.StateTrigger):
                rows["state_triggers"].append(Call(imported(_SPEC, "StateTriggerSpec"), (*head, *condition)))
            else:
                args = [("stream", Code(literal(trigger.stream)))]
                if trigger.group_id is not None:
                    args.append(("group_id", Code(literal(trigger.group_id))))
                if trigger.item_id is not None:
                    args.append(("item_id", Code(literal(trigger.item_id))))
                rows["stream_triggers"].append(
                    Call(imported(_SPEC, "StreamTriggerSpec"), (*head, *args, *condition))
                )
    streams = [_stream(s, modules, validator((s.name, -1, "item"))) for s in app.streams]
    return (
        Table("steps", tuple(Code(step_names[s.name]) for s in steps), calls=False),
        *(Table(name, tuple(calls), calls=True) for name, calls in rows.items()),
        Table("streams", tuple(streams), calls=True),
    )


def _foreign(app: model.App) -> tuple[Table, ...]:
    """The queue triggers of the steps in other languages, whose events the runtime keeps for them (only
    in mixed apps: the table is left out when empty)."""
    rows: list[Call] = []
    for step in app.steps:
        if step.language == "python":
            continue
        for trigger in step.triggers:
            if isinstance(trigger, model.QueueTrigger):
                args = [(k, Code(literal(v))) for k, v in (("step", step.name), ("language", step.language))]
                args.append(("topic", Code(literal(trigger.topic))))
                queue = _queue_config(trigger.queue)
                if queue is not None:
                    args.append(("queue", queue))
                rows.append(Call(imported(_SPEC, "ForeignSubscriptionSpec"), tuple(args)))
    return (Table("foreign_subscriptions", tuple(rows), calls=True),) if rows else ()


def _route(trigger: model.HttpTrigger, modules: _Modules, body: Code | None) -> list[tuple[str, Code]]:
    args = [("method", Code(literal(trigger.method))), ("path", Code(literal(trigger.path)))]
    pattern = routes.regex(trigger.path)
    if pattern is not None:
        args.append(("pattern", Code(f"re.compile({raw_string(pattern)})", frozenset({Import("re")}))))
        args.append(("params", Code(tuple_of(literal(p) for p in routes.params(trigger.path)))))
    if body is not None:
        args.append(("body", body))
    if trigger.middleware:
        middleware = [_function(m, modules) for m in trigger.middleware]
        args.append(("middleware", Code(tuple_of(m.text for m in middleware))))
    return args


def _queue_config(settings: model.QueueSettings | None) -> Code | None:
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
    given = [f"{key}={literal(value)}" for key, value in fields if value is not None]
    return Code(f"QueueConfig({', '.join(given)})", frozenset({Import("motia.triggers", "QueueConfig")}))


def _settings(runtime: RuntimeSettings) -> Call:
    """Every runtime setting spelled out, so the dispatch module shows how the app runs."""
    origins = runtime.cors_origins
    return Call(
        imported(_SPEC, "RuntimeSettings"),
        (
            ("timezone", Code(literal(runtime.timezone))),
            ("body_limit", Code(literal(runtime.body_limit))),
            ("http_timeout", Code(literal(float(runtime.http_timeout)))),
            ("cors_origins", Code("False" if origins is False else tuple_of(literal(o) for o in origins))),
            ("emit_endpoint", Code(literal(runtime.emit_endpoint))),
        ),
    )


def _stream(stream: model.Stream, modules: _Modules, items: Code | None) -> Call:
    args = [("name", Code(literal(stream.name))), ("file", Code(literal(stream.file)))]
    if items is not None:
        args.append(("schema", items))
    for key, ref in (
        ("can_access", stream.can_access),
        ("on_join", stream.on_join),
        ("on_leave", stream.on_leave),
    ):
        if ref is not None:
            args.append((key, _function(ref, modules)))
    return Call(imported(_SPEC, "StreamSpec"), tuple(args))
