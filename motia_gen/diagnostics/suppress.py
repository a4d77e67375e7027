"""What the user switched off: `[tool.motia.lint]` (ignore codes, change severities) and
`# motia: ignore[MG204, MG205]` comments (`// motia: ignore[...]` in TypeScript and JavaScript files), which
silence those codes on their own line. A code that does not exist is reported (MG112) rather than silently
ignored."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from motia_gen.diagnostics import REGISTRY, Diagnostic, Severity, Span, diag
from motia_gen.diagnostics.render import source_lines
from motia_gen.diagnostics.sources import read_source
from motia_gen.diagnostics.suggest import distance

_COMMENT = re.compile(r"(?:#|//)\s*motia:\s*ignore\[([^\]]*)\]")


@dataclass(frozen=True, slots=True)
class Lint:
    """`[tool.motia.lint]`: codes to drop, and codes whose severity changes. Codes are checked against
    the registry by the check runner, which reports unknown ones with their `spans`."""

    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    spans: tuple[tuple[str, Span], ...] = ()  # each code as written → where


@dataclass(frozen=True, slots=True)
class Ignore:
    """One `# motia: ignore[...]` comment: the codes it names, each with its span."""

    file: str
    line: int
    codes: tuple[tuple[str, Span], ...]


MARKER = b"motia:"  # a file without it has no ignore comment


def read_ignores(
    root: str, files: Iterable[str], read: Mapping[str, bytes | None] | None = None
) -> list[Ignore]:
    """The ignore comments of `files`; `read` holds files already read in this run (their bytes, or None
    when unreadable; only those holding `MARKER` need their bytes), so they are not read again."""
    found: list[Ignore] = []
    for file in files:
        if read is not None and file in read:
            data = read[file]
        else:
            data, _unreadable = read_source(Path(root), file)
        if data is None or MARKER not in data:
            continue
        found.extend(_comments(file, data.decode("utf-8", errors="replace")))
    return found


def _comments(file: str, text: str) -> Iterator[Ignore]:
    for number, line in enumerate(source_lines(text), start=1):
        for match in _COMMENT.finditer(line):
            codes: list[tuple[str, Span]] = []
            for code in re.finditer(r"[^,\s]+", match.group(1)):
                column = match.start(1) + code.start() + 1
                codes.append((code.group(0), Span(file, number, column, number, column + len(code.group(0)))))
            yield Ignore(file, number, tuple(codes))


def _closest_code(code: str) -> str | None:
    """A code one edit away (`MG20O` → `MG200`), if there is exactly one."""
    close = [known for known in REGISTRY if distance(code.upper(), known, 1) <= 1]
    return close[0] if len(close) == 1 else None


def _unknown(code: str, span: Span, where: str) -> Diagnostic:
    close = _closest_code(code)
    return diag(
        "MG112",
        span,
        f"unknown diagnostic code '{code}' in {where}",
        help=f"did you mean '{close}'?" if close else None,
    )


def apply(diagnostics: Iterable[Diagnostic], lint: Lint, ignores: list[Ignore]) -> list[Diagnostic]:
    """Drop and re-grade diagnostics as configured, and report codes that do not exist."""
    spans = dict(lint.spans)
    problems = [
        _unknown(code, spans.get(code, Span.file_start("pyproject.toml")), "[tool.motia.lint]")
        for code in (*lint.ignore, *(c for c, _ in lint.severity))
        if code not in REGISTRY
    ]
    problems.extend(
        _unknown(code, span, "a `# motia: ignore` comment")
        for ignore in ignores
        for code, span in ignore.codes
        if code not in REGISTRY
    )
    silenced = {(i.file, i.line, code) for i in ignores for code, _ in i.codes}
    ignored = set(lint.ignore)
    severity = dict(lint.severity)
    kept: list[Diagnostic] = []
    for d in diagnostics:
        if d.code in ignored or (d.span.file, d.span.line, d.code) in silenced:
            continue
        kept.append(replace(d, severity=severity[d.code]) if d.code in severity else d)
    return kept + [p for p in problems if p.code not in ignored]
