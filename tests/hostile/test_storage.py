"""A corrupt, truncated or foreign database is one clear line naming the file and what to do, from
`motia start` and from `motia dlq`; dead-letter ids are checked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from motia.storage.memory import MemoryBackend
from motia.storage.sqlite import DEFAULT_PATH, DatabaseUnusable, SqliteBackend
from motia.testing import TestApp

from tests.commands import motia
from tests.runtime.specs import app, run

GOOD = (
    'config = {"type": "api", "name": "Ping", "path": "/ping", "method": "GET", "emits": []}\n\n'
    "async def handler(req, context):\n"
    '    return {"status": 200, "body": {}}\n'
)
CORRUPT = {
    "garbage": b"this is not a database at all, just text " * 100,
    "empty": b"",
    "truncated": b"SQLite format 3\x00" + b"\x00" * 50,
}


def _app(tmp_path: Path, database: bytes) -> Path:
    app = tmp_path / "app"
    (app / "steps").mkdir(parents=True)
    (app / "steps" / "ping_step.py").write_text(GOOD, encoding="utf-8")
    (app / DEFAULT_PATH).parent.mkdir(parents=True)
    (app / DEFAULT_PATH).write_bytes(database)
    return app


@pytest.mark.parametrize("kind", sorted(CORRUPT))
def test_the_backend_names_the_file_and_changes_nothing(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "motia.sqlite3"
    path.write_bytes(CORRUPT[kind])
    with pytest.raises(DatabaseUnusable, match=r"motia.sqlite3 is not a usable motia database \("):
        SqliteBackend(path)
    assert path.read_bytes() == CORRUPT[kind]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["empty", "garbage"])
def test_start_and_dlq_say_one_line_about_a_corrupt_database(tmp_path: Path, kind: str) -> None:
    app = _app(tmp_path, CORRUPT[kind])
    assert motia("build", str(app)).returncode == 0
    started = subprocess.run(
        [sys.executable, "-m", "motia_gen", "start", str(app), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode == 1
    assert "is not a usable motia database" in started.stderr
    assert "Traceback" not in started.stderr
    listed = motia("dlq", "list", str(app))
    assert listed.returncode == 2
    assert listed.stderr.startswith("error: ")
    assert "is not a usable motia database" in listed.stderr
    assert "bug" not in listed.stderr


@pytest.mark.parametrize("letter", ["99999999999999999999", "-1", "1e3", "١٢", "abc", ""])
def test_dead_letter_ids_that_cannot_exist_are_simply_not_found(tmp_path: Path, letter: str) -> None:
    async def scenario() -> None:
        backend = SqliteBackend(tmp_path / "motia.sqlite3")
        try:
            assert await backend.replay(letter, now=0.0) is None
        finally:
            await backend.close()

    run(scenario)


@pytest.mark.slow
def test_dlq_replay_of_a_huge_id_is_not_found(tmp_path: Path) -> None:
    app = _app(tmp_path, b"")
    (app / DEFAULT_PATH).unlink()
    SqliteBackend(app / DEFAULT_PATH)  # a fresh, valid database
    replayed = motia("dlq", "replay", "99999999999999999999", "--app", str(app))
    assert (replayed.returncode, replayed.stderr) == (1, "error: no dead letter 99999999999999999999\n")


def test_check_writes_and_reports_a_database_that_cannot_be_written(tmp_path: Path) -> None:
    async def scenario() -> None:
        backend = SqliteBackend(tmp_path / "motia.sqlite3")
        assert await backend.check() is None
        backend._db.close()  # as good as a file gone read-only under the server: no write gets through
        problem = await backend.check()
        assert problem is not None
        assert problem.startswith("the database cannot be written: ")
        assert str(tmp_path) not in problem

    run(scenario)


def test_health_is_503_degraded_while_the_store_cannot_be_written() -> None:
    class Full(MemoryBackend):
        problem: str | None = None

        async def check(self) -> str | None:
            return self.problem

    backend = Full()

    async def scenario() -> None:
        async with TestApp(app(), backend) as test:
            assert (await test.get("/__motia/health")).json() == {"status": "ok", "running": True}
            backend.problem = "the database cannot be written: database or disk is full"
            answer = await test.get("/__motia/health")
            assert answer.status_code == 503
            assert answer.json() == {"status": "degraded", "running": True, "problem": backend.problem}

    run(scenario)
