config = {
    "type": "api",
    "name": "OrderStatus",
    "path": "/orders/:orderId/",
    "method": "GET",
    "emits": [],
    "flows": ["orders"],
}


async def handler(req, context):
    return {"status": 200, "body": await context.state.get("status", req["pathParams"]["orderId"])}
