config = {"type": "cron", "name": "Tick", "cron": "*/5 * * * *", "emits": []}


async def handler(context):
    context.logger.info("tick")
