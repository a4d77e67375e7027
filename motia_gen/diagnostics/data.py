"""Diagnostic data: the `Diagnostic` every stage reports a problem with, its `Span` and `Severity`."""

from __future__ import annotations

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
