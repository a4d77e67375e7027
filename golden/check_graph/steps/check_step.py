from motia import queue

config = {"name": "Check", "triggers": [queue("order.checked")], "enqueues": ["order.rechecked"]}  # expect: MG206


async def handler(input, ctx):
    await ctx.enqueue({"topic": "order.rechecked", "data": {}})
