"""Diagnostics: the data every stage reports problems with (`data`), the registry of stable codes
(`codes`), and `diag`, the one way to make a diagnostic of a registered code. Rendering lives in `render`,
what the user switched off in `suppress`, did-you-mean help in `suggest`.
"""

from __future__ import annotations

from collections.abc import Iterable

from motia_gen.diagnostics.codes import CODES, REGISTRY, Code
from motia_gen.diagnostics.data import Diagnostic, Related, Severity, Span

__all__ = [
    "CODES",
    "REGISTRY",
    "Code",
    "Diagnostic",
    "Related",
    "Severity",
    "Span",
    "diag",
    "has_errors",
    "sort_diagnostics",
]


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
