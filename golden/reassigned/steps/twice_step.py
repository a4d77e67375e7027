config = {"type": "cron", "name": "First", "cron": "* * * * *", "emits": []}
config = {"type": "cron", "name": "Second", "cron": "* * * * *", "emits": []}  # expect: MG110


async def handler(context):
    pass
