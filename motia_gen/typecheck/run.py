"""Run mypy in process over the shadow tree and report its errors at the step files' lines.

`plan_workspace` computes what goes under `.motia/` (the shadow tree in `typecheck/`, the digest of each
shadow file's inputs, the mypy config); the CLI writes it, rewriting only files whose contents change, so
a re-run after one edit re-checks little; `run_mypy` then runs mypy over it (its cache in `.motia/mypy/`).
"""

from __future__ import annotations

import difflib
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
from motia_gen.typecheck.hooks import HookTie, hook_ties
from motia_gen.typecheck.shadow import (
    HandlerTie,
    ShadowFile,
    app_python_files,
    handler_ties,
    module_path,
    shadow_source,
)
from motia_gen.typecheck.variables import undeclared_value

# path:line:col:end_line:end_col: severity: message  [code]
_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+):(?P<eline>\d+):(?P<ecol>\d+): (?P<level>\w+): (?P<msg>.*)$"
)


WORKSPACE = ".motia"  # under the app root
# What writes the shadow files: a shadow file written by another version of it is written again.
_WRITERS = ("shadow.py", "variables.py", "hooks.py")
_WRITER = hashlib.sha256(b"".join(Path(__file__).with_name(n).read_bytes() for n in _WRITERS)).hexdigest()
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
    hooks_by_file: dict[str, list[HookTie]] = {}
    for hook in hook_ties(app, steps, package):
        hooks_by_file.setdefault(hook.file, []).append(hook)
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
        hooks = hooks_by_file.get(relative, [])
        target = module_path(relative)
        inputs = f"{_WRITER}\0{text}\0{ties!r}\0{hooks!r}\0{strict}"
        keys[target] = hashlib.sha256(inputs.encode()).hexdigest()
        files[target] = _reuse(shadow_root / target, old_keys.get(target) == keys[target]) or shadow_source(
            text, ties, strict=strict, hooks=hooks
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
    lines = _Lines(shadow)
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
        column = lines.column(path, number, int(match["col"]))
        end = lines.column(path, end_line, int(match["ecol"]))
        end_col = end + 1 if end_line == number else end
        span = Span(origin.original, number, column, end_line, max(end_col, column + 1))
        found.append(diag("MG300", span, _explained(match["msg"], origin)))
    return found


class _Lines:
    """Columns in the shadow → columns in the original. The shadow adds annotations and checks inside
    lines (never new lines), so a changed line's columns are mapped through a diff with the original."""

    def __init__(self, shadow: Shadow) -> None:
        self._shadow = shadow
        self._texts: dict[Path, list[str]] = {}

    def column(self, path: str, number: int, column: int) -> int:
        """`column` (1-based, as mypy reports it) of line `number` of shadow file `path`."""
        origin = self._shadow.files[path]
        app_root = self._shadow.root.parent.parent
        shadow_line = self._line(self._shadow.root / path, number)
        original_line = self._line(app_root / origin.original, number)
        if shadow_line == original_line or shadow_line is None or original_line is None:
            return column
        index = column - 1
        matcher = difflib.SequenceMatcher(None, shadow_line, original_line, autojunk=False)
        for tag, i1, i2, j1, _j2 in matcher.get_opcodes():
            if i1 <= index < i2:
                return (j1 + index - i1 if tag == "equal" else j1) + 1
        return len(original_line) + 1

    def _line(self, file: Path, number: int) -> str | None:
        if file not in self._texts:
            try:
                self._texts[file] = file.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                self._texts[file] = []
        text = self._texts[file]
        return text[number - 1] if 0 < number <= len(text) else None


_CHECK_ARGUMENT = re.compile(
    r'^Argument 1 to "(?P<check>_motia_\w+)" has incompatible type (?P<got>.+); '
    r"expected (?P<want>.+?)(?P<code>  \[[\w-]+\])?$"
)


def _explained(message: str, origin: ShadowFile) -> str:
    """mypy's words about the shadow's literal checks (`variables.CheckedLiterals`) in the user's terms:
    the undeclared status or topic named, or the mismatch said as a return's or an emit's."""
    match = _CHECK_ARGUMENT.match(message)
    if match is None:
        return re.sub(r'"_motia_\d+_(\w+)"', r'"\1"', message)
    code = match["code"] or ""
    undeclared = undeclared_value(match["check"])
    if undeclared is not None and undeclared[0] < len(origin.ties):
        index, kind, value = undeclared
        tie = origin.ties[index]
        if kind == "status":
            listed = ", ".join(str(s) for s in tie.statuses)
            return f"status {value} is not declared in the step's responseSchema (declared: {listed}){code}"
        listed = ", ".join(repr(t) for t in tie.topics) or "none"
        return f"topic {value!r} is not one the step emits (declared: {listed}){code}"
    want = re.sub(r'"_motia_\d+_(\w+)"', r'"\1"', match["want"])
    if match["check"].split("_", 3)[-1].startswith("Response"):
        return f"Incompatible return value type (got {match['got']}, expected {want}){code}"
    return f"Incompatible emitted event (got {match['got']}, expected {want}){code}"


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
