"""Parsing a TS/JS file with tree-sitter (the grammars from PyPI), and positions as the diagnostics
speak them: 1-based lines and columns in characters (tree-sitter counts columns in bytes)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from motia_gen.diagnostics import Span

# Parse no more than this much: a step file is small, and a huge one is not a step file.
MAX_BYTES = 2_000_000


@cache
def _parser(dialect: str) -> Any:
    import tree_sitter  # noqa: PLC0415 (only apps with TS/JS files need it)

    if dialect == "javascript":
        import tree_sitter_javascript  # noqa: PLC0415

        language = tree_sitter.Language(tree_sitter_javascript.language())
    else:
        import tree_sitter_typescript  # noqa: PLC0415

        grammar = (
            tree_sitter_typescript.language_tsx
            if dialect == "tsx"
            else tree_sitter_typescript.language_typescript
        )
        language = tree_sitter.Language(grammar())
    return tree_sitter.Parser(language)


def dialect_of(path: str) -> str:
    """The grammar for a file name: typescript, tsx or javascript (jsx included)."""
    if path.endswith(".tsx"):
        return "tsx"
    if path.endswith((".ts", ".mts", ".cts")):
        return "typescript"
    return "javascript"


@dataclass(frozen=True, slots=True)
class Source:
    """A parsed file: its path (project-relative), bytes, lines (for columns) and syntax tree."""

    path: str
    data: bytes
    lines: tuple[bytes, ...]
    root: Any

    def text(self, node: Any) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def span(self, node: Any) -> Span:
        (line, column), (end_line, end_column) = node.start_point, node.end_point
        return Span(
            self.path, line + 1, self._column(line, column), end_line + 1, self._column(end_line, end_column)
        )

    def _column(self, row: int, byte_column: int) -> int:
        if row >= len(self.lines):
            return byte_column + 1
        return len(self.lines[row][:byte_column].decode("utf-8", errors="replace")) + 1

    def errors(self) -> list[Any]:
        """The nodes tree-sitter could not parse (ERROR) or made up (MISSING), outermost first."""
        found: list[Any] = []
        if not self.root.has_error:
            return found
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.is_error or node.is_missing:
                found.append(node)
                continue
            if node.has_error:
                stack.extend(reversed(node.children))
        return found


def parse(path: str, data: bytes) -> Source:
    """The syntax tree of a file (tree-sitter always gives one; `Source.errors` lists what it could not
    read). A file past `MAX_BYTES` is parsed as empty."""
    if len(data) > MAX_BYTES:
        data = b""
    tree = _parser(dialect_of(path)).parse(data)
    return Source(path, data, tuple(data.split(b"\n")), tree.root_node)
