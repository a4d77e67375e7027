"""A Redis server of the tests' own: started on a free port, stopped by its process, its files in a
temporary folder. Nothing is assumed to be running on the machine."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def redis_server(*, appendonly: bool = False) -> Iterator[str]:
    """A running `redis-server`; yields its URL. With `appendonly`, every write is fsynced to its AOF."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise RuntimeError("redis-server is not installed (.ci/run installs the Debian package)")
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        command = [executable, "--port", str(port), "--bind", "127.0.0.1", "--dir", folder, "--save", ""]
        command += (
            ["--appendonly", "yes", "--appendfsync", "always"] if appendonly else ["--appendonly", "no"]
        )
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for(port, server)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            server.kill()
            server.wait(timeout=10)


def _wait_for(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"redis-server exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("redis-server did not start within 10 s")
