"""`motia build`: every artifact of a checked app, as one {relative path: contents} map (the CLI puts it
on disk).

The out folder holds exactly what the build produced:

    dispatch.py       the app as literal tables (`APP`), imported by `motia start`
    _models.py        the compiled validators' pydantic models
    openapi.json      the HTTP surface (OpenAPI 3.1)
    flows.mmd         the flows as a mermaid diagram
    workbench.json    the app as the Workbench page shows it (graph, schemas, the build's diagnostics)
    types/<package>/  the typed handler package (as `motia generate-types` writes it)
    manifest.json     the tool version, every artifact and source with its SHA-256, and the steps of other
                      languages (TypeScript, JavaScript) the build checked but `motia start` does not serve

Same inputs, same bytes: no timestamps and no absolute paths (the dispatch module finds the app root
relative to its own folder).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from motia_gen import model
from motia_gen.diagnostics import Diagnostic
from motia_gen.diagnostics.render import LineSource
from motia_gen.emit.diagram import diagram_files
from motia_gen.emit.dispatch import dispatch_files
from motia_gen.emit.openapi.files import openapi_files
from motia_gen.emit.openapi.info import Info
from motia_gen.emit.types.package import types_files
from motia_gen.emit.workbench import workbench_files
from motia_gen.settings import Settings
from motia_gen.version import __version__

MANIFEST = "manifest.json"


def artifacts(
    app: model.App,
    settings: Settings,
    info: Info,
    relative_root: str,
    cache: Path | None,
    sources: Sequence[tuple[str, str]] = (),
    diagnostics: Sequence[Diagnostic] = (),
    lines: LineSource = lambda _file: (),
) -> dict[str, str]:
    """Every artifact of the checked `app`. `relative_root` is the app root as seen from the out folder
    (the dispatch module finds the app from its own place); `cache` is a folder where generated models
    are kept between builds (None: no cache); `diagnostics` the check's (none are errors), with `lines`
    giving their files' lines for code frames."""
    files = dispatch_files(app, settings, relative_root, cache / "build" if cache else None)
    files |= openapi_files(app, info.title, info.version, "3.1", "openapi.json")
    files |= diagram_files(app)
    files |= workbench_files(app, diagnostics, lines)
    if app.steps:
        package = types_files(app, settings.types_package, cache / "types" if cache else None)
        files |= {f"types/{path}": text for path, text in package.items()}
    files[MANIFEST] = _manifest(files, sources, app)
    return dict(sorted(files.items()))


def _manifest(files: dict[str, str], sources: Sequence[tuple[str, str]], app: model.App) -> str:
    """The tool, every artifact with its digest, and every app file the build read with its digest (so
    `motia start` can tell a build from files that changed since); in a mixed app, the steps of other
    languages, which the build checked but `motia start` does not serve."""
    listed = {
        path: {"sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "bytes": len(text.encode("utf-8"))}
        for path, text in sorted(files.items())
    }
    document: dict[str, object] = {
        "tool": "motia-gen",
        "version": __version__,
        "artifacts": listed,
        "sources": dict(sources),
    }
    foreign = [
        {"name": s.name, "file": s.file, "language": s.language} for s in app.steps if s.language != "python"
    ]
    if foreign:
        document["not_served"] = foreign
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
