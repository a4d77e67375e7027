"""Steps and streams of TypeScript and JavaScript files, for the whole-app checks: their `config` read
statically (`motia_gen.evaluate.typescript`) and turned into model objects by the same config readers as
Python's, marked with their language. They have no handler here: this runtime does not run them, and the
handler-body checks are Python's only.
"""

from __future__ import annotations

from dataclasses import dataclass

from motia_gen import model
from motia_gen.diagnostics import Diagnostic, Span, diag
from motia_gen.discover import language_of
from motia_gen.evaluate.typescript.literals import config_value
from motia_gen.evaluate.typescript.syntax import parse
from motia_gen.evaluate.values import VDict, VScalar, VSchema, VUnknown
from motia_gen.model.configs import ConfigReader, schema_of


@dataclass(frozen=True, slots=True)
class ForeignUnit:
    steps: tuple[model.Step, ...]
    streams: tuple[model.Stream, ...]
    diagnostics: tuple[Diagnostic, ...]


def read_foreign(path: str, data: bytes, kind: str) -> ForeignUnit:
    """The step or stream a TS/JS file defines (`kind`: "step" or "stream"), and what stands in the way."""
    source = parse(path, data)
    sink: list[Diagnostic] = []
    errors = source.errors()
    if errors:
        first = errors[0]
        what = f"missing {first.type!r}" if first.is_missing else f"unexpected {source.text(first)[:40]!r}"
        message = f"{language_of(path)} syntax error: {what}"
        sink.append(diag("MG101", source.span(first), message))
    value = config_value(source)
    if value is None:
        if not errors:
            noun = "step" if kind == "step" else "stream"
            help = "export it: `export const config = { ... }`"
            sink.append(diag("MG103", Span.file_start(path), f"{noun} file exports no config", help=help))
        return ForeignUnit((), (), tuple(sink))
    if isinstance(value, VUnknown):
        message = "the config is not a literal this reader can follow (an object of literals and constants)"
        sink.append(diag("MG105", value.span, message))
        return ForeignUnit((), (), tuple(sink))
    reader = ConfigReader(sink)
    if kind == "stream":
        stream = _stream(path, value, sink) if isinstance(value, VDict) else None
        return ForeignUnit((), () if stream is None else (stream,), tuple(sink))
    parts = reader.step(value)
    if parts is None:
        return ForeignUnit((), (), tuple(sink))
    form: model.StepForm = "classic" if isinstance(value, VDict) and value.get("triggers") is None else "dict"
    step = parts.step(
        file=path, module=None, form=form, span=value.span, handler=None, language=language_of(path)
    )
    return ForeignUnit((step,), (), tuple(sink))


def _stream(path: str, value: VDict, sink: list[Diagnostic]) -> model.Stream | None:
    name, schema, description = value.get("name"), value.get("schema"), value.get("description")
    if not isinstance(name, VScalar) or not isinstance(name.value, str) or not name.value:
        sink.append(diag("MG211", value.span, "stream config is missing required key 'name'"))
        return None
    return model.Stream(
        name=name.value,
        file=path,
        module=None,
        form="classic",
        span=value.span,
        name_span=name.span,
        schema=schema_of(schema) if isinstance(schema, VDict | VSchema) else None,  # else: unknown
        base_config=None,
        description=description.value
        if isinstance(description, VScalar) and isinstance(description.value, str)
        else None,
        can_access=None,
        on_join=None,
        on_leave=None,
        language=language_of(path),
    )
