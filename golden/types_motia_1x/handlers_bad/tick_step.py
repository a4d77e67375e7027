from motia import cron

config = {"name": "Tick", "triggers": [cron("0 * * * *")], "enqueues": ["greeted"]}


async def handler(input, ctx):
    await ctx.enqueue({"topic": "greetd", "data": {"name": "tick"}})  # expect: MG300
    totals = {"name": "sum", "total": 3}
    await ctx.enqueue({"topic": "greeted", "data": totals})
