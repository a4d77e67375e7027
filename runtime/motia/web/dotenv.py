"""`.env` files: the app's environment variables, loaded by `motia start` before any step module is
imported, as Motia does. `.env.local` then `.env` in the app root; a variable already set (by the shell,
the container, or the earlier file) is never overridden.

The format is the common one: `KEY=value` per line, an optional `export ` in front, `#` comments, values
in single quotes taken as written, in double quotes with `\\n`, `\\t`, `\\"` and `\\\\` escapes, unquoted
values up to a ` #` comment. Lines that are not assignments are skipped.
"""

from __future__ import annotations

import os
import re
from collections.abc import MutableMapping
from pathlib import Path

FILES = (".env.local", ".env")
_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def parse(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = _LINE.match(line)
        if match is not None:
            found.setdefault(match[1], _value(match[2]))
    return found


def _value(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        return raw[1:-1]
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], "\\" + m[1]), raw[1:-1])
    return re.split(r"\s+#", raw, maxsplit=1)[0].strip()


def load(root: Path, environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Set the variables of the app's `.env` files that are not set yet; the names set."""
    target = os.environ if environ is None else environ
    loaded: list[str] = []
    for name in FILES:
        path = root / name
        if not path.is_file():
            continue
        for key, value in parse(path.read_text(encoding="utf-8", errors="replace")).items():
            if key not in target:
                target[key] = value
                loaded.append(key)
    return loaded
