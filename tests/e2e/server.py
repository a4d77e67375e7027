"""Running a built app as users do, for end-to-end tests: `motia build`, then `motia start` in its own
process on a free loopback port, talked to over real HTTP."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
from motia.storage.select import open_backend
from motia.storage.sqlite import DEFAULT_PATH, SqliteBackend

from tests.commands import motia
from tests.paths import REPO

T = TypeVar("T")


def copy_example(name: str, target: Path) -> Path:
    app = target / name
    shutil.copytree(REPO / "examples" / name, app, ignore=shutil.ignore_patterns(".motia", "dist"))
    return app


def build(app: Path) -> None:
    result = motia("build", str(app))
    assert result.returncode == 0, result.stdout + result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    app: Path
    port: int
    process: subprocess.Popen[str]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10)

    def logs(self) -> list[dict[str, Any]]:
        lines = self.log.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    def kill(self) -> None:
        """SIGKILL: no shutdown, no grace, as when the machine loses the process."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start(
    app: Path, port: int | None = None, *, env: dict[str, str] | None = None, options: tuple[str, ...] = ()
) -> Server:
    """`motia start [OPTIONS]` on a free port, returned once `/__motia/health` answers."""
    port = port or free_port()
    log = app / f"server-{port}-{time.monotonic_ns()}.log"
    environment = {**os.environ, "MOTIA_LOG_FORMAT": "json", "LOG_LEVEL": "info", **(env or {})}
    script = Path(sys.executable).with_name("motia")  # the console script, as users run it
    launcher = [str(script)] if script.is_file() else [sys.executable, "-m", "motia_gen.cli.main"]
    command = [*launcher, "start", str(app), "--host", "127.0.0.1", *options]
    handle = log.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [*command, "--port", str(port)], stdout=handle, stderr=subprocess.STDOUT, text=True, env=environment
    )
    handle.close()
    server = Server(app, port, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"motia start exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{server.url}/__motia/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.stop()
    raise AssertionError(f"motia start did not answer within 60 s:\n{log.read_text()}")


def start_worker(app: Path, *, options: tuple[str, ...] = ()) -> Server:
    """`motia start --no-http [OPTIONS]`: a worker, returned once it says it is working. Its `port` is one
    it was given and must not listen on."""
    port = free_port()
    log = app / f"worker-{port}-{time.monotonic_ns()}.log"
    environment = {**os.environ, "MOTIA_LOG_FORMAT": "json", "LOG_LEVEL": "info"}
    script = Path(sys.executable).with_name("motia")
    launcher = [str(script)] if script.is_file() else [sys.executable, "-m", "motia_gen.cli.main"]
    command = [*launcher, "start", str(app), "--no-http", "--port", str(port), *options]
    with log.open("w", encoding="utf-8") as handle:
        process = subprocess.Popen(
            command, stdout=handle, stderr=subprocess.STDOUT, text=True, env=environment
        )
    worker = Server(app, port, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"motia start --no-http exited with {process.returncode}:\n{log.read_text()}"
            )
        if "working on" in log.read_text(encoding="utf-8"):
            return worker
        time.sleep(0.1)
    worker.stop()
    raise AssertionError(f"the worker did not start within 60 s:\n{log.read_text()}")


@contextmanager
def running(app: Path, **options: Any) -> Iterator[Server]:
    server = start(app, **options)
    try:
        yield server
    finally:
        server.stop()


def eventually(probe: Callable[[], T | None], timeout: float = 30.0, what: str = "condition") -> T:
    """Poll `probe` until it returns something other than None or False."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found is not None and found is not False:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def read_record(app: Path, namespace: str, group: str, key: str, backend_url: str = "sqlite") -> Any:
    """A stored state value or stream item, read from the app's backend (its SQLite file unless said)
    while the app runs."""

    async def read() -> Any:
        backend = open_backend(app, backend_url)
        try:
            return await backend.get(namespace, group, key)
        finally:
            await backend.close()

    return asyncio.run(read())


def read_namespace(app: Path, namespace: str) -> dict[str, dict[str, Any]]:
    """Everything stored in one namespace (`state`, `stream:<name>`): group → key → value."""

    async def read() -> dict[str, dict[str, Any]]:
        backend = SqliteBackend(app / DEFAULT_PATH)
        try:
            return {
                group: dict(await backend.get_group(namespace, group))
                for group in await backend.list_groups(namespace)
            }
        finally:
            await backend.close()

    return asyncio.run(read())
