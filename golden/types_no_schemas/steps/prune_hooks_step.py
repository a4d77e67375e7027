config = {"type": "cron", "name": "PruneHooks", "cron": "0 0 * * 0", "emits": []}


async def handler(context):
    for group in await context.state.list_groups():
        await context.state.clear(group)
