"""examples/todo end to end, over real HTTP: an app written the way Motia 1.x's documentation writes it
(sync and async one-argument handlers calling `enqueue`, `Stream` handles and `stateManager` without
`await`, lambda conditions, a stream defined only by `Stream("todo")`, `ctx.match`, `.env`, a streamed
response). Every write arrives, the triggers fire, and no coroutine is ever left un-awaited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.server import build, copy_example, eventually, read_namespace, read_record, running

pytestmark = pytest.mark.slow


def test_a_motia_1x_app_runs_unchanged_and_loses_nothing(tmp_path: Path) -> None:
    app = copy_example("todo", tmp_path)
    (app / ".env").write_text("TODO_DEFAULT_LIST=home\n", encoding="utf-8")
    build(app)
    strict = {"PYTHONWARNINGS": "error::RuntimeWarning"}  # an un-awaited coroutine would fail loudly
    with running(app, env=strict) as server, server.client() as client:
        created = client.post("/todos", json={"title": "milk"})
        assert created.status_code == 201, created.text
        milk = created.json()
        assert milk == {"title": "milk", "list": "home", "done": False, "id": milk["id"]}  # .env default
        scratch = client.post("/todos", json={"title": "doodle", "list": "scratch"}).json()
        assert client.post("/todos", json={"title": ""}).status_code == 400  # the body schema holds

        assert client.get("/todos").json() == {"list": "home", "todos": [milk]}
        assert client.get("/todos", params={"list": "scratch"}).json()["todos"] == [scratch]

        completed = client.post(f"/lists/home/todos/{milk['id']}/complete")
        assert completed.status_code == 200, completed.text
        assert completed.json()["done"] is True
        assert client.post("/lists/home/todos/nope/complete").status_code == 404

        def record(namespace: str, group: str, key: str, expected: Any) -> bool:
            return bool(read_record(app, namespace, group, key) == expected)

        # queue triggers (lambda conditions), the state trigger, ctx.match, the stream trigger
        eventually(lambda: record("state", "stats", "home", {"open": 0, "done": 1}), what="home counted")
        eventually(lambda: record("state", "cleared", "home", {"list": "home", "done": 1}), what="cleared")
        eventually(
            lambda: record("state", "activity", milk["id"], {"event": "update", "list": "home"}),
            what="the stream trigger on the update",
        )
        eventually(
            lambda: record("state", "activity", scratch["id"], {"event": "create", "list": "scratch"}),
            what="the stream trigger on the create",
        )
        # exactly what the handlers wrote: scratch was never counted (the lambda condition said no)
        assert read_namespace(app, "state") == {
            "activity": {
                milk["id"]: {"event": "update", "list": "home"},
                scratch["id"]: {"event": "create", "list": "scratch"},
            },
            "cleared": {"home": {"list": "home", "done": 1}},
            "stats": {"home": {"open": 0, "done": 1}},
        }
        assert read_namespace(app, "stream:todo") == {
            "home": {milk["id"]: {**milk, "done": True}},
            "scratch": {scratch["id"]: scratch},
        }

        events = client.get("/lists/home/events")
        assert events.status_code == 200
        assert events.headers["content-type"].startswith("text/event-stream")
        assert events.text.endswith('event: done\ndata: {"total": 1}\n\n')
        assert events.text.count("event: todo\n") == 1
    log = server.log.read_text(encoding="utf-8")
    assert "RuntimeWarning" not in log
    assert "was not awaited" not in log
    assert [line for line in server.logs() if line["level"] == "error"] == []
