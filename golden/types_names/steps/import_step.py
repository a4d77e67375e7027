config = {
    "type": "event",
    "name": "import",
    "subscribes": ["import"],
    "emits": ["注文"],
    "input": {
        "type": "object",
        "properties": {"source": {"type": "string"}, "count": {"type": "integer"}},
        "required": ["source", "count"],
    },
}


async def handler(input, context):
    await context.state.set("imports", input["source"], input["count"] + 1)
    await context.emit({"topic": "注文", "data": [input["source"], input["count"]]})
