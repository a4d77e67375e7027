"""Typed access to the keys of an evaluated config (a dict or a helper call's arguments).

Every reader reports a wrong type at the value's own span (MG212), a missing required key at the
config's span (MG211) and, when the config is finished, each unknown key with the closest valid one
(MG213). Readers return None for what is absent or wrong, so a config with one bad key still yields
everything else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from motia_gen.diagnostics import Diagnostic, Span, diag
from motia_gen.diagnostics.suggest import did_you_mean
from motia_gen.evaluate.values import (
    Value,
    VCall,
    VDict,
    VFunction,
    VList,
    VScalar,
    VSchema,
    VUnknown,
    describe,
)


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    key_span: Span
    value: Value


class Fields:
    def __init__(self, what: str, fields: list[Field], span: Span, sink: list[Diagnostic]) -> None:
        self.what = what
        self.fields = {f.key: f for f in fields}
        self.span = span
        self.sink = sink
        self.used: set[str] = set()

    @classmethod
    def of_dict(cls, what: str, value: VDict, sink: list[Diagnostic]) -> Fields:
        fields: list[Field] = []
        for entry in value.entries:
            if isinstance(entry.key.value, str):
                fields.append(Field(entry.key.value, entry.key.span, entry.value))
            else:
                sink.append(diag("MG212", entry.key.span, f"{what} keys must be strings"))
        return cls(what, fields, value.span, sink)

    @classmethod
    def of_call(cls, what: str, call: VCall, positional: tuple[str, ...], sink: list[Diagnostic]) -> Fields:
        fields: list[Field] = []
        for index, value in enumerate(call.args):
            if index >= len(positional):
                sink.append(
                    diag(
                        "MG214",
                        value.span,
                        f"{call.helper}() takes at most {len(positional)} "
                        f"positional argument{'s' if len(positional) != 1 else ''}",
                    )
                )
                continue
            fields.append(Field(positional[index], value.span, value))
        fields.extend(Field(name, value.span, value) for name, value in call.keywords)
        return cls(what, fields, call.span, sink)

    def value_spans(self) -> tuple[tuple[str, Span], ...]:
        """Each present key with the span of its value (what a range check points at)."""
        return tuple((key, field.value.span) for key, field in self.fields.items())

    # -- raw access ----------------------------------------------------------------------------------
    def get(self, *keys: str) -> Field | None:
        """The first of `keys` present (spelling variants such as `bodySchema`/`body_schema`)."""
        for key in keys:
            found = self.fields.get(key)
            if found is not None:
                self.used.add(key)
                if isinstance(found.value, VUnknown):
                    return None
                return found
        return None

    def has(self, key: str) -> bool:
        return key in self.fields

    def missing(self, key: str) -> None:
        self.sink.append(diag("MG211", self.span, f"{self.what} is missing required key '{key}'"))

    def wrong(self, value: Value, key: str, expected: str) -> None:
        message = f"'{key}' must be {expected}, not {describe(value)}"
        self.sink.append(diag("MG212", value.span, message))

    def finish(self, allowed: Iterable[str], *, hint: Callable[[str], str | None] | None = None) -> None:
        allowed = list(allowed)
        for key, field in self.fields.items():
            if key in self.used or key in allowed:
                continue
            suggestion = (hint(key) if hint else None) or did_you_mean(key, allowed)
            help = (
                f"did you mean '{suggestion}'?" if suggestion else f"valid keys: {', '.join(sorted(allowed))}"
            )
            self.sink.append(diag("MG213", field.key_span, f"unknown key '{key}' in {self.what}", help=help))

    # -- typed readers -------------------------------------------------------------------------------
    def string(self, *keys: str, required: bool = False) -> tuple[str, Span] | None:
        field = self.get(*keys)
        if field is None:
            if required and not any(k in self.fields for k in keys):
                self.missing(keys[0])
            return None
        if isinstance(field.value, VScalar) and isinstance(field.value.value, str):
            return field.value.value, field.value.span
        self.wrong(field.value, field.key, "a string")
        return None

    def optional_string(self, *keys: str) -> str | None:
        """A string that may also be given as None."""
        field = self.get(*keys)
        if field is None or (isinstance(field.value, VScalar) and field.value.value is None):
            return None
        found = self.string(*keys)
        return found[0] if found else None

    def number(self, *keys: str, integer: bool = False) -> float | None:
        field = self.get(*keys)
        if field is None:
            return None
        value = field.value
        if (
            isinstance(value, VScalar)
            and isinstance(value.value, int | float)
            and not isinstance(value.value, bool)
        ):
            if integer and not isinstance(value.value, int):
                self.wrong(value, field.key, "an integer")
                return None
            return value.value
        if not (isinstance(value, VScalar) and value.value is None):
            self.wrong(value, field.key, "an integer" if integer else "a number")
        return None

    def integer(self, *keys: str) -> int | None:
        found = self.number(*keys, integer=True)
        return int(found) if found is not None else None

    def boolean(self, *keys: str) -> bool | None:
        field = self.get(*keys)
        if field is None:
            return None
        if isinstance(field.value, VScalar) and isinstance(field.value.value, bool):
            return field.value.value
        self.wrong(field.value, field.key, "a boolean")
        return None

    def items(self, *keys: str, required: bool = False) -> tuple[Value, ...] | None:
        field = self.get(*keys)
        if field is None:
            if required and not any(k in self.fields for k in keys):
                self.missing(keys[0])
            return None
        if isinstance(field.value, VList):
            return tuple(v for v in field.value.items if not isinstance(v, VUnknown))
        if isinstance(field.value, VScalar) and field.value.value is None and not required:
            return None
        self.wrong(field.value, field.key, "a list")
        return None

    def strings(self, *keys: str, required: bool = False) -> tuple[tuple[str, Span], ...]:
        out: list[tuple[str, Span]] = []
        for item in self.items(*keys, required=required) or ():
            if isinstance(item, VScalar) and isinstance(item.value, str):
                out.append((item.value, item.span))
            else:
                self.sink.append(
                    diag("MG212", item.span, f"'{keys[0]}' items must be strings, not {describe(item)}")
                )
        return tuple(out)

    def mapping(self, *keys: str) -> VDict | None:
        field = self.get(*keys)
        if field is None:
            return None
        if isinstance(field.value, VDict):
            return field.value
        if not (isinstance(field.value, VScalar) and field.value.value is None):
            self.wrong(field.value, field.key, "a dict")
        return None

    def schema(self, *keys: str) -> VDict | VSchema | None:
        """A JSON Schema: a dict literal, `Model.model_json_schema()` or a pydantic model class."""
        field = self.get(*keys)
        if field is None:
            return None
        if isinstance(field.value, VDict | VSchema):
            return field.value
        if not (isinstance(field.value, VScalar) and field.value.value is None):
            self.wrong(field.value, field.key, "a JSON Schema (a dict or a pydantic model)")
        return None

    def function(self, *keys: str) -> VFunction | None:
        field = self.get(*keys)
        if field is None:
            return None
        if isinstance(field.value, VFunction):
            return field.value
        if not (isinstance(field.value, VScalar) and field.value.value is None):
            self.wrong(field.value, field.key, "a module-level function")
        return None

    def functions(self, *keys: str) -> tuple[VFunction, ...]:
        out: list[VFunction] = []
        for item in self.items(*keys) or ():
            if isinstance(item, VFunction):
                out.append(item)
            else:
                self.sink.append(
                    diag(
                        "MG212",
                        item.span,
                        f"'{keys[0]}' items must be module-level functions, not {describe(item)}",
                    )
                )
        return tuple(out)
