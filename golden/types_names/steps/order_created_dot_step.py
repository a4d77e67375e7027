config = {
    "type": "event",
    "name": "order.created",
    "subscribes": ["order.created"],
    "emits": ["import"],
    "input": {
        "type": "object",
        "properties": {"orderId": {"type": "string"}, "items": {"type": "integer"}},
        "required": ["orderId", "items"],
    },
}


async def handler(input, context):
    await context.emit({"topic": "import", "data": {"source": input["orderId"], "count": input["items"]}})
