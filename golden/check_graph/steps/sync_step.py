from motia import queue

config = {
    "name": "DatabaseSync",
    "triggers": [queue("webhook.received")],
    "enqueues": ["like:database-sync", "order_created"],
}


async def handler(input, ctx):
    await ctx.enqueue({"topic": "like:database-sync", "data": {}})
    await ctx.enqueue({"topic": "order_created", "data": {"id": "1"}})  # expect: MG208
