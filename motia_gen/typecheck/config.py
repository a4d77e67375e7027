"""The mypy config `motia typecheck` writes, in its two modes.

- **default**, for real apps: handlers are checked against their steps' types (the shadow tree annotates
  every handler, so unannotated ones are checked too), the bodies of unannotated helpers are checked, and
  the rest follows the app's own `[tool.mypy]` settings on top of mypy's defaults, with missing stubs not
  an error unless the app says otherwise. Code the checks did not ask about (a helper's missing
  annotations, a library without stubs) is not an error, nor is a multi-trigger handler that returns
  nothing on its cron path (`warn_no_return` is off; the shadow tree spells a handler's bare `return` as
  `return None`).
- **strict**: `mypy --strict` over everything, for teams that want it.

Both honour the app's `plugins` (`pydantic.mypy`, say) when each names an installed module outside the
app: a plugin is code, and the compiler never runs the app's own. Of the other `[tool.mypy]` options only
those that change how code is judged are taken (flags, `python_version`, error codes); options naming
paths or files are the compiler's to set. Every value is checked to be one line, so no value can add an
option of its own.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from motia_gen.settings import CONTROL

_FLAGS = frozenset(
    {
        "allow_redefinition",
        "allow_untyped_globals",
        "check_untyped_defs",
        "disallow_any_decorated",
        "disallow_any_explicit",
        "disallow_any_expr",
        "disallow_any_generics",
        "disallow_any_unimported",
        "disallow_incomplete_defs",
        "disallow_subclassing_any",
        "disallow_untyped_calls",
        "disallow_untyped_decorators",
        "disallow_untyped_defs",
        "extra_checks",
        "ignore_missing_imports",
        "implicit_optional",
        "implicit_reexport",
        "local_partial_types",
        "no_implicit_reexport",
        "strict",
        "strict_equality",
        "strict_optional",
        "warn_no_return",
        "warn_redundant_casts",
        "warn_return_any",
        "warn_unreachable",
        "warn_unused_ignores",
    }
)
_CODES = frozenset({"disable_error_code", "enable_error_code"})
_PYTHON_VERSION = re.compile(r"^3\.\d{1,2}$")
_MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_ERROR_CODE = re.compile(r"^[a-z][a-z0-9-]*$")

DEFAULT_PLUGINS = ("pydantic.mypy",)
DEFAULT_MODE = {
    "check_untyped_defs": "True",
    "ignore_missing_imports": "True",
    "warn_no_return": "False",
    # A payload schema without `additionalProperties: false` accepts extra keys, which a TypedDict cannot
    # say; where a schema is closed, `motia validate` reports an unknown key of a literal payload (MG208).
    "disable_error_code": "typeddict-unknown-key",
}


class UnsafeConfigValue(ValueError):
    """A value for mypy's config would hold a control character (the app lives in a folder whose name has
    a newline, say): written, it could add options to the config, so typecheck refuses to run."""


def app_options(root: Path) -> dict[str, Any]:
    """The app's `[tool.mypy]` table, or nothing when `pyproject.toml` has none or cannot be read (the
    settings loader reports an unreadable file)."""
    try:
        with (root / "pyproject.toml").open("rb") as file:
            table = tomllib.load(file).get("tool", {}).get("mypy", {})
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    return table if isinstance(table, dict) else {}


def mypy_options(root: Path, app: Mapping[str, Any], *, strict: bool) -> dict[str, str]:
    """The `[mypy]` options of the mode, as config text values."""
    options = {"strict": "True"} if strict else dict(DEFAULT_MODE)
    wanted = app.get("plugins")
    if not strict:
        options.update(_judging(app, options))
        # pydantic's own plugin, so `Model(**req.body)` takes the JSON a body holds (an ISO string for a
        # datetime field): what pydantic accepts at run time.
        wanted = [*DEFAULT_PLUGINS, *([wanted] if isinstance(wanted, str) else wanted or [])]
    plugins = list(dict.fromkeys(_plugins(root, wanted)))
    if plugins:
        options["plugins"] = ", ".join(plugins)
    return options


def _split(codes: str) -> list[str]:
    return [code.strip() for code in codes.split(",") if code.strip()]


def _judging(app: Mapping[str, Any], base: Mapping[str, str]) -> dict[str, str]:
    """The app's options that change how code is judged, as config values (error codes added to the
    mode's); anything else is left out."""
    out: dict[str, str] = {}
    for key, value in app.items():
        name = key.replace("-", "_")
        if name in _FLAGS and isinstance(value, bool):
            out[name] = str(value)
        elif name == "python_version" and isinstance(value, str) and _PYTHON_VERSION.match(value):
            out[name] = value
        elif name in _CODES:
            codes = [value] if isinstance(value, str) else value
            if isinstance(codes, list) and all(isinstance(c, str) and _ERROR_CODE.match(c) for c in codes):
                out[name] = ", ".join(dict.fromkeys([*_split(base.get(name, "")), *codes]))
    return out


def _plugins(root: Path, value: object) -> list[str]:
    """The app's plugins that are installed modules outside the app (never a file of the app)."""
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list):
        return []
    found: list[str] = []
    app = root.resolve()
    for name in names:
        if not isinstance(name, str) or not _MODULE.match(name):
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        origin = Path(spec.origin).resolve() if spec is not None and spec.origin else None
        if origin is not None and not origin.is_relative_to(app):
            found.append(name)
    return found


def config_text(options: Mapping[str, str], paths: Mapping[str, str]) -> str:
    """The whole `[mypy]` section: the mode's options, the compiler's paths and output settings."""
    for key, value in {**options, **paths}.items():
        if CONTROL.search(value):
            raise UnsafeConfigValue(f"the {key} for mypy, {value!r}, holds a control character")
    lines = [f"{key} = {value}" for key, value in options.items()]
    lines += [f"{key} = {value}" for key, value in paths.items()]
    lines += [
        "explicit_package_bases = True",
        "namespace_packages = True",
        "show_column_numbers = True",
        "show_error_end = True",
        "show_error_codes = True",
        "error_summary = False",
        "pretty = False",
        "color_output = False",
    ]
    return "[mypy]\n" + "".join(f"{line}\n" for line in lines)
