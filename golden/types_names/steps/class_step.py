config = {
    "type": "event",
    "name": "class",
    "subscribes": ["class"],
    "emits": [],
    "input": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
}


async def handler(input, context):
    context.logger.info("class", {"name": input["name"].title()})
