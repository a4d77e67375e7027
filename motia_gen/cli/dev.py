"""`motia dev`: check, build and serve the app, and do it again on every save.

One process (this one, with the compiler loaded) watches the app and builds it with the compile cache, so a
save costs the files that changed; the app itself is served by a child process that loads only the
runtime (`python -m motia serve`), as `motia start` serves it. The listening socket belongs to this
process and is handed to every child, so a new build's server starts while the last one still answers:
once the new one says it serves, the old one is stopped as `motia start` stops (running handlers get
their grace period; what they leave comes back through its lease), and no connection is refused in
between. State, streams and queued events live in the app's store, which both servers share.

A save that brings errors keeps the last good build serving and says so; only what changed in the
diagnostics is printed (new problems in full, then how many were fixed).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from motia_gen.cli.options import AppPath

if TYPE_CHECKING:
    from motia_gen.diagnostics import Diagnostic
    from motia_gen.frontend import FrontEnd

IGNORED_DIRS = frozenset({"dist", "motia_types", "venv", "__pycache__", "node_modules"})  # and dot-folders
WATCHED_NAMES = frozenset({"pyproject.toml", ".env"})
READY_SECONDS = 120.0  # how long a new build's server may take to start before it counts as failed


def dev(
    path: AppPath = Path("."),
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on.")] = 3000,
    host: Annotated[str, typer.Option("--host", "-H", help="Interface to listen on.")] = "127.0.0.1",
    debug: Annotated[bool, typer.Option("--debug", "-d", help="Log at debug level.")] = False,
) -> None:
    """Build and serve the app, and rebuild and swap in each save: errors keep the last good build
    serving. Every request is logged; Ctrl-C stops."""
    root = path.resolve()
    if debug:
        os.environ["LOG_LEVEL"] = "debug"
    try:
        listener = socket.create_server((host, port), backlog=2048, reuse_port=False)
    except OSError as error:
        typer.echo(f"motia dev: cannot listen on {host}:{port}: {error.strerror or error}", err=True)
        raise typer.Exit(2) from None
    listener.set_inheritable(True)
    session = DevSession(root, root / "dist", listener, f"http://{host}:{port}")
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
    shown: set[tuple[str, str, int, int, str]] = field(default_factory=set)
    server: subprocess.Popen[bytes] | None = None

    def run(self) -> None:
        from watchfiles import watch  # noqa: PLC0415 (only `motia dev` needs it)

        self.rebuild(first=True)
        for changes in watch(self.root, watch_filter=self.relevant, debounce=100, step=20):
            names = sorted({Path(changed).relative_to(self.root).as_posix() for _, changed in changes})
            _say(f"changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}")
            self.rebuild(first=False)

    def relevant(self, _change: object, changed: str) -> bool:
        relative = Path(changed).relative_to(self.root)
        if any(part in IGNORED_DIRS or (part.startswith(".") and part != ".env") for part in relative.parts):
            return False
        return relative.suffix == ".py" or relative.name in WATCHED_NAMES

    def rebuild(self, *, first: bool) -> None:
        began = time.perf_counter()
        if not self.build():
            state = "keeping the last good build serving" if self.server else "not serving until fixed"
            _say(f"the app has errors: {state}")
            return
        if self.swap():
            verb = "serving" if first else "serving the new build"
            _say(f"{verb} on {self.url} ({time.perf_counter() - began:.2f} s)")

    def build(self) -> bool:
        """Check the app, print what changed in its diagnostics, and write `dist/` when it has no errors."""
        from motia_gen.cli.output import Output, deliver  # noqa: PLC0415
        from motia_gen.diagnostics import has_errors  # noqa: PLC0415
        from motia_gen.emit.build import artifacts  # noqa: PLC0415
        from motia_gen.emit.openapi.info import document_info  # noqa: PLC0415
        from motia_gen.frontend import Overrides, validate_app  # noqa: PLC0415

        front = validate_app(self.root, Overrides())
        self.report_changes(front.diagnostics, front)
        if has_errors(front.diagnostics, strict=False):
            return False
        cache = self.root / ".motia" / "cache"
        relative_root = os.path.relpath(self.root, self.dist)
        info = document_info(self.root)
        files = artifacts(front.app, front.settings, info, relative_root, cache, front.sources)
        output = Output(self.dist, files, "dist/", "", owned=".", swap=True)
        return deliver(output, check=False) == 0

    def report_changes(self, diagnostics: tuple[Diagnostic, ...], front: FrontEnd) -> None:
        from motia_gen.version import __version__  # noqa: PLC0415
        from motia_gen.cli.output import summary  # noqa: PLC0415
        from motia_gen.diagnostics.render import render_report  # noqa: PLC0415

        keyed = {_key(d): d for d in diagnostics}
        new = [d for key, d in keyed.items() if key not in self.shown]
        fixed = len(self.shown - set(keyed))
        if new:
            text = render_report(tuple(new), summary(front), "text", self.root, __version__)
            sys.stderr.write(text)
        if fixed:
            _say(f"fixed {fixed} problem{'s' if fixed != 1 else ''}")
        self.shown = set(keyed)

    def swap(self) -> bool:
        """Start a server on the new build; once it serves, stop the old one. False when it did not start."""
        with tempfile.TemporaryDirectory(prefix="motia-dev-") as folder:
            ready = Path(folder) / "ready"
            command = [sys.executable, "-m", "motia", "serve", str(self.dist), "--root", str(self.root)]
            host, port = self.listener.getsockname()[:2]  # named in its log; it serves the socket given
            command += ["--host", str(host), "--port", str(port), "--fd", str(self.listener.fileno())]
            command += ["--ready-file", str(ready), "--access-log"]
            fresh = subprocess.Popen(command, pass_fds=(self.listener.fileno(),))
            deadline = time.monotonic() + READY_SECONDS
            while not ready.exists():
                if fresh.poll() is not None or time.monotonic() > deadline:
                    _stop(fresh)
                    state = "keeping the last good build serving" if self.server else "not serving"
                    _say(f"the new build's server did not start (see above): {state}")
                    return False
                time.sleep(0.02)
        old, self.server = self.server, fresh
        if old is not None:
            _stop(old)
        return True

    def stop(self) -> None:
        if self.server is not None:
            _stop(self.server)
            self.server = None


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, as `motia start` is stopped: running handlers get their grace period."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _key(diagnostic: Diagnostic) -> tuple[str, str, int, int, str]:
    span = diagnostic.span
    return (diagnostic.code, span.file, span.line, span.column, diagnostic.message)


def _say(message: str) -> None:
    with contextlib.suppress(OSError):
        sys.stderr.write(f"motia dev: {message}\n")
        sys.stderr.flush()
