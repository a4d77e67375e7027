"""What `motia dev` rebuilds for: Python files, the TS/JS step and stream files of a mixed app and the
settings; not other files, caches, hidden folders or its own output."""

from __future__ import annotations

import socket
from pathlib import Path

from motia_gen.cli.dev import DevSession


def test_the_files_a_save_of_rebuilds_the_app(tmp_path: Path) -> None:
    with socket.socket() as listener:
        session = DevSession(tmp_path, tmp_path / "dist", listener, "http://127.0.0.1:3000")
        watched = [
            "steps/a_step.py",
            "steps/lib/helpers.py",
            "steps/api.step.ts",
            "steps/event.step.js",
            "steps/chat.stream.ts",
            "pyproject.toml",
            ".env",
        ]
        ignored = ["steps/helpers.ts", "README.md", "node_modules/x/y.step.ts", ".git/a_step.py"]
        ignored.append("steps/__pycache__/a_step.py")
        assert [p for p in watched if session.relevant(None, str(tmp_path / p))] == watched
        assert [p for p in ignored if session.relevant(None, str(tmp_path / p))] == []
