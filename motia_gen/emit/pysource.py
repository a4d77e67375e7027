"""The one printer of generated Python source.

A piece of generated source is `Code`: its text and the imports it needs (`Import` records). Builders
combine pieces and union their needs, so a module's import block is computed from what its statements
use, never by searching the rendered text. Formatting follows what ruff's formatter and isort would
leave unchanged: double-quoted strings, one item per line with a trailing comma when a value is too long
for its line, imports grouped stdlib / third party / the generated package itself.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

ISORT_WIDTH = 88  # where isort wraps a `from` import (its default line length)


class Import(NamedTuple):
    """`from module import name`, or `import module` when `name` is None."""

    module: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Code:
    """Python source text and the imports it needs. `str(code)` is the text, so templates print it."""

    text: str
    needs: frozenset[Import] = frozenset()

    def __str__(self) -> str:
        return self.text


def imported(module: str, name: str) -> Code:
    """A name used as is, imported from `module`."""
    return Code(name, frozenset({Import(module, name)}))


class Source(Protocol):
    """Anything that knows the imports its source needs: `Code`, or a structure of it."""

    @property
    def needs(self) -> frozenset[Import]: ...


def needs_of(pieces: Iterable[Source | None]) -> frozenset[Import]:
    return frozenset(need for piece in pieces if piece is not None for need in piece.needs)


def join(separator: str, pieces: Iterable[Code]) -> Code:
    """The pieces' texts joined (`" | "` makes a union), needing what any of them needs."""
    listed = list(pieces)
    return Code(separator.join(p.text for p in listed), needs_of(listed))


def subscript(base: Code, *arguments: Code) -> Code:
    """`base[a, b]`: a generic type applied."""
    return Code(f"{base.text}[{', '.join(a.text for a in arguments)}]", needs_of([base, *arguments]))


def literal(value: object) -> str:
    """`repr`, with double quotes for strings as ruff's formatter writes them where it can."""
    text = repr(value)
    if isinstance(value, str) and text.startswith("'") and '"' not in value:
        return '"' + text[1:-1].replace("\\'", "'") + '"'
    return text


def raw_string(text: str) -> str:
    """A raw string literal where one can hold `text` (regular expressions read better), else `literal`."""
    if '"' in text or text.endswith("\\") or "\n" in text:
        return literal(text)
    return f'r"{text}"'


def tuple_of(items: Iterable[str]) -> str:
    parts = list(items)
    if len(parts) == 1:
        return f"({parts[0]},)"
    return f"({', '.join(parts)})"


def json_value(value: object, indent: int, width: int, lead: int = 0) -> str:
    """A JSON value as Python source: one line when it fits in `width` (after `indent` spaces and `lead`
    more characters), else one item per line with trailing commas, as ruff formats it."""
    flat = _flat(value)
    if indent + lead + len(flat) <= width or not isinstance(value, dict | list) or not value:
        return flat
    pad = " " * (indent + 4)
    if isinstance(value, dict):
        lines = []
        for k, v in value.items():
            key = literal(str(k))
            lines.append(f"{pad}{key}: {json_value(v, indent + 4, width, len(key) + 3)},")
        return "{\n" + "\n".join(lines) + "\n" + " " * indent + "}"
    lines = [f"{pad}{json_value(v, indent + 4, width, 1)}," for v in value]
    return "[\n" + "\n".join(lines) + "\n" + " " * indent + "]"


def _flat(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(str(k))}: {_flat(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flat(v) for v in value) + "]"
    return literal(value)


def isort_key(name: str) -> tuple[int, str]:
    """isort's order for the names of one `from` import: constants, classes, then functions."""
    if name.isupper() and len(name) > 1:
        return (0, name)
    return (1 if name[:1].isupper() else 2, name)


def from_import(module: str, names: Sequence[str]) -> str:
    """One `from` import, wrapped one name per line as isort does when it is longer than its width."""
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= ISORT_WIDTH:
        return line
    listed = "".join(f"    {name},\n" for name in names)
    return f"from {module} import (\n{listed})"


def import_block(needs: Iterable[Import], own: str | None = None) -> list[str]:
    """The import lines for `needs`, as isort lays them out: the standard library, third-party modules,
    then `own` (the generated package), each section apart by a blank line (an empty string); in a
    section, `import x` lines first, then `from` imports by module, names merged."""
    sections: dict[int, dict[str, set[str | None]]] = {}
    for need in needs:
        top = need.module.split(".")[0]
        section = 0 if top in sys.stdlib_module_names else 2 if own is not None and top == own else 1
        sections.setdefault(section, {}).setdefault(need.module, set()).add(need.name)
    lines: list[str] = []
    for section in sorted(sections):
        modules = sections[section]
        if lines:
            lines.append("")
        lines.extend(f"import {m}" for m in sorted(modules) if None in modules[m])
        for module in sorted(modules):
            names = sorted((n for n in modules[module] if n is not None), key=isort_key)
            if names:
                lines.append(from_import(module, names))
    return lines
