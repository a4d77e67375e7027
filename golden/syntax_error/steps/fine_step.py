config = {"type": "cron", "name": "StillRead", "cron": "* * * * *", "emits": []}


async def handler(context):
    pass
