"""Find the steps and streams a module defines, in every form, and build their model objects.

Steps: a module-level `config` (classic or 1.x dict, `StepConfig(...)`, or `step(...)`) with a module-level
`handler`; module-level `x = step(config, handler)` / `step(config).handle(handler)`; and top-level
`motia.add_step(definition_or_config, path, handler)` calls. Streams: a `config` dict or
`StreamConfig(...)`, module-level `Stream(...)`/`StreamConfig(...)` values, `motia.add_stream(...)` calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from motia_gen import model
from motia_gen.diagnostics import Diagnostic, Span, diag
from motia_gen.evaluate.evaluator import Evaluator, helper_name
from motia_gen.evaluate.values import Value, VCall, VDict, VFunction, VScalar, VUnknown, describe, to_json
from motia_gen.model.configs import ConfigReader, function_ref, schema_of
from motia_gen.model.facts import handler_facts
from motia_gen.model.fields import Fields
from motia_gen.parse import ir

_STREAM_CONFIG_KEYS = ("name", "schema", "baseConfig", "canAccess", "description")
_STREAM_CONFIG_FIELDS = ("name", "description", "schema", "base_config", "on_join", "on_leave")


class DefinitionReader:
    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator
        self.sink: list[Diagnostic] = evaluator.diagnostics
        self.configs = ConfigReader(self.sink)

    # -- steps -----------------------------------------------------------------------------------------
    def steps(self, module: ir.ModuleIR) -> list[model.Step]:
        found: dict[Span, model.Step] = {}
        for definition, handler in self._step_definitions(module):
            step = self._step(module, definition, handler)
            if step is not None:
                found.setdefault(step.span, step)
        self._require_definition(
            module, bool(found), "step file defines no step",
            "add a module-level `config` and `handler`, or `step(StepConfig(...), handler)`",
        )  # fmt: skip
        return list(found.values())

    def _require_definition(self, module: ir.ModuleIR, found: bool, message: str, help: str) -> None:
        """MG103 for a file that defines nothing (a `config` that failed to read was reported already)."""
        if not found and module.ok and "config" not in module.bindings:
            self.sink.append(diag("MG103", Span.file_start(module.path), message, help=help))

    def _step_definitions(self, module: ir.ModuleIR) -> Iterator[tuple[Value, Value | None]]:
        """(config or step(...) value, explicitly passed handler or None) for each definition."""
        if "config" in module.bindings:
            binding = module.bindings["config"]
            if module.assign_counts.get("config", 0) > 1 and isinstance(binding, ir.Assign):
                self.sink.append(diag("MG110", binding.span, "'config' is assigned more than once"))
            yield self.evaluator.binding(module, "config", _span_of(binding)), None
        for name, binding in module.bindings.items():
            if (
                name != "config"
                and isinstance(binding, ir.Assign)
                and self._is_step_call(module, binding.value)
            ):
                yield self.evaluator.binding(module, name, binding.span), None
        for call in module.calls:
            if isinstance(call.func, ir.Attribute) and call.func.attr == "add_step" and call.args:
                definition = self.evaluator.evaluate(module, call.args[0])
                handler_expr = call.args[2] if len(call.args) > 2 else call.keyword("handler")
                handler = self.evaluator.evaluate(module, handler_expr) if handler_expr else None
                yield definition, handler

    def _is_step_call(self, module: ir.ModuleIR, expr: ir.Expr) -> bool:
        if not isinstance(expr, ir.Call):
            return False
        func = expr.func
        if isinstance(func, ir.Attribute) and func.attr == "handle" and isinstance(func.value, ir.Call):
            return self._is_step_call(module, func.value)
        if not isinstance(func, ir.Name | ir.Attribute):
            return False
        qualname = self.evaluator.symbols.qualname(module, func)
        return qualname is not None and helper_name(qualname) == "step"

    def _step(self, module: ir.ModuleIR, definition: Value, handler: Value | None) -> model.Step | None:
        form: model.StepForm
        config: Value = definition
        if isinstance(definition, VCall) and definition.helper == "step":
            form = "builder"
            fields = Fields.of_call("step(...)", definition, ("config", "handler"), self.sink)
            config_field = fields.get("config")
            handler_field = fields.get("handler")
            fields.finish(("config", "handler"))
            if config_field is None:
                return None
            config = config_field.value
            handler = handler or (handler_field.value if handler_field else None)
        elif isinstance(definition, VDict | VCall):
            form = (
                "classic" if isinstance(definition, VDict) and definition.get("triggers") is None else "dict"
            )
            if isinstance(definition, VCall):
                form = "builder"
            if handler is None and form != "builder":
                handler = self._module_handler(module)
        else:
            if not isinstance(definition, VScalar) or definition.value is not None:
                self.configs.step(definition)  # reports the type error
            return None
        parts = self.configs.step(config)
        if parts is None:
            return None
        return parts.step(
            file=module.path,
            module=module.module,
            form=form,
            span=config.span,
            handler=self._handler(module, parts.kind, handler, config.span),
        )

    def _module_handler(self, module: ir.ModuleIR) -> Value | None:
        binding = module.bindings.get("handler")
        if binding is None:
            return None
        return self.evaluator.binding(module, "handler", _span_of(binding))

    def _handler(
        self, module: ir.ModuleIR, kind: model.StepKind, handler: Value | None, span: Span
    ) -> model.Handler | None:
        if handler is None or (isinstance(handler, VScalar) and handler.value is None):
            if kind != "noop":
                self.sink.append(
                    diag(
                        "MG104",
                        span,
                        "step has no handler",
                        help="define `async def handler(...)` at module level",
                    )
                )
            return None
        if not isinstance(handler, VFunction):
            if not isinstance(handler, VUnknown):
                self.sink.append(
                    diag(
                        "MG212",
                        handler.span,
                        f"the handler must be a module-level function, not {describe(handler)}",
                    )
                )
            return None
        owner = self.evaluator.symbols.source.module(handler.module) if handler.module else None
        return model.Handler(
            function_ref(handler), handler_facts(self.evaluator, owner or module, handler.function)
        )

    # -- streams ---------------------------------------------------------------------------------------
    def streams(self, module: ir.ModuleIR) -> list[model.Stream]:
        found: dict[Span, model.Stream] = {}
        for value in self._stream_definitions(module):
            stream = self._stream(module, value)
            if stream is not None:
                found.setdefault(stream.span, stream)
        self._require_definition(
            module, bool(found), "stream file defines no stream",
            'add a module-level `config = {...}`, `StreamConfig(...)` or `Stream("name")`',
        )  # fmt: skip
        return list(found.values())

    def stream_handles(self, module: ir.ModuleIR) -> list[model.Stream]:
        """The streams a step file names by module-level `x = Stream(...)`, as Motia 1.x step files do."""
        found: dict[Span, model.Stream] = {}
        for value in self._helper_bindings(module, ("Stream",)):
            stream = self._stream(module, value)
            if stream is not None:
                found.setdefault(stream.span, replace(stream, handle=True))
        return list(found.values())

    def _stream_definitions(self, module: ir.ModuleIR) -> Iterator[Value]:
        if "config" in module.bindings:
            yield self.evaluator.binding(module, "config", _span_of(module.bindings["config"]))
        yield from self._helper_bindings(module, ("Stream", "StreamConfig"))
        for call in module.calls:
            if isinstance(call.func, ir.Attribute) and call.func.attr == "add_stream" and call.args:
                yield self.evaluator.evaluate(module, call.args[0])

    def _helper_bindings(self, module: ir.ModuleIR, helpers: tuple[str, ...]) -> Iterator[Value]:
        """Module-level names (other than `config`) bound to a call of one of these Motia helpers."""
        for name, binding in module.bindings.items():
            if name != "config" and isinstance(binding, ir.Assign) and isinstance(binding.value, ir.Call):
                func = binding.value.func
                if isinstance(func, ir.Name | ir.Attribute):
                    qualname = self.evaluator.symbols.qualname(module, func)
                    if qualname and helper_name(qualname) in helpers:
                        yield self.evaluator.binding(module, name, binding.span)

    def _stream(self, module: ir.ModuleIR, value: Value) -> model.Stream | None:
        if isinstance(value, VDict):
            fields = Fields.of_dict("stream config", value, self.sink)
            form: str = "classic"
            keys = {"schema": ("schema",), "base": ("baseConfig",), "access": ("canAccess",)}
            allowed: tuple[str, ...] = _STREAM_CONFIG_KEYS
        elif isinstance(value, VCall) and value.helper == "StreamConfig":
            fields = Fields.of_call("StreamConfig(...)", value, (), self.sink)
            form, keys, allowed = (
                "StreamConfig",
                {"schema": ("schema",), "base": ("base_config",)},
                _STREAM_CONFIG_FIELDS,
            )
        elif isinstance(value, VCall) and value.helper == "Stream":
            fields = Fields.of_call("Stream(...)", value, ("name",), self.sink)
            inner = fields.get("name")
            if inner is not None and isinstance(inner.value, VCall) and inner.value.helper == "StreamConfig":
                return self._stream(module, inner.value)
            form, keys, allowed = "Stream", {}, ("name",)
        else:
            if not isinstance(value, VScalar) or value.value is not None:
                self.sink.append(
                    diag("MG212", value.span, f"a stream config must be a dict, not {describe(value)}")
                )
            return None
        name = fields.string("name", required=True)
        schema = fields.schema(*keys["schema"]) if "schema" in keys else None
        base = fields.mapping(*keys["base"]) if "base" in keys else None
        access = fields.function(*keys["access"]) if "access" in keys else None
        join = fields.function("on_join") if form == "StreamConfig" else None
        leave = fields.function("on_leave") if form == "StreamConfig" else None
        description = fields.optional_string("description")
        fields.finish(allowed)
        if name is None:
            return None
        return model.Stream(
            name=name[0],
            file=module.path,
            module=module.module,
            form=form,  # type: ignore[arg-type]
            span=value.span,
            name_span=name[1],
            schema=schema_of(schema) if schema else None,
            base_config=to_json(base) if base else None,
            description=description,
            can_access=function_ref(access) if access else None,
            on_join=function_ref(join) if join else None,
            on_leave=function_ref(leave) if leave else None,
        )


def _span_of(binding: ir.Binding) -> Span:
    return binding.span
