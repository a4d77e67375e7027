from motia import cron

config = {"name": "Tick", "triggers": [cron("0 * * * *")], "enqueues": ["greeted"]}


async def handler(input, ctx):
    await ctx.enqueue({"topic": "greeted", "data": {"name": "tick", "extra": [1, 2]}})
    totals = {"name": "sum", "total": 3}
    await ctx.enqueue({"topic": "greeted", "data": totals})
