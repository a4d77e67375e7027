config = {
    "type": "event",
    "name": "order-created",
    "subscribes": ["order-created"],
    "emits": ["class"],
    "input": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
}


async def handler(input, context):
    await context.emit({"topic": "class", "data": {"name": input["id"]}})
