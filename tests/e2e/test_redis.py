"""examples/orders served on Redis (`motia start --backend redis://…`), over real HTTP: state, FIFO
groups, retries and dead letters all in the server, `motia dlq` on the same backend; and a Redis that does
not answer stops the start with one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands import motia
from tests.e2e.server import build, copy_example, eventually, read_record, running, start
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
