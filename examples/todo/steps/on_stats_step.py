"""When a list's counters change and nothing is left open, announce that the list is cleared."""

from motia import StateTriggerInput, enqueue, state

config = {
    "name": "OnStats",
    "description": "Announce lists with nothing left to do",
    "flows": ["todo"],
    "triggers": [state(condition=lambda change, ctx: change.group_id == "stats")],
    "enqueues": ["list.cleared"],
}


def handler(change: StateTriggerInput) -> None:
    stats = change.new_value or {}
    if stats.get("done", 0) > 0 and stats.get("open", 0) == 0:
        enqueue({"topic": "list.cleared", "data": {"list": change.item_id, "done": stats["done"]}})
