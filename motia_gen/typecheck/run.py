"""Run mypy in process over the shadow tree and report its errors at the step files' lines.

`plan_workspace` computes what goes under `.motia/` (the shadow tree in `typecheck/`, the digest of each
shadow file's inputs, the mypy config); the CLI writes it, rewriting only files whose contents change, so
a re-run after one edit re-checks little; `run_mypy` then runs mypy over it (its cache in `.motia/mypy/`).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from motia_gen import model
from motia_gen.diagnostics import Diagnostic, Related, Span, diag
from motia_gen.diagnostics.sources import read_source
from motia_gen.emit.types.plan import StepTypes
from motia_gen.typecheck.config import UnsafeConfigValue, app_options, config_text, mypy_options
from motia_gen.typecheck.shadow import (
    HandlerTie,
    ShadowFile,
    app_python_files,
    handler_ties,
    module_path,
    shadow_source,
)

# path:line:col:end_line:end_col: severity: message  [code]
_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+):(?P<eline>\d+):(?P<ecol>\d+): (?P<level>\w+): (?P<msg>.*)$"
)


WORKSPACE = ".motia"  # under the app root
SHADOW = "typecheck"  # the shadow tree, under WORKSPACE
KEYS = "typecheck-keys.json"
CONFIG = "typecheck.ini"


@dataclass(frozen=True, slots=True)
class Shadow:
    root: Path
    files: dict[str, ShadowFile]  # shadow path (relative) → what it stands for
    checked: tuple[str, ...]  # shadow paths of the step files


@dataclass(frozen=True, slots=True)
class Workspace:
    """What mypy reads, to be written under `<root>/.motia/` before `run_mypy`: `files` relative to
    `shadow.root`, `settings` ({KEYS, CONFIG}: contents) relative to the workspace folder."""

    folder: Path
    shadow: Shadow
    files: dict[str, str]
    settings: dict[str, str]


def plan_workspace(
    root: Path,
    app: model.App,
    steps: tuple[StepTypes, ...],
    package: str,
    types: dict[str, str],
    source_roots: tuple[str, ...],
    *,
    strict: bool = False,
) -> Workspace:
    folder = root / WORKSPACE
    shadow_root = folder / SHADOW
    ties_by_file: dict[str, list[HandlerTie]] = {}
    for tie in handler_ties(app, steps, package):
        ties_by_file.setdefault(tie.file, []).append(tie)
    files: dict[str, str] = {}
    mapping: dict[str, ShadowFile] = {}
    old_keys = _read_keys(folder / KEYS)
    keys: dict[str, str] = {}
    for relative in app_python_files(root, package.replace(".", "/")):
        data, _unreadable = read_source(root, relative)
        if data is None:  # not a file mypy could read either (the checks report the step files among them)
            continue
        text = data.decode("utf-8", errors="replace")
        ties = ties_by_file.get(relative, [])
        target = module_path(relative)
        keys[target] = hashlib.sha256(f"{text}\0{ties!r}\0{strict}".encode()).hexdigest()
        files[target] = _reuse(shadow_root / target, old_keys.get(target) == keys[target]) or shadow_source(
            text, ties, strict=strict
        )
        mapping[target] = ShadowFile(
            relative, text.count("\n") + (0 if text.endswith("\n") else 1), tuple(ties)
        )
    files.update(types)
    checked = tuple(sorted(module_path(f) for f in app.files if f.endswith(".py")))
    shadow = Shadow(shadow_root, mapping, checked)
    settings = {
        KEYS: json.dumps(keys, indent=0, sort_keys=True),
        CONFIG: _config(root, shadow, source_roots, strict=strict),
    }
    return Workspace(folder, shadow, files, settings)


def _read_keys(path: Path) -> dict[str, str]:
    """The digest of each shadow file's inputs at the last run: rewriting 1,000 files with libcst costs
    seconds, and after one edit only one of them changed."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _reuse(path: Path, unchanged: bool) -> str | None:
    if not unchanged:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def _config(root: Path, shadow: Shadow, source_roots: tuple[str, ...], *, strict: bool) -> str:
    """The mypy config of the mode (`motia_gen.typecheck.config`) and where to find the shadow tree."""
    paths = {
        "mypy_path": ":".join(str((shadow.root / r).resolve()) for r in source_roots),
        "cache_dir": str(root / ".motia" / ("mypy-strict" if strict else "mypy")),
        "python_executable": sys.executable,
    }
    return config_text(mypy_options(root, app_options(root), strict=strict), paths)


def run_mypy(workspace: Workspace) -> list[Diagnostic]:
    """mypy over a written workspace, its errors at the step files' lines."""
    from mypy import api  # noqa: PLC0415 (mypy is large; only this command needs it)

    shadow = workspace.shadow
    files = [str(shadow.root / f) for f in shadow.checked]
    if not files:
        return []
    stdout, stderr, status = api.run(["--config-file", str(workspace.folder / CONFIG), *files])
    if status == 2 and not stdout.strip():
        raise RuntimeError(f"mypy could not run: {stderr.strip()}")
    return _diagnostics(stdout, shadow)


def _diagnostics(output: str, shadow: Shadow) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    base = shadow.root.resolve()
    for line in output.splitlines():
        match = _LINE.match(line)
        if match is None or match["level"] != "error":
            continue
        reported = Path(match["path"]).resolve()  # mypy prints paths relative to the working directory
        path = reported.relative_to(base).as_posix() if reported.is_relative_to(base) else match["path"]
        origin = shadow.files.get(path)
        if origin is None:  # the generated types package: never the user's to fix
            found.append(diag("MG300", Span.file_start(path), match["msg"]))
            continue
        number = int(match["line"])
        if number > origin.lines:
            found.append(_conformance(origin, number, match["msg"]))
            continue
        end_line = int(match["eline"])
        end_col = int(match["ecol"]) + 1 if end_line == number else int(match["ecol"])
        span = Span(origin.original, number, int(match["col"]), end_line, max(end_col, int(match["col"]) + 1))
        found.append(diag("MG300", span, match["msg"]))
    return found


def _conformance(origin: ShadowFile, number: int, message: str) -> Diagnostic:
    # After the original's lines: a blank line, a comment, then an import and an assignment per handler.
    index = (number - origin.lines - 4) // 2
    tie = origin.ties[min(max(index, 0), len(origin.ties) - 1)]
    text = re.sub(r'"_motia_types_\w+\.', '"', message)
    return diag(
        "MG301",
        tie.span,
        f"handler '{tie.function}' does not match the types of its step: {text}",
        related=(Related(tie.span, f"its step's types are in {tie.types_module}"),),
    )


__all__ = ["UnsafeConfigValue", "plan_workspace", "run_mypy"]
