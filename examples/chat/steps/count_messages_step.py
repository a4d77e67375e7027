"""Counts each room's messages: a stream trigger on new items of `messages`, counting in state."""

from motia import StreamTriggerInput, stream
from motia_types.steps.count_messages import Context, Input


def is_new_message(change: StreamTriggerInput, ctx: Context) -> bool:
    return change.event.type == "create"


config = {
    "name": "CountMessages",
    "description": "Keeps a message count per room",
    "flows": ["chat"],
    "triggers": [stream("messages", condition=is_new_message)],
    "enqueues": [],
}


async def handler(change: Input, ctx: Context) -> None:
    await ctx.state.update("room-stats", change.group_id, [{"type": "increment", "path": "messages", "by": 1}])
