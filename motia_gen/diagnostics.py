"""Diagnostics: the data every stage reports problems with, and the registry of stable codes.

Codes are never renumbered. Ranges: MG1xx discovery, parsing and static evaluation; MG2xx config and
graph checks; MG3xx generation. Rendering lives in `render.py`; this module holds data only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Span(NamedTuple):
    """A source range: project-relative POSIX path, 1-based lines and columns, end exclusive.

    A named tuple rather than a dataclass: apps hold tens of thousands of spans, and the compile cache
    rebuilds a tuple several times faster than a frozen dataclass. Spans order by file, then position.
    """

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def file_start(cls, file: str) -> Span:
        return cls(file, 1, 1, 1, 1)

    def label(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Related:
    """Another place that explains a diagnostic ("first defined here")."""

    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    span: Span
    related: tuple[Related, ...] = ()
    help: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.span.file, self.span.line, self.span.column, self.code, self.message)


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
        "than the parser's. Nothing else is read from the file.",
    ),
    Code(
        "MG102",
        "unreadable-file",
        Severity.ERROR,
        "The file could not be read as UTF-8 text (a decoding or permission problem).",
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
        "A step that runs code has no handler: classic and 1.x dict configs need a module-level "
        "`handler` function (async or sync); builder steps pass it to `step(config, handler)` or "
        "`.handle(handler)`. Noop steps need none.",
    ),
    Code(
        "MG105",
        "unsupported-expression",
        Severity.ERROR,
        "A config value uses an expression the static evaluator does not support. The compiler never runs "
        "user code, so config values must be literals, f-strings of constants, names bound at module level "
        "or imported from project modules, dict/list unpacking of those, `Model.model_json_schema()`, "
        "pydantic model classes, Motia helper calls (`http`, `queue`, `cron`, `state`, `stream`, "
        "`StepConfig`, `StreamConfig`, `step`) and references to module-level functions.",
    ),
    Code(
        "MG106",
        "undefined-name",
        Severity.ERROR,
        "A name used in a config is not bound at module level and not imported, so it cannot be "
        "evaluated statically.",
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
        "Supported: str, int, float, bool, None, Optional and `X | Y`, list/set/tuple/dict, Literal, Enum "
        "subclasses, nested models, `Field(...)` with default, description, title, alias, min/max length, "
        "ge/gt/le/lt, pattern and examples, docstrings and inheritance between models.",
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
        "A config key is not one the step kind accepts. Classic Motia rejects unknown keys; Motia 1.x drops "
        "them silently, which hides typos. The message suggests the closest valid key.",
    ),
    Code(
        "MG214",
        "invalid-config-value",
        Severity.ERROR,
        "A config value has the right type but a value outside what is accepted (for example a trigger "
        "helper called with the wrong number of arguments, or an unknown queue type).",
    ),
)

REGISTRY: dict[str, Code] = {c.code: c for c in CODES}


def diag(
    code: str,
    span: Span,
    message: str,
    *,
    related: Iterable[Related] = (),
    help: str | None = None,
    severity: Severity | None = None,
) -> Diagnostic:
    """Build a diagnostic whose severity defaults to the code's registered one."""
    entry = REGISTRY[code]
    return Diagnostic(code, severity or entry.severity, message, span, tuple(related), help)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    return tuple(sorted(set(diagnostics), key=Diagnostic.sort_key))


def has_errors(diagnostics: Iterable[Diagnostic], *, strict: bool = False) -> bool:
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(d.severity in failing for d in diagnostics)
