config = {
    "type": "api",
    "name": "GetOrder",
    "path": "/orders/:id",
    "method": "GET",
    "emits": [],
    "flows": ["orders"],
}


async def handler(req, context):
    order = await context.state.get("orders", req["pathParams"]["orderId"])
    return {"status": 200, "body": order}
