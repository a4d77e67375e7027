config = {
    "type": "api",
    "name": "RecentOrders",
    "path": "/orders/recent",
    "method": "GET",
    "emits": [],
    "flows": ["orders"],
}


async def handler(req, context):
    return {"status": 200, "body": await context.state.get_group("orders")}
