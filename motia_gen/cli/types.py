"""What `motia generate-types` and `motia typecheck` do, between reading the app and printing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from motia_gen.cli.files import diff_tree, write_tree
from motia_gen.diagnostics import Diagnostic, has_errors, sort_diagnostics
from motia_gen.emit.types.package import render_package
from motia_gen.emit.types.plan import TypesPlan, plan_types
from motia_gen.frontend import FrontEnd, Overrides, validate_app


@dataclass(frozen=True, slots=True)
class Generated:
    front: FrontEnd
    plan: TypesPlan
    files: dict[str, str]  # empty when the app has errors
    owned: str  # the package folder, relative to the app root


def generate(root: Path, overrides: Overrides, *, despite_errors: bool = False) -> Generated:
    """The types package; nothing when the app has errors, unless asked (typecheck reports mypy's errors
    next to the checks': the types of a step with a bad handler are still right)."""
    front = validate_app(root, overrides)
    package = front.settings.types_package
    owned = package.replace(".", "/")
    plan = plan_types(front.app)
    if not front.app.steps or (has_errors(front.diagnostics) and not despite_errors):
        return Generated(front, plan, {}, owned)
    cache = root / ".motia" / "cache" / "types" if overrides.use_cache else None
    return Generated(front, plan, render_package(plan, package, cache), owned)


def write_types(root: Path, generated: Generated) -> list[str]:
    return write_tree(root, generated.files, owned=generated.owned)


def stale_types(root: Path, generated: Generated) -> str:
    return diff_tree(root, generated.files, owned=generated.owned)


def typecheck(root: Path, overrides: Overrides) -> tuple[FrontEnd, tuple[Diagnostic, ...]]:
    """The app's diagnostics and mypy's (its types do not depend on the checks passing), at the step
    files' lines."""
    from motia_gen.typecheck.run import build_shadow, run_mypy  # noqa: PLC0415 (libcst, mypy: only here)

    generated = generate(root, overrides, despite_errors=True)
    front = generated.front
    if not generated.files:
        return front, front.diagnostics
    package = front.settings.types_package
    shadow = build_shadow(root, front.app, generated.plan.steps, package, generated.files)
    found = run_mypy(root, shadow, front.settings.source_roots)
    return front, sort_diagnostics([*front.diagnostics, *found])
