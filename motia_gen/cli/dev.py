"""`motia dev`: check, build and serve the app, and do it again on every save.

One process (this one, with the compiler loaded) watches the app and builds it with the compile cache, so a
save costs the files that changed. The app is served by a process that loads only the runtime: a warm
process (`python -m motia zygote`) holds the app's imported step modules and forks each build's server,
which re-imports only the modules the save touched (and their importers). The listening socket belongs
to this process and is handed down, so a new build's server starts while the last one still answers:
once the new one says it serves, the old one is stopped as `motia start` stops (running handlers get
their grace period; what they leave comes back through its lease), and no connection is refused in
between. State, streams and queued events live in the app's store, which both servers share. A change
to `.env` or `.env.local` starts a fresh warm process (the environment is read once per process).

A save that brings errors keeps the last good build serving and says so; only what changed in the
diagnostics is printed (new problems in full, then how many were fixed).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from motia_gen.cli.options import AppPath, WorkbenchToken
from motia_gen.discover import file_kind

if TYPE_CHECKING:
    from motia_gen.diagnostics import Diagnostic
    from motia_gen.frontend import FrontEnd

IGNORED_DIRS = frozenset({"dist", "motia_types", "venv", "__pycache__", "node_modules"})  # and dot-folders
WATCHED_NAMES = frozenset({"pyproject.toml", ".env", ".env.local"})
DIAGNOSTICS_FILE = "workbench-diagnostics.json"  # in .motia/, rewritten after every check


def dev(
    path: AppPath = Path("."),
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on.")] = 3000,
    host: Annotated[str, typer.Option("--host", "-H", help="Interface to listen on.")] = "127.0.0.1",
    debug: Annotated[bool, typer.Option("--debug", "-d", help="Log at debug level.")] = False,
    workbench: Annotated[
        bool,
        typer.Option("--workbench/--no-workbench", help="Serve the Workbench web page at /__motia/."),
    ] = True,
    workbench_token: WorkbenchToken = None,
) -> None:
    """Build and serve the app, and rebuild and swap in each save: errors keep the last good build
    serving. Every request is logged; the Workbench page shows the app at /__motia/; Ctrl-C stops."""
    from motia_gen.cli.build import UnsafeOutput, check_target  # noqa: PLC0415
    from motia_gen.cli.start import workbench_environment  # noqa: PLC0415
    from motia_gen.emit.build import MANIFEST  # noqa: PLC0415

    root = path.resolve()
    diagnostics = root / ".motia" / DIAGNOSTICS_FILE if workbench else None
    if workbench:
        workbench_environment(host, workbench_token, command="motia dev", dev=True, diagnostics=diagnostics)
    try:
        check_target(root, root / "dist", MANIFEST)  # dev rewrites dist/ as `motia build` does
    except UnsafeOutput as error:
        typer.echo(f"motia dev: {error}", err=True)
        raise typer.Exit(2) from None
    if debug:
        os.environ["LOG_LEVEL"] = "debug"
    try:
        listener = socket.create_server((host, port), backlog=2048, reuse_port=False)
    except OSError as error:
        typer.echo(f"motia dev: cannot listen on {host}:{port}: {error.strerror or error}", err=True)
        raise typer.Exit(2) from None
    listener.set_inheritable(True)
    session = DevSession(root, root / "dist", listener, f"http://{host}:{port}", diagnostics)
    try:
        session.run()
    except KeyboardInterrupt:
        pass
    finally:
        session.stop()
        listener.close()


@dataclass
class DevSession:
    root: Path
    dist: Path
    listener: socket.socket
    url: str
    diagnostics: Path | None = None  # where the Workbench reads each check's diagnostics (None: off)
    shown: set[tuple[str, str, int, int, str]] = field(default_factory=set)
    zygote: Zygote | None = None
    pending: list[str] = field(default_factory=list)  # files changed since the last build served

    def run(self) -> None:
        from watchfiles import watch  # noqa: PLC0415 (only `motia dev` needs it)

        self.rebuild(first=True)
        for changes in watch(self.root, watch_filter=self.relevant, debounce=100, step=20):
            paths = sorted({changed for _, changed in changes})
            names = [Path(changed).relative_to(self.root).as_posix() for changed in paths]
            _say(f"changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}")
            self.pending += paths
            self.rebuild(first=False)

    def relevant(self, _change: object, changed: str) -> bool:
        relative = Path(changed).relative_to(self.root)
        hidden = (part.startswith(".") and part not in WATCHED_NAMES for part in relative.parts)
        if any(part in IGNORED_DIRS for part in relative.parts) or any(hidden):
            return False
        # Python files (a step's imports too), the TS/JS step and stream files of a mixed app, settings
        return (
            relative.suffix == ".py" or file_kind(relative.name) is not None or relative.name in WATCHED_NAMES
        )

    def rebuild(self, *, first: bool) -> None:
        began = time.perf_counter()
        if not self.build():
            state = "keeping the last good build serving" if self.zygote else "not serving until fixed"
            _say(f"the app has errors: {state}")
            return
        if self.swap(self.pending):
            self.pending = []
            verb = "serving" if first else "serving the new build"
            _say(f"{verb} on {self.url} ({time.perf_counter() - began:.2f} s)")

    def build(self) -> bool:
        """Check the app, print what changed in its diagnostics, and write `dist/` when it has no errors."""
        from motia_gen.cli.build import build_output  # noqa: PLC0415
        from motia_gen.cli.output import deliver  # noqa: PLC0415
        from motia_gen.diagnostics import has_errors  # noqa: PLC0415
        from motia_gen.frontend import Overrides, validate_app  # noqa: PLC0415

        front = validate_app(self.root, Overrides())
        self.report_changes(front.diagnostics, front)
        if self.diagnostics is not None:
            _write_diagnostics(self.diagnostics, self.root, front)
        if has_errors(front.diagnostics, strict=False):
            return False
        return deliver(build_output(self.root, self.dist, front), check=False) == 0

    def report_changes(self, diagnostics: tuple[Diagnostic, ...], front: FrontEnd) -> None:
        from motia_gen.cli.output import summary  # noqa: PLC0415
        from motia_gen.diagnostics.render import render_report  # noqa: PLC0415
        from motia_gen.version import __version__  # noqa: PLC0415

        keyed = {_key(d): d for d in diagnostics}
        new = [d for key, d in keyed.items() if key not in self.shown]
        fixed = len(self.shown - set(keyed))
        if new:
            text = render_report(tuple(new), summary(front), "text", self.root, __version__)
            sys.stderr.write(text)
        if fixed:
            _say(f"fixed {fixed} problem{'s' if fixed != 1 else ''}")
        self.shown = set(keyed)

    def swap(self, changed: list[str]) -> bool:
        """Have the warm process serve the new build; a fresh one when there is none, it died, or the
        environment changed (`.env` is read once per process). False when the new server did not start."""
        environment = any(Path(c).name in (".env", ".env.local") for c in changed)
        fresh = self.zygote is None or not self.zygote.alive() or environment
        if not fresh and self.zygote is not None:
            failure = self.zygote.serve(self.dist, changed)
            if failure is None:
                return True
            _say(f"{failure} (see above): keeping the last good build serving")
            return False
        zygote = Zygote.start(self.root, self.dist, self.listener)
        failure = zygote.serve(self.dist, [])
        if failure is not None:
            zygote.stop()
            state = "keeping the last good build serving" if self.zygote else "not serving until fixed"
            _say(f"{failure} (see above): {state}")
            return False
        old, self.zygote = self.zygote, zygote
        if old is not None:
            old.stop()
        return True

    def stop(self) -> None:
        if self.zygote is not None:
            self.zygote.stop()
            self.zygote = None


@dataclass
class Zygote:
    """The warm process each build's server is forked from (`motia.web.zygote`), and its pipes."""

    process: subprocess.Popen[bytes]
    answers: IO[str]

    @classmethod
    def start(cls, root: Path, dist: Path, listener: socket.socket) -> Zygote:
        read, write = os.pipe()
        command = [sys.executable, "-m", "motia", "zygote", str(dist), "--root", str(root)]
        command += ["--fd", str(listener.fileno()), "--answers", str(write)]
        process = subprocess.Popen(command, stdin=subprocess.PIPE, pass_fds=(listener.fileno(), write))
        os.close(write)
        return cls(process, os.fdopen(read, encoding="utf-8"))

    def alive(self) -> bool:
        return self.process.poll() is None

    def serve(self, dist: Path, changed: list[str]) -> str | None:
        """Ask for the build in `dist` to be served; None once it is, else why not."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.write((json.dumps({"serve": str(dist), "changed": changed}) + "\n").encode())
            self.process.stdin.flush()
            answer = json.loads(self.answers.readline() or "{}")
        except (OSError, ValueError):
            return "the server process went away"
        return None if "served" in answer else str(answer.get("failed", "the server process went away"))

    def stop(self) -> None:
        """Stop its server (gracefully, as `motia start` stops) and the process itself."""
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.write(b'{"stop": true}\n')
                self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.answers.close()


def _write_diagnostics(target: Path, root: Path, front: FrontEnd) -> None:
    """The check's diagnostics for the Workbench, replaced whole (a reader never sees half a file)."""
    from motia_gen.diagnostics.render import line_reader  # noqa: PLC0415
    from motia_gen.emit.workbench import diagnostic_list  # noqa: PLC0415

    items = diagnostic_list(front.app, front.diagnostics, line_reader(root))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(json.dumps({"diagnostics": items}, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, target)


def _key(diagnostic: Diagnostic) -> tuple[str, str, int, int, str]:
    span = diagnostic.span
    return (diagnostic.code, span.file, span.line, span.column, diagnostic.message)


def _say(message: str) -> None:
    with contextlib.suppress(OSError):
        sys.stderr.write(f"motia dev: {message}\n")
        sys.stderr.flush()
