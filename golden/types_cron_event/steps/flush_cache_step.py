config = {"type": "event", "name": "FlushCache", "subscribes": ["cache.flush"], "emits": []}


async def handler(_input, context):
    for group in await context.state.list_groups():
        await context.state.clear(group)
