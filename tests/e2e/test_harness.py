"""`motia.testing.TestApp` on a built example, as docs/runtime.md shows app authors using it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from motia.testing import TestApp
from motia.web.serve import load_dispatch

from tests.e2e.server import build, copy_example

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("isolated_imports")]


def test_placing_an_order_reserves_stock_in_process(tmp_path: Path) -> None:
    app_root = copy_example("orders", tmp_path)
    build(app_root)
    spec = load_dispatch(app_root / "dist")

    async def scenario() -> None:
        async with TestApp(spec) as app:
            await app.put("/inventory/tea", json={"qty": 5})
            order = {"customerId": "c-1", "items": [{"sku": "tea", "qty": 1}]}
            placed = await app.post("/orders", json=order)
            assert placed.status_code == 202
            await app.wait_idle()
            order_id = placed.json()["orderId"]
            assert await app.state.get("history", "c-1") == [order_id]
            assert (await app.state.get("orders", order_id))["status"] == "paid"
            assert await app.dead_letters() == []
            assert any(line["msg"] == "Order paid" for line in app.logs)

    asyncio.run(scenario())
