"""Operating a running app from the command line: `motia cron run` (one run now, by the running app),
`motia state get|list|set|delete` and `motia stream get|list` on the app's store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands import motia
from tests.e2e.server import copy_example, eventually, running

pytestmark = pytest.mark.slow


def test_cron_run_has_the_running_app_run_the_job_once_now(tmp_path: Path) -> None:
    app = copy_example("todo", tmp_path)
    with running(app) as server:
        queued = motia("cron", "run", "Digest", "--app", str(app))
        assert queued.returncode == 0, queued.stderr
        trace = queued.stdout.split("(trace ")[1].split(")")[0]

        def ran() -> bool:
            lines = [r for r in server.logs() if r.get("traceId") == trace]
            return any(r["msg"] == "Digest" and r.get("cleared_lists") == 0 for r in lines)

        eventually(ran, what="the digest logged under the run's trace id")
        mine = [r for r in server.logs() if r.get("traceId") == trace]
        assert [r["msg"] for r in mine].count("Digest") == 1
        assert any(r["msg"] == "running cron job Digest on request" for r in mine)

    typo = motia("cron", "run", "Digst", "--app", str(app))
    assert typo.returncode == 1
    assert "no cron job named 'Digst'; did you mean 'Digest'?" in typo.stderr
    not_cron = motia("cron", "run", "CreateTodo", "--app", str(app))
    assert not_cron.returncode == 1


def test_state_and_stream_commands_read_and_write_the_store(tmp_path: Path) -> None:
    app = copy_example("orders", tmp_path)
    with running(app) as server, server.client() as client:
        client.put("/inventory/tea", json={"qty": 4})
        placed = client.post("/orders", json={"customerId": "c-1", "items": [{"sku": "tea", "qty": 1}]})
        order = placed.json()["orderId"]
        eventually(lambda: client.get(f"/orders/{order}").json()["status"] == "paid", what="paid")

        def run(*args: str) -> str:
            result = motia(*args, "--app", str(app))
            assert result.returncode == 0, result.stderr
            return result.stdout

        assert json.loads(run("state", "get", "inventory", "tea")) == {"sku": "tea", "qty": 3}
        assert "inventory" in json.loads(run("state", "list"))
        assert json.loads(run("state", "list", "inventory")) == {"tea": {"sku": "tea", "qty": 3}}
        assert run("state", "set", "inventory", "mug", '{"sku": "mug", "qty": 2}') == "set inventory/mug\n"
        assert client.put("/inventory/mug", json={"qty": 5}).status_code == 200  # the app sees the same store
        assert json.loads(run("state", "get", "inventory", "mug")) == {"sku": "mug", "qty": 5}
        assert json.loads(run("state", "delete", "inventory", "mug"))["qty"] == 5
        missing = motia("state", "get", "inventory", "mug", "--app", str(app))
        assert (missing.returncode, missing.stderr) == (1, "error: no state value inventory/mug\n")
        bad = motia("state", "set", "inventory", "x", "{oops", "--app", str(app))
        assert bad.returncode == 2
        assert "not valid JSON" in bad.stderr

        assert json.loads(run("stream", "list", "orders")) == ["c-1"]
        assert json.loads(run("stream", "get", "orders", "c-1", order))["status"] == "paid"
        assert list(json.loads(run("stream", "list", "orders", "c-1"))) == [order]
