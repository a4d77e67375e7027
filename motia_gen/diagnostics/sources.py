"""The app's files, read safely: by the parser, the settings reader and the code frames of diagnostics.

Only regular files inside the app are read, and at most `MAX_FILE_BYTES` of each: a FIFO would block
forever, a link to `/dev/zero` would never end, and a link out of the app reads what the app does not own.
"""

from __future__ import annotations

import errno
import os
import stat
from functools import cache
from pathlib import Path
from typing import BinaryIO

MAX_FILE_BYTES = 1_048_576
"""The largest source file the compiler reads (step files are a few KiB)."""
_NOT_REGULAR = "it is not a regular file (a FIFO, a device or a folder)"


@cache
def _resolved(root: Path) -> Path:
    """The app root with its links resolved, once per run rather than once per file read."""
    return root.resolve()


def read_source(
    root: Path, relative: str, folders: dict[str, str | None] | None = None
) -> tuple[bytes | None, str | None]:
    """A file's bytes, or why it cannot be read (see the module docstring). `folders` keeps each folder's
    resolved path for one run that reads many files (a folder's links are then resolved once)."""
    folder, _, name = relative.rpartition("/")
    real = _real_folder(root, folder, {} if folders is None else folders)
    if real is None or not name:
        return _read_resolved(root, relative)
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        # Not following a link, and not waiting on a FIFO: a link is resolved and judged below.
        descriptor = os.open(os.path.join(real, name), flags)
    except OSError as error:
        if error.errno == errno.ELOOP:  # the file itself is a link
            return _read_resolved(root, relative)
        return None, str(error.strerror or error)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            return None, _NOT_REGULAR
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return _read_open(handle, info)
    except OSError as error:
        return None, str(error.strerror or error)
    finally:
        os.close(descriptor)


def _real_folder(root: Path, folder: str, folders: dict[str, str | None]) -> str | None:
    """The folder's path with its links resolved, None when that is outside the app."""
    if folder not in folders:
        base = os.fspath(_resolved(root))
        real = os.path.realpath(os.path.join(base, folder)) if folder else base
        inside = real == base or real.startswith(base.rstrip(os.sep) + os.sep)
        folders[folder] = real if inside else None
    return folders[folder]


def _read_resolved(root: Path, relative: str) -> tuple[bytes | None, str | None]:
    """The careful way, for links: resolve the whole path, then judge where it leads."""
    try:
        resolved = (root / relative).resolve(strict=True)
        if not resolved.is_relative_to(_resolved(root)):
            return None, "it links to a file outside the app"
        info = os.stat(resolved)
        if not stat.S_ISREG(info.st_mode):
            return None, _NOT_REGULAR
        with open(resolved, "rb") as handle:
            return _read_open(handle, info)
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop
        return None, str(getattr(error, "strerror", None) or error)


def _read_open(handle: BinaryIO, info: os.stat_result) -> tuple[bytes | None, str | None]:
    """A regular file's bytes, unless it is too large."""
    if info.st_size > MAX_FILE_BYTES:
        return None, f"it is larger than {MAX_FILE_BYTES // 1024} KiB, the most the compiler reads"
    data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return None, f"it is larger than {MAX_FILE_BYTES // 1024} KiB, the most the compiler reads"
    return data, None
