from typing import Any

from motia import FlowContext, logger, queue

config = {
    "name": "Greeted",
    "triggers": [queue("greeted", input={"type": "object"})],
    "enqueues": ["greet.requested"],
}


async def handler(data: Any, ctx: FlowContext[Any]) -> None:
    logger.info("greeted", {"name": data["name"], "trace": ctx.trace_id, "kind": ctx.trigger.type})
    summary = {"count": 1}
    await ctx.enqueue({"topic": "greet.requested", "data": summary})
