"""Project settings: `[tool.motia]` in the app's pyproject.toml, overridden by CLI flags."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from motia_gen.diagnostics import Diagnostic, Span, diag
from motia_gen.fields import did_you_mean


@dataclass(frozen=True, slots=True)
class Settings:
    dirs: tuple[str, ...] = ("steps", "src")
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    source_roots: tuple[str, ...] = (".",)
    external_topics: tuple[str, ...] = ()


_KEYS = {f.name.replace("_", "-"): f.name for f in fields(Settings)} | {
    f.name: f.name for f in fields(Settings)
}


def load_settings(root: Path) -> tuple[Settings, tuple[Diagnostic, ...]]:
    """Read `[tool.motia]`; a missing file or table gives the defaults, a malformed one MG111."""
    file = root / "pyproject.toml"
    if not file.is_file():
        return Settings(), ()
    text = file.read_text(encoding="utf-8", errors="replace")
    try:
        table = tomllib.loads(text).get("tool", {}).get("motia", {})
    except tomllib.TOMLDecodeError as error:
        return Settings(), (
            diag("MG111", Span.file_start("pyproject.toml"), f"pyproject.toml is not valid TOML: {error}"),
        )
    if not isinstance(table, dict):
        return Settings(), (diag("MG111", _key_span(text, "motia"), "[tool.motia] must be a table"),)
    settings = Settings()
    problems: list[Diagnostic] = []
    for key, value in table.items():
        name = _KEYS.get(key)
        if name is None:
            suggestion = did_you_mean(key, sorted({k for k in _KEYS if "_" not in k}))
            help = f"did you mean '{suggestion}'?" if suggestion else None
            problems.append(
                diag("MG111", _key_span(text, key), f"unknown key '{key}' in [tool.motia]", help=help)
            )
        elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(
                diag("MG111", _key_span(text, key), f"[tool.motia] {key} must be a list of strings")
            )
        else:
            settings = replace(settings, **{name: tuple(value)})
    return settings, tuple(problems)


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
