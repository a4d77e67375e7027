from motia import ApiResponse, http, queue
from pydantic import BaseModel


class Order(BaseModel):
    id: str
    total: float


config = {
    "name": "Orders",
    "triggers": [
        http("POST", "/orders/:id", body_schema=Order, response_schema={200: Order}),
        queue("order.retry", input=Order),
    ],
    "enqueues": ["order.placed"],
}


async def handler(input, ctx):
    if ctx.trigger is not None and ctx.trigger.type == "http":
        return ApiResponse(status=200, body={"id": "1", "total": 2.0})
    await ctx.enqueue({"topic": "order.placed", "data": {"id": "1", "total": 2.0}})
    return None
