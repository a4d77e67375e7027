from motia import queue


config = {"name": "OnItemChanged", "triggers": [queue("item.changed")]}


async def handler(input, ctx):
    ctx.logger.info("changed")
