config = {"type": "event", "name": "通知", "subscribes": ["注文"], "emits": []}


async def handler(input, context):
    context.logger.info("通知", {"payload": input})
