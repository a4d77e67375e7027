"""`motia build`: check the app, then write every artifact into one folder (or, with `--check`, compare
the folder with what would be written). The artifacts come from `motia_gen.emit.build`; this module
handles options, the out folder's safety and the exit code."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from motia_gen.cli.options import AppPath, Check, UseCache

if TYPE_CHECKING:
    from motia_gen import model
    from motia_gen.cli.output import Output
    from motia_gen.frontend import FrontEnd


class UnsafeOutput(ValueError):
    """The out folder cannot be replaced: it is the app itself, holds it, or was not written by a build."""


def build_command(
    path: AppPath = Path("."),
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write, relative to the app root unless absolute.")
    ] = Path("dist"),
    strict: Annotated[bool, typer.Option(help="Treat warnings as errors.")] = False,
    check: Check = False,
    use_cache: UseCache = True,
) -> None:
    """Check the app and write dispatch.py, _models.py, openapi.json, flows.mmd, types/ and manifest.json."""
    # The generators are imported here, not with the CLI: `motia validate` has no use for them.
    from motia_gen.cli.output import deliver, refuse_errors  # noqa: PLC0415
    from motia_gen.emit.build import MANIFEST  # noqa: PLC0415
    from motia_gen.frontend import Overrides, validate_app  # noqa: PLC0415

    root = path.resolve()
    target = (out if out.is_absolute() else root / out).resolve()
    try:
        check_target(root, target, MANIFEST)
    except UnsafeOutput as error:
        sys.stderr.write(f"motia build: {error}\n")
        raise typer.Exit(2) from None
    front = validate_app(root, Overrides(use_cache=use_cache))
    refused = refuse_errors("build", root, front, strict=strict)
    if refused is not None:
        raise typer.Exit(refused)
    code = deliver(build_output(root, target, front, use_cache=use_cache), check=check)
    summary = foreign_summary(front.app)
    if summary:
        sys.stderr.write(summary + "\n")
    raise typer.Exit(code)


def foreign_summary(app: model.App) -> str:
    """One line naming the steps of other languages, checked with the app but not served by `motia start`
    (empty for a Python-only app)."""
    by_language: dict[str, list[str]] = {}
    for step in app.steps:
        if step.language != "python":
            by_language.setdefault(step.language, []).append(step.name)
    if not by_language:
        return ""
    count = sum(len(names) for names in by_language.values())
    listed = "; ".join(f"{language}: {_some(names)}" for language, names in sorted(by_language.items()))
    return f"not served by motia start: {count} step{'s' if count != 1 else ''} ({listed}); run them on Motia"


def build_output(root: Path, target: Path, front: FrontEnd, *, use_cache: bool = True) -> Output:
    """Every artifact of the checked app, as the `Output` that replaces `target` whole (`motia build`,
    and `motia dev` on each save)."""
    from motia_gen.cli.output import Output  # noqa: PLC0415
    from motia_gen.diagnostics.render import line_reader  # noqa: PLC0415
    from motia_gen.emit.build import artifacts  # noqa: PLC0415
    from motia_gen.emit.openapi.info import document_info  # noqa: PLC0415

    relative_root = Path(os.path.relpath(root, target)).as_posix()
    cache = root / ".motia" / "cache" if use_cache else None
    info = document_info(root)
    lines = line_reader(root)
    files = artifacts(
        front.app, front.settings, info, relative_root, cache, front.sources, front.diagnostics, lines
    )
    return Output(target, files, _shown(root, target), "run motia build to update it", owned=".", swap=True)


def _some(names: list[str], shown: int = 5) -> str:
    """The first few names (the manifest lists every one)."""
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")


def check_target(root: Path, out: Path, manifest: str) -> None:
    """Refuse an out folder whose replacement would delete the app or files the build did not write."""
    if out == root or out in root.parents:
        raise UnsafeOutput(f"{out} holds the app itself; choose a folder inside it, such as dist/")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / manifest).is_file())):
        raise UnsafeOutput(
            f"{out} exists and was not written by motia build (no {manifest}); remove it first"
        )


def _shown(root: Path, target: Path) -> str:
    try:
        return target.relative_to(root).as_posix() + "/"
    except ValueError:
        return str(target) + "/"
