from motia import queue

SCHEMA = {"type": "object", "properties": {"id": {"type": "integer"}}}

config = {"name": "Audit", "triggers": [queue("order_created", input=SCHEMA)], "enqueues": []}


async def handler(input, ctx):
    pass
