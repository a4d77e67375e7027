config = {"type": "cron", "name": "Nightly", "cron": "0 3 * * *", "emits": []}


async def handler(context):
    await context.state.clear("orders")
