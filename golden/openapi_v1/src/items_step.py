from motia import http, queue

from src.models import Item, StockLevel


async def require_key(req, ctx, next_fn):
    return await next_fn()


config = {
    "name": "Items",
    "description": "Read and replace stock items",
    "flows": ["inventory"],
    "triggers": [
        http("GET", "/items/:sku", response_schema={200: StockLevel}, middleware=[require_key]),
        http(
            "PUT",
            "/items/:sku",
            body_schema=Item,
            response_schema={200: StockLevel, 404: {"type": "object", "properties": {}}},
            query_params=[{"name": "dryRun", "description": "Validate without saving"}],
        ),
        queue("item.restocked", input=Item),
    ],
    "enqueues": ["item.changed"],
}


async def handler(input, ctx):
    await ctx.enqueue({"topic": "item.changed", "data": {}})
    return {"status": 200, "body": {"sku": "ABC-1", "available": 1}}
