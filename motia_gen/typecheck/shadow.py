"""The tree mypy checks: a copy of the app's Python files where handlers are tied to their step's types.

In the copy, a handler parameter or return without an annotation gets the one from its step's types
module (so an unannotated handler is checked as strictly as an annotated one), and each file that defines
handlers ends with lines assigning every handler to its step's `Handler` protocol (so an annotated
handler whose annotations disagree with its step is caught). Annotations are added inside the existing
lines and the checks after the last one, so every line of the original keeps its number. Files whose
names are not module names are copied under module names; the map leads back.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import libcst as cst

from motia_gen import model
from motia_gen.diagnostics import Span
from motia_gen.emit.types.plan import StepTypes
from motia_gen.typecheck.hooks import HookTie
from motia_gen.typecheck.variables import AnnotateVariables, CheckedLiterals, OwnBody, typed_variables

_SKIP_DIRS = {".motia", ".venv", "venv", ".git", "node_modules", "__pycache__", "dist", ".mypy_cache"}
_STEP_NAMES = re.compile(r"\b(Request|Input|Context|Response)\b")
_LITERAL = re.compile(r"Literal\[(.+)\]")  # a TypedDict field's `Literal[...]` type, as text
# The names hook annotations (`hooks`) and literal checks (`variables.CheckedLiterals`) use.
_EXTRA_IMPORTS = (
    "import motia as _motia",
    "from typing import Any as _MotiaAny, Never as _MotiaNever",
    "from collections.abc import Awaitable as _MotiaAwaitable",
)


@dataclass(frozen=True, slots=True)
class HandlerTie:
    """One handler and the types it must match."""

    function: str
    file: str
    types_module: str  # dotted
    params: tuple[str, ...]  # protocol parameter types, in order (names in the types module)
    returns: str
    span: Span
    payloads: tuple[tuple[str, str], ...] = ()  # (topic, its payload type in the types module)
    bodies: tuple[tuple[int, str], ...] = ()  # (status, its response body type), for unique statuses
    emits: tuple[tuple[str, str], ...] = ()  # (topic, its `Emit...` TypedDict)
    responses: tuple[tuple[int, str], ...] = ()  # (status, its `Response...` TypedDict), unique ones
    topics: tuple[str, ...] = ()  # every topic the step may emit
    statuses: tuple[int, ...] = ()  # every status its responseSchema declares (none: any status)


@dataclass(frozen=True, slots=True)
class ShadowFile:
    original: str  # relative path in the app
    lines: int  # line count of the original: anything after is a conformance check
    ties: tuple[HandlerTie, ...]


def handler_ties(app: model.App, steps: tuple[StepTypes, ...], package: str) -> list[HandlerTie]:
    ties: list[HandlerTie] = []
    for step, types in zip(app.steps, steps, strict=True):
        protocol = next((d for d in types.declarations if d.kind == "handler"), None)
        if step.handler is None or protocol is None:
            continue
        ref = step.handler.ref
        responses = [f for f in _literal_typeddicts(types, "status", "body") if isinstance(f[0], int)]
        emits = [f for f in _literal_typeddicts(types, "topic", "data") if isinstance(f[0], str)]
        ties.append(
            HandlerTie(
                ref.name,
                ref.file,
                f"{package}.steps.{types.module}",
                tuple(t.text for _, t in protocol.params),
                protocol.type.text,
                ref.span,
                payloads=tuple(sorted(_unique(emits, 2).items())),
                bodies=tuple(sorted(_unique(responses, 2).items())),
                emits=tuple(sorted(_unique(emits, 1).items())),
                responses=tuple(sorted(_unique(responses, 1).items())),
                topics=tuple(sorted({str(f[0]) for f in emits})),
                statuses=tuple(sorted({int(str(f[0])) for f in responses})),
            )
        )
    return ties


def _literal_typeddicts(types: StepTypes, key: str, value: str) -> list[tuple[object, str, str]]:
    """(the literal, the TypedDict's name, its `value` field's type) for each of the step's TypedDicts
    whose `key` field is a `Literal[...]`: `(201, "Response201", "_models.XResponse201")`."""
    found: list[tuple[object, str, str]] = []
    for declaration in types.declarations:
        fields = {f.key: f.type.text for f in declaration.fields}
        literal = _LITERAL.fullmatch(fields.get(key, ""))
        if declaration.kind == "typeddict" and literal is not None and value in fields:
            found.append((ast.literal_eval(literal.group(1)), declaration.name, fields[value]))
    return found


def _unique(found: list[tuple[object, str, str]], index: Literal[1, 2]) -> dict[Any, str]:
    """literal → the name (`index` 1) or the value type (2), for the literals only one TypedDict has."""
    seen: dict[Any, set[str]] = {}
    for literal, name, value in found:
        seen.setdefault(literal, set()).add(name if index == 1 else value)
    return {literal: next(iter(names)) for literal, names in seen.items() if len(names) == 1}


def module_path(relative: str) -> str:
    """A path whose every part is a module name: `steps/03-send_step.py` → `steps/m_03_send_step.py`."""
    parts = relative.split("/")
    out = []
    for i, part in enumerate(parts):
        stem, suffix = (part[:-3], ".py") if i == len(parts) - 1 and part.endswith(".py") else (part, "")
        if not stem.isidentifier():
            stem = "m_" + re.sub(r"\W", "_", stem)
        out.append(stem + suffix)
    return "/".join(out)


def app_python_files(root: Path, skip: str) -> list[str]:
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        relative_folder = Path(folder).relative_to(root).as_posix()
        base = "" if relative_folder == "." else relative_folder + "/"
        dirs[:] = sorted(
            d for d in dirs if d not in _SKIP_DIRS and not d.startswith(".") and base + d != skip
        )
        found.extend(f"{base}{name}" for name in sorted(files) if name.endswith(".py"))
    return found


def shadow_source(
    text: str, ties: list[HandlerTie], *, strict: bool = True, hooks: Sequence[HookTie] = ()
) -> str:
    """`text` with the handlers' and hooks' missing annotations filled in and the conformance checks
    appended. Out of strict mode, a handler with a return annotation of its own is held to its step's
    parameters only: its `return`s are checked against its own annotation (`-> ApiResponse[...]`)."""
    if not ties and not hooks:
        return text
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError:
        return text  # mypy reports the syntax error itself
    annotate = _Annotate(ties, {h.function: h for h in hooks})
    text = module.visit(annotate).code
    if not text.endswith("\n"):
        text += "\n"
    lines = [
        "",
        "from collections.abc import Callable as _MotiaCallable  # motia typecheck: handlers vs steps",
    ]
    for index, tie in enumerate(ties):
        alias = _alias(tie.types_module)
        lines.append(f"import {tie.types_module} as {alias}  # noqa: E402")
        if strict or tie.function not in annotate.own_returns:
            lines.append(f"_motia_handler_{index}: {alias}.Handler = {tie.function}")
        else:
            params = ", ".join(_qualified(p, tie) for p in tie.params)
            lines.append(f"_motia_handler_{index}: _MotiaCallable[[{params}], object] = {tie.function}")
    # after the handlers' lines, which `run._conformance` counts
    lines += [f"{line}  # noqa: E402" for line in _EXTRA_IMPORTS]
    lines += _check_functions(ties, annotate.undeclared)
    for types_module in sorted({h.types_module for h in hooks if h.types_module}):
        lines.append(f"import {types_module} as {_alias(types_module)}  # noqa: E402")
    return text + "\n".join(lines) + "\n"


def _check_functions(ties: list[HandlerTie], undeclared: set[str]) -> list[str]:
    """The identity functions `CheckedLiterals` sends literals through (one line each). An undeclared
    one takes `Never` and gives `Any`, so the code after it is still checked."""
    lines = []
    for index, tie in enumerate(ties):
        alias = _alias(tie.types_module)
        for _, name in (*tie.responses, *tie.emits):
            lines.append(f"def _motia_{index}_{name}(value: {alias}.{name}) -> {alias}.{name}: return value")
    never = "(value: _MotiaNever) -> _MotiaAny: raise AssertionError"
    lines += [f"def {name}{never}" for name in sorted(undeclared)]
    return lines


def _alias(types_module: str) -> str:
    return "_motia_types_" + types_module.rsplit(".", 1)[-1]


def _qualified(type_text: str, tie: HandlerTie) -> str:
    return _STEP_NAMES.sub(lambda m: f"{_alias(tie.types_module)}.{m.group(1)}", type_text)


class _Annotate(cst.CSTTransformer):
    """Adds missing annotations to module-level handler and hook functions, leaving every line where it
    was."""

    def __init__(self, ties: list[HandlerTie], hooks: dict[str, HookTie]) -> None:
        self._ties = {tie.function: (index, tie) for index, tie in enumerate(ties)}
        self._hooks = hooks
        self._depth = 0
        self.own_returns: set[str] = set()  # handlers whose author annotated the return
        self.undeclared: set[str] = set()  # the `Never` checks the handlers' literals use

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._depth += 1
        return False  # nested functions are not handlers

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        self._depth -= 1
        if self._depth:
            return updated
        hook = self._hooks.get(updated.name.value)
        if hook is not None:
            alias = _alias(hook.types_module) if hook.types_module else ""
            return _annotated_params(updated, [p.replace("{types}", alias) for p in hook.params])
        if updated.name.value not in self._ties:
            return updated
        index, tie = self._ties[updated.name.value]
        updated = _annotated_params(updated, [_qualified(p, tie) for p in tie.params])
        if updated.returns is not None:
            self.own_returns.add(updated.name.value)
        body = updated.body
        payloads = dict(tie.payloads)
        if payloads or tie.bodies:
            typed = typed_variables(body, payloads, dict(tie.bodies))
            if typed:
                annotations = {name: f"{_alias(tie.types_module)}.{kind}" for name, kind in typed.items()}
                visited_body = body.visit(AnnotateVariables(annotations))
                assert isinstance(visited_body, cst.IndentedBlock | cst.SimpleStatementSuite)
                body = visited_body
        if updated.returns is None:  # its bare `return`s mean `return None`, which mypy wants spelled out
            visited = body.visit(_ExplicitNone())
            assert isinstance(visited, cst.IndentedBlock | cst.SimpleStatementSuite)
            body = visited
        body = self._checked_literals(body, index, tie, returns=updated.returns is None)
        returns = updated.returns or cst.Annotation(cst.parse_expression(_qualified(tie.returns, tie)))
        return updated.with_changes(returns=returns, body=body)

    def _checked_literals(
        self, body: cst.BaseSuite, index: int, tie: HandlerTie, *, returns: bool
    ) -> cst.BaseSuite:
        """Literal emits always, and literal returns unless the author typed the return (then they are
        checked against that)."""
        checks: dict[object, str] = {topic: f"_motia_{index}_{name}" for topic, name in tie.emits}
        if returns:
            checks.update((status, f"_motia_{index}_{name}") for status, name in tie.responses)
        statuses = frozenset(tie.statuses) if returns else None
        literals = CheckedLiterals(index, checks, frozenset(tie.topics), statuses)
        visited = body.visit(literals)
        assert isinstance(visited, cst.IndentedBlock | cst.SimpleStatementSuite)
        self.undeclared |= literals.undeclared
        return visited

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False  # methods are not handlers


def _annotated_params(function: cst.FunctionDef, types: list[str]) -> cst.FunctionDef:
    """`function` with each positional parameter the author left bare annotated with its type."""
    positional = [*function.params.posonly_params, *function.params.params]
    new_positional = [
        p.with_changes(annotation=cst.Annotation(cst.parse_expression(types[i])))
        if p.annotation is None and i < len(types)
        else p
        for i, p in enumerate(positional)
    ]
    split = len(function.params.posonly_params)
    params = function.params.with_changes(
        posonly_params=new_positional[:split], params=new_positional[split:]
    )
    return function.with_changes(params=params)


class _ExplicitNone(OwnBody, cst.CSTTransformer):
    """`return` → `return None` in one function's own body (a handler that got its step's return type,
    which allows None: mypy asks a function with a declared return type to say so). Same line."""

    def leave_Return(self, original: cst.Return, updated: cst.Return) -> cst.Return:
        if updated.value is None:
            return updated.with_changes(
                value=cst.Name("None"), whitespace_after_return=cst.SimpleWhitespace(" ")
            )
        return updated
