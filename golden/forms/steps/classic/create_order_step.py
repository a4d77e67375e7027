from steps.shared.constants import BASE, ORDER_CREATED, PREFIX
from steps.shared.models import Order, OrderCreated

config = {
    "type": "api",
    "name": "CreateOrder",
    "path": f"{PREFIX}/orders/:id",
    "method": "POST",
    "emits": [ORDER_CREATED, {"topic": "order.audited", "label": "Audit", "conditional": True}],
    "bodySchema": Order.model_json_schema(),
    "responseSchema": {201: OrderCreated.model_json_schema(), 400: {"type": "object", "properties": {}}},
    "queryParams": [{"name": "dryRun", "description": "Validate only"}],
    **BASE,
}


async def handler(req, context):
    order_id = req.get("pathParams", {}).get("id")
    topic = ORDER_CREATED
    await context.emit({"topic": topic, "data": {"id": order_id}, "messageGroupId": order_id})
    await context.emit({"topic": "order.audited", "data": {"id": order_id}})
    await context.streams.orders.set("all", order_id, {"id": order_id})
    if not order_id:
        return {"status": 400, "body": {}}
    return {"status": 201, "body": {"id": order_id}}
