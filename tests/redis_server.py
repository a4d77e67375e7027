"""A Redis server of the tests' own: started on a free port, stopped by its process, its files in a
temporary folder. Nothing is assumed to be running on the machine."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisProcess:
    """One `redis-server` on `port` with its files in `folder`; it can be killed and started again there,
    as a crashed server comes back. With `appendonly`, every write is fsynced to its AOF first."""

    def __init__(self, folder: Path, *, appendonly: bool = False, extra: Sequence[str] = ()) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            raise RuntimeError("redis-server is not installed (./scripts/test installs the Debian package)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        durable = ["--appendonly", "yes", "--appendfsync", "always"] if appendonly else ["--appendonly", "no"]
        self._command = [executable, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(folder)]
        self._command += ["--save", "", *durable, *extra]
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(self._command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for(self.port, self._process)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no final save."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None


@contextmanager
def redis_server(*, appendonly: bool = False) -> Iterator[str]:
    """A running `redis-server`; yields its URL."""
    with running_redis(appendonly=appendonly) as server:
        yield server.url


@contextmanager
def running_redis(*, appendonly: bool = False, extra: Sequence[str] = ()) -> Iterator[RedisProcess]:
    """`extra`: more `redis-server` options (a unix socket, TLS, a password)."""
    with tempfile.TemporaryDirectory() as folder:
        server = RedisProcess(Path(folder), appendonly=appendonly, extra=extra)
        server.start()
        try:
            yield server
        finally:
            server.kill()


def _wait_for(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"redis-server exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(16)[:1] in (b"+", b"-"):  # PONG, or NOAUTH when a password is set
                    return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("redis-server did not start within 10 s")
