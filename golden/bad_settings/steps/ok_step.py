config = {"type": "cron", "name": "Ok", "cron": "* * * * *", "emits": []}


async def handler(context):
    pass
