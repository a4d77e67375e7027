"""Name resolution across the project's modules, without importing anything.

A name in a module resolves to a binding in a project module (following imports and pure aliases such
as `Body = CreateBody`), to a module, or to an external qualified name (`pydantic.BaseModel`,
`builtins.str`, `motia.http`) for what lives outside the project.
"""

from __future__ import annotations

import builtins
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from motia_gen.diagnostics.suggest import suggestion
from motia_gen.parse import ir

if TYPE_CHECKING:
    from motia_gen.parse.project import Dependencies

_BUILTINS = frozenset(dir(builtins))


class ModuleSource(Protocol):
    """Gives parsed project modules by dotted name (None when the name is not a project module), and
    records what was read so results can be memoised and cached soundly (see `project.Project`)."""

    def module(self, name: str) -> ir.ModuleIR | None: ...

    def tracking(self) -> AbstractContextManager[Dependencies]: ...

    def include(self, dependencies: Dependencies) -> None: ...


@dataclass(frozen=True, slots=True)
class ProjectSymbol:
    module: ir.ModuleIR
    binding: ir.Assign | ir.FunctionDef | ir.ClassDef


@dataclass(frozen=True, slots=True)
class ModuleSymbol:
    module: ir.ModuleIR


@dataclass(frozen=True, slots=True)
class ExternalSymbol:
    qualname: str


@dataclass(frozen=True, slots=True)
class MissingSymbol:
    """`code` is the diagnostic to report: MG106 undefined name, MG107 unresolved import, MG108 cycle."""

    code: str
    message: str
    help: str | None = None


Symbol = ProjectSymbol | ModuleSymbol | ExternalSymbol | MissingSymbol


class Symbols:
    def __init__(self, source: ModuleSource) -> None:
        self.source = source
        self._follow = True

    def lookup(self, module: ir.ModuleIR, expr: ir.Expr, *, follow_aliases: bool = True) -> Symbol:
        """Resolve a `Name` or dotted `Attribute` chain as seen from `module`.

        With `follow_aliases=False` a module-level `A = B` resolves to that assignment, so the evaluator
        can report what is wrong with `B` at `B`'s own position."""
        self._follow = follow_aliases
        return self._lookup(module, expr, frozenset())

    def qualname(self, module: ir.ModuleIR, expr: ir.Expr) -> str | None:
        """The external qualified name an expression refers to (`motia.http`), if it is one."""
        symbol = self.lookup(module, expr)
        return symbol.qualname if isinstance(symbol, ExternalSymbol) else None

    def project_class(self, module: ir.ModuleIR, expr: ir.Expr) -> tuple[ir.ModuleIR, ir.ClassDef] | None:
        """The class of the app's own modules that `expr` names (with the module defining it), if any."""
        if not isinstance(expr, ir.Name | ir.Attribute):
            return None
        symbol = self.lookup(module, expr)
        if isinstance(symbol, ProjectSymbol) and isinstance(symbol.binding, ir.ClassDef):
            return symbol.module, symbol.binding
        return None

    def _lookup(self, module: ir.ModuleIR, expr: ir.Expr, seen: frozenset[tuple[str, str]]) -> Symbol:
        if isinstance(expr, ir.Name):
            return self._name(module, expr.id, seen)
        if isinstance(expr, ir.Attribute):
            owner = self._lookup(module, expr.value, seen)
            return self._member(owner, expr.attr, seen)
        return MissingSymbol("MG105", "only names and dotted names can be resolved")

    def _member(self, owner: Symbol, attr: str, seen: frozenset[tuple[str, str]]) -> Symbol:
        if isinstance(owner, ModuleSymbol):
            return self._name(owner.module, attr, seen, imported=True)
        if isinstance(owner, ExternalSymbol):
            return ExternalSymbol(f"{owner.qualname}.{attr}")
        if isinstance(owner, MissingSymbol):
            return owner
        return MissingSymbol("MG105", f"attribute '{attr}' of '{owner.binding.name}' cannot be resolved")

    def _name(
        self, module: ir.ModuleIR, name: str, seen: frozenset[tuple[str, str]], *, imported: bool = False
    ) -> Symbol:
        key = (module.path, name)
        if key in seen:
            return MissingSymbol("MG108", f"'{name}' is defined in terms of itself")
        seen = seen | {key}
        binding = module.bindings.get(name)
        if binding is None:
            submodule = self._submodule(module, name)
            if submodule is not None:
                return ModuleSymbol(submodule)
            hint = suggestion(name, module.bindings)
            if imported:
                where = module.module or module.path
                return MissingSymbol("MG107", f"module '{where}' has no name '{name}'", hint)
            if name in _BUILTINS:
                return ExternalSymbol(f"builtins.{name}")
            return MissingSymbol("MG106", f"name '{name}' is not defined at module level", hint)
        if isinstance(binding, ir.ImportedName):
            return self._imported(binding, seen)
        if (
            self._follow
            and isinstance(binding, ir.Assign)
            and isinstance(binding.value, ir.Name | ir.Attribute)
        ):
            # A pure alias (`Body = CreateBody`): resolve to what it names.
            return self._lookup(module, binding.value, seen)
        return ProjectSymbol(module, binding)

    def _imported(self, binding: ir.ImportedName, seen: frozenset[tuple[str, str]]) -> Symbol:
        if not binding.module:
            return MissingSymbol("MG107", "relative import goes above the project root")
        if binding.name is None:
            target = self.source.module(binding.module)
            return ModuleSymbol(target) if target is not None else ExternalSymbol(binding.module)
        target = self.source.module(binding.module)
        if target is not None and binding.name in target.bindings:
            return self._name(target, binding.name, seen, imported=True)
        submodule = self.source.module(f"{binding.module}.{binding.name}")
        if submodule is not None:
            return ModuleSymbol(submodule)
        if target is None:
            return ExternalSymbol(f"{binding.module}.{binding.name}")
        return self._name(target, binding.name, seen, imported=True)

    def _submodule(self, module: ir.ModuleIR, name: str) -> ir.ModuleIR | None:
        """`from . import schemas` binds a submodule of a package that need not name it."""
        if module.module is None or not module.path.endswith("__init__.py"):
            return None
        return self.source.module(f"{module.module}.{name}")
