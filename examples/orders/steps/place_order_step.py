"""POST /orders: accepts an order and queues it; orders of one customer are processed in order."""

import uuid

from motia import ApiResponse, http
from motia_types.steps.place_order import Context, Request, Response
from motia_types.streams import Orders
from motia_types.topics import OrderPlaced

from steps.models import Accepted, PlaceOrder

config = {
    "name": "PlaceOrder",
    "description": "Accepts an order and queues it for stock reservation",
    "flows": ["orders"],
    "triggers": [http("POST", "/orders", body_schema=PlaceOrder, response_schema={202: Accepted})],
    "enqueues": ["order.placed"],
}


async def handler(request: Request, ctx: Context) -> Response:
    body = request.body
    order_id = f"o-{uuid.uuid4().hex[:12]}"
    status: Orders = {"orderId": order_id, "customerId": body["customerId"], "status": "placed"}
    await ctx.state.set("orders", order_id, status)
    await ctx.streams.orders.set(body["customerId"], order_id, status)
    order: OrderPlaced = {"orderId": order_id, "customerId": body["customerId"], "items": body["items"]}
    await ctx.enqueue({"topic": "order.placed", "data": order, "messageGroupId": body["customerId"]})
    ctx.logger.info("Order placed", {"orderId": order_id})
    return ApiResponse(status=202, body={"orderId": order_id})
