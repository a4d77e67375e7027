"""Generated files on disk: write only what changed, and compare for `--check`.

Generators return {relative path: contents}; this is the one place that touches the disk for them.
Unchanged files keep their modification time, so tools with caches (mypy) see them as unchanged.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path


def write_tree(root: Path, files: dict[str, str], owned: str | None = None) -> list[str]:
    """Write `files` under `root`; delete other `.py` files under `owned` (a folder this generator owns
    entirely). Returns the paths that changed."""
    changed: list[str] = []
    for relative, text in sorted(files.items()):
        target = root / relative
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_text(text, encoding="utf-8", newline="\n")
        temporary.replace(target)
        changed.append(relative)
    for relative in stale_files(root, files, owned):
        (root / relative).unlink()
        changed.append(relative)
    return changed


def stale_files(root: Path, files: dict[str, str], owned: str | None) -> list[str]:
    if owned is None or not (root / owned).is_dir():
        return []
    return sorted(
        p.relative_to(root).as_posix()
        for p in (root / owned).rglob("*")
        if p.is_file() and p.suffix in (".py", ".typed") and p.relative_to(root).as_posix() not in files
    )


def diff_tree(root: Path, files: dict[str, str], owned: str | None = None) -> str:
    """A unified diff from what is on disk to what would be written; empty when up to date."""
    out: list[str] = []
    for relative, text in sorted(files.items()):
        target = root / relative
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current != text or not target.is_file():
            out.extend(_diff(current, text, relative, exists=target.is_file()))
    for relative in stale_files(root, files, owned):
        current = (root / relative).read_text(encoding="utf-8", errors="replace")
        out.extend(difflib.unified_diff(current.splitlines(True), [], f"a/{relative}", "/dev/null"))
    return "".join(out)


def _diff(current: str, text: str, relative: str, *, exists: bool) -> list[str]:
    before = f"a/{relative}" if exists else "/dev/null"
    lines = list(
        difflib.unified_diff(current.splitlines(True), text.splitlines(True), before, f"b/{relative}")
    )
    return lines or [f"--- {before}\n+++ b/{relative}\n"]  # an empty new file still differs


def replace_folder(out: Path, files: dict[str, str]) -> None:
    """Replace the folder `out` with exactly `files`: render into a fresh folder next to it, then swap the two
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
