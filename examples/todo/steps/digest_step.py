"""One step, two triggers, told apart with `ctx.match`: cleared lists are recorded as they come, and a
morning cron sums them up."""

from typing import Any

from motia import FlowContext, cron, logger, queue, stateManager

config = {
    "name": "Digest",
    "description": "Record cleared lists; sum them up every morning",
    "flows": ["todo"],
    "triggers": [queue("list.cleared"), cron("0 0 8 * * *")],
    "enqueues": [],
}


async def handler(input: Any, ctx: FlowContext[Any]) -> Any:
    def on_cleared(cleared: Any) -> None:
        stateManager.set("cleared", cleared["list"], cleared)

    async def on_morning() -> None:
        cleared = stateManager.list("cleared")
        logger.info("Digest", {"cleared_lists": len(cleared)})

    return await ctx.match({"queue": on_cleared, "cron": on_morning})
