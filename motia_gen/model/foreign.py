"""Steps and streams of TypeScript and JavaScript files, for the whole-app checks: their `config` read
statically (`motia_gen.evaluate.typescript`) and turned into model objects by the same config readers as
Python's, marked with their language. They have no handler here: this runtime does not run them, and the
handler-body checks are Python's only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from motia_gen import model
from motia_gen.diagnostics import Diagnostic, Span, diag
from motia_gen.discover import language_of
from motia_gen.evaluate.typescript.imports import ProjectModules
from motia_gen.evaluate.typescript.literals import config_value
from motia_gen.evaluate.typescript.syntax import Source, parse
from motia_gen.evaluate.values import Value, VDict, VEntry, VList, VScalar, VSchema, VUnknown
from motia_gen.model.configs import ConfigReader, schema_of


@dataclass(frozen=True, slots=True)
class ForeignUnit:
    steps: tuple[model.Step, ...]
    streams: tuple[model.Stream, ...]
    diagnostics: tuple[Diagnostic, ...]
    files: tuple[str, ...] = ()  # the other files looked at for its imports (found or not)


def read_foreign(
    path: str, data: bytes, kind: str, read: Callable[[str], bytes | None] | None = None
) -> ForeignUnit:
    """The step or stream a TS/JS file defines (`kind`: "step" or "stream"), and what stands in the way.
    `read` gives the project's other files by path, for names the config imports (none: not followed)."""
    source = parse(path, data)
    sink: list[Diagnostic] = []
    modules = ProjectModules(read) if read is not None else None
    value = config_value(source, modules.resolver(path) if modules is not None else None)
    looked_at = tuple(modules.looked_at) if modules is not None else ()
    if value is None and kind == "step" and _ui_override(path, source):
        return ForeignUnit((), (), ())
    errors = source.errors()
    if errors:
        first = errors[0]
        what = f"missing {first.type!r}" if first.is_missing else f"unexpected {source.text(first)[:40]!r}"
        message = f"{language_of(path)} syntax error: {what}"
        sink.append(diag("MG101", source.span(first), message))
    if value is None:
        if not errors:
            noun = "step" if kind == "step" else "stream"
            help = "export it: `export const config = { ... }`"
            sink.append(diag("MG103", Span.file_start(path), f"{noun} file exports no config", help=help))
        return ForeignUnit((), (), tuple(sink), looked_at)
    if isinstance(value, VUnknown):
        message = "the config is not a literal this reader can follow (an object of literals and constants)"
        sink.append(diag("MG105", value.span, message))
        return ForeignUnit((), (), tuple(sink), looked_at)
    value = _open_schemas(value)
    reader = ConfigReader(sink)
    if kind == "stream":
        stream = _stream(path, value, sink) if isinstance(value, VDict) else None
        return ForeignUnit((), () if stream is None else (stream,), tuple(sink), looked_at)
    parts = reader.step(value)
    if parts is None:
        return ForeignUnit((), (), tuple(sink), looked_at)
    form: model.StepForm = "classic" if isinstance(value, VDict) and value.get("triggers") is None else "dict"
    step = parts.step(
        file=path, module=None, form=form, span=value.span, handler=None, language=language_of(path)
    )
    return ForeignUnit((step,), (), tuple(sink), looked_at)


def _ui_override(path: str, source: Source) -> bool:
    """A Workbench UI override or other React file (`*.step.tsx` beside a step, a component), which
    Motia's step loader never loads: no config, and nothing to report."""
    react = path.endswith((".tsx", ".jsx"))
    return react or b"motia/workbench" in source.data or b"export const Node" in source.data


_SCHEMA_KEYS = frozenset({"bodySchema", "input", "schema"})


def _open_schemas(value: Value) -> Value:
    """The config with every schema this reader cannot follow (a zod schema imported from another file, a
    helper's result) made the open schema `{}`: an unknown schema is no error, and the checks that would
    need it accept anything."""
    if not isinstance(value, VDict):
        return value
    entries = []
    for entry in value.entries:
        inner: Value = entry.value
        if entry.key.value in _SCHEMA_KEYS and isinstance(inner, VUnknown):
            inner = VSchema({}, None, inner.span)
        elif entry.key.value == "responseSchema" and isinstance(inner, VDict):
            inner = VDict(tuple(_open(e) for e in inner.entries), inner.span)
        elif entry.key.value == "triggers" and isinstance(inner, VList):
            inner = VList(tuple(_open_schemas(t) for t in inner.items), inner.span)
        entries.append(VEntry(entry.key, inner))
    return VDict(tuple(entries), value.span)


def _open(entry: VEntry) -> VEntry:
    """A `responseSchema` entry: its status as a number (a JS object's keys are strings: `{ 200: ... }`
    means the status 200, as in a Python config), its schema open when unknown."""
    key, value = entry.key, entry.value
    if isinstance(key.value, str) and key.value.isdigit():
        key = VScalar(int(key.value), key.span)
    return VEntry(key, VSchema({}, None, value.span) if isinstance(value, VUnknown) else value)


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
