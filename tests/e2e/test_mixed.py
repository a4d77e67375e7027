"""A mixed app (TypeScript and JavaScript steps and a TS stream beside a Python step) built and served:
the Python step runs and writes the TS-defined stream; the event it sends to the JavaScript step is kept
in the store, counted, named once at start and never dropped; the TS route is not served here."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest
from motia.storage.sqlite import DEFAULT_PATH, SqliteBackend

from tests.commands import motia
from tests.e2e.server import eventually, read_record, running
from tests.paths import REPO

pytestmark = pytest.mark.slow


def _pending(app: Path, topic: str, subscriber: str) -> int:
    async def count() -> int:
        backend = SqliteBackend(app / DEFAULT_PATH)
        try:
            return await backend.pending(topic=topic, subscriber=subscriber)
        finally:
            await backend.close()

    return asyncio.run(count())


def test_python_steps_run_and_events_for_foreign_steps_are_kept(tmp_path: Path) -> None:
    app = tmp_path / "mixed"
    skipped = shutil.ignore_patterns("expected", "handlers_*")
    shutil.copytree(REPO / "golden" / "mixed_users", app, ignore=skipped)
    built = motia("build", str(app))
    assert built.returncode == 0, built.stderr
    summary = "not served by motia start: 2 steps (javascript: AuditWelcome; typescript: CreateUser)"
    assert summary in built.stderr
    manifest = json.loads((app / "dist" / "manifest.json").read_text(encoding="utf-8"))
    assert [(s["name"], s["language"]) for s in manifest["not_served"]] == [
        ("AuditWelcome", "javascript"),
        ("CreateUser", "typescript"),
    ]
    assert "steps/create-user.step.ts" in manifest["sources"]

    with running(app, options=("--emit",)) as server, server.client() as client:
        sent = client.post("/emit", json={"topic": "user.created", "data": {"id": "u1", "name": "Ada"}})
        assert sent.status_code == 200, sent.text
        item = eventually(lambda: read_record(app, "stream:chatMessages", "lobby", "u1"), what="the item")
        assert (item["text"], item["author"]) == ("Welcome, Ada!", "bot")
        # The event for the JavaScript step waits in the store for a runtime that serves it.
        eventually(lambda: _pending(app, "user.welcomed", "AuditWelcome") == 1, what="the kept event")
        assert client.post("/users", json={"name": "Ada"}).status_code == 404  # the TS route is not served
        warned = [line["msg"] for line in server.logs() if line.get("level") == "warn"]
        assert len([m for m in warned if "'user.welcomed'" in m]) == 1
        assert "only by javascript step AuditWelcome" in warned[0]
    with running(app) as server:
        warned = [line["msg"] for line in server.logs() if line.get("level") == "warn"]
        assert any("(1 waiting)" in m for m in warned), warned
    assert _pending(app, "user.welcomed", "AuditWelcome") == 1  # restarts deliver nothing, lose nothing
