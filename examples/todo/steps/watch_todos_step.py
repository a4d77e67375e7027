"""Every change of the `todo` stream leaves an activity line (a stream trigger, one-argument handler)."""

from motia import StreamTriggerInput, stateManager, stream

config = {
    "name": "WatchTodos",
    "description": "Record the latest change of each to-do",
    "flows": ["todo"],
    "triggers": [stream("todo")],
    "enqueues": [],
}


def handler(change: StreamTriggerInput) -> None:
    stateManager.set("activity", change.id, {"event": change.event.type, "list": change.group_id})
