"""`motia emit` and `motia dlq list|replay`, run as a user runs them (subprocesses)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from motia.storage.backend import NewMessage
from motia.storage.sqlite import DEFAULT_PATH, SqliteBackend

from tests.cli.test_main import motia


def _dead_letters(app: Path, count: int) -> None:
    """Puts `count` dead letters of topic `order.placed` (subscriber ReserveStock) into the app's file."""

    async def fill() -> None:
        backend = SqliteBackend(app / DEFAULT_PATH)
        now = time.time()
        try:
            messages = [
                NewMessage("order.placed", "ReserveStock", {"n": n}, f"trace-{n}", now, now, "c-1")
                for n in range(count)
            ]
            await backend.enqueue(messages)
            for claimed in await backend.claim(
                "order.placed", "ReserveStock", now=now, lease_until=now + 30, limit=count
            ):
                await backend.dead_letter(claimed, reason="OutOfStock: coffee", now=now)
        finally:
            await backend.close()

    asyncio.run(fill())


def _pending(app: Path) -> int:
    async def count() -> int:
        backend = SqliteBackend(app / DEFAULT_PATH)
        try:
            return await backend.pending(topic="order.placed", subscriber="ReserveStock")
        finally:
            await backend.close()

    return asyncio.run(count())


@pytest.mark.slow
def test_dlq_list_shows_reason_attempts_and_payload(tmp_path: Path) -> None:
    _dead_letters(tmp_path, 2)
    text = motia("dlq", "list", str(tmp_path))
    assert text.returncode == 0, text.stderr
    assert "order.placed → ReserveStock group c-1" in text.stdout
    assert text.stdout.count("reason: OutOfStock: coffee") == 2
    assert "after 1 attempt" in text.stdout
    assert '"n": 1' in text.stdout
    assert text.stdout.rstrip().endswith("2 dead letters")

    found = json.loads(motia("dlq", "list", str(tmp_path), "--format", "json").stdout)
    assert [(d["topic"], d["step"], d["payload"], d["attempts"]) for d in found] == [
        ("order.placed", "ReserveStock", {"n": 0}, 1),
        ("order.placed", "ReserveStock", {"n": 1}, 1),
    ]
    assert motia("dlq", "list", str(tmp_path), "--topic", "other").stdout.strip() == "no dead letters"


@pytest.mark.slow
def test_dlq_replay_requeues_and_reports_unknown_ids(tmp_path: Path) -> None:
    _dead_letters(tmp_path, 2)
    first, _ = (d["id"] for d in json.loads(motia("dlq", "list", str(tmp_path), "-f", "json").stdout))

    replayed = motia("dlq", "replay", first, "--app", str(tmp_path))
    assert replayed.returncode == 0, replayed.stderr
    assert f"replayed {first} as message" in replayed.stdout
    assert _pending(tmp_path) == 1

    unknown = motia("dlq", "replay", "999999", "--app", str(tmp_path))
    assert unknown.returncode == 1
    assert "no dead letter 999999" in unknown.stderr

    everything = motia("dlq", "replay", "--all", "--app", str(tmp_path))
    assert everything.returncode == 0
    assert _pending(tmp_path) == 2
    assert motia("dlq", "list", "--app", str(tmp_path)).stdout.strip() == "no dead letters"


def test_dlq_without_a_database_says_so(tmp_path: Path) -> None:
    result = motia("dlq", "list", str(tmp_path))
    assert result.returncode == 2
    assert "has not run here yet" in result.stderr


class _Recorder(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        self.received.append((self.path, body))
        status, answer = (400, b'{"error": "bad"}') if body["topic"] == "bad" else (200, b'{"success": true}')
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    httpd = HTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.received = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.slow
def test_emit_posts_topic_and_data(server: HTTPServer) -> None:
    port = str(server.server_address[1])
    ok = motia(
        "emit", "--topic", "order.placed", "--message", '{"id": 1}', "--port", port, "--host", "127.0.0.1"
    )
    assert ok.returncode == 0, ok.stderr
    assert '"success": true' in ok.stdout
    assert _Recorder.received == [("/emit", {"topic": "order.placed", "data": {"id": 1}})]
    grouped = motia(
        "emit", "-t", "order.placed", "-m", "2", "--group", "c-1", "--port", port, "--host", "127.0.0.1"
    )
    assert grouped.returncode == 0, grouped.stderr
    assert _Recorder.received[-1] == ("/emit", {"topic": "order.placed", "data": 2, "messageGroupId": "c-1"})

    refused = motia("emit", "-t", "bad", "-m", "1", "--port", port, "--host", "127.0.0.1")
    assert refused.returncode == 1
    assert "answered 400" in refused.stderr


def test_emit_rejects_bad_json_and_explains_a_missing_server(tmp_path: Path) -> None:
    bad = motia("emit", "--topic", "t", "--message", "{nope")
    assert bad.returncode == 2
    assert "not valid JSON" in bad.stderr
    with HTTPServer(("127.0.0.1", 0), _Recorder) as probe:
        free_port = str(probe.server_address[1])  # closed when the block ends: nothing listens there
    missing = motia("emit", "-t", "t", "-m", "{}", "--port", free_port, "--host", "127.0.0.1")
    assert missing.returncode == 2
    assert "is `motia start` running?" in missing.stderr


def test_start_loads_no_compiler_module() -> None:
    """`motia start` (the console script's fast path) serves without the compiler in memory."""
    probe = (
        "import sys, motia_gen.__main__, motia_gen.cli.start; "
        "print(sorted(m for m in ('libcst', 'motia_gen.frontend', 'motia_gen.cli.main', 'mypy', 'jinja2') "
        "if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_compiler_cli_loads_only_the_runtimes_declaring_modules() -> None:
    """`motia validate` and friends load the runtime's key tables (configs, triggers, queue settings)
    and nothing of its HTTP stack, context or storage."""
    probe = (
        "import sys, motia_gen.cli.main\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('motia', 'starlette', 'uvicorn')))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    declaring = [
        *("motia", "motia._convert", "motia.config", "motia.request", "motia.spec"),
        *("motia.step", "motia.triggers", "motia.types"),
    ]
    assert result.stdout.strip() == repr(declaring)


def test_validate_loads_no_library_it_does_not_use(tmp_path: Path) -> None:
    """Every `motia validate` starts a process: asyncio and urllib are for the commands that talk to a
    backend or an app, pydantic and jsonschema for the checks that need them (a typer that coerces every
    parameter through pydantic would load it on every run)."""
    probe = (
        "import sys\n"
        "from motia_gen.cli.main import _run\n"
        "sys.argv = ['motia', 'validate', sys.argv[1]]\n"
        "code = _run()\n"
        "print(code, sorted(m for m in ('asyncio', 'urllib.request', 'http.client', 'pydantic', 'jsonschema')"
        " if m in sys.modules))"
    )
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "ping_step.py").write_text(
        'config = {"type": "api", "name": "Ping", "path": "/ping", "method": "GET", "emits": []}\n\n\n'
        "async def handler(req, context):\n    return {'status': 200, 'body': {}}\n",
        encoding="utf-8",
    )
    command = [sys.executable, "-c", probe, str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "no problems found" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "0 []"
