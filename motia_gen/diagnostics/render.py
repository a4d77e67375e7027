"""Renderers: the same `Diagnostic` objects as text with a code frame, JSON, or GitHub annotations."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from pathlib import Path

from motia_gen.diagnostics import CODES, REGISTRY, Code, Diagnostic, Severity, Span
from motia_gen.diagnostics.sources import read_source

# Gives a file's lines (for code frames); an empty list when the file cannot be read.
LineSource = Callable[[str], Sequence[str]]


@dataclass(frozen=True, slots=True)
class Summary:
    steps: int
    streams: int
    files: int


def source_lines(text: str) -> list[str]:
    """Lines as Python numbers them: only \n, \r\n and \r end a line (not str.splitlines' extras)."""
    return re.split(r"\r\n|\r|\n", text)


def count(diagnostics: Sequence[Diagnostic], severity: Severity) -> int:
    return sum(1 for d in diagnostics if d.severity == severity)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    """`3 errors, 2 warnings, 1 info in 4 files (12 steps, 2 streams in 9 files)`; infos only when any."""
    app = (
        f"{_plural(summary.steps, 'step')}, {_plural(summary.streams, 'stream')} "
        f"in {_plural(summary.files, 'file')}"
    )
    if not diagnostics:
        return f"ok: {app}, no problems found"
    parts = [
        _plural(count(diagnostics, Severity.ERROR), "error"),
        _plural(count(diagnostics, Severity.WARNING), "warning"),
    ]
    if infos := count(diagnostics, Severity.INFO):
        parts.append(_plural(infos, "info"))
    files = len({d.span.file for d in diagnostics})
    return f"{', '.join(parts)} in {_plural(files, 'file')} ({app})"


def line_reader(root: Path) -> LineSource:
    """Source lines of the app's files for code frames, each file read once."""

    @cache
    def lines(relative: str) -> list[str]:
        data, _problem = read_source(root, relative)
        return [] if data is None else source_lines(data.decode("utf-8", errors="replace"))

    return lines


def render_report(
    diagnostics: Sequence[Diagnostic], summary: Summary, output_format: str, root: Path, version: str
) -> str:
    """The diagnostics in one of the formats the CLI offers: text, json, github or sarif."""
    if output_format == "json":
        return render_json(diagnostics, summary)
    if output_format == "github":
        return render_github(diagnostics, summary)
    if output_format == "sarif":
        return render_sarif(diagnostics, version)
    return render_text(diagnostics, summary, line_reader(root))


def render_text(diagnostics: Sequence[Diagnostic], summary: Summary, lines: LineSource) -> str:
    """Diagnostics grouped by file, in source order within each file, then the summary line."""
    out: list[str] = []
    for file, group in groupby(sorted(diagnostics, key=Diagnostic.sort_key), key=lambda d: d.span.file):
        out.append(f"{file}\n")
        out.extend(_text_block(d, lines) for d in group)
        out.append("\n")
    return "".join(out) + summary_line(diagnostics, summary) + "\n"


def _text_block(d: Diagnostic, lines: LineSource) -> str:
    out = [f"{d.span.label()}: {d.severity}[{d.code}] {d.message}\n"]
    out.extend(_frame(d, lines))
    if d.help:
        out.append(f"  help: {d.help}\n")
    for related in d.related:
        out.append(f"  note: {related.span.label()}: {related.message}\n")
    return "".join(out)


def _frame(d: Diagnostic, lines: LineSource) -> list[str]:
    source = lines(d.span.file)
    if not 1 <= d.span.line <= len(source):
        return []
    text = source[d.span.line - 1].rstrip("\r\n").expandtabs(1)
    number = str(d.span.line)
    gutter = " " * len(number)
    end = d.span.end_column if d.span.end_line == d.span.line else len(text) + 1
    width = max(1, min(end, len(text) + 1) - d.span.column)
    marker = " " * (d.span.column - 1) + "^" * width
    return [f"  {gutter} |\n", f"  {number} | {text}\n", f"  {gutter} | {marker}\n"]


def render_json(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    document = {
        "diagnostics": [_json_item(d) for d in diagnostics],
        "summary": {
            "errors": count(diagnostics, Severity.ERROR),
            "warnings": count(diagnostics, Severity.WARNING),
            "infos": count(diagnostics, Severity.INFO),
            "steps": summary.steps,
            "streams": summary.streams,
            "files": summary.files,
        },
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def diagnostic_items(diagnostics: Sequence[Diagnostic], lines: LineSource) -> list[dict[str, object]]:
    """The diagnostics as the Workbench shows them: the JSON report's items, each with its code frame (the
    line before, its own line and the line after, as `{"line", "text"}`)."""
    return [{**_json_item(d), "frame": _frame_lines(d.span, lines)} for d in diagnostics]


def _frame_lines(span: Span, lines: LineSource) -> list[dict[str, object]]:
    source = lines(span.file)
    first, last = max(1, span.line - 1), min(len(source), span.line + 1)
    return [{"line": n, "text": source[n - 1].rstrip("\r\n")} for n in range(first, last + 1)]


def _json_item(d: Diagnostic) -> dict[str, object]:
    return {
        "code": d.code,
        "name": REGISTRY[d.code].name,
        "severity": str(d.severity),
        "message": d.message,
        "file": d.span.file,
        "line": d.span.line,
        "column": d.span.column,
        "endLine": d.span.end_line,
        "endColumn": d.span.end_column,
        "help": d.help,
        "related": [
            {"file": r.span.file, "line": r.span.line, "column": r.span.column, "message": r.message}
            for r in d.related
        ],
    }


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render_github(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    """GitHub Actions workflow commands: one annotation per diagnostic, then the summary as a notice."""
    out = []
    for d in diagnostics:
        properties = ",".join(
            f"{key}={_escape_property(str(value))}"
            for key, value in (
                ("file", d.span.file),
                ("line", d.span.line),
                ("col", d.span.column),
                ("endLine", d.span.end_line),
                ("endColumn", d.span.end_column),
                ("title", f"{d.code} {REGISTRY[d.code].name}"),
            )
        )
        message = d.message + (f"\nhelp: {d.help}" if d.help else "")
        out.append(f"::{_GITHUB_LEVEL[d.severity]} {properties}::{_escape_data(message)}\n")
    out.append(f"{summary_line(diagnostics, summary)}\n")
    return "".join(out)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render_sarif(diagnostics: Sequence[Diagnostic], version: str) -> str:
    """SARIF 2.1.0 as GitHub code scanning reads it: one rule per registered code, one result each.

    Every code is listed as a rule (not only those that occurred) so rule indexes are stable across runs.
    Locations are relative to the app root (`%SRCROOT%`), which is where `motia validate` was pointed.
    """
    rules = [_sarif_rule(code) for code in CODES]
    index = {code.code: i for i, code in enumerate(CODES)}
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "motia-gen",
                        "version": version,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The app root."}}},
                "results": [_sarif_result(d, index[d.code]) for d in diagnostics],
            }
        ],
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _sarif_rule(code: Code) -> dict[str, object]:
    return {
        "id": code.code,
        "name": code.name,
        "shortDescription": {"text": code.name.replace("-", " ")},
        "fullDescription": {"text": code.doc},
        "help": {"text": code.doc},
        "defaultConfiguration": {"level": _SARIF_LEVEL[code.severity]},
    }


def _sarif_location(span: Span) -> dict[str, object]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": span.file, "uriBaseId": "%SRCROOT%"},
            "region": {
                "startLine": span.line,
                "startColumn": span.column,
                "endLine": span.end_line,
                "endColumn": span.end_column,
            },
        }
    }


def _sarif_result(d: Diagnostic, rule_index: int) -> dict[str, object]:
    text = d.message + (f"\nhelp: {d.help}" if d.help else "")
    result: dict[str, object] = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVEL[d.severity],
        "message": {"text": text},
        "locations": [_sarif_location(d.span)],
    }
    if d.related:
        result["relatedLocations"] = [
            {**_sarif_location(r.span), "id": i, "message": {"text": r.message}}
            for i, r in enumerate(d.related)
        ]
    return result
