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
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from motia_gen import model
from motia_gen.diagnostics import Span
from motia_gen.emit.types.plan import StepTypes
from motia_gen.typecheck.variables import AnnotateVariables, typed_variables

_SKIP_DIRS = {".motia", ".venv", "venv", ".git", "node_modules", "__pycache__", "dist", ".mypy_cache"}
_STEP_NAMES = re.compile(r"\b(Request|Input|Context|Response)\b")
_LITERAL = re.compile(r"Literal\[(.+)\]")  # a TypedDict field's `Literal[...]` type, as text


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
        ties.append(
            HandlerTie(
                ref.name,
                ref.file,
                f"{package}.steps.{types.module}",
                tuple(t.text for _, t in protocol.params),
                protocol.type.text,
                ref.span,
                _payloads(types),
                _bodies(types),
            )
        )
    return ties


def _bodies(types: StepTypes) -> tuple[tuple[int, str], ...]:
    """Each declared status's body type, from the step's `Response...` TypedDicts; a status declared
    with two body types (two routes) has none."""
    found: dict[int, set[str]] = {}
    for declaration in types.declarations:
        fields = {f.key: f.type.text for f in declaration.fields}
        literal = _LITERAL.fullmatch(fields.get("status", ""))
        if declaration.kind == "typeddict" and literal is not None and "body" in fields:
            status = ast.literal_eval(literal.group(1))
            if isinstance(status, int):
                found.setdefault(status, set()).add(fields["body"])
    return tuple((status, next(iter(types_))) for status, types_ in sorted(found.items()) if len(types_) == 1)


def _payloads(types: StepTypes) -> tuple[tuple[str, str], ...]:
    """Each declared topic's payload type, from the step's `Emit...` TypedDicts."""
    found: list[tuple[str, str]] = []
    for declaration in types.declarations:
        fields = {f.key: f.type.text for f in declaration.fields}
        literal = _LITERAL.fullmatch(fields.get("topic", ""))
        if declaration.kind == "typeddict" and literal is not None and "data" in fields:
            found.append((ast.literal_eval(literal.group(1)), fields["data"]))
    return tuple(found)


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


def shadow_source(text: str, ties: list[HandlerTie], *, strict: bool = True) -> str:
    """`text` with the handlers' missing annotations filled in and the conformance checks appended. Out
    of strict mode, a handler with a return annotation of its own is held to its step's parameters only:
    its `return`s are checked against its own annotation (`-> ApiResponse[dict[str, Any]]`, say)."""
    own_returns: set[str] = set()
    if ties:
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError:
            return text  # mypy reports the syntax error itself
        annotate = _Annotate({t.function: t for t in ties})
        text = module.visit(annotate).code
        own_returns = annotate.own_returns
    if not text.endswith("\n"):
        text += "\n"
    lines = [
        "",
        "from collections.abc import Callable as _MotiaCallable  # motia typecheck: handlers vs steps",
    ]
    for index, tie in enumerate(ties):
        alias = _alias(tie.types_module)
        lines.append(f"import {tie.types_module} as {alias}  # noqa: E402")
        if strict or tie.function not in own_returns:
            lines.append(f"_motia_handler_{index}: {alias}.Handler = {tie.function}")
        else:
            params = ", ".join(_qualified(p, tie) for p in tie.params)
            lines.append(f"_motia_handler_{index}: _MotiaCallable[[{params}], object] = {tie.function}")
    return text + "\n".join(lines) + "\n" if ties else text


def _alias(types_module: str) -> str:
    return "_motia_types_" + types_module.rsplit(".", 1)[-1]


def _qualified(type_text: str, tie: HandlerTie) -> str:
    return _STEP_NAMES.sub(lambda m: f"{_alias(tie.types_module)}.{m.group(1)}", type_text)


class _Annotate(cst.CSTTransformer):
    """Adds missing annotations to module-level handler functions, leaving every line where it was."""

    def __init__(self, ties: dict[str, HandlerTie]) -> None:
        self._ties = ties
        self._depth = 0
        self.own_returns: set[str] = set()  # handlers whose author annotated the return

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._depth += 1
        return False  # nested functions are not handlers

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        self._depth -= 1
        tie = self._ties.get(updated.name.value)
        if tie is None or self._depth:
            return updated
        params = list(updated.params.params)
        positional = [*updated.params.posonly_params, *params]
        new_positional = [
            p.with_changes(annotation=cst.Annotation(cst.parse_expression(_qualified(tie.params[i], tie))))
            if p.annotation is None and i < len(tie.params)
            else p
            for i, p in enumerate(positional)
        ]
        posonly = new_positional[: len(updated.params.posonly_params)]
        regular = new_positional[len(updated.params.posonly_params) :]
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
        returns = updated.returns or cst.Annotation(cst.parse_expression(_qualified(tie.returns, tie)))
        return updated.with_changes(
            params=updated.params.with_changes(posonly_params=posonly, params=regular),
            returns=returns,
            body=body,
        )

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False  # methods are not handlers


class _ExplicitNone(cst.CSTTransformer):
    """`return` → `return None` in one function's own body (a handler that got its step's return type,
    which allows None: mypy asks a function with a declared return type to say so). Same line."""

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # a nested function's returns are its own

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def leave_Return(self, original: cst.Return, updated: cst.Return) -> cst.Return:
        if updated.value is None:
            return updated.with_changes(
                value=cst.Name("None"), whitespace_after_return=cst.SimpleWhitespace(" ")
            )
        return updated
