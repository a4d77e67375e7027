from motia import queue

config = {
    "name": "Orders",
    "triggers": [queue("order_created", input={"type": "object", "properties": {"id": {"type": "string"}}})],  # expect: MG207
    "enqueues": ["order.checked"],
}


async def handler(input, ctx):
    await ctx.enqueue({"topic": "order.checked", "data": {"id": input["id"]}})
