"""Project settings: `[tool.motia]` in the app's pyproject.toml, overridden by CLI flags."""

from __future__ import annotations

import keyword
import posixpath
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from motia.spec import RuntimeSettings

from motia_gen.diagnostics import Diagnostic, Severity, Span, diag
from motia_gen.diagnostics.sources import read_source
from motia_gen.diagnostics.suggest import suggestion
from motia_gen.diagnostics.suppress import Lint


@dataclass(frozen=True, slots=True)
class StreamAuth:
    """`[tool.motia] stream-auth = "path/to/file.py:function"`: the app's stream `authenticate` hook,
    named project-wide (classic Motia's `streamAuth.authenticate`). `file` is a POSIX path inside the app
    root, checked to exist; whether it defines `function` is checked when the file is parsed. `span` is
    the setting's place in pyproject.toml."""

    file: str
    function: str
    span: Span


@dataclass(frozen=True, slots=True)
class Settings:
    dirs: tuple[str, ...] = ("steps", "src")
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    source_roots: tuple[str, ...] = (".",)
    external_topics: tuple[str, ...] = ()
    types_package: str = "motia_types"  # where `motia generate-types` writes, as a dotted module name
    lint: Lint = field(default_factory=Lint)
    runtime: RuntimeSettings = field(default_factory=RuntimeSettings)  # checked here, then passed as is
    stream_auth: StreamAuth | None = None


_LISTS = ("dirs", "include", "exclude", "source_roots", "external_topics")
_STRINGS = ("types_package",)
_RUNTIME = ("timezone", "body_limit", "http_timeout", "cors_origins", "emit_endpoint")
_KEYS = {
    **{name.replace("_", "-"): name for name in (*_LISTS, *_STRINGS, *_RUNTIME, "stream_auth")},
    **{name: name for name in (*_LISTS, *_STRINGS, *_RUNTIME, "stream_auth")},
    "lint": "lint",
    "backend": "backend",  # read by the runtime at start (`motia.storage.select`), checked here
}
_BACKENDS = ("redis://", "rediss://", "unix://")
_DOTTED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
# An origin as browsers send it: scheme, host and an optional port; no path, no trailing slash.
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|\*")


def load_settings(root: Path) -> tuple[Settings, tuple[Diagnostic, ...]]:
    """Read `[tool.motia]`; a missing file or table gives the defaults, a malformed one MG111."""
    file = root / "pyproject.toml"
    if not file.exists():
        return Settings(), ()
    data, unreadable = read_source(root, "pyproject.toml")
    if data is None:
        message = f"cannot read pyproject.toml: {unreadable}"
        return Settings(), (diag("MG111", Span.file_start("pyproject.toml"), message),)
    text = data.decode("utf-8", errors="replace")
    try:
        tool = tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError as error:
        return Settings(), (
            diag("MG111", Span.file_start("pyproject.toml"), f"pyproject.toml is not valid TOML: {error}"),
        )
    if not isinstance(tool, dict):
        return Settings(), (
            diag("MG111", _key_span(text, "tool"), "[tool] in pyproject.toml must be a table"),
        )
    table = tool.get("motia", {})
    if not isinstance(table, dict):
        return Settings(), (diag("MG111", _key_span(text, "motia"), "[tool.motia] must be a table"),)
    settings = Settings()
    problems: list[Diagnostic] = []
    for key, value in table.items():
        name = _KEYS.get(key)
        if name is None:
            help = suggestion(key, sorted({k for k in _KEYS if "_" not in k}))
            problems.append(
                diag("MG111", _key_span(text, key), f"unknown key '{key}' in [tool.motia]", help=help)
            )
        elif name == "lint":
            lint, found = _lint(text, value)
            problems.extend(found)
            settings = replace(settings, lint=lint)
        elif name == "stream_auth":
            auth, problem = _stream_auth(root, text, key, value)
            settings = replace(settings, stream_auth=auth)
            problems.extend(() if problem is None else (problem,))
        elif name in _RUNTIME:
            runtime, problem = _runtime(text, key, name, value, settings.runtime)
            settings = replace(settings, runtime=runtime)
            problems.extend(() if problem is None else (problem,))
        elif name == "backend":
            if not isinstance(value, str) or not (value == "sqlite" or value.startswith(_BACKENDS)):
                message = (
                    f"[tool.motia] {key} must be 'sqlite' or a Redis URL such as 'redis://localhost:6379/0'"
                )
                problems.append(diag("MG111", _key_span(text, key), message))
        elif name in _STRINGS:
            if isinstance(value, str) and _DOTTED_NAME.fullmatch(value):
                settings = replace(settings, **cast(dict[str, Any], {name: value}))
            else:
                message = f"[tool.motia] {key} must be a dotted module name such as 'motia_types'"
                problems.append(diag("MG111", _key_span(text, key), message))
        elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(
                diag("MG111", _key_span(text, key), f"[tool.motia] {key} must be a list of strings")
            )
        elif (unsafe := _unsafe(name, value)) is not None:
            problems.append(diag("MG115", _key_span(text, key), f"[tool.motia] {key}: {unsafe}"))
        else:
            settings = replace(settings, **cast(dict[str, Any], {name: tuple(value)}))
    return settings, tuple(problems)


CONTROL = re.compile(r"[\x00-\x1f\x7f]")
"""A control character: no setting may carry one into the configs of the tools the compiler runs."""
_PATHS = ("dirs", "source_roots", "include", "exclude")


def _unsafe(name: str, values: list[str]) -> str | None:
    """Why one of a list setting's values cannot be used, or None. Paths and globs stay inside the app;
    no string carries a control character into the configs of the tools the compiler runs."""
    for value in values:
        if CONTROL.search(value):
            return f"{value!r} holds a control character"
        if name not in _PATHS:
            continue
        parts = value.replace("\\", "/").split("/")
        if not value.strip():
            return "a path must not be empty"
        if value.startswith(("/", "\\")) or re.match(r"[A-Za-z]:[\\/]", value):
            return f"{value!r} is absolute; paths are relative to the app root"
        if ".." in parts:
            return f"{value!r} leaves the app ('..')"
    return None


def _runtime(
    text: str, key: str, name: str, value: object, runtime: RuntimeSettings
) -> tuple[RuntimeSettings, Diagnostic | None]:
    """One runtime setting: a wrong type is MG111 like every other key, a bad value MG113."""
    span = _key_span(text, key)
    if name == "timezone":
        if not isinstance(value, str):
            return runtime, diag("MG111", span, f"[tool.motia] {key} must be a string such as 'Europe/Paris'")
        if not _known_timezone(value):
            return runtime, diag(
                "MG113", span, f"[tool.motia] {key}: unknown time zone {value!r}",
                help="use an IANA time zone name such as 'UTC' or 'Europe/Paris'",
            )  # fmt: skip
        return replace(runtime, timezone=value), None
    if name == "body_limit":
        if isinstance(value, bool) or not isinstance(value, int):
            return runtime, diag("MG111", span, f"[tool.motia] {key} must be an integer (bytes)")
        if value < 1:
            return runtime, diag("MG113", span, f"[tool.motia] {key} must be at least 1 byte, not {value}")
        return replace(runtime, body_limit=value), None
    if name == "http_timeout":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return runtime, diag("MG111", span, f"[tool.motia] {key} must be a number (seconds)")
        if not 0 < value <= 86_400:
            return runtime, diag("MG113", span, f"[tool.motia] {key} must be between 0 and 86400 seconds")
        return replace(runtime, http_timeout=float(value)), None
    if name == "cors_origins":
        if value is False:
            return replace(runtime, cors_origins=False), None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            message = f"[tool.motia] {key} must be a list of strings (origins), or false to turn CORS off"
            return runtime, diag("MG111", span, message)
        bad = [v for v in value if not _ORIGIN.fullmatch(v)]
        if bad:
            message = f"[tool.motia] {key}: {bad[0]!r} is not an origin"
            help = "an origin is a scheme, a host and an optional port ('https://example.com:8443'), or '*'"
            return runtime, diag("MG113", span, message, help=help)
        return replace(runtime, cors_origins=tuple(value)), None
    if not isinstance(value, bool):
        return runtime, diag("MG111", span, f"[tool.motia] {key} must be true or false")
    return replace(runtime, emit_endpoint=value), None


def _stream_auth(
    root: Path, text: str, key: str, value: object
) -> tuple[StreamAuth | None, Diagnostic | None]:
    """`stream-auth`: a wrong type is MG111 like every other key; a value that is not
    `file.py:function`, or names a file outside the app or missing, MG114."""
    span = _key_span(text, key)
    if not isinstance(value, str):
        return None, diag(
            "MG111", span, f"[tool.motia] {key} must be a string such as 'auth.py:authenticate'"
        )
    file, colon, function = value.rpartition(":")
    if not colon or not file.endswith(".py") or not function.isidentifier() or keyword.iskeyword(function):
        return None, diag(
            "MG114", span, f"[tool.motia] {key}: {value!r} is not of the form 'path/to/file.py:function'",
            help="name a Python file relative to the project root and a function it defines, "
            "such as 'streams/auth.py:authenticate'",
        )  # fmt: skip
    relative = posixpath.normpath(file.replace("\\", "/"))
    target = root / relative
    if posixpath.isabs(relative) or relative.split("/")[0] == ".." or not _inside(root, target):
        message = f"[tool.motia] {key}: {file!r} is outside the project"
        return None, diag("MG114", span, message, help="name a file relative to the project root")
    if not target.is_file():
        return None, diag("MG114", span, f"[tool.motia] {key}: file {file!r} does not exist")
    return StreamAuth(relative, function, span), None


def _inside(root: Path, target: Path) -> bool:
    try:
        target.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _known_timezone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _lint(text: str, table: object) -> tuple[Lint, list[Diagnostic]]:
    if not isinstance(table, dict):
        return Lint(), [diag("MG111", _key_span(text, "lint"), "[tool.motia] lint must be a table")]
    problems: list[Diagnostic] = []
    ignore: tuple[str, ...] = ()
    severity: list[tuple[str, Severity]] = []
    for key, value in table.items():
        if key == "ignore" and isinstance(value, list) and all(isinstance(v, str) for v in value):
            ignore = tuple(value)
        elif key == "severity" and isinstance(value, dict):
            for code, level in value.items():
                if level in tuple(Severity):
                    severity.append((code, Severity(level)))
                else:
                    message = f"severity of {code} must be one of {', '.join(Severity)}, not {level!r}"
                    problems.append(diag("MG111", _code_span(text, code), message))
        elif key in ("ignore", "severity"):
            expected = "a list of codes" if key == "ignore" else "a table of code = severity"
            problems.append(
                diag("MG111", _key_span(text, key), f"[tool.motia.lint] {key} must be {expected}")
            )
        else:
            problems.append(
                diag("MG111", _key_span(text, key), f"unknown key '{key}' in [tool.motia.lint]",
                     help="known keys: ignore, severity")
            )  # fmt: skip
    codes = [*ignore, *(code for code, _ in severity)]
    spans = tuple((code, _code_span(text, code)) for code in codes)
    return Lint(ignore, tuple(severity), spans), problems


def _code_span(text: str, code: str) -> Span:
    offset = text.find(code)
    if offset < 0:
        return Span.file_start("pyproject.toml")
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Span("pyproject.toml", line, column, line, column + len(code))


def _key_span(text: str, key: str) -> Span:
    """Where a key is written (TOML parsers keep no positions, so search the text)."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", re.MULTILINE)
    match = pattern.search(text)
    if match is None:
        return Span.file_start("pyproject.toml")
    line = text.count("\n", 0, match.start()) + 1
    column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    column += len(match.group(0)) - len(match.group(0).lstrip())
    return Span("pyproject.toml", line, column, line, column + len(key))
