"""The project's Python modules: read, parsed (through the cache) and memoised on demand.

Step and stream files are parsed up front; any other project module is parsed the first time a config
imports from it. Module names are paths relative to the source roots (the app root by default).

While a step or stream file is read, the project records what it touched (`tracking`): every file whose
content was used and every module name looked up. The compile cache stores that record with the result,
so the result is reused exactly while those inputs are unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from motia_gen.diagnostics import Span, diag
from motia_gen.diagnostics.sources import read_source
from motia_gen.parse import ir
from motia_gen.parse.cache import CompileCache, UnitInputs, digest


def module_name(relative: str) -> str | None:
    """`steps/orders/a_step.py` → `steps.orders.a_step`; None when a part is not an identifier
    (`03-send_step.py`, `a.step.py`): such files are loaded by path, never by name."""
    parts = relative.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    return ".".join(parts)


@dataclass(slots=True)
class Dependencies:
    """What one piece of work read: files (by path) and module names (→ the file found, or None)."""

    files: set[str] = field(default_factory=set)
    names: dict[str, str | None] = field(default_factory=dict)

    def merge(self, other: Dependencies) -> None:
        self.files |= other.files
        self.names.update(other.names)


class Project:
    def __init__(
        self, root: Path, *, source_roots: tuple[str, ...] = (".",), cache: CompileCache[Any] | None = None
    ):
        self.root = root
        self.source_roots = source_roots
        self.cache = cache or CompileCache.disabled(object)
        self._by_path: dict[str, ir.ModuleIR] = {}
        self._data: dict[str, bytes | None] = {}
        self._contents: dict[str, str] = {}
        self._errors: dict[str, str] = {}
        self._located: dict[str, str | None] = {}
        self._trackers: list[Dependencies] = []
        self._folders: dict[str, str | None] = {}  # folder → its resolved path (see `read_source`)

    # -- files -------------------------------------------------------------------------------------------
    def register(self, paths: Iterable[str]) -> None:
        """Name the discovered files up front, so a module name finds them without looking on disk."""
        for relative in paths:
            name = self.name_for(relative)
            if name is not None:
                self._located.setdefault(name, relative)

    def read(self, relative: str) -> bytes | None:
        if relative not in self._data:
            data, problem = read_source(self.root, relative, self._folders)
            if problem is not None:
                self._errors[relative] = problem
            self._data[relative] = data
            self._contents[relative] = "" if data is None else digest(data)
        return self._data[relative]

    def problem(self, relative: str) -> str:
        """Why a file could not be read (after `read` answered None)."""
        return self._errors.get(relative, "unknown error")

    def content(self, relative: str) -> str:
        """The digest of a file's bytes ("" when it cannot be read), read once per run."""
        self.read(relative)
        return self._contents[relative]

    def read_files(self) -> dict[str, bytes | None]:
        """Every file read in this run, with its bytes (None when unreadable)."""
        return dict(self._data)

    def contents(self) -> dict[str, str]:
        """Every file read in this run, with its digest."""
        return dict(self._contents)

    # -- modules -----------------------------------------------------------------------------------------
    def load(self, relative: str, *, bodies: bool) -> ir.ModuleIR:
        """Parse a project file given by its root-relative POSIX path."""
        for tracker in self._trackers:
            tracker.files.add(relative)
        found = self._by_path.get(relative)
        if found is None:
            found = self._parse(relative, bodies=bodies)
            self._by_path[relative] = found
        return found

    def loaded(self, relative: str) -> ir.ModuleIR | None:
        return self._by_path.get(relative)

    def module(self, name: str) -> ir.ModuleIR | None:
        relative = self.locate(name)
        for tracker in self._trackers:
            tracker.names[name] = relative
        return None if relative is None else self.load(relative, bodies=False)

    def locate(self, name: str) -> str | None:
        """The file a dotted module name refers to: a discovered file, else the first match on disk."""
        if name not in self._located:
            self._located[name] = self._find(name)
        return self._located[name]

    def name_for(self, relative: str) -> str | None:
        for source_root in self.source_roots:
            prefix = "" if source_root in (".", "") else source_root.rstrip("/") + "/"
            if relative.startswith(prefix):
                return module_name(relative[len(prefix) :])
        return None

    # -- dependency tracking -----------------------------------------------------------------------------
    @contextmanager
    def tracking(self) -> Iterator[Dependencies]:
        """Record what is read inside the block (nested blocks record into every enclosing one)."""
        tracker = Dependencies()
        self._trackers.append(tracker)
        try:
            yield tracker
        finally:
            self._trackers.remove(tracker)

    def include(self, dependencies: Dependencies) -> None:
        """Count a memoised result's dependencies as read again by the enclosing blocks."""
        for tracker in self._trackers:
            tracker.merge(dependencies)

    def unchanged(self, record: UnitInputs) -> bool:
        """Whether every input a cached unit depended on is as it was."""
        return all(self.content(path) == content for path, content in record.files) and all(
            self.locate(name) == relative for name, relative in record.names
        )

    # -- internals ---------------------------------------------------------------------------------------
    def _find(self, name: str) -> str | None:
        # String paths rather than pathlib: every module name a config looks up comes through here.
        root = os.fspath(self.root)
        for source_root in self.source_roots:
            base = os.path.join(source_root, *name.split("."))
            for candidate in (f"{base}.py", os.path.join(base, "__init__.py")):
                relative = os.path.normpath(candidate).replace(os.sep, "/")
                if not relative.startswith("../") and os.path.isfile(os.path.join(root, relative)):
                    return relative
        return None

    def _parse(self, relative: str, *, bodies: bool) -> ir.ModuleIR:
        data = self.read(relative)
        name = self.name_for(relative)
        if data is None:
            message = f"cannot read the file: {self.problem(relative)}"
            return ir.ModuleIR(
                relative, name, {}, {}, (), (), (diag("MG102", Span.file_start(relative), message),)
            )
        content = self.content(relative)
        found = self.cache.module(relative, content, bodies)
        if found is None:
            found = parse_bytes(relative, name, data, bodies)
            self.cache.store_module(relative, content, bodies, found)
        return found


def parse_bytes(relative: str, name: str | None, data: bytes, bodies: bool) -> ir.ModuleIR:
    # Imported here: libcst takes a fifth of a second to import, and a run whose results all come from
    # the cache never needs it.
    from motia_gen.parse.module import decode_source, parse_source  # noqa: PLC0415

    source = decode_source(relative, data)
    if isinstance(source, ir.ModuleIR):
        return source
    return parse_source(relative, source, name, read_bodies=bodies)
