"""`motia build`: check the app, then write every artifact into one folder (or, with `--check`, compare
the folder with what would be written). The artifacts come from `motia_gen.emit.build`; this module handles
options, printing and exit codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from motia_gen.diagnostics.render import Summary, render_report
from motia_gen.frontend import Overrides
from motia_gen.version import __version__


def build_command(
    path: Annotated[
        Path,
        typer.Argument(exists=True, file_okay=False, help="The app's root folder.", show_default="."),
    ] = Path("."),
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write, relative to the app root unless absolute.")
    ] = Path("dist"),
    strict: Annotated[bool, typer.Option(help="Treat warnings as errors.")] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 with a diff when the folder is stale.")
    ] = False,
    use_cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Reuse results in .motia/.")] = True,
) -> None:
    """Check the app and write dispatch.py, _models.py, openapi.json, flows.mmd, types/ and manifest.json."""
    # The generators are imported here, not with the CLI: `motia validate` has no use for them.
    from motia_gen.emit.build import UnsafeOutput, build, check_target, stale, write  # noqa: PLC0415

    root = path.resolve()
    target = out if out.is_absolute() else root / out
    try:
        check_target(root, target)
    except UnsafeOutput as error:
        sys.stderr.write(f"motia build: {error}\n")
        raise typer.Exit(2) from None
    result = build(root, target, Overrides(use_cache=use_cache), strict=strict)
    front = result.front
    if result.front.diagnostics or not result.files:
        summary = Summary(len(front.app.steps), len(front.app.streams), len(front.app.files))
        stream = sys.stdout if result.files else sys.stderr
        stream.write(render_report(front.diagnostics, summary, "text", root, __version__))
    if not result.files:
        sys.stderr.write("motia build: nothing written: fix the errors above\n")
        raise typer.Exit(1)
    shown = _shown(root, target)
    if check:
        diff = stale(target, result.files)
        if diff:
            sys.stdout.write(diff)
            sys.stderr.write(f"{shown} is stale: run motia build to update it\n")
            raise typer.Exit(1)
        sys.stdout.write(f"{shown} is up to date\n")
        return
    write(target, result.files)
    sys.stdout.write(f"wrote {shown} ({len(result.files)} files)\n")


def _shown(root: Path, target: Path) -> str:
    try:
        return target.resolve().relative_to(root).as_posix() + "/"
    except ValueError:
        return str(target) + "/"
