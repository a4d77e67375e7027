"""examples/orders served on Redis (`motia start --backend redis://…`), over real HTTP: state, FIFO
groups, retries and dead letters all in the server, `motia dlq` on the same backend; an HTTP-only
instance with a worker beside it; and a Redis that does not answer stops the start with one line."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import pytest
from motia.storage.select import open_backend

from tests.commands import motia
from tests.e2e.server import build, copy_example, eventually, read_record, running, start, start_worker
from tests.redis_server import free_port, redis_server

pytestmark = pytest.mark.slow


def test_orders_run_on_redis(tmp_path: Path) -> None:
    app = copy_example("orders", tmp_path)
    build(app)
    with redis_server() as url, running(app, options=("--backend", url)) as server, server.client() as client:
        assert client.put("/inventory/tea", json={"qty": 4}).status_code == 200
        placed = [client.post("/orders", json={"customerId": "c-1", "items": [{"sku": "tea", "qty": 1}]})]
        placed.append(client.post("/orders", json={"customerId": "c-1", "items": [{"sku": "tea", "qty": 1}]}))
        ids = [answer.json()["orderId"] for answer in placed]
        paid = lambda: all(client.get(f"/orders/{i}").json()["status"] == "paid" for i in ids)  # noqa: E731
        eventually(paid, what="both orders paid")
        assert read_record(app, "state", "history", "c-1", url) == ids  # FIFO: in the order placed
        assert read_record(app, "state", "inventory", "tea", url) == {"sku": "tea", "qty": 2}
        assert read_record(app, "stream:orders", "c-1", ids[0], url)["status"] == "paid"
        assert not (app / ".motia" / "motia.sqlite3").exists()  # nothing went to the default store

        client.post("/orders", json={"customerId": "c-2", "items": [{"sku": "coffee", "qty": 1}]})

        def dead_letters() -> list[dict[str, object]] | None:
            listed = motia("dlq", "list", str(app), "--format", "json", env={"MOTIA_BACKEND": url})
            return json.loads(listed.stdout or "[]") or None

        (letter,) = eventually(dead_letters, what="the out-of-stock order in the dead letters")
        assert (letter["topic"], letter["attempts"], letter["messageGroupId"]) == ("order.placed", 3, "c-2")


def test_a_redis_that_does_not_answer_stops_the_start(tmp_path: Path) -> None:
    app = copy_example("orders", tmp_path)
    build(app)
    nowhere = f"redis://:secret@127.0.0.1:{free_port()}/0"
    with pytest.raises(AssertionError) as failed:
        start(app, options=("--backend", nowhere))
    assert (
        f"motia: cannot reach the Redis backend at redis://:***@127.0.0.1:{nowhere.rsplit(':', 1)[1]}"
        in str(failed.value)
    )
    assert "secret" not in str(failed.value)
    assert "Traceback" not in str(failed.value)


def _pending(app: Path, url: str) -> int:
    async def count() -> int:
        backend = open_backend(app, url)
        try:
            return await backend.pending()
        finally:
            await backend.close()

    return asyncio.run(count())


def test_an_http_only_instance_leaves_the_events_to_a_worker(tmp_path: Path) -> None:
    """`--no-workers` answers requests and stores their events; nothing handles them until a `--no-http`
    worker starts, which handles them without listening on any port and stops cleanly on SIGTERM."""
    app = copy_example("orders", tmp_path)
    build(app)
    with redis_server() as url, running(app, options=("--backend", url, "--no-workers")) as web:
        with web.client() as client:
            assert client.put("/inventory/tea", json={"qty": 4}).status_code == 200
            placed = client.post("/orders", json={"customerId": "c-1", "items": [{"sku": "tea", "qty": 1}]})
            assert placed.status_code == 202, placed.text
            order = placed.json()["orderId"]
            assert _pending(app, url) == 1  # stored, and no one here to handle it
            assert client.get(f"/orders/{order}").json()["status"] == "placed"
            worker = start_worker(app, options=("--backend", url))
            try:
                paid = lambda: client.get(f"/orders/{order}").json()["status"] == "paid"  # noqa: E731
                eventually(paid, what="the order paid by the worker")
                with socket.socket() as probe:  # the worker serves no HTTP on the port it was given
                    assert probe.connect_ex(("127.0.0.1", worker.port)) != 0
            finally:
                assert worker.stop() == 0
        assert "serving" in web.log.read_text(encoding="utf-8")
        assert "HTTP only" in web.log.read_text(encoding="utf-8")


def test_no_http_and_no_workers_is_refused(tmp_path: Path) -> None:
    app = copy_example("orders", tmp_path)
    result = motia("start", str(app), "--no-http", "--no-workers")
    assert result.returncode == 2
    assert "leaves nothing to run" in result.stderr
