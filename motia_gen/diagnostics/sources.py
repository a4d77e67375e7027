"""The app's files, read safely: by the parser, the settings reader and the code frames of diagnostics.

Only regular files inside the app are read, and at most `MAX_FILE_BYTES` of each: a FIFO would block
forever, a link to `/dev/zero` would never end, and a link out of the app reads what the app does not own.
"""

from __future__ import annotations

import os
import stat
from functools import cache
from pathlib import Path

MAX_FILE_BYTES = 1_048_576
"""The largest source file the compiler reads (step files are a few KiB)."""


@cache
def _resolved(root: Path) -> Path:
    """The app root with its links resolved, once per run rather than once per file read."""
    return root.resolve()


def read_source(root: Path, relative: str) -> tuple[bytes | None, str | None]:
    """A file's bytes, or why it cannot be read (see the module docstring)."""
    try:
        resolved = (root / relative).resolve(strict=True)
        if not resolved.is_relative_to(_resolved(root)):
            return None, "it links to a file outside the app"
        info = os.stat(resolved)
        if not stat.S_ISREG(info.st_mode):
            return None, "it is not a regular file (a FIFO, a device or a folder)"
        with open(resolved, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1) if info.st_size <= MAX_FILE_BYTES else b""
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop
        return None, str(getattr(error, "strerror", None) or error)
    if info.st_size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:
        return None, f"it is larger than {MAX_FILE_BYTES // 1024} KiB, the most the compiler reads"
    return data, None
