from steps.shop.models import Customer, Order

config = {
    "type": "api",
    "name": "PlaceOrder",
    "path": "/shop/orders",
    "method": "POST",
    "emits": [],
    "flows": ["shop"],
    "bodySchema": Order.model_json_schema(),
    "responseSchema": {201: Customer.model_json_schema()},
}


async def handler(req, context):
    return {"status": 201, "body": req.get("body", {}).get("customer")}
