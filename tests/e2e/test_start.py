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


def test_start_rebuilds_when_a_step_file_changed_since_the_build(tmp_path: Path) -> None:
    app = copy_example("orders", tmp_path)
    with running(app) as first:
        pass
    assert "building it again" not in first.log.read_text(encoding="utf-8")
    steps = sorted((app / "steps").rglob("*_step.py"))
    edited = steps[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    with running(app) as second:
        pass
    log = second.log.read_text(encoding="utf-8")
    relative = edited.relative_to(app).as_posix()
    assert f"{relative} changed since {app / 'dist'} was built: building it again" in log
    edited.write_text(edited.read_text(encoding="utf-8") + "# edited again\n", encoding="utf-8")
    with running(app, options=("--no-build-check",)) as third:  # stale, and served as it is
        pass
    assert "building it again" not in third.log.read_text(encoding="utf-8")
