"""Reserves stock for each order, one order at a time per customer (a FIFO queue grouped by customer).

An order for stock that is not there fails; after its retries it ends in the dead letters, where an
operator can replay it once the stock has arrived (`PUT /inventory/:sku`, then `motia dlq replay`).
"""

from motia import queue
from motia_types.steps.reserve_stock import Context, Input
from motia_types.streams import Orders

from steps.models import Order


class OutOfStock(Exception):
    pass


config = {
    "name": "ReserveStock",
    "description": "Takes each order's items out of the inventory",
    "flows": ["orders"],
    "triggers": [
        queue(
            "order.placed",
            input=Order,
            config={"type": "fifo", "maxRetries": 2, "backoffDelayMs": 50, "backoffType": "fixed"},
        )
    ],
    # Only when every item is in stock (otherwise the order fails towards the dead letters).
    "enqueues": [{"topic": "order.reserved", "label": "In stock", "conditional": True}],
}


async def handler(order: Input, ctx: Context) -> None:
    for item in order["items"]:
        stock = await ctx.state.get("inventory", item["sku"])
        available = stock["qty"] if stock else 0
        if available < item["qty"]:
            raise OutOfStock(f"{item['sku']}: {available} in stock, {item['qty']} wanted")
    for item in order["items"]:
        decrement = {"type": "decrement", "path": "qty", "by": item["qty"]}
        await ctx.state.update("inventory", item["sku"], [decrement])
    # Safe without a lock: the queue runs one order at a time per customer.
    history = await ctx.state.get("history", order["customerId"]) or []
    await ctx.state.set("history", order["customerId"], [*history, order["orderId"]])
    status: Orders = {"orderId": order["orderId"], "customerId": order["customerId"], "status": "reserved"}
    await ctx.state.set("orders", order["orderId"], status)
    await ctx.streams.orders.set(order["customerId"], order["orderId"], status)
    await ctx.enqueue({"topic": "order.reserved", "data": order})
