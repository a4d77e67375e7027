"""The project's Python modules: read, parsed (through the cache) and memoised on demand.

Step and stream files are parsed up front; any other project module is parsed the first time a config
imports from it. Module names are paths relative to the source roots (the app root by default).
"""

from __future__ import annotations

from pathlib import Path

from motia_gen.cache import ParseCache
from motia_gen.diagnostics import Span, diag
from motia_gen.parse import ir
from motia_gen.parse.module import decode_source, parse_source


def module_name(relative: str) -> str | None:
    """`steps/orders/a_step.py` → `steps.orders.a_step`; None when a part is not an identifier
    (`03-send_step.py`, `a.step.py`): such files are loaded by path, never by name."""
    parts = relative.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    return ".".join(parts)


class Project:
    def __init__(
        self, root: Path, *, source_roots: tuple[str, ...] = (".",), cache: ParseCache | None = None
    ):
        self.root = root
        self.source_roots = source_roots
        self.cache = cache or ParseCache.disabled()
        self._by_path: dict[str, ir.ModuleIR] = {}
        self._by_name: dict[str, ir.ModuleIR | None] = {}

    def load(self, relative: str, *, bodies: bool) -> ir.ModuleIR:
        """Parse a project file given by its root-relative POSIX path."""
        found = self._by_path.get(relative)
        if found is not None:
            return found
        parsed = self._parse(relative, self.name_for(relative), bodies=bodies)
        self._by_path[relative] = parsed
        if parsed.module is not None:
            self._by_name.setdefault(parsed.module, parsed)
        return parsed

    def preload(self, modules: dict[str, ir.ModuleIR]) -> None:
        """Install modules parsed elsewhere (a worker pool)."""
        for relative, parsed in modules.items():
            self._by_path[relative] = parsed
            if parsed.module is not None:
                self._by_name.setdefault(parsed.module, parsed)

    def modules(self) -> list[ir.ModuleIR]:
        """Every module parsed so far, in path order."""
        return [self._by_path[path] for path in sorted(self._by_path)]

    def module(self, name: str) -> ir.ModuleIR | None:
        if name in self._by_name:
            return self._by_name[name]
        relative = self._find(name)
        found = self.load(relative, bodies=False) if relative is not None else None
        self._by_name[name] = found
        return found

    def name_for(self, relative: str) -> str | None:
        for source_root in self.source_roots:
            prefix = "" if source_root in (".", "") else source_root.rstrip("/") + "/"
            if relative.startswith(prefix):
                return module_name(relative[len(prefix) :])
        return None

    def _find(self, name: str) -> str | None:
        parts = name.split(".")
        for source_root in self.source_roots:
            base = self.root / source_root
            for candidate in (Path(*parts).with_suffix(".py"), Path(*parts, "__init__.py")):
                if (base / candidate).is_file():
                    return (base / candidate).resolve().relative_to(self.root.resolve()).as_posix()
        return None

    def _parse(self, relative: str, name: str | None, *, bodies: bool) -> ir.ModuleIR:
        try:
            data = (self.root / relative).read_bytes()
        except OSError as error:
            message = f"cannot read the file: {error.strerror or error}"
            return ir.ModuleIR(
                relative, name, {}, {}, (), (), (diag("MG102", Span.file_start(relative), message),)
            )
        return self.cache.get_or_parse(relative, name, data, bodies, parse_bytes)


def parse_bytes(relative: str, name: str | None, data: bytes, bodies: bool) -> ir.ModuleIR:
    source = decode_source(relative, data)
    if isinstance(source, ir.ModuleIR):
        return source
    return parse_source(relative, source, name, read_bodies=bodies)
