"""examples/orders end to end, over real HTTP: FIFO order per customer, a retried payment, an out-of-stock
order in the dead letters, and its replay with `motia dlq replay` once the stock is there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.server import build, copy_example, eventually, motia, read_record, running

pytestmark = pytest.mark.slow


def test_orders_are_reserved_in_order_retried_dead_lettered_and_replayed(tmp_path: Path) -> None:
    app = copy_example("orders", tmp_path)
    build(app)
    with running(app) as server, server.client() as client:
        assert client.put("/inventory/tea", json={"qty": 10}).status_code == 200
        placed: dict[str, list[str]] = {"c-1": [], "c-2": []}
        for n in range(8):
            customer = "c-1" if n % 2 == 0 else "c-2"
            order = {"customerId": customer, "items": [{"sku": "tea", "qty": 1}]}
            answer = client.post("/orders", json=order)
            assert answer.status_code == 202, answer.text
            placed[customer].append(answer.json()["orderId"])

        def all_paid() -> bool:
            return all(
                client.get(f"/orders/{order_id}").json()["status"] == "paid"
                for orders in placed.values()
                for order_id in orders
            )

        eventually(all_paid, what="every order paid")
        for customer, orders in placed.items():  # FIFO per customer: reserved in the order placed
            assert read_record(app, "state", "history", customer) == orders
            for order_id in orders:  # the first payment attempt always times out: each took a retry
                assert read_record(app, "state", "payment-attempts", order_id) == {"count": 2}
                assert read_record(app, "stream:orders", customer, order_id)["status"] == "paid"
        assert read_record(app, "state", "inventory", "tea") == {"sku": "tea", "qty": 2}
        assert client.get("/orders/o-missing").status_code == 404

        poison = client.post("/orders", json={"customerId": "c-3", "items": [{"sku": "coffee", "qty": 1}]})
        order_id = poison.json()["orderId"]

        def dead_letters() -> list[dict[str, object]] | None:
            found = json.loads(motia("dlq", "list", str(app), "--format", "json").stdout or "[]")
            return found or None

        (letter,) = eventually(dead_letters, what="the out-of-stock order in the dead letters")
        assert letter["topic"] == "order.placed"
        assert letter["step"] == "ReserveStock"
        assert letter["attempts"] == 3  # the first delivery and maxRetries 2
        assert "OutOfStock" in str(letter["reason"])
        assert "coffee: 0 in stock, 1 wanted" in str(letter["reason"])
        assert letter["messageGroupId"] == "c-3"
        assert client.get(f"/orders/{order_id}").json()["status"] == "placed"

        assert client.put("/inventory/coffee", json={"qty": 1}).status_code == 200
        replayed = motia("dlq", "replay", str(letter["id"]), "--app", str(app))
        assert replayed.returncode == 0, replayed.stderr
        status = lambda: client.get(f"/orders/{order_id}").json()["status"]  # noqa: E731
        eventually(lambda: status() == "paid", what="the replayed order paid")
        assert motia("dlq", "list", str(app)).stdout.strip() == "no dead letters"

        invalid = client.post("/orders", json={"customerId": "c-1", "items": []})
        assert invalid.status_code == 400
        assert invalid.json()["errors"][0]["path"] == "/items"
