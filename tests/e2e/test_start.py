"""`motia start` on an app that was never built: it builds, then serves from a runtime-only process."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.server import copy_example, running

pytestmark = pytest.mark.slow


def test_start_builds_an_unbuilt_app_then_serves_it(tmp_path: Path) -> None:
    app = copy_example("orders", tmp_path)
    assert not (app / "dist").exists()
    with running(app) as server, server.client() as client:
        assert (app / "dist" / "dispatch.py").is_file()
        missing = client.get("/orders/o-none")
        assert missing.status_code == 404
        assert missing.json() == {"error": "no order o-none"}
    log = server.log.read_text(encoding="utf-8")
    assert "holds no built app: building it first" in log
    assert "wrote dist/" in log
