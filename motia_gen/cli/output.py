"""How a command ends: the diagnostics report, and the one flow every generating command (build,
generate-types, generate openapi) shares once the app is checked: write the files, or with `--check` diff
them against disk, and turn the result into an exit code and one line of news."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from motia_gen.cli.files import diff_tree, replace_folder, write_tree
from motia_gen.diagnostics import has_errors
from motia_gen.diagnostics.render import Summary, render_report
from motia_gen.frontend import FrontEnd
from motia_gen.version import __version__


def summary(front: FrontEnd) -> Summary:
    """What was read, for the report's last line."""
    return Summary(len(front.app.steps), len(front.app.streams), len(front.app.files))


def report(root: Path, front: FrontEnd, output_format: str = "text", stream: TextIO | None = None) -> None:
    (stream or sys.stdout).write(
        render_report(front.diagnostics, summary(front), output_format, root, __version__)
    )


def refuse_errors(command: str, root: Path, front: FrontEnd, *, strict: bool = False) -> int | None:
    """Exit code 1, with the report and why nothing was written, when the app has errors (or warnings
    under `strict`); otherwise None, after printing any warnings. The report goes to stderr: stdout is
    for what the command makes (a document, a diff)."""
    failed = has_errors(front.diagnostics, strict=strict)
    if front.diagnostics:
        report(root, front, stream=sys.stderr)
    if not failed:
        return None
    sys.stderr.write(f"motia {command}: nothing written: fix the errors above\n")
    return 1


@dataclass(frozen=True, slots=True)
class Output:
    """Generated files and where they go.

    `folder` receives `files` (paths relative to it); `owned` is a folder under it that the generator owns
    whole, so any other `.py` file there is stale; `swap` replaces `folder` whole in one rename, so
    readers never see a mix of two builds. `shown` names the target in messages, `hint` says how to bring
    a stale target up to date.
    """

    folder: Path
    files: dict[str, str]
    shown: str
    hint: str
    owned: str | None = None
    swap: bool = False


def deliver(output: Output, *, check: bool) -> int:
    """Write the output, or under `check` compare it with disk; the exit code. Only a diff goes to
    stdout (so `--check > stale.patch` works); the one line of news goes to stderr."""
    if check:
        diff = diff_tree(output.folder, output.files, owned=output.owned)
        if diff:
            sys.stdout.write(diff)
            sys.stderr.write(f"{output.shown} is stale: {output.hint}\n")
            return 1
        sys.stderr.write(f"{output.shown} is up to date\n")
        return 0
    if output.swap:
        changed = _count(diff_tree(output.folder, output.files, owned=output.owned))
        replace_folder(output.folder, output.files)
    else:
        changed = len(write_tree(output.folder, output.files, owned=output.owned))
    count = len(output.files)
    sys.stderr.write(f"wrote {output.shown} ({count} file{'s' * (count != 1)}, {changed} changed)\n")
    return 0


def _count(diff: str) -> int:
    """Files a unified diff touches."""
    return sum(1 for line in diff.splitlines() if line.startswith("+++ "))
