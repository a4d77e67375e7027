from motia import cron, http as h, queue, state, stream
from pydantic import BaseModel


class Ping(BaseModel):
    message: str


def only_big(input, ctx):
    return input["total"] > 100


async def auth(req, ctx, next_fn):
    return await next_fn()


config = {
    "name": "MultiTrigger",
    "description": "one handler, five triggers",
    "triggers": [
        h("GET", "/ping/:id", response_schema={200: Ping}, middleware=[auth]),
        queue("order.archived", input=Ping, config={"type": "fifo", "maxRetries": 2}, condition=only_big),
        cron("0 */5 * * * *"),
        state(),
        stream("orders", group_id="all"),
    ],
    "enqueues": ["order.pinged"],
    "virtualSubscribes": ["order.approved"],
}


async def handler(input, ctx):
    await ctx.enqueue({"topic": "order.pinged", "data": {}})
    return await ctx.match({"http": lambda req: {"status": 200, "body": {"message": "pong"}}})
