"""Evaluated configs → the app model's triggers, emits and settings, for every config form.

Classic (`type` = api/event/cron/noop) and 1.x (`triggers=[...]`, as a dict or `StepConfig(...)`) configs
end up in the same `StepParts`. The key tables mirror Motia: classic configs are strict, 1.x dicts accept
both the snake_case field names and the camelCase names Motia serialises to.
"""

from __future__ import annotations

from dataclasses import dataclass

from motia.config import RENAMED_KEYS, STEP_CONFIG_FIELDS
from motia.triggers import QUEUE_CONFIG_FIELDS, TRIGGER_FIELDS, TRIGGER_POSITIONAL

from motia_gen import model
from motia_gen.diagnostics import Diagnostic, Span, diag
from motia_gen.discover import Language
from motia_gen.evaluate.values import (
    Value,
    VCall,
    VDict,
    VFunction,
    VScalar,
    VSchema,
    VUnknown,
    describe,
    to_json,
)
from motia_gen.model.fields import Fields

_COMMON = ("type", "name", "description", "flows", "includeFiles", "virtualEmits", "virtualSubscribes")
CLASSIC_KEYS: dict[str, tuple[str, ...]] = {
    "api": (*_COMMON, "path", "method", "emits", "bodySchema", "responseSchema", "middleware", "queryParams"),
    "event": (*_COMMON, "subscribes", "emits", "input", "infrastructure"),
    "cron": (*_COMMON, "cron", "emits"),
    "noop": ("type", "name", "description", "flows", "virtualEmits", "virtualSubscribes"),
}
CLASSIC_REQUIRED: dict[str, tuple[str, ...]] = {
    "api": ("name", "path", "method", "emits"),
    "event": ("name", "subscribes", "emits"),
    "cron": ("name", "cron", "emits"),
    "noop": ("name", "virtualEmits", "virtualSubscribes"),
}
# The 1.x key tables are the runtime's own (`StepConfig.from_mapping`, the trigger helpers, `QueueConfig`),
# so a config the compiler accepts is one the runtime accepts: (snake_case name, camelCase name) pairs.
# Positional parameters of each trigger helper, and its keyword names.
TRIGGER_PARAMS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = {
    kind: (TRIGGER_POSITIONAL[kind], fields) for kind, fields in TRIGGER_FIELDS.items()
}
_SNAKE = {camel: snake for snake, camel in QUEUE_CONFIG_FIELDS}


@dataclass(frozen=True, slots=True)
class StepParts:
    """Everything a config says about a step; the handler comes from elsewhere."""

    name: str
    name_span: Span
    kind: model.StepKind
    triggers: tuple[model.Trigger, ...]
    emits: tuple[model.Emit, ...]
    virtual_emits: tuple[model.Emit, ...]
    virtual_subscribes: tuple[model.Topic, ...]
    flows: tuple[str, ...]
    description: str | None
    include_files: tuple[model.IncludeGlob, ...]
    infrastructure: model.HandlerSettings | None

    def step(
        self,
        *,
        file: str,
        module: str | None,
        form: model.StepForm,
        span: Span,
        handler: model.Handler | None,
        language: Language = "python",
    ) -> model.Step:
        """The model step these parts describe, defined at `span` of `file`."""
        return model.Step(
            name=self.name,
            file=file,
            module=module,
            form=form,
            kind=self.kind,
            span=span,
            name_span=self.name_span,
            triggers=self.triggers,
            emits=self.emits,
            virtual_emits=self.virtual_emits,
            virtual_subscribes=self.virtual_subscribes,
            flows=self.flows,
            description=self.description,
            include_files=self.include_files,
            infrastructure=self.infrastructure,
            handler=handler,
            language=language,
        )


def function_ref(value: VFunction) -> model.FunctionRef:
    f = value.function
    positional = [p for p in f.params if p.kind == "positional"]
    return model.FunctionRef(
        value.module,
        value.file,
        f.name,
        f.is_async,
        len(positional),
        sum(1 for p in positional if not p.has_default),
        any(p.kind == "vararg" for p in f.params),
        f.span,
        None if value.lambda_body is None else (value.lambda_body.line, value.lambda_body.column),
    )


def schema_of(value: VDict | VSchema) -> model.Schema:
    if isinstance(value, VSchema):
        return model.Schema(value.schema, value.span, value.model)
    return model.Schema(to_json(value), value.span)


class ConfigReader:
    def __init__(self, sink: list[Diagnostic]) -> None:
        self.sink = sink

    # -- step configs ----------------------------------------------------------------------------------
    def step(self, config: Value) -> StepParts | None:
        if isinstance(config, VDict):
            if config.get("type") is not None or config.get("triggers") is None:
                return self.classic(config)
            return self.v1(Fields.of_dict("step config", config, self.sink), camel=True)
        if isinstance(config, VCall) and config.helper == "StepConfig":
            return self.v1(Fields.of_call("StepConfig(...)", config, (), self.sink), camel=False)
        self.sink.append(
            diag(
                "MG212",
                config.span,
                f"a step config must be a dict or StepConfig(...), not {describe(config)}",
            )
        )
        return None

    def classic(self, config: VDict) -> StepParts | None:
        type_value = config.get("type")
        if type_value is None:
            self.sink.append(
                diag(
                    "MG210",
                    config.span,
                    "step config has neither 'type' (classic) nor 'triggers' (Motia 1.x)",
                )
            )
            return None
        if not isinstance(type_value, VScalar) or type_value.value not in CLASSIC_KEYS:
            shown = type_value.value if isinstance(type_value, VScalar) else describe(type_value)
            self.sink.append(
                diag(
                    "MG210",
                    type_value.span,
                    f"unknown step type {shown!r}",
                    help="expected one of: api, event, cron, noop",
                )
            )
            return None
        kind: model.StepKind = type_value.value  # type: ignore[assignment]
        fields = Fields.of_dict(f"{kind} step config", config, self.sink)
        fields.get("type")
        for key in CLASSIC_REQUIRED[kind]:
            if not fields.has(key):
                fields.missing(key)
        name = self._step_name(fields.string("name"))
        triggers = self._classic_triggers(kind, fields)
        parts = StepParts(
            name=name[0] if name else "",
            name_span=name[1] if name else config.span,
            kind=kind,
            triggers=triggers,
            emits=self.emits(fields, "emits"),
            virtual_emits=self.emits(fields, "virtualEmits"),
            virtual_subscribes=self.topics(fields, "virtualSubscribes"),
            flows=tuple(s for s, _ in fields.strings("flows")),
            description=fields.optional_string("description"),
            include_files=tuple(model.IncludeGlob(s, span) for s, span in fields.strings("includeFiles")),
            infrastructure=self._infrastructure_handler(fields) if kind == "event" else None,
        )
        fields.finish(CLASSIC_KEYS[kind])
        return parts

    def _step_name(self, name: tuple[str, Span] | None) -> tuple[str, Span] | None:
        if name is not None and not name[0].strip():
            self.sink.append(diag("MG228", name[1], "step name is empty"))
        return name

    def _classic_triggers(self, kind: str, fields: Fields) -> tuple[model.Trigger, ...]:
        if kind == "api":
            method = fields.string("method")
            path = fields.string("path")
            if method is None or path is None:
                return ()
            return (self._http(fields, method, path, fields.span),)
        if kind == "event":
            schema = fields.schema("input")
            queue = self._classic_queue(fields)
            return tuple(
                model.QueueTrigger(topic, schema_of(schema) if schema else None, queue, None, span)
                for topic, span in fields.strings("subscribes")
            )
        if kind == "cron":
            expression = fields.string("cron")
            return (model.CronTrigger(expression[0], None, expression[1]),) if expression else ()
        return ()

    def v1(self, fields: Fields, *, camel: bool) -> StepParts | None:
        def keys(snake: str, camel_name: str) -> tuple[str, ...]:
            return (snake, camel_name) if camel and snake != camel_name else (snake,)

        name = self._step_name(fields.string("name", required=True))
        triggers = tuple(
            t
            for item in fields.items("triggers", required=True) or ()
            if (t := self.trigger(item)) is not None
        )
        parts = StepParts(
            name=name[0] if name else "",
            name_span=name[1] if name else fields.span,
            kind="triggers",
            triggers=triggers,
            emits=self.emits(fields, "enqueues"),
            virtual_emits=self.emits(fields, *keys("virtual_enqueues", "virtualEnqueues")),
            virtual_subscribes=self.topics(fields, *keys("virtual_subscribes", "virtualSubscribes")),
            flows=tuple(s for s, _ in fields.strings("flows")),
            description=fields.optional_string("description"),
            include_files=tuple(
                model.IncludeGlob(s, span)
                for s, span in fields.strings(*keys("include_files", "includeFiles"))
            ),
            infrastructure=None,
        )
        allowed = [k for snake, camel_name in STEP_CONFIG_FIELDS for k in keys(snake, camel_name)]
        fields.finish(allowed, hint=RENAMED_KEYS.get)
        return parts

    # -- triggers --------------------------------------------------------------------------------------
    def trigger(self, value: Value) -> model.Trigger | None:
        if isinstance(value, VCall) and value.helper in TRIGGER_PARAMS:
            positional, _ = TRIGGER_PARAMS[value.helper]
            return self._trigger(
                value.helper, Fields.of_call(f"{value.helper}(...)", value, positional, self.sink)
            )
        if isinstance(value, VDict):
            fields = Fields.of_dict("trigger", value, self.sink)
            kind = fields.string("type", required=True)
            if kind is None:
                return None
            helper = "http" if kind[0] == "api" else kind[0]
            if helper not in TRIGGER_PARAMS:
                message = f"unknown trigger type {kind[0]!r}"
                self.sink.append(
                    diag("MG214", kind[1], message, help="expected http, queue, cron, state or stream")
                )
                return None
            return self._trigger(helper, fields, camel=True)
        self.sink.append(
            diag(
                "MG212",
                value.span,
                f"a trigger must be http(...), queue(...), cron(...), state(...) or "
                f"stream(...), not {describe(value)}",
            )
        )
        return None

    def _trigger(self, helper: str, fields: Fields, *, camel: bool = False) -> model.Trigger | None:
        _, names = TRIGGER_PARAMS[helper]

        def key(snake: str) -> tuple[str, ...]:
            camel_name = dict(names)[snake]
            return (snake, camel_name) if camel and camel_name != snake else (snake,)

        condition = fields.function(*key("condition"))
        ref = function_ref(condition) if condition else None
        trigger: model.Trigger | None = None
        if helper == "http":
            method = fields.string("method", required=True)
            path = fields.string("path", required=True)
            if method and path:
                trigger = self._http(fields, method, path, fields.span, ref, camel=camel)
        elif helper == "queue":
            topic = fields.string("topic", required=True)
            schema = fields.schema("input")
            config = fields.get("config")
            queue = self._queue_config(config.value if config else None)
            if topic:
                trigger = model.QueueTrigger(
                    topic[0], schema_of(schema) if schema else None, queue, ref, fields.span
                )
        elif helper == "cron":
            expression = fields.string("expression", required=True)
            if expression:
                trigger = model.CronTrigger(expression[0], ref, expression[1])
        elif helper == "state":
            trigger = model.StateTrigger(ref, fields.span)
        else:
            stream = fields.string(*key("stream_name"), required=True)
            group = fields.optional_string(*key("group_id"))
            item = fields.optional_string(*key("item_id"))
            if stream:
                trigger = model.StreamTrigger(stream[0], group, item, ref, fields.span)
        allowed = ["type"] if camel else []
        fields.finish([*allowed, *(k for snake, _ in names for k in key(snake))])
        return trigger

    def _http(
        self,
        fields: Fields,
        method: tuple[str, Span],
        path: tuple[str, Span],
        span: Span,
        condition: model.FunctionRef | None = None,
        *,
        camel: bool = True,
    ) -> model.HttpTrigger:
        classic = (
            fields.has("bodySchema") or fields.has("responseSchema") or fields.has("queryParams") or camel
        )

        def key(snake: str, camel_name: str) -> tuple[str, ...]:
            return (snake, camel_name) if classic else (snake,)

        body = fields.schema(*key("body_schema", "bodySchema"))
        return model.HttpTrigger(
            method=method[0],
            path=path[0],
            method_span=method[1],
            path_span=path[1],
            body_schema=schema_of(body) if body else None,
            response_schema=self._responses(fields.mapping(*key("response_schema", "responseSchema"))),
            query_params=self._query_params(fields.items(*key("query_params", "queryParams")) or ()),
            middleware=tuple(function_ref(f) for f in fields.functions("middleware")),
            condition=condition,
            span=span,
        )

    def _responses(self, value: VDict | None) -> tuple[model.Response, ...]:
        out: list[model.Response] = []
        for entry in value.entries if value else ():
            status = entry.key.value
            if not isinstance(status, int | str) or isinstance(status, bool):
                self.sink.append(
                    diag("MG212", entry.key.span, "responseSchema keys must be HTTP status codes")
                )
                continue
            if isinstance(entry.value, VDict | VSchema):
                out.append(model.Response(status, schema_of(entry.value), entry.key.span))
            else:
                self.sink.append(
                    diag(
                        "MG212",
                        entry.value.span,
                        f"response schema must be a JSON Schema, not {describe(entry.value)}",
                    )
                )
        return tuple(out)

    def _query_params(self, items: tuple[Value, ...]) -> tuple[model.QueryParam, ...]:
        out: list[model.QueryParam] = []
        for item in items:
            if isinstance(item, VCall) and item.helper == "QueryParam":
                fields = Fields.of_call("QueryParam(...)", item, ("name", "description"), self.sink)
            elif isinstance(item, VDict):
                fields = Fields.of_dict("query parameter", item, self.sink)
            else:
                self.sink.append(
                    diag("MG212", item.span, f"a query parameter must be a dict, not {describe(item)}")
                )
                continue
            name = fields.string("name", required=True)
            description = fields.optional_string("description")
            fields.finish(("name", "description"))
            if name:
                out.append(model.QueryParam(name[0], description, item.span))
        return tuple(out)

    # -- emits and topics ------------------------------------------------------------------------------
    def emits(self, fields: Fields, *keys: str) -> tuple[model.Emit, ...]:
        out: list[model.Emit] = []
        for item in fields.items(*keys) or ():
            if isinstance(item, VScalar) and isinstance(item.value, str):
                out.append(model.Emit(item.value, None, False, item.span))
                continue
            if isinstance(item, VDict):
                emit = Fields.of_dict("emit", item, self.sink)
            elif isinstance(item, VCall) and item.helper == "Enqueue":
                emit = Fields.of_call("Enqueue(...)", item, ("topic",), self.sink)
            else:
                message = (
                    f"'{keys[0]}' items must be topic strings or {{'topic': ...}} dicts, not {describe(item)}"
                )
                self.sink.append(diag("MG212", item.span, message))
                continue
            topic = emit.string("topic", required=True)
            label = emit.optional_string("label")
            conditional = emit.boolean("conditional")
            emit.finish(("topic", "label", "conditional"), hint={"type": "topic"}.get)
            if topic:
                out.append(model.Emit(topic[0], label, bool(conditional), topic[1]))
        return tuple(out)

    def topics(self, fields: Fields, *keys: str) -> tuple[model.Topic, ...]:
        return tuple(model.Topic(name, span) for name, span in fields.strings(*keys))

    # -- settings --------------------------------------------------------------------------------------
    def _infrastructure(self, fields: Fields) -> Fields | None:
        value = fields.mapping("infrastructure")
        return Fields.of_dict("infrastructure", value, self.sink) if value else None

    def _infrastructure_handler(self, fields: Fields) -> model.HandlerSettings | None:
        infrastructure = self._infrastructure(fields)
        if infrastructure is None:
            return None
        infrastructure.get("queue")
        handler = infrastructure.mapping("handler")
        infrastructure.finish(("handler", "queue"))
        if handler is None:
            return None
        settings = Fields.of_dict("infrastructure.handler", handler, self.sink)
        result = model.HandlerSettings(
            settings.number("ram"),
            settings.number("cpu"),
            settings.number("timeout"),
            handler.span,
            settings.value_spans(),
        )
        settings.finish(("ram", "cpu", "timeout"))
        return result

    def _classic_queue(self, fields: Fields) -> model.QueueSettings | None:
        value = fields.mapping("infrastructure")
        queue = value.get("queue") if value else None
        return self._queue_config(queue, camel_only=True) if queue is not None else None

    def _queue_config(self, value: Value | None, *, camel_only: bool = False) -> model.QueueSettings | None:
        if value is None:
            return None
        if isinstance(value, VCall) and value.helper == "QueueConfig":
            fields = Fields.of_call("QueueConfig(...)", value, (), self.sink)
            names: list[tuple[str, ...]] = [(snake,) for snake, _ in QUEUE_CONFIG_FIELDS]
        elif isinstance(value, VDict):
            fields = Fields.of_dict("queue config", value, self.sink)
            names = [(camel,) if camel_only else (snake, camel) for snake, camel in QUEUE_CONFIG_FIELDS]
        else:
            if not isinstance(value, VUnknown) and not (isinstance(value, VScalar) and value.value is None):
                self.sink.append(
                    diag("MG212", value.span, f"queue config must be a dict, not {describe(value)}")
                )
            return None
        queue_type = fields.string(*names[0])
        result = model.QueueSettings(
            queue_type[0] if queue_type else None,
            fields.integer(*names[1]),
            fields.integer(*names[2]),
            fields.integer(*names[3]),
            fields.integer(*names[4]),
            fields.optional_string(*names[5]),
            fields.integer(*names[6]),
            value.span,
            tuple((_SNAKE.get(key, key), span) for key, span in fields.value_spans()),
        )
        fields.finish([k for group in names for k in group])
        return result
