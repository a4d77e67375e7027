"""The registry of diagnostic codes: each code's stable number, name, default severity and doc.

Codes are never renumbered. Ranges: MG1xx discovery, parsing and static evaluation; MG2xx config and
graph checks; MG3xx generation.
"""

from __future__ import annotations

from dataclasses import dataclass

from motia_gen.diagnostics.data import Severity


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    name: str
    severity: Severity
    doc: str


CODES: tuple[Code, ...] = (
    Code(
        "MG100",
        "no-steps-found",
        Severity.WARNING,
        "Discovery found no step or stream file under the configured directories. Steps are files named "
        "`*_step.py` or `*.step.py`, streams `*_stream.py` or `*.stream.py`, under `steps/` and `src/` "
        "unless `[tool.motia] dirs` or `--dir` says otherwise.",
    ),
    Code(
        "MG101",
        "syntax-error",
        Severity.ERROR,
        "The file is not valid Python. The position and message are CPython's own, which are more precise "
        "than the parser's. Nothing else is read from the file. For a TypeScript or JavaScript file, the "
        "first place tree-sitter could not parse.",
    ),
    Code(
        "MG102",
        "unreadable-file",
        Severity.ERROR,
        "The file could not be read as UTF-8 text: a decoding or permission problem, or a file the compiler "
        "does not read: not a regular file (a FIFO or a device), a link to a file outside the app, or larger "
        "than 1 MiB.",
    ),
    Code(
        "MG103",
        "missing-config",
        Severity.ERROR,
        "A step file defines no step: no module-level `config`, no `step(...)` definition and no "
        "`add_step(...)` call. A stream file defines no stream: no `config`, `StreamConfig(...)` or "
        "module-level `Stream(...)`.",
    ),
    Code(
        "MG104",
        "missing-handler",
        Severity.ERROR,
        "A step that runs code has no handler: classic and 1.x dict configs need a module-level `handler` "
        "function (async or sync); builder steps pass it to `step(config, handler)` or "
        "`.handle(handler)`. Noop steps need none.",
    ),
    Code(
        "MG105",
        "unsupported-expression",
        Severity.ERROR,
        "A config value uses an expression the static evaluator does not support. The compiler never runs "
        "user code, so config values must be literals, f-strings of constants, names bound at module "
        "level or imported from project modules, dict/list unpacking of those, "
        "`Model.model_json_schema()`, pydantic model classes, Motia helper calls (`http`, `queue`, "
        "`cron`, `state`, `stream`, `StepConfig`, `StreamConfig`, `step`) and references to module-level "
        "functions.",
    ),
    Code(
        "MG106",
        "undefined-name",
        Severity.ERROR,
        "A name used in a config is not bound at module level and not imported, so it cannot be evaluated "
        "statically.",
    ),
    Code(
        "MG107",
        "unresolved-import",
        Severity.ERROR,
        "A config value comes from an import that names no module of the project and no known library "
        "symbol, so its value cannot be read.",
    ),
    Code(
        "MG108",
        "circular-definition",
        Severity.ERROR,
        "Evaluating a value came back to itself (for example `A = B` in one module and `B = A` in the "
        "other). Import cycles between modules are fine; values defined in terms of themselves are not.",
    ),
    Code(
        "MG109",
        "unsupported-model",
        Severity.ERROR,
        "A pydantic model used as a schema uses an annotation, field option or class feature that the "
        "static JSON Schema translator does not support, so its schema would differ from pydantic's. "
        "Supported: str, int, float, bool, bytes, None, Optional and `X | Y`, list/set/frozenset/tuple/"
        "dict and their abstract forms (Sequence, Mapping, deque, …), Literal, Enum subclasses, nested, "
        "self-referencing and root models (`RootModel[T]`), discriminated unions "
        "(`Field(discriminator=...)`), "
        "uuid.UUID and UUID1–8, datetime/date/time/timedelta and pydantic's dated variants (AwareDatetime, "
        'PastDate, …), Decimal (bounds, defaults such as `Decimal("1.50")`), EmailStr and NameEmail, the '
        "URL and DSN types, IP addresses, networks and interfaces, Path and pydantic's path types, "
        "SecretStr/SecretBytes, ByteSize, Base64 types, Json and `Json[T]`, the Strict, Positive, Negative "
        "and Finite types, constr/conint/confloat/condecimal/conlist/conset and `Annotated[..., Field(...)]` "
        "or `StringConstraints(...)`; `Field(...)` with default, default_factory, description, title, alias, "
        "min/max length, ge/gt/le/lt, multiple_of, pattern, examples, deprecated and json_schema_extra (a "
        "dict); docstrings, inheritance and `model_config` title/extra. Not (yet): generic models "
        "(`Page[int]`), a `Discriminator(...)` callable, and anything computed by running code (a "
        "json_schema_extra function).",
    ),
    Code(
        "MG110",
        "config-reassigned",
        Severity.WARNING,
        "`config` is assigned more than once at module level; the last assignment is the one Motia would "
        "see and the one the compiler reads.",
    ),
    Code(
        "MG111",
        "project-settings",
        Severity.ERROR,
        "The `[tool.motia]` table of the app's pyproject.toml is malformed: an unknown key or a value of "
        "the wrong type.",
    ),
    Code(
        "MG112",
        "unknown-diagnostic-code",
        Severity.WARNING,
        "`[tool.motia.lint]` or a `# motia: ignore[...]` comment names a code that does not exist, so it "
        "suppresses or changes nothing. The message suggests the closest code.",
    ),
    Code(
        "MG113",
        "invalid-runtime-setting",
        Severity.ERROR,
        "A runtime setting in `[tool.motia]` has the right type but a value the built app cannot run "
        "with: a `timezone` that is not an IANA time zone name known to this system, a `body-limit` below "
        "1 byte, or a `cors-origins` entry that is not an origin (`https://host[:port]`, or `*`).",
    ),
    Code(
        "MG114",
        "invalid-stream-auth-setting",
        Severity.ERROR,
        "`[tool.motia] stream-auth` does not name the app's stream authentication hook: the value is not "
        "of the form `path/to/file.py:function`, the file is outside the project or does not exist, or it "
        "defines no module-level function of that name (a name it imports from another app module counts). "
        "The path is relative to the project root; the file is read statically, never imported by the "
        "compiler.",
    ),
    Code(
        "MG115",
        "unsafe-setting-value",
        Severity.ERROR,
        "A `[tool.motia]` path or glob (`dirs`, `source-roots`, `include`, `exclude`) is empty, absolute or "
        "leaves the app through `..`, or a string setting (those, or `external-topics`) holds a control "
        "character such as a newline. The compiler reads only inside the app and passes these values to "
        "the tools it runs (mypy), so such a value is refused and the setting keeps its default.",
    ),
    Code(
        "MG116",
        "unknown-runtime-import",
        Severity.ERROR,
        "A step or stream file imports from the motia runtime a module or name it does not have "
        "(`from motia import stateManger`, `import motia.typess`). The app would fail to start; the help "
        "names the closest names the runtime has. Names are looked up in the installed runtime, so what "
        "passes here imports at run time.",
    ),
    Code(
        "MG200",
        "undeclared-emit",
        Severity.ERROR,
        "A handler emits (or enqueues) a topic its config does not declare in `emits`/`enqueues`. The "
        "runtime refuses such an emit, so it would fail in production. Unlike classic Motia, an empty "
        "`emits` list does not allow every topic.",
    ),
    Code(
        "MG201",
        "emit-without-topic",
        Severity.ERROR,
        "An emit call passes a dict without a `topic` key (or with `type` where `topic` belongs, an old "
        "spelling), so the runtime cannot route it.",
    ),
    Code(
        "MG202",
        "dynamic-topic",
        Severity.INFO,
        "An emitted topic is computed at run time, so the compiler cannot check it against the declared "
        "emits. Topics from string literals, module constants, local constants and loops over literal "
        "tuples are resolved; this one was not.",
    ),
    Code(
        "MG203",
        "fifo-emit-without-group",
        Severity.ERROR,
        "A topic consumed through a FIFO queue is emitted without `messageGroupId`; FIFO queues order "
        "messages per group and need one.",
    ),
    Code(
        "MG204",
        "emit-without-subscriber",
        Severity.WARNING,
        "A declared emit has no subscriber: nothing consumes the topic (virtual subscriptions do not "
        "count). Often a typo; the help names the closest subscribed topic. An error under `--strict`.",
    ),
    Code(
        "MG205",
        "subscription-without-emitter",
        Severity.WARNING,
        "A step subscribes to a topic that no step emits. Topics fed from outside the app (`motia emit`, "
        "webhooks) belong in `[tool.motia] external-topics`, or in a step's `virtualSubscribes`, which "
        "silences this.",
    ),
    Code(
        "MG206",
        "emit-cycle",
        Severity.WARNING,
        "Steps emit topics in a cycle (A emits to B, B back to A), which can loop forever unless a "
        "condition breaks it. The message shows the cycle.",
    ),
    Code(
        "MG207",
        "conflicting-input-schemas",
        Severity.ERROR,
        "Two subscribers of one topic declare `input` schemas that no payload can satisfy at once (a "
        "property with incompatible types, or one required by one subscriber and forbidden by another).",
    ),
    Code(
        "MG208",
        "payload-mismatch",
        Severity.ERROR,
        "A literal emit payload does not match the subscribers' merged `input` schema: a required key is "
        "missing, a key is unknown where `additionalProperties` is false, or a literal value has the "
        "wrong type.",
    ),
    Code(
        "MG209",
        "unused-emit",
        Severity.INFO,
        "A declared emit is never used by the handler. Only reported when the handler makes no calls the "
        "analysis cannot see into, so the emit cannot be happening elsewhere.",
    ),
    Code(
        "MG210",
        "unknown-step-type",
        Severity.ERROR,
        "A classic config has a `type` other than `api`, `event`, `cron` or `noop`, or no `type` and no "
        "`triggers` (which would make it a 1.x config).",
    ),
    Code(
        "MG211",
        "missing-config-key",
        Severity.ERROR,
        "A key the step kind requires is absent (for example `path` and `method` on an api step, "
        "`subscribes` on an event step, `cron` on a cron step, `name` on every step and stream).",
    ),
    Code(
        "MG212",
        "wrong-config-type",
        Severity.ERROR,
        "A config value has the wrong type (for example a string where a list of topics is expected).",
    ),
    Code(
        "MG213",
        "unknown-config-key",
        Severity.ERROR,
        "A config key is not one the step kind accepts. Classic Motia rejects unknown keys; Motia 1.x "
        "drops them silently, which hides typos. The message suggests the closest valid key.",
    ),
    Code(
        "MG214",
        "invalid-config-value",
        Severity.ERROR,
        "A config value has the right type but a value outside what is accepted (for example a trigger "
        "helper called with the wrong number of arguments, or an unknown queue type).",
    ),
    Code(
        "MG215",
        "invalid-http-method",
        Severity.ERROR,
        "An HTTP method is not one of GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD (upper case).",
    ),
    Code(
        "MG216",
        "invalid-path",
        Severity.ERROR,
        "An HTTP path does not start with `/`, has a malformed `:param` segment (a parameter name must be "
        "an identifier) or repeats a parameter name.",
    ),
    Code(
        "MG217",
        "duplicate-step-name",
        Severity.ERROR,
        "Two steps share a name. Names identify steps in traces, flows and the runtime; the diagnostic "
        "points at both definitions.",
    ),
    Code(
        "MG218",
        "long-step-name",
        Severity.WARNING,
        "A step name is longer than 40 characters, which Motia's tooling truncates.",
    ),
    Code(
        "MG219",
        "duplicate-stream-name",
        Severity.ERROR,
        "Two streams share a name, so `context.streams.<name>` would be ambiguous.",
    ),
    Code(
        "MG220",
        "invalid-cron",
        Severity.ERROR,
        "A cron expression is malformed. Accepted: 5 fields (minute first), or 6/7 fields with leading "
        "seconds and an optional trailing year; ranges, steps, lists, month and day names, `L` and `#`, "
        "and the macros `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`. "
        "The message names the bad field.",
    ),
    Code(
        "MG221",
        "setting-out-of-range",
        Severity.ERROR,
        "An infrastructure or queue setting is outside its range: ram 128–10240 MB, timeout 1–900 s, cpu "
        "within 0.1 vCPU of the value proportional to ram (ram / 2048), delaySeconds 0–900, maxRetries ≥ "
        "0, concurrency ≥ 1, and a visibilityTimeout longer than the handler timeout.",
    ),
    Code(
        "MG222",
        "invalid-json-schema",
        Severity.ERROR,
        "A schema (`bodySchema`, `input`, a `responseSchema` value, a stream schema) is not a valid JSON "
        "Schema according to its meta-schema, or it has a `$ref` the build cannot follow safely: one "
        "pointing outside the schema (a URL or a file, which would be fetched or read), at nothing, or into "
        "a loop of references with no schema in between.",
    ),
    Code(
        "MG223",
        "invalid-response-status",
        Severity.ERROR,
        "A `responseSchema` key is not an HTTP status code between 100 and 599.",
    ),
    Code(
        "MG224",
        "duplicate-query-param",
        Severity.ERROR,
        "A query parameter is declared twice on one route.",
    ),
    Code(
        "MG225",
        "handler-on-noop",
        Severity.WARNING,
        "A noop step defines a handler, which never runs.",
    ),
    Code(
        "MG226",
        "handler-signature",
        Severity.ERROR,
        "A handler, middleware or condition cannot be called the way the runtime calls it for its trigger "
        "kind (api and event handlers take the request or input and the context, classic cron handlers "
        "the context; Motia 1.x handlers take the input and the context).",
    ),
    Code(
        "MG227",
        "include-files-unmatched",
        Severity.WARNING,
        "An `includeFiles` glob matches no file next to the step, or leaves the app (an absolute pattern "
        "or one climbing out through `..`), which is never searched.",
    ),
    Code(
        "MG228",
        "empty-step-name",
        Severity.ERROR,
        "A step name is empty or only whitespace.",
    ),
    Code(
        "MG229",
        "invalid-authenticate-hook",
        Severity.ERROR,
        "A module-level `set_authenticate(...)` call cannot be wired into the dispatch module: its "
        "argument is not a module-level function of the app (a lambda, a call, an unknown name, a class, a "
        "library function), it does not take exactly one argument, or it is not called on a `Motia()` "
        "instance the compiler can see (`motia = Motia()` in the same file, or imported from an app "
        "module). The compiler wires the hook by reference and never runs code to find it.",
    ),
    Code(
        "MG230",
        "authenticate-signature",
        Severity.ERROR,
        "The stream authentication hook cannot be called the way the runtime calls it on every WebSocket "
        "connection: with `(input)` when it takes one positional parameter, else with `(input, ctx)`. It "
        "takes no positional parameter, or requires more than two.",
    ),
    Code(
        "MG231",
        "duplicate-authenticate-hook",
        Severity.ERROR,
        "The app declares its stream authentication hook more than once: two `set_authenticate(...)` "
        "calls, or a call and the `[tool.motia] stream-auth` setting. An app has one hook; the diagnostic "
        "names both places, and the first declaration is the one wired.",
    ),
    Code(
        "MG232",
        "topic-typo",
        Severity.ERROR,
        "A topic that only one side uses is a near miss of a topic the other side uses: a subscription "
        "with no emitter next to an emitted topic of almost the same name (`order.craeted` and "
        "`order.created`), or the converse. Every such event would be dropped at run time, so this is an "
        "error rather than MG204/MG205; the diagnostic points at both places. When the near miss is in "
        "use on both sides already, only a spelling slip (two edits at most) is this error: a whole word "
        "swapped (`email.replied` next to a flowing `email.received`) is a did-you-mean hint on "
        "MG204/MG205. A topic really fed from outside the app belongs in `[tool.motia] external-topics`.",
    ),
    Code(
        "MG233",
        "unawaited-context-call",
        Severity.ERROR,
        "A handler calls the classic context API (`context.emit(...)`, `ctx.enqueue(...)`, "
        "`ctx.state.set(...)`, `ctx.streams.<name>.set(...)`, …) as a bare statement: these calls are "
        "coroutines, so in Motia nothing would be sent or written and the request would still succeed. "
        "Await it. (This runtime still performs such a call when the handler returns and logs where it "
        "was made, but the code is wrong.) Motia 1.x's module-level `enqueue`, `Stream(...)` handles and "
        "`stateManager` are synchronous and need no `await`.",
    ),
    Code(
        "MG250",
        "route-conflict",
        Severity.ERROR,
        "Two routes have the same method and the same path once parameter names and a trailing slash are "
        "ignored, so one of them can never be reached. The diagnostic points at both.",
    ),
    Code(
        "MG251",
        "route-shadowing",
        Severity.WARNING,
        "A static segment and a parameter compete at the same position (`/users/me` and `/users/:id`). At "
        "run time the static segment wins for its exact value; the message says so, in case that is not "
        "intended.",
    ),
    Code(
        "MG252",
        "unknown-stream",
        Severity.ERROR,
        'A handler uses a stream (`context.streams.<name>` or `Stream("name")`), or a stream trigger '
        "names one, that no stream file defines. The help suggests the closest stream name.",
    ),
    Code(
        "MG253",
        "unknown-path-param",
        Severity.ERROR,
        "A handler reads a path parameter that the route's path does not define, so it is always missing.",
    ),
    Code(
        "MG254",
        "undeclared-status",
        Severity.WARNING,
        "A handler returns a literal status that the step's `responseSchema` does not declare, so clients "
        "and the OpenAPI document do not know about it.",
    ),
    Code(
        "MG300",
        "type-error",
        Severity.ERROR,
        "`motia typecheck` found a type error: mypy `--strict`, run over the step files with each handler "
        "checked against the types generated for its step (a handler without annotations gets them from "
        "its step's types). The message is mypy's, with its error code in brackets; the position is in "
        "the step file as written.",
    ),
    Code(
        "MG301",
        "handler-protocol-mismatch",
        Severity.ERROR,
        "A handler's own annotations do not match the types generated for its step: the runtime would "
        "call it with a request, input or context of another shape, or it returns something the step "
        "does not declare. Annotate it with the names from the step's module in the generated types "
        "package (`Request`, `Input`, `Context`, `Response`), or leave it unannotated.",
    ),
)

REGISTRY: dict[str, Code] = {c.code: c for c in CODES}
