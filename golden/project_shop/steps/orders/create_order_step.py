from steps.models import Order, OrderBody

config = {
    "type": "api",
    "name": "CreateOrder",
    "description": "Accepts an order and hands it to billing",
    "path": "/orders",
    "method": "post",
    "emits": ["order.created"],
    "bodySchema": OrderBody.model_json_schema(),
    "responseSchema": {201: Order.model_json_schema()},
    "flows": ["orders"],
}


async def handler(req, context):
    order = {"id": context.trace_id, **req["body"], "customerId": req["headers"]["x-customer"]}
    await context.state.set("orders", order["id"], order)
    await context.streams.order.set("all", order["id"], order)
    await context.emit({"topic": "order.created", "data": {"id": order["id"], "sku": order["sku"]}})
    if order["quantity"] > 100:
        return {"status": 202, "body": order}
    return {"status": 201, "body": order}
