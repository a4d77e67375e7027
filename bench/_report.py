"""What every benchmark does the same way: the machine line, the results table, its section of
`docs/benchmarks.md`, the project's tools and a free loopback port."""

from __future__ import annotations

import datetime
import os
import platform
import socket
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs" / "benchmarks.md"
VENV_BIN = REPO / ".venv" / "bin"


def tool(name: str) -> str:
    """A command from the project's virtualenv when it has one (`motia`, `python`, `uvicorn`)."""
    found = VENV_BIN / name
    return str(found) if found.exists() else name


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_listening(port: int, process: subprocess.Popen[bytes], seconds: float = 30.0) -> None:
    """Return once something accepts connections on loopback `port`; fail if `process` exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listened on port {port}")


def verdict(ok: bool) -> str:
    """The Result column of a row with a target."""
    return "PASS" if ok else "MISS"


def machine() -> str:
    return (
        f"{platform.platform()}, {platform.machine() or 'unknown machine'}, {os.cpu_count()} CPUs, "
        f"{platform.python_implementation()} {platform.python_version()}"
    )


def measured_line(command: str) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"Measured {now} on {machine()}, with `{command}`."


def table(rows: list[tuple[str, str, str, str]]) -> list[str]:
    return [
        "| Measure | Value | Target | Result |",
        "|---|---:|---|---|",
        *(f"| {name} | {value} | {target} | {verdict} |" for name, value, target, verdict in rows),
    ]


def write_section(name: str, body: str, intro: str) -> None:
    """Replace the `<!-- name:start -->`…`<!-- name:end -->` block of the docs, or append `intro` and a new
    block when there is none yet."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    block = f"{start}\n{body}\n{end}"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + intro.rstrip("\n") + "\n\n" + block + "\n"
    DOCS.write_text(text, encoding="utf-8")
