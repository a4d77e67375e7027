config = {"type": "cron", "name": "Nightly", "cron": "0 25 * * *", "emits": ["user.created"]}  # expect: MG220


async def handler(context):
    await context.emit({"topic": "user.created", "data": {}})
