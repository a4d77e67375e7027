from motia import queue

config = {"name": "Recheck", "triggers": [queue("order.rechecked")], "enqueues": ["order.checked"]}


async def handler(input, ctx):
    await ctx.enqueue({"topic": "order.checked", "data": {}})
