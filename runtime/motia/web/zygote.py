"""A warm process that forks each new build's server, for `motia dev`.

    python -m motia zygote DIST --root APP --fd N --answers M    (commands on stdin, answers on fd M)

Most of what a new server process pays for is importing the app's step modules, and a save changes one or
two of them. The zygote imports the built app once (without serving it), noting which of the app's
modules import which. For each build it is asked to serve, it forgets the modules whose files changed,
every module that imports them (so nothing holds a stale function) and the dispatch module, then forks:
the child loads the new build, importing only what was forgotten, and serves it on the listening socket
the zygote inherited (`motia.web.serve.serve`). Once the child says it serves, the zygote stops the
previous child (SIGTERM: running handlers get their grace period) and answers; then it imports the new
build itself, to be warm for the next save.

Commands, one JSON object per line: `{"serve": DIST, "changed": [absolute paths]}` answers `{"served":
pid}` or `{"failed": why}` on the answer pipe (not stdout, which the app's own prints may use); `{"stop":
true}` (or the end of stdin) stops the server and exits. The zygote runs no event loop and
starts no thread, so forking it is safe.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib.util
import json
import os
import signal
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from motia.web import dotenv
from motia.web.serve import DISPATCH_MODULE, load_dispatch, serve

READY_SECONDS = 120.0
STOP_SECONDS = 30.0


class ImportGraph:
    """Who imports whom, recorded as modules are imported (in the zygote only, which serves nothing)."""

    def __init__(self) -> None:
        self.importers: defaultdict[str, set[str]] = defaultdict(set)
        self._original = builtins.__import__

    def install(self) -> None:
        builtins.__import__ = self._recording  # type: ignore[assignment]

    def _recording(
        self,
        name: str,
        globals: dict[str, Any] | None = None,
        locals: dict[str, Any] | None = None,
        fromlist: tuple[str, ...] | list[str] = (),
        level: int = 0,
    ) -> Any:
        module = self._original(name, globals, locals, fromlist, level)
        importer = (globals or {}).get("__name__")
        if isinstance(importer, str):
            with contextlib.suppress(ImportError, ValueError):
                package = (globals or {}).get("__package__") or ""
                target = importlib.util.resolve_name(name, package) if level else name
                self.importers[target].add(importer)
                for item in fromlist or ():
                    self.importers[f"{target}.{item}"].add(importer)
        return module

    def stale(self, changed: list[str]) -> set[str]:
        """The modules to forget: those of the changed files, their importers (transitively), dispatch."""
        # Both sides are absolute paths under the app's resolved root (`motia dev` watches it, and the
        # app's modules are imported from it): normalising them needs no system call per module.
        paths = {os.path.normpath(p) for p in changed}
        found = {DISPATCH_MODULE}
        for name, module in list(sys.modules.items()):
            file = getattr(module, "__file__", None)
            if file and os.path.normpath(file) in paths:
                found.add(name)
        queue = list(found)
        while queue:
            for importer in self.importers.get(queue.pop(), ()):
                if importer not in found:
                    found.add(importer)
                    queue.append(importer)
        return found


class Zygote:
    def __init__(self, root: Path, fd: int) -> None:
        self.root, self.fd = root, fd
        self.graph = ImportGraph()
        self.server: int | None = None

    def warm(self, dist: str) -> None:
        """Import the build (its step modules); a failure only means the next fork imports more."""
        with contextlib.suppress(Exception):
            load_dispatch(dist, root=self.root)

    def serve(self, dist: str, changed: list[str]) -> dict[str, Any]:
        for name in self.graph.stale(changed):
            sys.modules.pop(name, None)
        with tempfile.TemporaryDirectory(prefix="motia-zygote-") as folder:
            ready = Path(folder) / "ready"
            child = os.fork()
            if child == 0:
                self._child(dist, str(ready))
            deadline = time.monotonic() + READY_SECONDS
            while not ready.exists():
                if _reaped(child) or time.monotonic() > deadline:
                    _stop(child)
                    return {"failed": "the new build's server did not start"}
                time.sleep(0.01)
        previous, self.server = self.server, child
        if previous is not None:
            _stop(previous)
        self.warm(dist)
        return {"served": child}

    def _child(self, dist: str, ready: str) -> None:
        code = 0
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            host, port = _address(self.fd)
            options: dict[str, Any] = {"fd": self.fd, "ready_file": ready, "access_log": True}
            serve(dist, host, port, root=self.root, log_level="warning", **options)
        except BaseException as error:  # the child ends here whatever happens; the zygote goes on
            code = error.code if isinstance(error, SystemExit) and isinstance(error.code, int) else 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    def stop(self) -> None:
        if self.server is not None:
            _stop(self.server)
            self.server = None


def _address(fd: int) -> tuple[str, int]:
    import socket  # noqa: PLC0415

    with socket.socket(fileno=os.dup(fd)) as listener:
        host, port = listener.getsockname()[:2]
    return str(host), int(port)


def _reaped(pid: int) -> bool:
    """Whether the child has exited (and is now reaped)."""
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == pid
    return True


def _stop(pid: int) -> None:
    """SIGTERM, then wait (SIGKILL past `STOP_SECONDS`)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    while not _reaped(pid):
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.01)


def main(argv: list[str]) -> None:
    """`python -m motia zygote DIST --root APP --fd N --answers M`."""
    dist, root, fd = argv[0], Path(argv[argv.index("--root") + 1]), int(argv[argv.index("--fd") + 1])
    answers = os.fdopen(int(argv[argv.index("--answers") + 1]), "w", encoding="utf-8")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for `motia dev`, which stops this cleanly
    dotenv.load(root)
    zygote = Zygote(root, fd)
    zygote.graph.install()
    zygote.warm(dist)
    try:
        for line in sys.stdin:
            command = json.loads(line)
            if "stop" in command:
                break
            answer = zygote.serve(command["serve"], list(command.get("changed", ())))
            answers.write(json.dumps(answer) + "\n")
            answers.flush()
    finally:
        zygote.stop()
