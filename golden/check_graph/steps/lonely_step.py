from motia import queue

config = {
    "name": "Lonely",
    "triggers": [queue("inbox.scanned")],  # expect: MG205
    "enqueues": ["report.ready"],  # expect: MG204
}


async def handler(data, ctx):
    await ctx.enqueue({"topic": "report.ready", "data": {}})
