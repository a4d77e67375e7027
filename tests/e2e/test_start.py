"""`motia start` on an app that was never built: it builds, then serves from a runtime-only process."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.server import copy_example, eventually, running

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
    with running(app):  # brought up to date
        pass

    added = app / "steps" / "ping_step.py"  # a step file the build never saw
    added.write_text(
        'config = {"type": "api", "name": "Ping", "path": "/ping", "method": "GET", "emits": []}\n\n\n'
        'async def handler(req, context):\n    return {"status": 200, "body": {"pong": True}}\n',
        encoding="utf-8",
    )
    with running(app) as fourth, fourth.client() as client:
        assert client.get("/ping").json() == {"pong": True}
    assert "steps/ping_step.py changed since" in fourth.log.read_text(encoding="utf-8")


def test_debug_logs_every_request_and_event_and_motia_dir_holds_the_data(tmp_path: Path) -> None:
    app = copy_example("orders", tmp_path)
    data = tmp_path / "data"
    with running(app, options=("--debug", "--motia-dir", str(data))) as server, server.client() as client:
        assert client.put("/inventory/tea", json={"qty": 4}).status_code == 200
        placed = client.post("/orders", json={"customerId": "c-1", "items": [{"sku": "tea", "qty": 1}]})
        assert placed.status_code == 202
        trace = placed.headers["x-trace-id"]
        order = placed.json()["orderId"]
        eventually(lambda: client.get(f"/orders/{order}").json()["status"] == "paid", what="the order paid")
    records = server.logs()
    access = [r for r in records if r.get("logger") == "motia.http.access"]
    (post,) = [r for r in access if r["method"] == "POST"]
    assert (post["path"], post["status"], post["traceId"]) == ("/orders", 202, trace)
    assert isinstance(post["durationMs"], float)
    assert post["msg"].startswith("POST /orders 202 ")
    assert any(r["method"] == "GET" and r["status"] == 200 for r in access)
    queue = [r for r in records if r.get("logger") == "motia.queue" and r.get("traceId") == trace]
    assert any(r["level"] == "debug" and r["msg"].startswith("enqueued order.placed for ") for r in queue)
    assert any(r["level"] == "debug" and "handled (attempt 1)" in r["msg"] for r in queue)
    assert (data / "motia.sqlite3").is_file()
    assert not (app / ".motia" / "motia.sqlite3").exists()

    with running(app, options=("--motia-dir", str(data))) as quiet, quiet.client() as client:
        assert client.get(f"/orders/{order}").json()["status"] == "paid"  # the same data
    assert not [r for r in quiet.logs() if r.get("logger") == "motia.http.access"]
    assert not [r for r in quiet.logs() if r["level"] == "debug"]
