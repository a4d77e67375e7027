"""Names a TS/JS config imports from the project's own modules (`import { TodoSchema } from './schemas'`):
the module is found the way TypeScript and bundlers resolve a relative specifier, read through the
caller's safe reader, parsed once, and the name's top-level `const` evaluated there (its own imports and
zod names apply). Re-exports (`export * from './todo'`, `export { A } from './a'`) are followed, so
barrel `index.ts` files work. Packages, namespace and default imports are not followed: their names stay
unknown.

Every file looked at is recorded (found or not), so that a cached result is dropped when any changes or
appears.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from motia_gen.evaluate.typescript.literals import MAX_DEPTH, Evaluator, Resolve
from motia_gen.evaluate.typescript.module import Module, read_module
from motia_gen.evaluate.typescript.syntax import parse

_EXTENSIONS = (".ts", ".tsx", ".js", ".jsx", ".mts", ".mjs")


class ProjectModules:
    """The project's TS/JS modules a file's config reaches through its imports, each parsed once and read
    by one evaluator (whose guard makes a cycle through several modules end as unknown)."""

    def __init__(self, read: Callable[[str], bytes | None]) -> None:
        self._read = read
        self._modules: dict[str, Module | None] = {}
        self._evaluators: dict[str, Evaluator] = {}
        self._active: set[tuple[str, str]] = set()  # (file, name) being looked up: a re-export loop
        self.looked_at: list[str] = []  # every path tried, in order

    def resolver(self, importer: str) -> Resolve:
        """The `Resolve` for names imported by the file `importer` (a project-relative path)."""

        def resolve(specifier: str, name: str, depth: int) -> tuple[Evaluator, str] | None:
            return self.find(importer, specifier, name, depth)

        return resolve

    def find(self, importer: str, specifier: str, name: str, depth: int = 0) -> tuple[Evaluator, str] | None:
        """The evaluator of the module that binds `name` (following re-exports), and its name there."""
        # Each import followed counts as a level of nesting: a long chain ends as unknown, like deep nesting.
        path = self._locate(importer, specifier) if depth <= MAX_DEPTH else None
        module = self._modules.get(path) if path is not None else None
        if path is None or module is None or (path, name) in self._active:
            return None
        if name in module.bindings:
            return self._evaluator(path, module), name
        self._active.add((path, name))
        try:
            for origin, names in module.reexports:
                if names is None or name in names:
                    found = self.find(path, origin, name if names is None else names[name], depth + 1)
                    if found is not None:
                        return found
            return None
        finally:
            self._active.discard((path, name))

    def _evaluator(self, path: str, module: Module) -> Evaluator:
        if path not in self._evaluators:
            self._evaluators[path] = Evaluator(module, self.resolver(path))
        return self._evaluators[path]

    def _locate(self, importer: str, specifier: str) -> str | None:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(importer), specifier))
        if target == ".." or target.startswith(("../", "/")):
            return None  # outside the app
        stem = target
        for extension in (".js", ".jsx", ".mjs"):  # TS's ESM style names the compiled file
            stem = stem.removesuffix(extension)
        candidates = [target] if target.endswith(_EXTENSIONS) else []
        candidates += [stem + extension for extension in _EXTENSIONS]
        candidates += [f"{target}/index{extension}" for extension in _EXTENSIONS]
        for candidate in dict.fromkeys(candidates):
            if candidate not in self._modules:
                self.looked_at.append(candidate)
                data = self._read(candidate)
                self._modules[candidate] = None if data is None else read_module(parse(candidate, data))
            if self._modules[candidate] is not None:
                return candidate
        return None

    def _module(self, path: str) -> Module | None:
        return self._modules.get(path)
