"""`motia build`: every artifact of a checked app, as one {relative path: contents} map, and the swap
that puts them on disk.

The out folder holds exactly what the build produced:

    dispatch.py       the app as literal tables (`APP`), imported by `motia start`
    _models.py        the compiled validators' pydantic models
    openapi.json      the HTTP surface (OpenAPI 3.1)
    flows.mmd         the flows as a mermaid diagram
    types/<package>/  the typed handler package (as `motia generate-types` writes it)
    manifest.json     the tool version and every artifact with its SHA-256

Same inputs, same bytes: no timestamps and no absolute paths (the dispatch module finds the app root
relative to its own folder).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from motia_gen.cli.files import diff_tree
from motia_gen.diagnostics import has_errors
from motia_gen.emit.diagram import diagram_files
from motia_gen.emit.dispatch import dispatch_files
from motia_gen.emit.openapi.files import openapi_files
from motia_gen.emit.openapi.info import document_info
from motia_gen.emit.types.package import types_files
from motia_gen.frontend import FrontEnd, Overrides, validate_app
from motia_gen.version import __version__

MANIFEST = "manifest.json"


@dataclass(frozen=True, slots=True)
class Build:
    front: FrontEnd
    files: dict[str, str]  # empty when the checks failed


class UnsafeOutput(ValueError):
    """The out folder cannot be replaced: it is the app itself, holds it, or was not written by a build."""


def build(root: Path, out: Path, overrides: Overrides | None = None, *, strict: bool = False) -> Build:
    """Check the app and, when it passes, render every artifact for the folder `out`."""
    overrides = overrides or Overrides()
    front = validate_app(root, overrides)
    if has_errors(front.diagnostics, strict=strict):
        return Build(front, {})
    cache = root / ".motia" / "cache" / "build" if overrides.use_cache else None
    return Build(front, artifacts(root, out, front, cache))


def artifacts(root: Path, out: Path, front: FrontEnd, cache_dir: Path | None) -> dict[str, str]:
    app, settings = front.app, front.settings
    relative = Path(os.path.relpath(root.resolve(), out.resolve())).as_posix()
    info = document_info(root)
    files = dispatch_files(app, settings, relative, cache_dir)
    files |= openapi_files(app, info.title, info.version, "3.1", "openapi.json")
    files |= diagram_files(app)
    if app.steps:
        types_cache = root / ".motia" / "cache" / "types" if cache_dir is not None else None
        package = types_files(app, settings.types_package, types_cache)
        files |= {f"types/{path}": text for path, text in package.items()}
    files[MANIFEST] = _manifest(files)
    return dict(sorted(files.items()))


def _manifest(files: dict[str, str]) -> str:
    listed = {
        path: {"sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "bytes": len(text.encode("utf-8"))}
        for path, text in sorted(files.items())
    }
    document = {"tool": "motia-gen", "version": __version__, "artifacts": listed}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def stale(out: Path, files: dict[str, str]) -> str:
    """A unified diff from the out folder to the build; empty when it is up to date."""
    return diff_tree(out, files, owned=".")


def check_target(root: Path, out: Path) -> None:
    """Refuse an out folder whose replacement would delete the app or files the build did not write."""
    root, out = root.resolve(), out.resolve()
    if out == root or out in root.parents:
        raise UnsafeOutput(f"{out} holds the app itself; choose a folder inside it, such as dist/")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MANIFEST).is_file())):
        raise UnsafeOutput(
            f"{out} exists and was not written by motia build (no {MANIFEST}); remove it first"
        )


def write(out: Path, files: dict[str, str]) -> None:
    """Replace the out folder with exactly `files`: render into a fresh folder next to it, then swap the two
    (readers see the old build or the new one, never a mix)."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    fresh = out.with_name(f".{out.name}.new-{os.getpid()}")
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        for relative, text in files.items():
            target = fresh / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        if out.exists():
            out.rename(old)
        try:
            fresh.rename(out)
        except OSError:
            if old.exists():
                old.rename(out)  # the previous build stays in place
            raise
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
