"""`motia generate-types` and `motia typecheck`: the typed handler package, written or compared, and
mypy over the app's handlers against it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from motia_gen.cli.files import write_tree
from motia_gen.cli.options import AppPath, Check, Format, FormatOption, UseCache
from motia_gen.cli.output import Output, deliver, refuse_errors, report
from motia_gen.diagnostics import Diagnostic, has_errors, sort_diagnostics
from motia_gen.frontend import FrontEnd, Overrides, validate_app

if TYPE_CHECKING:  # the generators load when a command needs them, not with the CLI
    from motia_gen.emit.types.plan import TypesPlan


def generate_types(path: AppPath = Path("."), check: Check = False, use_cache: UseCache = True) -> None:
    """Write the typed package for the app's handlers (`[tool.motia] types-package`, default motia_types)."""
    root = path.resolve()
    front = validate_app(root, Overrides(use_cache=use_cache))
    refused = refuse_errors("generate-types", root, front)
    if refused is not None:
        raise typer.Exit(refused)
    if not front.app.steps:
        typer.echo("motia generate-types: the app has no steps: nothing to type", err=True)
        raise typer.Exit(1)
    from motia_gen.emit.types.plan import plan_types  # noqa: PLC0415

    owned = front.settings.types_package.replace(".", "/")
    files = _package(root, front, plan_types(front.app), use_cache=use_cache)
    output = Output(root, files, f"{owned}/", "run motia generate-types to update it", owned=owned)
    raise typer.Exit(deliver(output, check=check))


def typecheck(
    path: AppPath = Path("."),
    output_format: FormatOption = Format.text,
    use_cache: UseCache = True,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="mypy --strict over every module, not only what the app's contract decides"
        ),
    ] = False,
) -> None:
    """Check every handler with mypy against the types generated for its step (the topics, payloads,
    statuses, bodies, stream items and path parameters its config decides), and the rest of the code by the
    app's own [tool.mypy] settings; --strict checks everything with mypy --strict."""
    from motia_gen.typecheck.run import UnsafeConfigValue  # noqa: PLC0415

    root = path.resolve()
    try:
        front, diagnostics = run_typecheck(root, Overrides(use_cache=use_cache), strict=strict)
    except UnsafeConfigValue as error:
        typer.echo(f"motia typecheck: {error}; nothing was checked", err=True)
        raise typer.Exit(2) from None
    report(root, replace(front, diagnostics=diagnostics), output_format)
    raise typer.Exit(1 if has_errors(diagnostics) else 0)


def run_typecheck(
    root: Path, overrides: Overrides, *, strict: bool = False
) -> tuple[FrontEnd, tuple[Diagnostic, ...]]:
    """The app's diagnostics and mypy's, at the step files' lines. Its types do not depend on the checks
    passing (the types of a step with a bad handler are still right), so mypy runs despite errors."""
    from motia_gen.emit.types.plan import plan_types  # noqa: PLC0415
    from motia_gen.typecheck.run import plan_workspace, run_mypy  # noqa: PLC0415 (libcst, mypy: only here)

    front = validate_app(root, overrides)
    if not front.app.steps:
        return front, front.diagnostics
    plan = plan_types(front.app)
    package = front.settings.types_package
    files = _package(root, front, plan, use_cache=overrides.use_cache)
    workspace = plan_workspace(
        root, front.app, plan.steps, package, files, front.settings.source_roots, strict=strict
    )
    write_tree(workspace.shadow.root, workspace.files, owned=".")
    write_tree(workspace.folder, workspace.settings)
    return front, sort_diagnostics([*front.diagnostics, *run_mypy(workspace)])


def _package(root: Path, front: FrontEnd, plan: TypesPlan, *, use_cache: bool) -> dict[str, str]:
    from motia_gen.emit.types.package import render_package  # noqa: PLC0415

    cache = root / ".motia" / "cache" / "types" if use_cache else None
    return render_package(plan, front.settings.types_package, cache)
